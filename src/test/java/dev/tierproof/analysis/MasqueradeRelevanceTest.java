package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * nat-outgoing's masquerade (spec S6.10, S9.2, S9.3) against an oracle built from the evaluator:
 * for generated inputs (pools nat-outgoing or not, holding the pods' and the host's addresses or
 * not; ingress rules at n1's host endpoint on pod labels, pod and node nets, source ports), every
 * flow from a pod to n1's host endpoint that Felix may masquerade (the oracle's own reading of the
 * pools: the pod not on n1, its address in a nat-outgoing pool or no pool at all, the host's in no
 * pool) and whose ingress step eval decides otherwise at one of its node's addresses (or any
 * address where the node's is not known), or another source port, than the answer (eval's flow
 * verdict: where the input settles the source, its step taken from the node's address) is
 * inconclusive; a flow Felix does not masquerade (on n1, from a pool that is not nat-outgoing, to a
 * pool's address, the host's own packets to a pod) is never inconclusive for it, nor is one whose
 * source the input settles (a pod on n2, whose address is said, in a nat-outgoing pool) where no
 * rule reads the source port; a question's relevance covers its flows'.
 */
class MasqueradeRelevanceTest {

  private static final List<String> ANY = List.of("10.80.0.2", "10.80.0.9", "192.0.2.5");
  private static final List<String> SOURCES =
      List.of(
          "{selector: app == 'a'}",
          "{nets: [10.80.0.0/24]}",
          "{nets: [10.244.1.0/24]}",
          "{notNets: [10.80.0.2/32]}",
          "{ports: [40000]}",
          "{}");

  /** Pods a, b on n2 (pool nat, pool plain), c on n1, f naming no node. */
  private static final String PODS =
      OuterNodes.NAMESPACE
          + OuterNodes.pod("a", "n2", "10.244.1.10")
          + OuterNodes.pod("b", "n2", "10.244.2.10")
          + OuterNodes.pod("c", "n1", "10.244.1.20")
          + OuterNodes.pod("f", null, "10.244.1.30");

  private static String pool(String name, String cidr, boolean nat) {
    return "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: "
        + name
        + "}\nspec: {cidr: "
        + cidr
        + (nat ? ", natOutgoing: true" : "")
        + "}\n";
  }

  @Test
  void verdict_masqueradedSourceChangesIngress_inconclusive() {
    int changed = 0;
    int kept = 0;
    int settled = 0;
    for (long seed = 1; seed <= 120; seed++) {
      Random r = new Random(seed);
      StringBuilder yaml = new StringBuilder(PODS);
      boolean known = r.nextBoolean();
      yaml.append(
          "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h1,"
              + " labels: {host: n1}}\nspec: {node: n1, interfaceName: eth0, expectedIPs:"
              + " [10.80.0.1], profiles: [projectcalico-default-allow]}\n");
      yaml.append(OuterNodes.hostEndpoint(2, known ? "[10.80.0.2]" : ""));
      int pools = r.nextInt(4); // none; nat + plain; both plain; nat + a pool holding the hosts
      boolean said = pools > 0;
      boolean nat = pools == 1 || pools == 3;
      boolean hostInPool = pools == 3;
      if (said) {
        yaml.append(pool("p1", "10.244.1.0/24", nat)).append(pool("p2", "10.244.2.0/24", false));
      }
      if (hostInPool) {
        yaml.append(pool("hosts", "10.80.0.0/24", false));
      }
      yaml.append(
          "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name:"
              + " kubelet}\nspec:\n  selector: host == 'n1'\n  types: [Ingress]\n  ingress:\n");
      int rules = 1 + r.nextInt(3);
      boolean portRule = false;
      for (int i = 0; i < rules; i++) {
        String source = SOURCES.get(r.nextInt(SOURCES.size()));
        portRule |= source.contains("ports");
        yaml.append("    - action: ")
            .append(r.nextBoolean() ? "Allow" : "Deny")
            .append("\n      protocol: TCP\n      source: ")
            .append(source)
            .append('\n');
      }
      Diagnostics d = new Diagnostics();
      Input in = Loader.input(List.of(new SourceText("m.yaml", yaml.toString())), d);
      assertThat(d.errors()).as(yaml.toString()).isEmpty();
      Evaluator eval = new Evaluator(in.set());
      Endpoint h1 = endpoint(in, "h1");
      Endpoint h2 = endpoint(in, "n2-all");
      List<Unmodelled> all = in.unmodelled();
      for (Endpoint s : in.set().endpoints().stream().filter(e -> !e.isHost()).toList()) {
        boolean named = false;
        for (int port : List.of(10250, 8080)) {
          Flow base = tcp(s, h1, port);
          for (Flow f : eval.placements(base)) {
            boolean masq =
                !f.local()
                    && !hostInPool
                    && (!said || nat && s.ips().get(0).toString().startsWith("10.244.1."));
            boolean acting =
                Relevance.verdict(all, f, eval.evaluate(f), eval).stream()
                    .anyMatch(u -> u.kind().equals("natOutgoing"));
            named |= acting;
            if (!masq) {
              kept++;
              assertThat(acting).as("seed %s: %s\n%s", seed, f.describe(), yaml).isFalse();
              continue;
            }
            // the answer's step: where the input settles the source, on the packet from it
            boolean allowed = eval.evaluate(f).steps().get(1).allowed();
            boolean differs = false;
            for (Flow p : masqueraded(f, known ? List.of("10.80.0.2") : ANY, h2)) {
              if (eval.evaluate(h1, Direction.INGRESS, p).allowed() != allowed) {
                changed++;
                differs = true;
                assertThat(acting)
                    .as("seed %s: %s, masqueraded as %s\n%s", seed, f.describe(), p, yaml)
                    .isTrue();
                break;
              }
            }
            // spec S6.10, S9.3: the input settles the source (n2's address) and no rule reads the
            // source port: a verdict the same from there stands
            if (!differs && known && said && s.node() != null && !portRule) {
              settled++;
              assertThat(acting).as("seed %s: %s\n%s", seed, f.describe(), yaml).isFalse();
            }
          }
          // spec S6.10: the host's packets to a pod are not translated
          Flow back = tcp(h1, s, port);
          for (Flow f : eval.placements(back)) {
            assertThat(Relevance.verdict(all, f, eval.evaluate(f)))
                .extracting(Unmodelled::kind)
                .doesNotContain("natOutgoing");
          }
        }
        if (named) {
          assertThat(Relevance.question(all, in.set(), new End.Known(s), new End.Known(h1)))
              .as("seed %s: the question from %s covers its flows", seed, s.ref())
              .extracting(Unmodelled::kind)
              .contains("natOutgoing");
        }
      }
    }
    assertThat(changed)
        .as("masqueraded flows whose ingress step eval decides otherwise")
        .isGreaterThan(40);
    assertThat(kept).as("flows Felix does not masquerade").isGreaterThan(100);
    assertThat(settled).as("settled masqueraded flows decided alike").isGreaterThan(10);
  }

  /**
   * A TCP packet from {@code from}'s first address, port 40000, to {@code to}'s, port {@code port}.
   */
  private static Flow tcp(Endpoint from, Endpoint to, int port) {
    return Flow.between(
        Protocols.TCP, from.ips().get(0), 40000, to.ips().get(0), port, null, null, null, from, to);
  }

  /** {@code f}'s packet as masqueraded: from each of {@code sources}, source port kept or not. */
  private static List<Flow> masqueraded(Flow f, List<String> sources, Endpoint node) {
    List<Flow> out = new ArrayList<>();
    for (String a : sources) {
      Ip ip = Ip.parse(a).orElseThrow();
      Endpoint owner = node.ips().contains(ip) ? node : null;
      for (int port : List.of(40000, 1024)) {
        out.add(
            Flow.between(
                f.protocol(),
                ip,
                port,
                f.destinationIp(),
                f.destinationPort(),
                null,
                null,
                null,
                owner,
                f.destination()));
      }
    }
    return out;
  }

  private static Endpoint endpoint(Input in, String name) {
    return in.set().endpoints().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
