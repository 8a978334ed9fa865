package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Reachability;
import dev.tierproof.analysis.VerifyResult;
import dev.tierproof.cluster.Runs;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the encoding against the executable spec (design.md §4) on {@link
 * RandomModel} policy sets: (1) for concrete flows, the encoding's verdict and per-step deciding
 * points equal {@link Evaluator}'s; (2) every witness and blocker example of random reachability
 * and isolation questions replays (checked inside {@link Reachability}); (3) when the solver proves
 * that no flow of a question is allowed, sampled concrete flows of the question are all denied by
 * eval. Cases: {@code -Ddifferential.cases=N} (default 2000), first seed {@code
 * -Ddifferential.seed=S}; a failure names the seed of its case. Cases run on up to four threads,
 * each with its own solver session (one Z3 context per thread, reused across its cases).
 */
class DifferentialTest {

  private static final int CASES = Integer.getInteger("differential.cases", 2000);
  private static final long SEED = Long.getLong("differential.seed", 1);
  private static final int FLOWS = 6;
  private static final int SAMPLES = 40;

  /** How many counters {@link #check} keeps. */
  static final int STATS = 25;

  @Test
  void differential_randomPolicySets_encodingAgreesWithEval() throws Exception {
    long start = System.nanoTime();
    int threads =
        Integer.getInteger(
            "differential.threads",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    long[][] stats = new long[threads][STATS];
    AtomicInteger next = new AtomicInteger();
    ConcurrentSkipListMap<Long, Throwable> failures = new ConcurrentSkipListMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      long[] mine = stats[w];
      workers.add(
          pool.submit(
              () -> {
                try (SolverSession session = new SolverSession(Runs.timeout())) {
                  for (int i = next.getAndIncrement();
                      i < CASES && failures.isEmpty();
                      i = next.getAndIncrement()) {
                    long seed = SEED + i;
                    try {
                      check(seed, session, mine);
                    } catch (Throwable t) {
                      failures.put(seed, t);
                    }
                  }
                }
              }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    pool.shutdown();
    if (!failures.isEmpty()) {
      long seed = failures.firstKey();
      throw new AssertionError(
          "differential case failed: seed "
              + seed
              + " (replay with -Ddifferential.seed="
              + seed
              + " -Ddifferential.cases=1)",
          failures.get(seed));
    }
    long[] total = new long[STATS];
    for (long[] s : stats) {
      for (int i = 0; i < total.length; i++) {
        total[i] += s[i];
      }
    }
    System.out.printf(
        "differential: %d cases in %d ms on %d threads: %d concrete flows (%d ms; %d decided with an untracked Allow's reply; %d local: a host endpoint and a workload on its node, %d of them meeting the local pre-DNAT path, %d decided there; %d through a forward chain; %d placing a workload naming no node on a walked node; %d between two workloads with forward steps of one node, %d of two; %d crossing a named interface, %d another interface of a node with named ones; %d between two outside addresses routed through a walked node; %d decided on a forward chain's untracked path; %d between a workload and another node's host endpoint crossing a forward chain; %d translated by nat-outgoing at a host endpoint of another node; %d decided on bpf by an untracked Deny, %d of them at an all-interfaces endpoint; %d loopback flows (a pod's or a host's packets to itself), which no question holds; %d on bpf whose untracked Allow's echo or SCTP reply is walked as new), %d questions (%d ms; %d without an allowed flow; %d with a local witness; %d out of time, inconclusive)%n",
        CASES,
        (System.nanoTime() - start) / 1_000_000,
        threads,
        total[0],
        total[3] / 1_000_000,
        total[5],
        total[6],
        total[14],
        total[15],
        total[8],
        total[9],
        total[10],
        total[11],
        total[12],
        total[13],
        total[16],
        total[17],
        total[18],
        total[20],
        total[21],
        total[22],
        total[23],
        total[24],
        total[1],
        total[4] / 1_000_000,
        total[2],
        total[7],
        total[19]);
    // out of time is inconclusive (exit 3), so allowed; at most a quarter of the questions
    assertThat(total[19])
        .as("questions out of time")
        .isLessThanOrEqualTo(Math.max(1, total[1] / 4));
  }

  /**
   * Counts a flow on eBPF whose own step at a host endpoint an untracked Deny decided (spec S6.6:
   * XDP or the raw table, modelled), at {@code at}, and at {@code at + 1} when that endpoint is of
   * all interfaces (XDP on the data interfaces without their own endpoint).
   */
  static void countUntrackedDeny(PolicySet set, Verdict v, long[] stats, int at) {
    if (set.dataplane() != dev.tierproof.model.Dataplane.BPF) {
      return;
    }
    for (Step s : v.steps()) {
      if (!s.forward()
          && s.endpoint().isHost()
          && s.decidedBy().kind() == Decision.Kind.RULE
          && s.decidedBy().path() == dev.tierproof.model.HostPath.UNTRACKED
          && s.decidedBy().rule().action() == dev.tierproof.model.Action.DENY) {
        stats[at]++;
        stats[at + 1] += s.endpoint().allInterfaces() ? 1 : 0;
        return;
      }
    }
  }

  /** On eBPF a step's untracked Allow needed an ICMP echo or SCTP reply: a new packet there. */
  private static boolean newReplyOnBpf(PolicySet set, Verdict v) {
    return set.dataplane() == dev.tierproof.model.Dataplane.BPF
        && v.steps().stream()
            .map(s -> s.decidedBy().reply())
            .anyMatch(
                r ->
                    r != null
                        && !set.dropsReply(r.packet())
                        && r.packet().protocol() != dev.tierproof.model.Protocols.UDP
                        && r.packet().invalidAsNew());
  }

  static void check(long seed, SolverSession session, long[] stats) {
    RandomModel model = new RandomModel(seed);
    PolicySet set = model.set();
    Network network = Network.encode(set, session);
    Evaluator eval = new Evaluator(set);
    Set<String> vocabulary = vocabulary(set);
    long t = System.nanoTime();
    for (int f = 0; f < FLOWS; f++) {
      for (Flow flow : dev.tierproof.cluster.Questions.placements(model.flow(), set)) {
        stats[0]++;
        if (eval.evaluate(flow).steps().stream().anyMatch(s -> s.decidedBy().reply() != null)) {
          stats[5]++; // spec S6.5
        }
        if (flow.local()) {
          stats[6]++; // spec S6.12
          for (Step s : eval.evaluate(flow).steps()) {
            if (s.local()) {
              stats[14]++; // spec S6.12: the all-interfaces endpoint's pre-DNAT path
              stats[15] += s.decidedBy().kind() == dev.tierproof.eval.Decision.Kind.RULE ? 1 : 0;
            }
          }
        }
        if (eval.evaluate(flow).steps().stream().anyMatch(Step::forward)) {
          stats[8]++; // spec S6.11
        }
        if (eval.evaluate(flow).steps().stream()
            .anyMatch(
                s ->
                    s.forward()
                        && s.decidedBy().path() == dev.tierproof.model.HostPath.UNTRACKED)) {
          stats[17]++; // spec S6.7.1
        }
        if (Flow.betweenWorkloads(flow.source(), flow.destination())) {
          long nodes = eval.forwarders(flow).stream().map(Endpoint::node).distinct().count();
          stats[nodes == 1 ? 10 : 11] += nodes == 0 ? 0 : 1; // spec S6.10
        }
        if (dev.tierproof.cluster.Questions.floatingWalked(flow)) {
          stats[9]++; // spec S6.11: each walked node a pod naming no node may run on
        }
        dev.tierproof.cluster.Questions.countInterfaces(flow, stats, 12); // spec S6.10
        stats[16] += flow.transit() != null ? 1 : 0; // spec S6.11
        stats[18] += dev.tierproof.cluster.Questions.hostElsewhere(flow, eval) ? 1 : 0; // S6.10
        stats[20] += set.masquerade().seen(flow).first() != null ? 1 : 0; // spec S6.10
        countUntrackedDeny(set, eval.evaluate(flow), stats, 21); // spec S6.6
        stats[23] += set.loopbacks().loopback(flow) ? 1 : 0; // spec S5.6, S6.13
        stats[24] += newReplyOnBpf(set, eval.evaluate(flow)) ? 1 : 0; // spec S6.5, S6.6
        concrete(network, eval, set, flow, vocabulary);
      }
    }
    for (Flow flow : RandomPools.translated(set, seed)) { // spec S6.10: aimed, as drawn
      for (Flow placed : dev.tierproof.cluster.Questions.placements(flow, set)) {
        stats[0]++;
        stats[20]++;
        concrete(network, eval, set, placed, vocabulary);
      }
    }
    stats[3] += System.nanoTime() - t;
    t = System.nanoTime();
    try (Reachability r = Reachability.using(set, session)) {
      for (int q = 0; q < 2; q++) {
        End src = end(model, true);
        End dst = end(model, false);
        FlowSpec spec = spec(model);
        stats[1]++;
        VerifyResult v =
            model.nextInt(2) == 0 ? r.reachable(src, dst, spec) : r.isolated(src, dst, spec);
        if (v.result() == VerifyResult.Result.UNKNOWN && Runs.outOfTime(v.solver().reason())) {
          stats[19]++;
          continue;
        }
        assertThat(v.result()).isNotEqualTo(VerifyResult.Result.UNKNOWN);
        if (v.witness() != null && v.witness().local()) {
          stats[7]++;
        }
        for (VerifyResult.Blocker b : v.blockers()) {
          // a namespace profile the input lacks can only allow, so without it the step still denies
          // (a forward chain's side at a host endpoint is a step of its own, spec S6.11)
          assertThat(eval.evaluate(b.example()).steps())
              .as("blocker example %s", brief(b.example()))
              .anyMatch(
                  x ->
                      x.direction() == b.direction()
                          && x.endpoint() == b.endpoint()
                          && !x.allowed());
        }
        if (v.witness() == null) {
          stats[2]++;
          String question =
              v.claim().json() + " " + src.display() + " -> " + dst.display() + " " + spec;
          sample(model, eval, src, dst, spec, question);
        }
      }
    }
    stats[4] += System.nanoTime() - t;
  }

  /**
   * Property 1: the flow pinned in a query (its placement too); the encoding's verdict and
   * decisions equal eval's.
   */
  static void concrete(
      Network network, Evaluator eval, PolicySet set, Flow flow, Set<String> vocabulary) {
    FlowSpec bounds =
        new FlowSpec(
            flow.protocol(),
            flow.destinationPort() == null
                ? null
                : new Port.Range(flow.destinationPort(), flow.destinationPort()),
            flow.sourcePort() == null ? null : new Port.Range(flow.sourcePort(), flow.sourcePort()),
            flow.icmpType(),
            flow.icmpCode(),
            flow.family());
    try (Query q =
        network.query(
            List.of(side(set, flow.source(), flow.sourceIp(), null, vocabulary)),
            List.of(
                side(
                    set,
                    flow.destination(),
                    flow.destinationIp(),
                    flow.destinationDomain(),
                    vocabulary)),
            bounds)) {
      network.session.add(
          q.in(
              new Region(
                  new EndSet.Any(),
                  new EndSet.Any(),
                  null,
                  dev.tierproof.model.Placements.of(
                      dev.tierproof.model.Placement.of(flow, set.walked())))));
      Answer a = q.any();
      if (set.loopbacks().loopback(flow)) { // spec S5.6, S6.13: no step, no question holds it
        assertThat(eval.evaluate(flow).steps()).as("steps of %s", brief(flow)).isEmpty();
        assertThat(a.status()).as("flow %s", brief(flow)).isEqualTo(SolverSession.Status.UNSAT);
        return;
      }
      assertThat(a.status()).as("flow %s", brief(flow)).isEqualTo(SolverSession.Status.SAT);
      Evaluator ev = a.assumedProfiles().isEmpty() ? eval : withProfiles(set, a.assumedProfiles());
      // the solver places a workload naming no node as it likes (spec S6.12): eval follows it
      Verdict expected = ev.evaluate(flow.placed(a.flow().ends()));
      List<Point> decisions = new ArrayList<>();
      for (Step s : expected.steps()) {
        decisions.add(point(s.direction(), s.decidedBy()));
      }
      assertThat(a.decisions())
          .as("decisions on %s (eval allows: %s)", brief(flow), expected.allowed())
          .isEqualTo(decisions);
      assertThat(a.allowed()).as("verdict on %s", brief(flow)).isEqualTo(expected.allowed());
      Flow d = a.flow();
      assertThat(
              List.of(
                  d.local(),
                  d.protocol(),
                  d.sourceIp(),
                  d.destinationIp(),
                  String.valueOf(d.sourcePort()),
                  String.valueOf(d.destinationPort()),
                  String.valueOf(d.icmpType()),
                  String.valueOf(d.icmpCode())))
          .isEqualTo(
              List.of(
                  flow.local(),
                  flow.protocol(),
                  flow.sourceIp(),
                  flow.destinationIp(),
                  String.valueOf(flow.sourcePort()),
                  String.valueOf(flow.destinationPort()),
                  String.valueOf(flow.icmpType()),
                  String.valueOf(flow.icmpCode())));
      Verdict replay = ev.evaluate(d);
      assertThat(replay.allowed()).as("decoded %s", brief(d)).isEqualTo(expected.allowed());
    }
  }

  private static Side side(
      PolicySet set, Endpoint e, Ip ip, String domain, Set<String> vocabulary) {
    Cidr host = Cidr.host(ip);
    if (e == null) {
      return Outside.in(host, domain != null ? domain : "no-pattern-matches.invalid"); // as no name
    }
    if (set.endpoints().stream().anyMatch(x -> x == e)) {
      return new Side.Endpoints(List.of(e), host);
    }
    return new Side.Fresh(e.namespace(), pin(e.labels(), vocabulary), e.ports(), host);
  }

  /** A selector that holds exactly for these labels, as far as the vocabulary can tell. */
  private static Selector pin(Map<String, String> labels, Set<String> vocabulary) {
    List<Selector> all = new ArrayList<>();
    Set<String> keys = new TreeSet<>(vocabulary);
    keys.addAll(labels.keySet());
    for (String k : keys) {
      all.add(
          labels.containsKey(k)
              ? new Selector.Compare(k, Selector.Op.EQ, labels.get(k))
              : new Selector.Not(new Selector.Has(k)));
    }
    return all.size() == 1 ? all.get(0) : new Selector.And(all);
  }

  static Set<String> vocabulary(PolicySet set) {
    Set<String> keys = new TreeSet<>();
    List<dev.tierproof.model.Rule> rules = new ArrayList<>();
    set.policies()
        .forEach(
            p -> {
              keys.addAll(p.selector().keys());
              rules.addAll(p.ingress());
              rules.addAll(p.egress());
            });
    set.profiles()
        .values()
        .forEach(
            p -> {
              rules.addAll(p.ingress());
              rules.addAll(p.egress());
            });
    for (dev.tierproof.model.Rule r : rules) {
      for (var m : List.of(r.source(), r.destination())) {
        if (m.selector() != null) {
          keys.addAll(m.selector().keys());
        }
        if (m.notSelector() != null) {
          keys.addAll(m.notSelector().keys());
        }
        if (m.service() != null && m.service().selector() != null) {
          keys.addAll(m.service().selector().keys()); // seed 211977: a Service's selector's keys
        }
      }
    }
    keys.add("projectcalico.org/namespace");
    return keys;
  }

  /** A random end of a question. */
  private static End end(RandomModel model, boolean source) {
    PolicySet set = model.set();
    return switch (model.nextInt(6)) {
      case 0 ->
          set.endpoints().isEmpty()
              ? new End.Addresses(null, null)
              : new End.Known(model.pick(set.endpoints()));
      case 1 -> new End.Addresses(null, null);
      case 2 -> new End.Addresses(model.pick(RandomModel.CIDRS), null);
      case 3 ->
          source && model.nextInt(2) == 0
              ? new End.Addresses(Cidr.host(model.pick(RandomModel.OWNABLE)), null)
              : new End.Addresses(
                  model.nextInt(3) == 0 ? model.pick(RandomModel.CIDRS) : null,
                  model.pick(RandomModel.NAMES));
      default ->
          new End.Hypothetical(
              model.nextInt(3) == 0 ? null : model.pick(RandomModel.NAMESPACES),
              model.selector(1),
              model.nextInt(4) == 0);
    };
  }

  private static FlowSpec spec(RandomModel model) {
    return switch (model.nextInt(6)) {
      case 0 -> new FlowSpec(Protocols.TCP, null, null, null, null, null);
      case 4 ->
          new FlowSpec(
              model.pick(List.of(Protocols.ICMP, Protocols.ICMPV6)),
              null,
              null,
              8,
              model.nextInt(2) == 0 ? 0 : null,
              null);
      case 1 -> {
        int p = model.pick(RandomModel.PORTS);
        yield new FlowSpec(
            model.pick(List.of(Protocols.TCP, Protocols.UDP)),
            new Port.Range(p, p),
            null,
            null,
            null,
            null);
      }
      case 2 -> new FlowSpec(null, null, null, null, null, model.pick(List.of(4, 6)));
      default -> FlowSpec.ANY;
    };
  }

  /** Property 3: the solver found no allowed flow; no sampled flow of the question is allowed. */
  private static void sample(
      RandomModel model, Evaluator eval, End src, End dst, FlowSpec spec, String question) {
    for (int i = 0; i < SAMPLES; i++) {
      int family = spec.ipVersion() != null ? spec.ipVersion() : model.nextInt(2) == 0 ? 4 : 6;
      Object[] s = endpointOf(model, src, family, true);
      Object[] d = endpointOf(model, dst, family, false);
      if (s == null
          || d == null
          || eval.policySet().loopbacks().loopback((Endpoint) s[0], (Endpoint) d[0])) {
        continue; // spec S5.6, S6.13: a loopback flow is no flow of the question
      }
      int proto = spec.protocol() != null ? spec.protocol() : model.pick(RandomModel.PROTOCOLS);
      boolean ports = Protocols.hasPorts(proto);
      if (spec.port() != null && !ports) {
        continue;
      }
      Integer dport =
          ports
              ? spec.port() != null
                  ? Integer.valueOf(spec.port().min())
                  : model.pick(RandomModel.PORTS)
              : null;
      boolean icmp = Protocols.isIcmp(proto);
      String domain =
          dst instanceof End.Addresses o
              ? o.domain() != null
                  ? o.domain()
                  : d[0] == null && model.nextInt(2) == 0 ? model.pick(RandomModel.NAMES) : null
              : null;
      Flow f =
          Flow.between(
              proto,
              (Ip) s[1],
              ports ? model.pick(RandomModel.PORTS) : null,
              (Ip) d[1],
              dport,
              icmp
                  ? spec.icmpType() != null ? spec.icmpType() : model.pick(List.of(0, 3, 8))
                  : null,
              icmp ? spec.icmpCode() != null ? spec.icmpCode() : model.pick(List.of(0, 1)) : null,
              domain,
              (Endpoint) s[0],
              (Endpoint) d[0]);
      Evaluator ev = eval;
      if (f.source() != null && f.source().source().equals("Hypothetical")
          || f.destination() != null && f.destination().source().equals("Hypothetical")) {
        Map<String, Profile> extra = new LinkedHashMap<>();
        for (Endpoint e : java.util.Arrays.asList(f.source(), f.destination())) {
          String kns = e == null ? "" : "kns." + e.namespace();
          if (e != null
              && e.source().equals("Hypothetical")
              && !model.set().profiles().containsKey(kns)
              && model.set().endpoints().stream().noneMatch(x -> x.profiles().contains(kns))) {
            extra.put("kns." + e.namespace(), Network.namespaceProfile(e.namespace(), Map.of()));
          }
        }
        ev = extra.isEmpty() ? eval : withProfiles(model.set(), extra);
      }
      for (Flow placed :
          dev.tierproof.cluster.Questions.placements(
              f, model.set())) { // spec S6.12: a question holds both placements
        assertThat(ev.evaluate(placed).allowed())
            .as("sampled flow %s of `%s`, proved to allow none", brief(placed), question)
            .isFalse();
      }
    }
  }

  /** A random (endpoint, address) of an end, or null when this try found none. */
  private static Object[] endpointOf(RandomModel model, End end, int family, boolean source) {
    PolicySet set = model.set();
    if (end instanceof End.Known k) {
      List<Ip> mine = k.endpoint().ips().stream().filter(i -> i.family() == family).toList();
      if (k.endpoint().ips().isEmpty()) {
        return new Object[] {k.endpoint(), model.unowned(family)};
      }
      return mine.isEmpty() ? null : new Object[] {k.endpoint(), model.pick(mine)};
    }
    if (end instanceof End.Addresses o) {
      if (o.range() != null && o.domain() == null && model.nextInt(2) == 0) {
        List<Object[]> owned = new ArrayList<>();
        for (Endpoint e : set.endpoints()) {
          e.ips().stream()
              .filter(i -> i.family() == family)
              .filter(o.range()::contains)
              .forEach(ip -> owned.add(new Object[] {e, ip}));
        }
        return owned.isEmpty() ? null : model.pick(owned);
      }
      Ip ip = model.unowned(family);
      return o.range() == null || o.range().contains(ip) ? new Object[] {null, ip} : null;
    }
    End.Hypothetical h = (End.Hypothetical) end;
    if (model.nextInt(2) == 0) {
      List<Endpoint> existing =
          set.endpoints().stream()
              .filter(e -> !e.isHost())
              .filter(e -> h.namespace() == null || h.namespace().equals(e.namespace()))
              .filter(e -> h.selector().matches(e.labels()))
              .toList();
      if (existing.isEmpty()) {
        return null;
      }
      Endpoint e = model.pick(existing);
      List<Ip> mine = e.ips().stream().filter(i -> i.family() == family).toList();
      if (e.ips().isEmpty()) {
        return new Object[] {e, model.unowned(family)};
      }
      return mine.isEmpty() ? null : new Object[] {e, model.pick(mine)};
    }
    if (h.existingOnly()) {
      return null;
    }
    String ns =
        h.namespace() != null ? h.namespace() : model.pick(List.of("ns1", "ns2", "ns3", "ns-new"));
    Endpoint e = model.hypothetical(ns, family);
    return h.selector().matches(e.labels()) ? new Object[] {e, e.ips().get(0)} : null;
  }

  /**
   * {@code TCP ns1/pod0[10.0.0.1]:80 -> outside[8.8.8.8]:53 (a.com)}: short enough for messages.
   */
  static String brief(Flow f) {
    return dev.tierproof.cluster.Questions.brief(f);
  }

  private static Evaluator withProfiles(PolicySet set, Map<String, Profile> extra) {
    return new Evaluator(set.withProfiles(extra)); // the set's dataplane kept
  }

  private static Point point(Direction d, Decision x) {
    return dev.tierproof.analysis.Replay.point(d, x);
  }
}
