package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.map.Connectivity;
import dev.tierproof.analysis.map.Hypotheticals;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DomainClasses;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.Query;
import dev.tierproof.smt.Side;
import dev.tierproof.smt.SolverSession;
import dev.tierproof.source.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * {@code map} against the evaluator on {@link RandomCluster} YAML (issue 13): every endpoint is in
 * exactly one group; every part's witness replays to an allow decided as the part says; and for
 * random flows between the input's endpoints and outside addresses (not the groups' standing-for
 * members, nor the cells' standing-for packets), the evaluator allows the flow exactly when a part
 * of the edge between their groups holds its packet, decided by the part's points. An endpoint
 * without an address stands at explain's placeholder, as the map says. And against the solver: for
 * random pairs of addressed ends with no edge, {@code verify} finds no allowed flow at all; for
 * random parts, it finds one in the part's protocol and ports. A flow between a host endpoint and a
 * workload that can be on its node is compared in both placements, each against the map's parts of
 * that placement (spec S6.12). A flow between a workload on a node whose forward chain is walked
 * and an address outside the cluster is compared with its forward steps (spec S6.11; {@link
 * RandomHostPaths#forward} draws the chains, counter 10 counts such sampled flows). A workload's
 * flow to another node's host endpoint whose nat-outgoing masquerade the input settles is compared
 * as eval decides it, the host endpoint's ingress step taken on the translated packet (spec S6.10;
 * {@link TranslatedSamples} draws them, in both tests, counters 21 and 22 count them). {@code
 * -Dmap.cases=N} (default 150, long 5,000), first seed {@code -Dmap.seed=S}.
 */
class MapDifferentialTest {

  private static final int CASES = Runs.cases("map.cases", 150, 5_000);
  private static final long SEED = Long.getLong("map.seed", 1);
  private static final int ANY_CASES = Math.max(1, Runs.cases("map.cases", 150, 5_000) / 5);
  private static final int OUT_OF_TIME = 19;
  private static final int NOT_ENUMERATED = 20;
  private static final int TRANSLATED = 21;
  private static final int SAMPLES = 60;

  @Test
  void map_randomClusters_agreesWithEval() throws Exception {
    fewOutOfTime(
        Runs.run(
            "map differential",
            "map.seed",
            SEED,
            CASES,
            labels("groups", "edges", "parts replayed", "sampled flows"),
            MapDifferentialTest::one));
  }

  /**
   * {@code map --scope any}: the classes of pods that could be deployed cover every such pod
   * without named ports in exactly one group (by its selectors and address); every part replays;
   * random flows from and to random such pods (the sampler's, not the classes' standing-for pods)
   * are allowed by the evaluator exactly when the map says, decided as it says; and the solver,
   * asked about the pods of a class (symbolic labels satisfying its selectors, no named ports, a
   * free address in its range), finds no allowed flow for a pair without an edge and one in a part.
   */
  @Test
  void mapAny_randomClusters_podsThatCouldBeDeployedAgreeWithEvalAndSolver() throws Exception {
    fewOutOfTime(
        Runs.run(
            "map --scope any differential",
            "map.seed",
            SEED,
            ANY_CASES,
            labels(
                "classes",
                "groups of pods that could be deployed",
                "parts replayed",
                "sampled flows with such pods"),
            MapDifferentialTest::any));
  }

  /**
   * Solver checks (and pod-class enumerations) that ran out of time are inconclusive, as {@code
   * verify} and {@code map --scope any} say (exit 3), so allowed; but at most a quarter of them (at
   * least one): a loaded machine's timeouts, not a product that gives up.
   */
  private static void fewOutOfTime(AtomicLongArray counts) {
    long checks = counts.get(6) + counts.get(7) + counts.get(OUT_OF_TIME);
    assertThat(counts.get(OUT_OF_TIME))
        .as("solver checks out of time")
        .isLessThanOrEqualTo(Math.max(1, checks / 4));
    assertThat(counts.get(NOT_ENUMERATED))
        .as("clusters whose pod classes ran out of time")
        .isLessThanOrEqualTo(Math.max(1, (counts.get(0) + counts.get(NOT_ENUMERATED)) / 4));
  }

  /** The figures a run prints: clusters, {@code head} (counters 1-4), the rest alike. */
  private static List<String> labels(String... head) {
    List<String> out = new ArrayList<>(List.of("clusters"));
    out.addAll(List.of(head));
    out.addAll(
        List.of(
            "allowed",
            "pairs proved isolated",
            "parts proved reachable",
            "sampled flows decided with an untracked Allow's reply",
            "local sampled flows (each placement compared)",
            "sampled flows crossing a forward chain",
            "sampled flows placing a workload naming no node on a walked node",
            "sampled flows an unmodelled element could change (their pair named)",
            "pairs proved in clusters holding unmodelled elements",
            "sampled flows between workloads through one node's forward chain",
            "sampled flows between workloads through two nodes' forward chains",
            "sampled flows crossing a named interface of a walked node",
            "sampled flows crossing another interface of a node with named ones",
            "sampled flows between a workload and another node's host endpoint crossing a forward"
                + " chain",
            "solver checks out of time (inconclusive)",
            "clusters whose pod classes ran out of time (inconclusive)",
            "sampled flows translated by a settled nat-outgoing",
            "of them decided otherwise at the host endpoint than the workload's own packet"));
    return RandomClusterDataplane.with(out);
  }

  private static void any(long seed, SolverSession session, AtomicLongArray counts) {
    RandomCluster c = new RandomCluster(seed);
    PolicySet set = c.load(false);
    c.dataplane().count(counts);
    Hypotheticals pods = Hypotheticals.of(set, List.of(), Runs.timeout());
    if (pods == null) {
      // map --scope any exits 3 then; only the solver's time may cause it here (seed 940004)
      assertThat(Hypotheticals.of(set, List.of(), null))
          .as("the classes of pods that could be deployed, without a timeout")
          .isNotNull();
      counts.incrementAndGet(NOT_ENUMERATED);
      return;
    }
    MapResult map =
        Connectivity.run(
            set, new Connectivity.Options(g -> true, g -> true, FlowSpec.ANY, pods, Progress.NONE));
    Evaluator eval = new Evaluator(set.withProfiles(pods.assumed()));
    counts.incrementAndGet(0);
    counts.addAndGet(1, pods.size());
    List<Group> hypothetical = map.groups().stream().filter(Group::hypothetical).toList();
    counts.addAndGet(2, hypothetical.size());
    Map<List<Group>, Edge> edges = replayed(map, eval, counts, 3);
    Map<Endpoint, Group> groupOf = new java.util.IdentityHashMap<>();
    map.groups().forEach(g -> g.endpoints().forEach(e -> groupOf.put(e, g)));
    DomainClasses names = DomainClasses.of(set);
    Sampler s = new Sampler(set, seed);
    MapRelevance relevance = new MapRelevance(c, set, map, true, eval, counts, 12); // spec S9.3
    for (int i = 0; i < SAMPLES; i++) {
      Flow f = placed(s.flow(), true);
      if (f == null
          || !hypothetical(f.source()) && !hypothetical(f.destination())
          || f.source() != null && !f.source().ports().isEmpty()
          || f.destination() != null && !f.destination().ports().isEmpty()) {
        continue;
      }
      Group from = group(f.source(), f.sourceIp(), null, map, groupOf, names);
      Group to =
          group(f.destination(), f.destinationIp(), f.destinationDomain(), map, groupOf, names);
      if (to == null) {
        continue; // a DNS name is mapped at explain's outside address only
      }
      agrees(f, from, to, eval, edges, counts);
      relevance.check(f, from, to, counts);
    }
    for (Flow f : TranslatedSamples.of(eval, s, SAMPLES / 10)) { // spec S6.10: settled masquerades
      Group from = groupOf.get(f.source());
      Group to = groupOf.get(f.destination());
      agrees(f, from, to, eval, edges, counts);
      relevance.check(f, from, to, counts);
    }
    Network net = Network.encode(set, session);
    List<Group> ends =
        map.groups().stream()
            .filter(g -> g.outside() || g.hypothetical() || !g.endpoints().get(0).ips().isEmpty())
            .toList();
    for (int i = 0; i < 6 && !hypothetical.isEmpty(); i++) {
      boolean first = s.nextInt(2) == 0;
      Group from = first ? s.pick(hypothetical) : s.pick(ends);
      Group to = first ? s.pick(ends) : s.pick(hypothetical);
      if (!from.domains().isEmpty()) {
        continue;
      }
      Edge e = edges.get(List.of(from, to));
      Part p = e == null ? null : s.pick(e.allowed());
      int family = p != null ? p.witness().family() : s.nextInt(3) > 0 ? 4 : 6;
      List<Side> a = sides(from, set, names, s, family, true, p == null ? null : p.witness());
      List<Side> b = sides(to, set, names, s, family, false, p == null ? null : p.witness());
      if (a == null || b == null || p != null && p.protocol() == Part.ANY) {
        continue;
      }
      FlowSpec spec =
          p == null
              ? new FlowSpec(null, null, null, null, null, family)
              : new FlowSpec(
                  p.protocol(), range(p.ports()), range(p.sourcePorts()), null, null, family);
      try (Query q = net.query(a, b, spec)) {
        Answer answer = q.allowed();
        if (outOfTime(answer, counts)) {
          continue;
        }
        if (p == null) {
          assertThat(answer.sat())
              .as(
                  "%s -> %s: the map has no edge, so no flow is allowed: %s",
                  from.id(), to.id(), answer.flow() == null ? "" : answer.flow().describe())
              .isFalse();
          assertThat(answer.status()).isEqualTo(SolverSession.Status.UNSAT);
          counts.incrementAndGet(6);
        } else {
          assertThat(answer.sat())
              .as(
                  "%s -> %s: some flow of %s (witness %s)",
                  from.id(), to.id(), spec, p.witness().describe())
              .isTrue();
          assertThat(eval.evaluate(answer.flow()).allowed()).isTrue();
          counts.incrementAndGet(7);
        }
      }
    }
  }

  /**
   * The query alternatives for a group in {@code family}: a class of pods (symbolic labels that
   * satisfy its selectors, no named ports, a free address in one of its ranges or at the
   * witness's), else {@link #end}'s; null when the group has none in the family.
   */
  private static List<Side> sides(
      Group g, PolicySet set, DomainClasses names, Sampler s, int family, boolean source, Flow w) {
    if (!g.hypothetical()) {
      Ip at = w == null ? null : source ? w.sourceIp() : w.destinationIp();
      End end = end(g, names, family, source, at);
      return end == null ? null : end.sides(set);
    }
    List<Selector> all = new ArrayList<>();
    g.matches().forEach(m -> all.add(parse(m)));
    g.notMatches().forEach(m -> all.add(new Selector.Not(parse(m))));
    Selector selector =
        all.isEmpty() ? new Selector.All() : all.size() == 1 ? all.get(0) : new Selector.And(all);
    Cidr range;
    if (w != null) {
      range = Cidr.host(source ? w.sourceIp() : w.destinationIp());
    } else {
      List<Cidr> mine = g.cidrs().stream().filter(c -> c.family() == family).toList();
      if (!g.cidrs().isEmpty() && mine.isEmpty()) {
        return null;
      }
      range = mine.isEmpty() ? null : s.pick(mine);
    }
    return List.of(new Side.Fresh(g.namespace(), selector, List.of(), range));
  }

  /** A selector the map printed (canonical: it parses back). */
  private static Selector parse(String text) {
    try {
      return Selector.parse(text);
    } catch (dev.tierproof.selector.SelectorSyntaxException e) {
      throw new AssertionError("`" + text + "` does not parse back", e);
    }
  }

  /** The group of a flow's end: its endpoint's, its pod's class at its address, or outside. */
  private static Group group(
      Endpoint e,
      Ip ip,
      String domain,
      MapResult map,
      Map<Endpoint, Group> groupOf,
      DomainClasses names) {
    if (e == null) {
      return outside(map, names, ip, domain);
    }
    if (!hypothetical(e)) {
      return groupOf.get(e);
    }
    List<Group> holding =
        map.groups().stream()
            .filter(g -> g.hypothetical() && g.namespace().equals(e.namespace()))
            .filter(g -> g.matches().stream().allMatch(m -> parse(m).matches(e.labels())))
            .filter(g -> g.notMatches().stream().noneMatch(m -> parse(m).matches(e.labels())))
            .filter(g -> g.cidrs().isEmpty() || g.cidrs().stream().anyMatch(c -> c.contains(ip)))
            .toList();
    assertThat(holding).as("one group holds %s at %s", e.labels(), ip).hasSize(1);
    return holding.get(0);
  }

  static void one(long seed, SolverSession session, AtomicLongArray counts) {
    RandomCluster c = new RandomCluster(seed);
    PolicySet set = c.load(false);
    c.dataplane().count(counts);
    MapResult map = Connectivity.run(set, Connectivity.Options.all());
    Evaluator eval = new Evaluator(set);
    counts.incrementAndGet(0);
    counts.addAndGet(1, map.groups().size());
    counts.addAndGet(2, map.edges().size());
    Map<Endpoint, Group> groupOf = new java.util.IdentityHashMap<>();
    for (Group g : map.groups()) {
      for (Endpoint e : g.endpoints()) {
        assertThat(groupOf.put(e, g)).as("%s is in one group", e.ref()).isNull();
      }
    }
    assertThat(groupOf).hasSize(set.endpoints().size());
    Map<List<Group>, Edge> edges = replayed(map, eval, counts, 3);
    DomainClasses names = DomainClasses.of(set);
    Sampler s = new Sampler(set, seed);
    ForwardedFlows forwarded = new ForwardedFlows(set, eval);
    MapRelevance relevance = new MapRelevance(c, set, map, false, eval, counts, 12); // spec S9.3
    List<Flow> sampled = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      Flow f = placed(s.flow(), false);
      sampled.add(f);
      if (f != null) { // spec S6.11: also this packet between its workload end and outside
        sampled.add(forwarded.of(f, i % 2 == 0));
        sampled.add(forwarded.toHost(f, i % 2 == 1)); // spec S6.10: and another node's host
      }
    }
    sampled.addAll(TranslatedSamples.of(eval, s, SAMPLES / 4)); // spec S6.10: settled masquerades
    dev.tierproof.model.Loopbacks loopbacks = set.loopbacks();
    for (Flow f : sampled) {
      if (f == null
          || f.source() == null && f.destination() == null
          || f.source() != null && f.source() == f.destination()
          || loopbacks.loopback(f)) { // spec S5.6, S6.13: no flow of the map's
        continue;
      }
      Group from =
          f.source() != null ? groupOf.get(f.source()) : outside(map, names, f.sourceIp(), null);
      Group to =
          f.destination() != null
              ? groupOf.get(f.destination())
              : outside(map, names, f.destinationIp(), f.destinationDomain());
      if (to == null && names.classOf(f.destinationDomain()) != 0) {
        continue; // a DNS name is mapped at explain's outside address only
      }
      assertThat(from).as("a group holds the source of %s", f.describe()).isNotNull();
      assertThat(to).as("a group holds the destination of %s", f.describe()).isNotNull();
      agrees(f, from, to, eval, edges, counts);
      relevance.check(f, from, to, counts);
    }
    solver(set, eval, map, edges, s, session, counts);
  }

  /**
   * The evaluator allows {@code f} exactly when a part of the edge between its groups holds its
   * packet, decided by the part's points (counters 4 and 5).
   */
  private static void agrees(
      Flow f,
      Group from,
      Group to,
      Evaluator eval,
      Map<List<Group>, Edge> edges,
      AtomicLongArray counts) {
    List<Flow> placements = eval.placements(f);
    if (!placements.contains(f)) {
      // spec S6.10: a flow crossing no chosen interface of a node with named ones stands for each
      for (Flow p : placements) {
        agrees(p, from, to, eval, edges, counts);
      }
      return;
    }
    if (f.ends().equals(Flow.Ends.both(null))) {
      for (Flow p : placements) {
        if (!p.ends().equals(Flow.Ends.both(null))) {
          agrees(p, from, to, eval, edges, counts); // spec S6.11, S6.12: the map lists placements
        }
      }
    }
    Verdict v = eval.evaluate(f);
    Edge e = edges.get(List.of(from, to));
    Part part =
        e == null
            ? null
            : e.allowed().stream()
                .filter(p -> covers(p, f) && placedAlike(p.witness(), f, eval.policySet().walked()))
                .findFirst()
                .orElse(null);
    assertThat(part != null)
        .as("%s: allowed by eval iff the map holds it (%s -> %s)", f.describe(), from.id(), to.id())
        .isEqualTo(v.allowed());
    if (part != null) {
      assertThat(same(v, part.verdict()))
          .as("%s decided as the map's part says", f.describe())
          .isTrue();
      counts.incrementAndGet(5);
    }
    counts.incrementAndGet(4);
    counts.addAndGet(8, Questions.replied(v) ? 1 : 0);
    counts.addAndGet(9, f.local() ? 1 : 0); // spec S6.12
    counts.addAndGet(11, Questions.floatingWalked(f) ? 1 : 0); // spec S6.11
    counts.addAndGet(10, v.steps().stream().anyMatch(Step::forward) ? 1 : 0); // spec S6.11
    Questions.countPods(f, eval, counts, 14); // spec S6.10
    Questions.countInterfaces(f, counts, 16); // spec S6.10
    counts.addAndGet(18, Questions.hostElsewhere(f, eval) ? 1 : 0); // spec S6.10
    boolean translated = TranslatedSamples.translated(eval.policySet(), f);
    counts.addAndGet(TRANSLATED, translated ? 1 : 0); // spec S6.10
    counts.addAndGet(TRANSLATED + 1, translated && TranslatedSamples.apart(eval, f) ? 1 : 0);
  }

  /** Every part's witness replays to an allow decided as the part says; the edges by pair. */
  private static Map<List<Group>, Edge> replayed(
      MapResult map, Evaluator eval, AtomicLongArray counts, int counter) {
    Map<List<Group>, Edge> edges = new HashMap<>();
    for (Edge e : map.edges()) {
      edges.put(List.of(e.from(), e.to()), e);
      for (Part p : e.allowed()) {
        Verdict v = eval.evaluate(p.witness()); // spec S6.10: translated where settled
        assertThat(v.allowed()).as("witness %s", p.witness().describe()).isTrue();
        assertThat(same(v, p.verdict()))
            .as("witness %s decided as its part says", p.witness().describe())
            .isTrue();
        assertThat(covers(p, p.witness())).isTrue();
        counts.incrementAndGet(counter);
      }
    }
    return edges;
  }

  /**
   * The solver's answers agree: no allowed flow between addressed ends of a pair with no edge, one
   * in a part.
   */
  private static void solver(
      PolicySet set,
      Evaluator eval,
      MapResult map,
      Map<List<Group>, Edge> edges,
      Sampler s,
      SolverSession session,
      AtomicLongArray counts) {
    Network net = Network.encode(set, session);
    DomainClasses names = DomainClasses.of(set);
    List<Group> addressed =
        map.groups().stream()
            .filter(g -> g.outside() || !g.endpoints().get(0).ips().isEmpty())
            .toList();
    for (int i = 0; i < 6 && !addressed.isEmpty(); i++) {
      Group from = s.pick(addressed);
      Group to = s.pick(addressed);
      if (from.outside() && to.outside() || from == to) {
        continue;
      }
      Edge e = edges.get(List.of(from, to));
      Part p = e == null ? null : s.pick(e.allowed());
      int family = p != null ? p.witness().family() : s.nextInt(3) > 0 ? 4 : 6;
      End a = end(from, names, family, true, p == null ? null : p.witness().sourceIp());
      End b = end(to, names, family, false, p == null ? null : p.witness().destinationIp());
      if (a == null
          || b == null
          || a instanceof End.Known x
              && b instanceof End.Known y
              && Flow.mustBeLocal(x.endpoint(), y.endpoint())) {
        continue; // every flow of the pair is local: the solver would not walk it as the map does
      }
      if (e == null) {
        try (Query q = net.query(a.sides(set), b.sides(set), FlowSpec.ANY)) {
          Answer w = q.allowed();
          if (outOfTime(w, counts)) {
            continue;
          }
          assertThat(w.flow())
              .as("%s -> %s: the map has no edge, so no flow is allowed", from.id(), to.id())
              .isNull();
          assertThat(w.status()).isEqualTo(SolverSession.Status.UNSAT);
        }
        counts.incrementAndGet(6);
      } else {
        if (p.protocol() == Part.ANY) {
          continue;
        }
        FlowSpec spec =
            new FlowSpec(
                p.protocol(), range(p.ports()), range(p.sourcePorts()), null, null, p.ipVersion());
        try (Query q = net.query(a.sides(set), b.sides(set), spec)) {
          Answer w = q.allowed();
          if (outOfTime(w, counts)) {
            continue;
          }
          assertThat(w.flow())
              .as(
                  "%s -> %s: some flow of %s (witness %s; solver %s)",
                  from.id(), to.id(), spec, p.witness().describe(), w.status())
              .isNotNull();
          assertThat(eval.evaluate(w.flow()).allowed()).isTrue();
        }
        counts.incrementAndGet(7);
      }
    }
  }

  /** Whether the solver ran out of time on {@code a} (counted: inconclusive, not wrong). */
  private static boolean outOfTime(Answer a, AtomicLongArray counts) {
    if (a.status() != SolverSession.Status.UNKNOWN || !Runs.outOfTime(a.reason())) {
      return false;
    }
    counts.incrementAndGet(OUT_OF_TIME);
    return true;
  }

  private static Port.Range range(List<Port.Range> ranges) {
    return ranges.isEmpty() ? null : new Port.Range(ranges.get(0).min(), ranges.get(0).max());
  }

  /**
   * A group's end for the solver in {@code family}: its first endpoint (null without an address of
   * the family), or outside the witness's address or, without one, explain's when the group holds
   * it.
   */
  private static End end(Group g, DomainClasses names, int family, boolean source, Ip witness) {
    if (!g.outside()) {
      Endpoint e = g.endpoints().get(0);
      return e.ips().stream().anyMatch(i -> i.family() == family) ? new End.Known(e) : null;
    }
    if (!g.domains().isEmpty() && source) {
      return null; // a DNS name names a destination only
    }
    Ip ip = witness != null ? witness : Placeholders.outside(family, source);
    return ip.family() == family
            && (g.cidrs().isEmpty() && !g.domains().isEmpty()
                || g.cidrs().stream().anyMatch(c -> c.contains(ip)))
        ? new End.Addresses(Cidr.host(ip), name(g, names))
        : null;
  }

  /** A DNS name of a DNS-name group (null for other groups). */
  private static String name(Group g, DomainClasses names) {
    for (int k = 1; k < names.size(); k++) {
      if (g.domains().contains(names.pattern(k))) {
        return names.representative(k);
      }
    }
    // an outside group holds the flows reached by no name the policies mention (DomainClasses'
    // class 0); the names they mention are the DNS-name groups'
    return names.size() > 1 && names.classOf(UNMENTIONED) == 0 ? UNMENTIONED : null;
  }

  /** A DNS name no generated policy mentions. */
  private static final String UNMENTIONED = "unmentioned.invalid";

  /**
   * The flow with address-less endpoints at explain's placeholders; null for ends the map does not
   * cover.
   */
  private static Flow placed(Flow f, boolean pods) {
    boolean hypothetical = hypothetical(f.source()) || hypothetical(f.destination());
    if (hypothetical && !pods) {
      return null;
    }
    Ip src =
        f.source() != null && f.source().ips().isEmpty()
            ? Placeholders.pod(f.family(), true)
            : f.sourceIp();
    Ip dst =
        f.destination() != null && f.destination().ips().isEmpty()
            ? Placeholders.pod(f.family(), false)
            : f.destinationIp();
    return Flow.between(
        f.protocol(),
        src,
        f.sourcePort(),
        dst,
        f.destinationPort(),
        f.icmpType(),
        f.icmpCode(),
        f.destinationDomain(),
        f.source(),
        f.destination());
  }

  private static boolean hypothetical(Endpoint e) {
    return e != null && e.source().equals("Hypothetical");
  }

  /**
   * The group of an address outside, reached by DNS name {@code domain} (null: none): a DNS-name
   * group of the name's class at addresses holding it, else the outside group holding it.
   */
  private static Group outside(MapResult map, DomainClasses names, Ip ip, String domain) {
    int k = names.classOf(domain);
    return map.groups().stream()
        .filter(
            g ->
                g.outside()
                    && (k == 0
                        ? g.domains().isEmpty() && g.cidrs().stream().anyMatch(c -> c.contains(ip))
                        : g.domains().contains(names.pattern(k))
                            && (g.cidrs().isEmpty()
                                || g.cidrs().stream().anyMatch(c -> c.contains(ip)))))
        .findFirst()
        .orElse(null);
  }

  /**
   * The flows place their workload alike where its node can matter (spec S6.11, S6.12): on the host
   * endpoint's node of a local flow, or on a walked node; any other node is as good as elsewhere
   * (seed 400361: a part's witness from a pod naming an unwalked node, a flow from a pod template
   * of its group placed elsewhere).
   */
  private static boolean placedAlike(Flow a, Flow b, List<String> walked) {
    return dev.tierproof.model.Placement.of(a, walked)
        .equals(dev.tierproof.model.Placement.of(b, walked));
  }

  static boolean covers(Part p, Flow f) {
    if (p.ipVersion() != null && p.ipVersion() != f.family()) {
      return false;
    }
    boolean protocol =
        p.protocol() == Part.ANY
            ? !p.exceptProtocols().contains(f.protocol())
            : p.protocol() == f.protocol();
    return protocol
        && in(p.ports(), f.destinationPort())
        && in(p.sourcePorts(), f.sourcePort())
        && in(p.icmpTypes(), f.icmpType())
        && in(p.icmpCodes(), f.icmpCode());
  }

  private static boolean in(List<Port.Range> ranges, Integer value) {
    return ranges.isEmpty() || value != null && ranges.stream().anyMatch(r -> r.contains(value));
  }

  /** The same deciding point at every step (the same rule, policy, tier or profile objects). */
  private static boolean same(Verdict a, Verdict b) {
    if (a.steps().size() != b.steps().size()) {
      return false;
    }
    for (int i = 0; i < a.steps().size(); i++) {
      Decision x = a.steps().get(i).decidedBy();
      Decision y = b.steps().get(i).decidedBy();
      if (x.kind() != y.kind()
          || x.tier() != y.tier()
          || x.policy() != y.policy()
          || x.rule() != y.rule()
          || x.profile() != y.profile()) {
        return false;
      }
    }
    return true;
  }
}
