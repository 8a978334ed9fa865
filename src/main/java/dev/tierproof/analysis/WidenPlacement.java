package dev.tierproof.analysis;

import dev.tierproof.model.Flow;
import dev.tierproof.model.Placement;
import dev.tierproof.smt.DiffQuery.Change;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Joins a diff class of one placement over the interface choices it crosses (spec S6.10, S6.11): a
 * class found for one pair of interfaces of a walked node (a flow routed through it in by one and
 * out by another, or a workload's end on it) is widened to the interfaces of each end (a product:
 * every choice in by every choice out) at which the witness, crossing them, changed so in both
 * versions' evaluators, when the solver proves the wider class ({@link Generalizer#uniform}). An
 * end whose every choice joins names none. The nodes stay the class's; what no proof covers stays
 * apart, for a class of its own.
 */
final class WidenPlacement {

  /** Solver checks a class may spend on its interfaces. */
  private static final int TRIES = 3;

  private final Generalizer gen;
  private final Replay replay;

  WidenPlacement(Generalizer gen, Replay replay) {
    this.gen = gen;
    this.replay = replay;
  }

  /** {@code c}, or the widest class over the interfaces of its placement proved to change so. */
  Candidate widen(Candidate c, Change change, Flow w) {
    Placement p = c.placed();
    if (p == null || p.sourceInterfaces().isEmpty() && p.destinationInterfaces().isEmpty()) {
      return c;
    }
    Set<String> walked = replay.walked();
    Map<List<String>, Boolean> alike = new HashMap<>(); // (in, out) -> the witness changed so
    Set<String> ins = new TreeSet<>();
    Set<String> outs = new TreeSet<>();
    for (Flow o : w.placements(replay.ports())) {
      Placement q = Placement.of(o, walked);
      if (Objects.equals(q.source(), p.source())
          && Objects.equals(q.destination(), p.destination())) {
        ins.addAll(q.sourceInterfaces());
        outs.addAll(q.destinationInterfaces());
        alike.put(
            Arrays.asList(q.sourceInterface(), q.destinationInterface()), gen.changed(o, change));
      }
    }
    List<Placement> wider = new ArrayList<>();
    for (boolean outFirst : List.of(true, false)) {
      Set<String> a = new TreeSet<>(p.sourceInterfaces());
      Set<String> b = new TreeSet<>(p.destinationInterfaces());
      for (boolean out : List.of(outFirst, !outFirst)) {
        grow(out ? b : a, out ? outs : ins, out ? a : b, out, alike);
        wider.add(p.crossing(a.equals(ins) ? Set.of() : a, b.equals(outs) ? Set.of() : b));
      }
    }
    wider.sort(Comparator.comparingInt(x -> -size(x, ins, outs)));
    int tries = 0;
    for (Placement q : new java.util.LinkedHashSet<>(wider)) {
      if (q.equals(p) || tries++ == TRIES) {
        break; // the narrower ones hold no more than the class
      }
      Candidate t = new Candidate(c.src(), c.dst(), c.packets(), q);
      if (gen.uniform(t, change)) {
        return t;
      }
    }
    return c;
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
  private static int size(Placement q, Set<String> ins, Set<String> outs) {
    int a = q.sourceInterfaces().isEmpty() ? Math.max(1, ins.size()) : q.sourceInterfaces().size();
    int b =
        q.destinationInterfaces().isEmpty()
            ? Math.max(1, outs.size())
            : q.destinationInterfaces().size();
    return a * b;
  }
}
