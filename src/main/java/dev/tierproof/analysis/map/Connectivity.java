package dev.tierproof.analysis.map;

import dev.tierproof.analysis.FlowSpec;
import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.source.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The connectivity map of a policy set over its endpoints and the addresses outside the cluster:
 * for each ordered pair of groups ({@link Groups}), every cell of the packet space ({@link Cells})
 * is evaluated by the evaluator on the pair's standing-for ends, so the allowed parts are exact
 * (no rule tells apart the members of a group or the packets of a cell) and each part's witness is
 * an evaluated flow.
 */
public final class Connectivity {

  /**
   * What the map covers: ends whose group {@code sources}/{@code destinations} accept, packets
   * {@code packets} accepts (a cell's standing-for flow; the bounds also split the cells).
   */
  public record Options(
      Predicate<Group> sources, Predicate<Group> destinations, FlowSpec packets, Progress progress) {
    public static Options all() {
      return new Options(g -> true, g -> true, FlowSpec.ANY, Progress.NONE);
    }
  }

  /** The groups an end of a question covers: its endpoint's, those in its range, those its selector selects. */
  public static Predicate<Group> covering(dev.tierproof.analysis.End end) {
    if (end instanceof dev.tierproof.analysis.End.Known k) {
      return g -> g.endpoints().contains(k.endpoint());
    }
    if (end instanceof dev.tierproof.analysis.End.Outside o) {
      dev.tierproof.model.Cidr r = o.range();
      return g -> r == null ? g.outside()
          : g.outside() ? g.cidrs().stream().anyMatch(c -> c.contains(r.address()) || r.contains(c.address()))
          : g.endpoints().stream().anyMatch(e -> e.ips().stream().anyMatch(r::contains));
    }
    dev.tierproof.analysis.End.Hypothetical h = (dev.tierproof.analysis.End.Hypothetical) end;
    return g -> !g.outside() && (h.namespace() == null || h.namespace().equals(g.namespace()))
        && h.selector().matches(g.endpoints().get(0).labels());
  }

  private final PolicySet set;
  private final Evaluator evaluator;
  private final Options options;
  private final Map<Endpoint, List<Rule>> egress = new HashMap<>();
  private final Map<Endpoint, List<Rule>> ingress = new HashMap<>();

  private Connectivity(PolicySet set, Options options) {
    this.set = set;
    this.evaluator = new Evaluator(set);
    this.options = options;
  }

  public static MapResult run(PolicySet set, Options options) {
    return new Connectivity(set, options).map();
  }

  private MapResult map() {
    Groups groups = new Groups(set);
    List<Member> members = groups.members;
    List<Edge> edges = new ArrayList<>();
    int done = 0;
    for (Member from : members) {
      options.progress().at("source groups", done++, members.size());
      if (!options.sources().test(from.group())) {
        continue;
      }
      for (Member to : members) {
        if (!options.destinations().test(to.group()) || from.group().outside() && to.group().outside()) {
          continue;
        }
        List<Part> parts = pair(from, to);
        if (!parts.isEmpty()) {
          edges.add(new Edge(from.group(), to.group(), parts));
        }
      }
    }
    options.progress().at("source groups", members.size(), members.size());
    return new MapResult(members.stream().map(Member::group).toList(), edges);
  }

  /** The allowed parts from one group to another, over both families. */
  private List<Part> pair(Member from, Member to) {
    Endpoint src = from.endpoint();
    Endpoint dst = to.endpoint();
    Map<Integer, Ip> dstAddresses = to.destination();
    if (from.group() == to.group()) {
      if (from.group().endpoints().size() < 2) {
        return List.of(); // an endpoint's traffic to itself never meets policy
      }
      dst = from.group().endpoints().get(1);
      dstAddresses = new java.util.TreeMap<>();
      for (Ip ip : dst.ips()) {
        dstAddresses.putIfAbsent(ip.family(), ip);
      }
    }
    Cells cells = new Cells();
    if (src != null) {
      rules(src, Direction.EGRESS).forEach(cells::add);
      cells.add(src.ports(), true);
      if (src.isHost()) {
        cells.addPorts(Evaluator.FAILSAFE_OUT);
      }
    }
    if (dst != null) {
      rules(dst, Direction.INGRESS).forEach(cells::add);
      cells.add(dst.ports(), false);
      if (dst.isHost()) {
        cells.addPorts(Evaluator.FAILSAFE_IN);
      }
    }
    cells.bound(options.packets());
    Map<Integer, List<Part>> byFamily = new java.util.TreeMap<>();
    for (Map.Entry<Integer, Ip> s : from.source().entrySet()) {
      Ip d = dstAddresses.get(s.getKey());
      if (d != null && (options.packets().ipVersion() == null || options.packets().ipVersion().equals(s.getKey()))) {
        byFamily.put(s.getKey(), parts(cells, src, s.getValue(), dst, d));
      }
    }
    if (byFamily.size() < 2) {
      return byFamily.values().stream().findFirst().orElse(List.of());
    }
    // both families: parts alike in both hold for either, the others name their family
    List<Part> v6 = new ArrayList<>(byFamily.get(6));
    List<Part> out = new ArrayList<>();
    for (Part p : byFamily.get(4)) {
      Part twin = v6.stream().filter(q -> alike(p, q)).findFirst().orElse(null);
      out.add(p.in(twin == null ? 4 : null));
      v6.remove(twin);
    }
    v6.forEach(q -> out.add(q.in(6)));
    return out;
  }

  /** The same packets decided by the same points. */
  private static boolean alike(Part a, Part b) {
    return a.protocol() == b.protocol() && a.exceptProtocols().equals(b.exceptProtocols()) && a.ports().equals(b.ports())
        && a.sourcePorts().equals(b.sourcePorts()) && a.icmpTypes().equals(b.icmpTypes()) && a.icmpCodes().equals(b.icmpCodes())
        && key(a.verdict()).equals(key(b.verdict()));
  }

  /** The rules that can decide a step at {@code at}: of the policies that apply, then of its profiles. */
  private List<Rule> rules(Endpoint at, Direction dir) {
    return (dir == Direction.EGRESS ? egress : ingress).computeIfAbsent(at, e -> {
      List<Rule> out = new ArrayList<>();
      for (Tier t : set.tiers()) {
        for (Policy p : evaluator.applying(t, e, dir)) {
          out.addAll(p.rules(dir));
        }
      }
      for (String name : e.profiles()) {
        Profile p = set.profiles().get(name);
        if (p != null) {
          out.addAll(p.rules(dir));
        }
      }
      return out;
    });
  }

  /** Evaluates every cell between two ends and gathers the allowed ones into parts. */
  private List<Part> parts(Cells cells, Endpoint src, Ip srcIp, Endpoint dst, Ip dstIp) {
    List<Cells.Cell> all = cells.cells();
    Map<List<Object>, List<Cells.Cell>> allowed = new LinkedHashMap<>();
    Map<Cells.Cell, Evaluated> evaluated = new HashMap<>();
    for (Cells.Cell c : all) {
      Flow f = new Flow(c.repProtocol(), srcIp, c.sourcePort(), dstIp, c.port(), c.type(), c.code(), null, src, dst);
      if (!admits(options.packets(), f)) {
        continue;
      }
      Verdict v = evaluator.evaluate(f);
      if (v.allowed()) {
        evaluated.put(c, new Evaluated(f, v));
        allowed.computeIfAbsent(key(v), k -> new ArrayList<>()).add(c);
      }
    }
    List<Part> out = new ArrayList<>();
    for (List<Cells.Cell> same : allowed.values()) {
      out.addAll(Parts.of(all, same, evaluated));
    }
    return out;
  }

  private static boolean admits(FlowSpec b, Flow f) {
    return (b.protocol() == null ? !b.otherThan().contains(f.protocol()) : b.protocol() == f.protocol())
        && (b.port() == null || f.destinationPort() != null && b.port().min() <= f.destinationPort() && f.destinationPort() <= b.port().max())
        && (b.sourcePort() == null || f.sourcePort() != null && b.sourcePort().min() <= f.sourcePort() && f.sourcePort() <= b.sourcePort().max())
        && (b.icmpType() == null || b.icmpType().equals(f.icmpType()))
        && (b.icmpCode() == null || b.icmpCode().equals(f.icmpCode()));
  }

  /** An evaluated standing-for flow. */
  record Evaluated(Flow flow, Verdict verdict) {}

  /** What decided each step, compared by identity. */
  private static List<Object> key(Verdict v) {
    List<Object> out = new ArrayList<>();
    for (Step s : v.steps()) {
      Decision d = s.decidedBy();
      out.add(s.direction());
      out.add(d.kind());
      out.add(new Same(d.tier()));
      out.add(new Same(d.policy()));
      out.add(new Same(d.rule()));
      out.add(new Same(d.profile()));
    }
    return out;
  }

  /** Identity, for records whose equality would compare whole policies. */
  private record Same(Object o) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Same s && s.o == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(o);
    }
  }
}
