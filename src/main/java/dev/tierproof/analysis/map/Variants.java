package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pods that could be deployed of one class ({@link Hypotheticals}) are mapped once per set of
 * regions of free addresses that rule sides tell apart ({@link Groups}); the variants whose edges
 * are alike (to and from every other group, and among themselves: the same packets decided by the
 * same points) are joined again, so that only those the map shows differently stay apart, each
 * saying where it stands. Ids are then numbered in order ({@code h1}, {@code h2}, ...).
 */
final class Variants {

  private Variants() {}

  static MapResult join(List<Member> members, List<Edge> edges) {
    Map<Group, Member> memberOf = new IdentityHashMap<>();
    Map<String, List<Member>> families = new LinkedHashMap<>();
    for (Member m : members) {
      memberOf.put(m.group(), m);
      if (m.variantOf() != null) {
        families.computeIfAbsent(m.variantOf(), k -> new ArrayList<>()).add(m);
      }
    }
    // per variant, its edges to and from every group outside its family; within a family, by pair
    Map<Group, Map<Integer, List<Object>>> rows = new IdentityHashMap<>();
    Map<List<Object>, List<Object>> within = new java.util.HashMap<>();
    Signatures signatures = new Signatures();
    for (Edge e : edges) {
      Member f = memberOf.get(e.from());
      Member t = memberOf.get(e.to());
      if (f.variantOf() == null && t.variantOf() == null) {
        continue;
      }
      List<Object> sig = signatures.of(e.allowed());
      if (f.variantOf() != null && f.variantOf().equals(t.variantOf())) {
        within.put(pair(e.from(), e.to()), sig);
        continue;
      }
      if (f.variantOf() != null) {
        rows.computeIfAbsent(e.from(), k -> new TreeMap<>()).put(2 * t.index(), sig);
      }
      if (t.variantOf() != null) {
        rows.computeIfAbsent(e.to(), k -> new TreeMap<>()).put(2 * f.index() + 1, sig);
      }
    }
    Map<Group, Group> shown = new IdentityHashMap<>(); // every variant -> its cluster's group
    Map<Group, Boolean> heads = new IdentityHashMap<>(); // the first variant of each cluster
    Map<String, Integer> numbers = new java.util.HashMap<>(); // per kind of group: h, d
    for (List<Member> family : families.values()) {
      Map<Map<Integer, List<Object>>, List<List<Member>>> byRow = new LinkedHashMap<>();
      List<List<Member>> clusters = new ArrayList<>();
      for (Member v : family) {
        List<List<Member>> candidates =
            byRow.computeIfAbsent(rows.getOrDefault(v.group(), Map.of()), k -> new ArrayList<>());
        List<Member> home =
            candidates.stream().filter(c -> fits(v.group(), c, within)).findFirst().orElse(null);
        if (home == null) {
          home = new ArrayList<>();
          candidates.add(home);
          clusters.add(home);
        }
        home.add(v);
      }
      for (List<Member> c : clusters) {
        Group first = c.get(0).group();
        List<dev.tierproof.model.Cidr> addresses = new ArrayList<>();
        List<String> regions = new ArrayList<>();
        if (clusters.size() > 1) {
          c.forEach(m -> addresses.addAll(m.group().cidrs()));
          c.stream().flatMap(m -> m.regions().stream()).distinct().forEach(regions::add);
        }
        String kind = first.id().substring(0, 1);
        Group g =
            first.as(
                kind + numbers.merge(kind, 1, Integer::sum),
                addresses,
                first.names()
                    + (regions.isEmpty()
                        ? ""
                        : " at "
                            + (regions.size() <= 3
                                ? String.join(", ", regions)
                                : String.join(", ", regions.subList(0, 3))
                                    + ", … ("
                                    + regions.size()
                                    + ")")));
        c.forEach(m -> shown.put(m.group(), g));
        heads.put(first, true);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (Member m : members) {
      Group g = m.variantOf() == null ? m.group() : shown.get(m.group());
      if (m.variantOf() == null || !groups.contains(g)) {
        groups.add(g);
      }
    }
    List<Edge> kept = new ArrayList<>(); // a cluster's edges are its first variant's
    for (Edge e : edges) {
      if ((!shown.containsKey(e.from()) || heads.containsKey(e.from()))
          && (!shown.containsKey(e.to()) || heads.containsKey(e.to()))) {
        kept.add(
            new Edge(
                shown.getOrDefault(e.from(), e.from()),
                shown.getOrDefault(e.to(), e.to()),
                e.allowed()));
      }
    }
    return new MapResult(groups, kept);
  }

  /**
   * Whether variant {@code v}, whose edges outside its family are those of {@code cluster}'s, is
   * alike to the cluster's variants among themselves: the edges between any two of them (and each
   * to itself) are alike.
   */
  private static boolean fits(
      Group v, List<Member> cluster, Map<List<Object>, List<Object>> within) {
    Group r = cluster.get(0).group();
    List<Object> self = between(within, r, r);
    if (!self.equals(between(within, v, v))) {
      return false;
    }
    for (Member m : cluster) {
      if (!self.equals(between(within, v, m.group()))
          || !self.equals(between(within, m.group(), v))) {
        return false;
      }
    }
    return true;
  }

  /** An ordered pair of groups, compared by identity. */
  private static List<Object> pair(Group a, Group b) {
    return List.of(new Same(a), new Same(b));
  }

  private static List<Object> between(Map<List<Object>, List<Object>> within, Group a, Group b) {
    return within.getOrDefault(pair(a, b), List.of());
  }
}
