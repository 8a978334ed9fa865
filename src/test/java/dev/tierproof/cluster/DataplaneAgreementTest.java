package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Soundness where the dataplanes disagree (specs/semantics.md S9.1, S9.2; S4.6, S6.11, S6.12): on
 * {@link RandomCluster}s (with {@link RandomTranslatedForward}'s policy) loaded with no dataplane
 * chosen, sampled concrete flows of every shape (a workload and outside either way, two workloads
 * on one node or two, a workload and a host endpoint on its node or another, two outside addresses
 * routed through a node; each packet also sent to inbound failsafe ports and as ICMPv6 host
 * discovery) are evaluated in every placement under {@code iptables}, {@code nftables} and {@code
 * bpf} (with its nat-outgoing translation before the egress forward rules, which eval leaves out:
 * {@link EbpfNatOutgoing}) and with none chosen. Wherever their verdicts differ the analysis with
 * no dataplane must not answer: the flow's own answer ({@link Relevance#verdict}) and the question
 * between its two ends ({@link Relevance#question}, or {@link Relevance#absence} when the flow is
 * denied with none chosen) name an unmodelled element; where a dataplane holds the flow as a host's
 * loopback flow (spec S6.13), no flow of its questions, the flow's own answer. {@code
 * -Dagreement.cases=N} clusters (default 150) from {@code -Dagreement.seed=S} (default 1).
 */
class DataplaneAgreementTest {

  private static final int CASES = Runs.cases("agreement.cases", 150, 3000);
  private static final long SEED = Long.getLong("agreement.seed", 1);
  private static final int FLOWS = 40;

  private static final List<String> LABELS =
      List.of(
          "clusters",
          "placed flows",
          "flows the dataplanes disagree on",
          "of them to an inbound failsafe port",
          "of them ICMPv6 host discovery",
          "of them routed between outside addresses",
          "of them between a workload and outside",
          "of them local",
          "of them from a workload whose source eBPF may translate",
          "of them between a workload and another node's host endpoint crossing a forward chain");

  @Test
  void noDataplane_disagreeingFlows_inconclusive() throws Exception {
    AtomicLongArray counts =
        Runs.run(
            "dataplane agreement",
            "agreement.seed",
            SEED,
            CASES,
            LABELS,
            (seed, session, c) -> check(seed, c));
    assertThat(counts.get(2)).as("flows the dataplanes disagree on").isPositive();
  }

  private static void check(long seed, AtomicLongArray counts) {
    RandomCluster c = new RandomCluster(seed);
    Diagnostics d = new Diagnostics();
    String translated = RandomTranslatedForward.draw(seed); // spec S6.11 (c)
    String yaml = c.yaml(false) + (translated == null ? "" : "---\n" + translated);
    Input input =
        Loader.input(
            List.of(new SourceText("cluster-" + seed + ".yaml", yaml)), d, null, c.version(), null);
    assertThat(d.errors()).as("seed %d: %s", seed, d.render()).isEmpty();
    PolicySet none = input.set();
    List<Unmodelled> all = input.unmodelled();
    List<Evaluator> chosen = new ArrayList<>();
    for (Dataplane dp : Dataplane.values()) {
      chosen.add(new Evaluator(none.withDataplane(dp)));
    }
    Evaluator eval = new Evaluator(none);
    EbpfNatOutgoing nat = new EbpfNatOutgoing(yaml, none);
    Sampler s = new Sampler(none, seed);
    ForwardedFlows hosts = new ForwardedFlows(none, eval); // spec S6.10
    counts.incrementAndGet(0);
    for (int i = 0; i < FLOWS; i++) {
      for (Flow shaped : shapes(s.flow(), s, hosts)) {
        for (Flow packet : packets(shaped)) {
          for (Flow f : Questions.placements(packet, none)) {
            counts.incrementAndGet(1);
            Verdict v = eval.evaluate(f);
            boolean allowed = v.allowed();
            boolean differ = false;
            boolean anyAllows = allowed;
            // spec S6.13: a flow one dataplane holds as loopback is no flow of its questions there
            boolean membership = false;
            for (Evaluator e : chosen) {
              if (e.policySet().loopbacks().loopback(f) != none.loopbacks().loopback(f)) {
                membership = true;
                continue;
              }
              Verdict mine = e.evaluate(f);
              boolean a =
                  e.policySet().dataplane() == Dataplane.BPF
                      ? nat.allowed(f, mine, e) // spec S6.11 (c): not in eval
                      : mine.allowed();
              differ |= a != allowed;
              anyAllows |= a;
            }
            if (!differ && !membership) {
              continue;
            }
            count(f, counts);
            counts.addAndGet(8, nat.translates(f) ? 1 : 0);
            counts.addAndGet(9, Questions.hostElsewhere(f, eval) ? 1 : 0); // spec S6.10
            String what = "seed " + seed + ": " + Questions.brief(f) + " placed " + placed(f);
            assertThat(Relevance.verdict(all, f, v))
                .as("%s: the dataplanes disagree; its answer names no element", what)
                .isNotEmpty();
            if (!differ) {
              continue; // a claim about every flow of a question holds of fewer flows too
            }
            End src = end(f.source(), f.sourceIp(), none);
            End dst = end(f.destination(), f.destinationIp(), none);
            List<Unmodelled> proof =
                !allowed && anyAllows
                    ? Relevance.absence(all, none, src, dst)
                    : Relevance.question(all, none, src, dst);
            assertThat(proof)
                .as("%s: the dataplanes disagree; a proof between its ends names no element", what)
                .isNotEmpty();
          }
        }
      }
    }
  }

  /**
   * {@code f}, and when it has a workload end, that workload with outside and with another node's
   * host endpoint ({@code hosts}), either way; and the packet between two outside addresses (routed
   * through a node, or none).
   */
  private static List<Flow> shapes(Flow f, Sampler s, ForwardedFlows hosts) {
    List<Flow> out = new ArrayList<>(List.of(f));
    for (boolean inward : new boolean[] {false, true}) {
      Flow h = hosts.toHost(f, inward); // spec S6.10: with another node's host endpoint
      if (h != null) {
        out.add(h);
      }
    }
    for (boolean sourceEnd : new boolean[] {true, false}) {
      Endpoint w = sourceEnd ? f.source() : f.destination();
      Ip at = sourceEnd ? f.sourceIp() : f.destinationIp();
      Ip far = s.unowned(f.family(), at);
      if (w != null && !w.isHost() && far != null) {
        out.add(dev.tierproof.smt.RandomForwarding.across(f, w, at, far, s.nextInt(2) == 0));
      }
    }
    Ip from = s.unowned(f.family(), null);
    Ip to = from == null ? null : s.unowned(f.family(), from);
    if (to != null) {
      out.add(
          Flow.between(
              f.protocol(),
              from,
              f.sourcePort(),
              to,
              f.destinationPort(),
              f.icmpType(),
              f.icmpCode(),
              null,
              null,
              null));
    }
    return out;
  }

  /**
   * The packet of {@code f}, and the same ends' packets to the inbound failsafe ports TCP 22 and
   * UDP 68 (spec S6.2) and, in IPv6, an ICMPv6 neighbour solicitation (S6.12).
   */
  private static List<Flow> packets(Flow f) {
    Integer sp = f.sourcePort() != null ? f.sourcePort() : 40000;
    List<Flow> out = new ArrayList<>(List.of(f));
    out.add(f.withPacket(Protocols.TCP, sp, 22, null, null));
    out.add(f.withPacket(Protocols.UDP, sp, 68, null, null));
    if (f.family() == 6) {
      out.add(f.withPacket(Protocols.ICMPV6, null, null, 135, 0));
    }
    return out;
  }

  /** A question's end holding {@code e} at {@code ip}: it, any pod of its namespace, or outside. */
  private static End end(Endpoint e, Ip ip, PolicySet set) {
    if (e == null) {
      return new End.Addresses(Cidr.host(ip), null);
    }
    if (set.endpoints().stream().anyMatch(x -> x == e)) {
      return new End.Known(e);
    }
    return new End.Hypothetical(e.namespace(), Selector.all(), false);
  }

  private static String placed(Flow f) {
    return f.sourcePlacement()
        + "/"
        + f.destinationPlacement()
        + " via "
        + f.sourceInterface()
        + "/"
        + f.destinationInterface();
  }

  private static void count(Flow f, AtomicLongArray counts) {
    counts.incrementAndGet(2);
    boolean failsafe =
        dev.tierproof.model.FailsafePorts.DEFAULT.allows(
            null, dev.tierproof.model.Direction.INGRESS, f);
    counts.addAndGet(3, failsafe ? 1 : 0);
    counts.addAndGet(4, Protocols.hostDiscovery(f) ? 1 : 0);
    counts.addAndGet(5, f.source() == null && f.destination() == null ? 1 : 0);
    boolean outside =
        f.source() == null != (f.destination() == null)
            && (f.source() == null ? !f.destination().isHost() : !f.source().isHost());
    counts.addAndGet(6, outside ? 1 : 0);
    counts.addAndGet(7, f.local() ? 1 : 0);
  }
}
