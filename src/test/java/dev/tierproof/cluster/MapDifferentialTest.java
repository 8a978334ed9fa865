package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Reachability;
import dev.tierproof.analysis.map.Connectivity;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.smt.SolverSession;
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
 * random parts, it finds one in the part's protocol and ports. {@code -Dmap.cases=N} (default 150,
 * long 5,000), first seed {@code -Dmap.seed=S}.
 */
class MapDifferentialTest {

  private static final int CASES = Runs.cases("map.cases", 150, 5_000);
  private static final long SEED = Long.getLong("map.seed", 1);
  private static final int SAMPLES = 60;

  @Test
  void map_randomClusters_agreesWithEval() throws Exception {
    Runs.run(
        "map differential",
        "map.seed",
        SEED,
        CASES,
        List.of(
            "clusters",
            "groups",
            "edges",
            "parts replayed",
            "sampled flows",
            "allowed",
            "pairs proved isolated",
            "parts proved reachable"),
        MapDifferentialTest::one);
  }

  private static void one(long seed, SolverSession session, AtomicLongArray counts) {
    RandomCluster c = new RandomCluster(seed);
    PolicySet set = c.load(false);
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
    Map<List<Group>, Edge> edges = new HashMap<>();
    for (Edge e : map.edges()) {
      edges.put(List.of(e.from(), e.to()), e);
      for (Part p : e.allowed()) {
        Verdict v = eval.evaluate(p.witness());
        assertThat(v.allowed()).as("witness %s", p.witness().describe()).isTrue();
        assertThat(same(v, p.verdict()))
            .as("witness %s decided as its part says", p.witness().describe())
            .isTrue();
        assertThat(covers(p, p.witness())).isTrue();
        counts.incrementAndGet(3);
      }
    }
    Sampler s = new Sampler(set, seed);
    for (int i = 0; i < SAMPLES; i++) {
      Flow f = placed(s.flow());
      if (f == null
          || f.source() == null && f.destination() == null
          || f.source() != null && f.source() == f.destination()) {
        continue;
      }
      Group from = f.source() != null ? groupOf.get(f.source()) : outside(map, f.sourceIp());
      Group to =
          f.destination() != null ? groupOf.get(f.destination()) : outside(map, f.destinationIp());
      assertThat(from).as("a group holds the source of %s", f.describe()).isNotNull();
      assertThat(to).as("a group holds the destination of %s", f.describe()).isNotNull();
      Verdict v = eval.evaluate(f);
      Edge e = edges.get(List.of(from, to));
      Part part =
          e == null
              ? null
              : e.allowed().stream().filter(p -> covers(p, f)).findFirst().orElse(null);
      assertThat(part != null)
          .as(
              "%s: allowed by eval iff the map holds it (%s -> %s)",
              f.describe(), from.id(), to.id())
          .isEqualTo(v.allowed());
      if (part != null) {
        assertThat(same(v, part.verdict()))
            .as("%s decided as the map's part says", f.describe())
            .isTrue();
        counts.incrementAndGet(5);
      }
      counts.incrementAndGet(4);
    }
    solver(set, map, edges, s, session, counts);
  }

  /**
   * The solver's answers agree: no allowed flow between addressed ends of a pair with no edge, one
   * in a part.
   */
  private static void solver(
      PolicySet set,
      MapResult map,
      Map<List<Group>, Edge> edges,
      Sampler s,
      SolverSession session,
      AtomicLongArray counts) {
    Reachability r = Reachability.using(set, session);
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
      End a = end(from, family, true, p == null ? null : p.witness().sourceIp());
      End b = end(to, family, false, p == null ? null : p.witness().destinationIp());
      if (a == null || b == null) {
        continue;
      }
      if (e == null) {
        Reachability.Search w = r.witness(a, b, FlowSpec.ANY);
        assertThat(w.flow())
            .as("%s -> %s: the map has no edge, so no flow is allowed", from.id(), to.id())
            .isNull();
        assertThat(w.solver().status()).isEqualTo("unsat");
        counts.incrementAndGet(6);
      } else {
        if (p.protocol() == Part.ANY) {
          continue;
        }
        FlowSpec spec =
            new FlowSpec(
                p.protocol(), range(p.ports()), range(p.sourcePorts()), null, null, p.ipVersion());
        Reachability.Search w = r.witness(a, b, spec);
        assertThat(w.flow())
            .as(
                "%s -> %s: some flow of %s (witness %s; solver %s)",
                from.id(), to.id(), spec, p.witness().describe(), w.solver())
            .isNotNull();
        counts.incrementAndGet(7);
      }
    }
  }

  private static Port.Range range(List<Port.Range> ranges) {
    return ranges.isEmpty() ? null : new Port.Range(ranges.get(0).min(), ranges.get(0).max());
  }

  /**
   * A group's end for the solver in {@code family}: its first endpoint (null without an address of
   * the family), or outside the witness's address or, without one, explain's when the group holds
   * it.
   */
  private static End end(Group g, int family, boolean source, Ip witness) {
    if (!g.outside()) {
      Endpoint e = g.endpoints().get(0);
      return e.ips().stream().anyMatch(i -> i.family() == family) ? new End.Known(e) : null;
    }
    Ip ip = witness != null ? witness : Placeholders.outside(family, source);
    return g.cidrs().stream().anyMatch(c -> c.contains(ip))
        ? new End.Addresses(dev.tierproof.model.Cidr.host(ip), null)
        : null;
  }

  /**
   * The flow with address-less endpoints at explain's placeholders; null for ends the map does not
   * cover.
   */
  private static Flow placed(Flow f) {
    boolean hypothetical =
        f.source() != null && f.source().source().equals("Hypothetical")
            || f.destination() != null && f.destination().source().equals("Hypothetical");
    if (hypothetical || f.destinationDomain() != null) {
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
    return new Flow(
        f.protocol(),
        src,
        f.sourcePort(),
        dst,
        f.destinationPort(),
        f.icmpType(),
        f.icmpCode(),
        null,
        f.source(),
        f.destination());
  }

  private static Group outside(MapResult map, Ip ip) {
    return map.groups().stream()
        .filter(g -> g.outside() && g.cidrs().stream().anyMatch(c -> c.contains(ip)))
        .findFirst()
        .orElse(null);
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
