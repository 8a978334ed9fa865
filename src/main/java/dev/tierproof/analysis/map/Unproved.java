package dev.tierproof.analysis.map;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the map leaves unproved (spec S9.3): the unmodelled elements that could change the answer
 * for some ordered pair of the groups it covers, asked of {@link Relevance#map} pair by pair of
 * groups, and within the bound of the map's own ends ({@code SRC}/{@code DST}, or any endpoint): an
 * element standing for forwarded traffic leaves a pair of a workload on a walked node and an
 * outside group, or of a host endpoint and a workload on its node, proved, however many other pairs
 * it reaches.
 *
 * @param elements every element that could change some covered pair (the map's caveat)
 * @param pairs the covered pairs that some element could change, in group order, each with those
 *     elements
 * @param everyPair whether every covered pair is among {@code pairs}
 */
public record Unproved(List<Unmodelled> elements, List<Pair> pairs, boolean everyPair) {

  public static final Unproved NONE = new Unproved(List.of(), List.of(), false);

  public Unproved {
    elements = List.copyOf(elements);
    pairs = List.copyOf(pairs);
  }

  /** One ordered pair of groups and the elements that could change what it allows. */
  public record Pair(Group from, Group to, List<Unmodelled> elements) {
    public Pair {
      elements = List.copyOf(elements);
    }
  }

  /**
   * The elements of {@code all} that could change a pair of {@code map}'s groups from one {@code
   * from} covers to one {@code to} covers (null: any group; {@code hypothetical}: with pods that
   * could be deployed), each pair as {@link Relevance#map} answers for its groups' ends, bounded by
   * its answer for {@code from} and {@code to} themselves. Two outside groups are no pair of the
   * map.
   */
  public static Unproved of(
      List<Unmodelled> all, PolicySet set, boolean hypothetical, MapResult map, End from, End to) {
    List<Unmodelled> bound = Relevance.map(all, set, hypothetical, from, to);
    if (bound.isEmpty()) {
      return NONE;
    }
    Predicate<Group> sources = covers(from, set);
    Predicate<Group> destinations = covers(to, set);
    Map<Group, List<End>> ends = new java.util.IdentityHashMap<>();
    Map<Group, Set<Unmodelled>> near = new java.util.IdentityHashMap<>();
    for (Group g : map.groups()) {
      ends.put(g, ends(g));
      Set<Unmodelled> at = new java.util.HashSet<>();
      ends.get(g).forEach(x -> at.addAll(Relevance.at(bound, set, x)));
      near.put(g, at);
    }
    Set<Unmodelled> union = new LinkedHashSet<>();
    List<Pair> pairs = new ArrayList<>();
    int covered = 0;
    for (Group a : map.groups()) {
      if (!sources.test(a)) {
        continue;
      }
      for (Group b : map.groups()) {
        if (!destinations.test(b) || a.outside() && b.outside()) {
          continue;
        }
        covered++;
        // what acts at neither group (nor everywhere) changes no flow between them
        List<Unmodelled> some =
            bound.stream().filter(u -> near.get(a).contains(u) || near.get(b).contains(u)).toList();
        Set<Unmodelled> here = new LinkedHashSet<>();
        for (End x : some.isEmpty() ? List.<End>of() : ends.get(a)) {
          for (End y : ends.get(b)) {
            here.addAll(Relevance.map(some, set, false, x, y));
          }
        }
        if (!here.isEmpty()) {
          pairs.add(new Pair(a, b, List.copyOf(here)));
          union.addAll(here);
        }
      }
    }
    // the bound's order, so the caveat reads as before
    List<Unmodelled> elements = bound.stream().filter(union::contains).toList();
    return new Unproved(elements, pairs, !pairs.isEmpty() && pairs.size() == covered);
  }

  /**
   * The groups an end covers ({@link Covering#of}, tested endpoint by endpoint, as an aggregated
   * group holds several kinds); every group of pods that could be deployed that the end could hold
   * (conservative: a selector or a range is not asked, a pod of the input never holds one).
   */
  private static Predicate<Group> covers(End end, PolicySet set) {
    if (end == null) {
      return g -> true;
    }
    Predicate<Group> covering = Covering.of(end, set);
    return g -> {
      if (g.hypothetical()) {
        return !(end instanceof End.Known)
            && !(end instanceof End.Hypothetical h
                && (h.existingOnly()
                    || h.namespace() != null && !h.namespace().equals(g.namespace())));
      }
      if (g.endpoints().isEmpty()) {
        return covering.test(g);
      }
      return g.endpoints().stream()
          .anyMatch(
              e ->
                  covering.test(
                      new Group(
                          g.id(), e.namespace(), g.labels(), List.of(e), g.cidrs(), g.names())));
    };
  }

  /**
   * The ends that stand for a group's members: one per endpoint that reach tells apart (kind,
   * labels, profiles, node, interfaces); any address outside; any pod that could be deployed in its
   * namespace.
   */
  private static List<End> ends(Group g) {
    if (g.hypothetical()) {
      return List.of(new End.Hypothetical(g.namespace(), new Selector.All(), false));
    }
    if (g.endpoints().isEmpty()) {
      return List.of(new End.Addresses(null, null));
    }
    Map<List<Object>, End> out = new java.util.LinkedHashMap<>();
    for (Endpoint e : g.endpoints()) {
      out.putIfAbsent(
          java.util.Arrays.asList(e.kind(), e.labels(), e.profiles(), e.node(), e.allInterfaces()),
          new End.Known(e));
    }
    return List.copyOf(out.values());
  }
}
