package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.model.Cidr;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Groups that stand at addresses no endpoint owns (DNS names, pods that could be deployed) are
 * mapped once per region of such addresses ({@link Groups.Region}); the regions of one such group
 * whose edges are alike (to and from every other group, and among themselves: the same packets
 * decided by the same points) are joined back into one group, and only those the ranges tell apart
 * stay apart, each saying which addresses it stands at.
 */
final class Variants {

  private Variants() {}

  static MapResult join(List<Member> members, List<Edge> edges) {
    Map<Group, Map<Group, List<Part>>> out = new IdentityHashMap<>();
    Map<Group, Map<Group, List<Part>>> in = new IdentityHashMap<>();
    for (Edge e : edges) {
      out.computeIfAbsent(e.from(), k -> new IdentityHashMap<>()).put(e.to(), e.allowed());
      in.computeIfAbsent(e.to(), k -> new IdentityHashMap<>()).put(e.from(), e.allowed());
    }
    Map<String, List<Group>> families = new LinkedHashMap<>();
    Map<Group, String> familyOf = new IdentityHashMap<>();
    for (Member m : members) {
      if (m.variantOf() != null) {
        families.computeIfAbsent(m.variantOf(), k -> new ArrayList<>()).add(m.group());
        familyOf.put(m.group(), m.variantOf());
      }
    }
    Map<Group, Group> joined = new IdentityHashMap<>(); // a cluster's first variant -> its group
    Map<String, Integer> numbers = new java.util.HashMap<>(); // per kind of group: h, d
    for (List<Group> family : families.values()) {
      List<List<Group>> clusters = new ArrayList<>();
      for (Group v : family) {
        List<Group> home =
            clusters.stream()
                .filter(c -> fits(v, c, members, familyOf, out, in))
                .findFirst()
                .orElse(null);
        if (home == null) {
          clusters.add(new ArrayList<>(List.of(v)));
        } else {
          home.add(v);
        }
      }
      for (int k = 0; k < clusters.size(); k++) {
        List<Group> c = clusters.get(k);
        Group first = c.get(0);
        List<Cidr> within = new ArrayList<>();
        if (clusters.size() > 1) {
          c.forEach(g -> within.addAll(g.cidrs()));
        }
        String id =
            first.id().substring(0, 1) + numbers.merge(first.id().substring(0, 1), 1, Integer::sum);
        List<String> regions = new ArrayList<>();
        if (clusters.size() > 1) {
          c.forEach(g -> regions.add(region(g, members)));
        }
        String names =
            first.names() + (regions.isEmpty() ? "" : " at " + String.join(", ", regions));
        joined.put(first, first.as(id, within, names));
      }
    }
    List<Group> groups = new ArrayList<>();
    for (Member m : members) {
      if (m.variantOf() == null) {
        groups.add(m.group());
      } else if (joined.containsKey(m.group())) {
        groups.add(joined.get(m.group()));
      }
    }
    List<Edge> kept = new ArrayList<>();
    for (Edge e : edges) {
      Group from = shown(e.from(), familyOf, joined);
      Group to = shown(e.to(), familyOf, joined);
      if (from != null && to != null) {
        kept.add(new Edge(from, to, e.allowed()));
      }
    }
    return new MapResult(groups, kept);
  }

  /** The name of the outside group whose addresses a variant stands at (regions are disjoint). */
  private static String region(Group variant, List<Member> members) {
    Cidr first = variant.cidrs().get(0);
    return members.stream()
        .map(Member::group)
        .filter(g -> g.outside() && g.domains().isEmpty() && g.cidrs().contains(first))
        .map(Group::names)
        .findFirst()
        .orElse(first.toString());
  }

  /** The group a group of the map is shown as, or null when another variant speaks for it. */
  private static Group shown(Group g, Map<Group, String> familyOf, Map<Group, Group> joined) {
    return !familyOf.containsKey(g) ? g : joined.get(g);
  }

  /** Whether variant {@code v} is alike to every variant of {@code cluster}. */
  private static boolean fits(
      Group v,
      List<Group> cluster,
      List<Member> members,
      Map<Group, String> familyOf,
      Map<Group, Map<Group, List<Part>>> out,
      Map<Group, Map<Group, List<Part>>> in) {
    Group r = cluster.get(0);
    String family = familyOf.get(v);
    for (Member m : members) {
      Group x = m.group();
      if (family.equals(familyOf.get(x))) {
        continue;
      }
      if (!alike(parts(out, v, x), parts(out, r, x)) || !alike(parts(in, v, x), parts(in, r, x))) {
        return false;
      }
    }
    List<Part> self = parts(out, r, r);
    if (!alike(parts(out, v, v), self)) {
      return false;
    }
    for (Group m : cluster) {
      if (!alike(parts(out, v, m), self) || !alike(parts(out, m, v), self)) {
        return false;
      }
    }
    return true;
  }

  private static List<Part> parts(Map<Group, Map<Group, List<Part>>> by, Group a, Group b) {
    return by.getOrDefault(a, Map.of()).getOrDefault(b, List.of());
  }

  /** The same packets decided by the same points, in the same order (witnesses aside). */
  private static boolean alike(List<Part> a, List<Part> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Objects.equals(a.get(i).ipVersion(), b.get(i).ipVersion())
          || !Connectivity.alike(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
