package dev.tierproof.analysis;

import dev.tierproof.model.Flow;
import dev.tierproof.model.Placement;
import dev.tierproof.model.Placements;
import dev.tierproof.smt.DiffQuery.Change;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Joins a diff class of one placement over the placements at which its witness changed alike (spec
 * S6.10-S6.12): a class found for one node (or pair of nodes) and one pair of interface choices is
 * widened, when the solver proves it ({@link Generalizer#uniform}), to every placement of the
 * witness that changed so in both versions' evaluators (other nodes, other interfaces), else to the
 * interfaces of its own nodes (a product: every choice in by every choice out at which the witness
 * changed so). An end whose every choice joins names none. What no proof covers stays apart, for a
 * class of its own.
 */
final class WidenPlacement {

  /** An end where no interface choice applies (no interface is named so). */
  private static final String NONE = "";

  /** Solver checks a class may spend on its placements. */
  private static final int TRIES = 3;

  private final Generalizer gen;
  private final Replay replay;

  WidenPlacement(Generalizer gen, Replay replay) {
    this.gen = gen;
    this.replay = replay;
  }

  /** {@code c}, or the widest class over the placements of its witness proved to change so. */
  Candidate widen(Candidate c, Change change, Flow w) {
    if (c.placed() == null || c.placed().only() == null) {
      return c;
    }
    Placement p = c.placed().only();
    Set<String> walked = replay.walked();
    // per pair of nodes: (in, out) -> whether the witness placed so changed so
    Map<List<String>, Map<List<String>, Boolean>> alike = new LinkedHashMap<>();
    for (Flow o : w.placements(replay.ports())) {
      Placement q = Placement.of(o, walked);
      alike
          .computeIfAbsent(Arrays.asList(q.source(), q.destination()), k -> new LinkedHashMap<>())
          .put(
              Arrays.asList(q.sourceInterface(), q.destinationInterface()), gen.changed(o, change));
    }
    Set<Placements> wider = new LinkedHashSet<>();
    List<Placement> every = new ArrayList<>();
    alike.forEach((nodes, pairs) -> every.addAll(exactly(nodes, pairs)));
    if (!every.isEmpty()) {
      wider.add(new Placements(every));
    }
    Map<List<String>, Boolean> mine = alike.get(Arrays.asList(p.source(), p.destination()));
    if (mine == null) {
      return c;
    }
    List<Placement> products = new ArrayList<>();
    for (boolean outFirst : List.of(true, false)) {
      Set<String> a = new TreeSet<>(p.sourceInterfaces());
      Set<String> b = new TreeSet<>(p.destinationInterfaces());
      for (boolean out : List.of(outFirst, !outFirst)) {
        grow(out ? b : a, choices(mine, out ? 1 : 0), out ? a : b, out, mine);
        products.add(crossing(p, a, b, mine));
      }
    }
    products.sort(Comparator.comparingInt(x -> -size(x, mine)));
    products.forEach(x -> wider.add(Placements.of(x)));
    int tries = 0;
    for (Placements q : wider) {
      if (q.equals(c.placed()) || tries++ == TRIES) {
        break; // the narrower ones hold no more than the class
      }
      Candidate t = new Candidate(c.src(), c.dst(), c.packets(), q);
      if (gen.uniform(t, change)) {
        return t;
      }
    }
    return c;
  }

  /** The placements on {@code nodes} whose pairs of choices changed so, as few as hold them. */
  private static List<Placement> exactly(List<String> nodes, Map<List<String>, Boolean> pairs) {
    Map<String, Set<String>> outs = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
    pairs.forEach(
        (pair, changed) -> {
          if (changed) {
            outs.computeIfAbsent(pair.get(0), k -> new TreeSet<>())
                .add(Objects.requireNonNullElse(pair.get(1), NONE));
          }
        });
    Map<Set<String>, Set<String>> ins = new LinkedHashMap<>(); // outs -> the ins with them
    outs.forEach(
        (in, o) ->
            ins.computeIfAbsent(o, k -> new TreeSet<>()).add(Objects.requireNonNullElse(in, NONE)));
    List<Placement> out = new ArrayList<>();
    Placement at = new Placement(nodes.get(0), nodes.get(1));
    ins.forEach((o, i) -> out.add(crossing(at, unnull(i), unnull(o), pairs)));
    return out;
  }

  /** Choices as sets hold them: without {@link #NONE}. */
  private static Set<String> unnull(Set<String> s) {
    Set<String> out = new TreeSet<>(s);
    out.remove(NONE);
    return out;
  }

  /**
   * {@code p}'s nodes crossing {@code a} in and {@code b} out, an end of every choice naming none.
   */
  private static Placement crossing(
      Placement p, Set<String> a, Set<String> b, Map<List<String>, Boolean> pairs) {
    return p.crossing(
        a.equals(choices(pairs, 0)) ? Set.of() : a, b.equals(choices(pairs, 1)) ? Set.of() : b);
  }

  /** The choices at one end (0: in, 1: out) of the pairs. */
  private static Set<String> choices(Map<List<String>, Boolean> pairs, int end) {
    Set<String> out = new TreeSet<>();
    for (List<String> k : pairs.keySet()) {
      if (k.get(end) != null) {
        out.add(k.get(end));
      }
    }
    return out;
  }

  /**
   * Adds to {@code mine} (the choices at one end: the destination's with {@code out}) each of
   * {@code all} with which the witness changed so crossing every choice of {@code other} at the
   * other end.
   */
  private static void grow(
      Set<String> mine,
      Set<String> all,
      Set<String> other,
      boolean out,
      Map<List<String>, Boolean> alike) {
    List<String> others = other.isEmpty() ? Collections.singletonList(null) : List.copyOf(other);
    for (String x : all) {
      if (!mine.contains(x)
          && others.stream()
              .allMatch(
                  y ->
                      Boolean.TRUE.equals(
                          alike.get(out ? Arrays.asList(y, x) : Arrays.asList(x, y))))) {
        mine.add(x);
      }
    }
  }

  /** How many choice pairs {@code q} holds. */
  private static int size(Placement q, Map<List<String>, Boolean> pairs) {
    int a = q.sourceInterfaces().isEmpty() ? choices(pairs, 0).size() : q.sourceInterfaces().size();
    int b =
        q.destinationInterfaces().isEmpty()
            ? choices(pairs, 1).size()
            : q.destinationInterfaces().size();
    return Math.max(1, a) * Math.max(1, b);
  }
}
