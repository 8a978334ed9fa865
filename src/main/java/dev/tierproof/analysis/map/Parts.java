package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Cells.Cell;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Allowed cells decided alike, as few parts as read well: every protocol ({@code any}, with the
 * protocols that are not wholly allowed as exceptions), a whole protocol, or per protocol the
 * destination ports (ICMP types) that share the same source ports (ICMP codes).
 */
final class Parts {

  private Parts() {}

  /** A part's packets (no witness yet), and the cell whose packet stands for them. */
  record Built(Part part, Cell cell) {}

  /** Every packet of {@code protocol} (of any protocol but {@code except} for {@link Part#ANY}). */
  private static Built whole(int protocol, List<Integer> except, Cell cell) {
    List<Port.Range> any = List.of();
    return new Built(new Part(null, protocol, except, any, any, any, any, null, null), cell);
  }

  static List<Built> of(List<Cell> all, List<Cell> allowed) {
    Map<Integer, List<Cell>> every = byProtocol(all);
    Map<Integer, List<Cell>> some = byProtocol(allowed);
    List<Built> out = new ArrayList<>();
    List<Integer> partial = new ArrayList<>();
    List<Integer> whole = new ArrayList<>();
    for (Map.Entry<Integer, List<Cell>> e : some.entrySet()) {
      (e.getValue().size() == every.get(e.getKey()).size() ? whole : partial).add(e.getKey());
    }
    if (whole.contains(Part.ANY)) {
      List<Integer> except =
          every.keySet().stream().filter(p -> p != Part.ANY && !whole.contains(p)).toList();
      Cell w =
          best(
              whole.contains(Protocols.TCP)
                  ? some.get(Protocols.TCP)
                  : some.get(Part.ANY)); // TCP reads better
      out.add(whole(Part.ANY, except, w));
    } else {
      for (int p : whole) {
        out.add(whole(p, List.of(), best(some.get(p))));
      }
    }
    for (int p : partial) {
      out.addAll(partial(p, every.get(p), some.get(p)));
    }
    return out;
  }

  private static Map<Integer, List<Cell>> byProtocol(List<Cell> cells) {
    Map<Integer, List<Cell>> out =
        new TreeMap<>(Comparator.comparingInt(p -> p == Part.ANY ? Integer.MAX_VALUE : p));
    cells.forEach(c -> out.computeIfAbsent(c.protocol(), k -> new ArrayList<>()).add(c));
    return out;
  }

  /** Ports (types) grouped by the set of source ports (codes) allowed with them. */
  private static List<Built> partial(int protocol, List<Cell> every, List<Cell> some) {
    boolean icmp = Protocols.isIcmp(protocol);
    Set<Port.Range> inner = new LinkedHashSet<>();
    every.forEach(c -> inner.add(icmp ? c.codes() : c.sourcePorts()));
    Map<Port.Range, Set<Port.Range>> byOuter = new LinkedHashMap<>();
    Map<Port.Range, List<Cell>> cells = new LinkedHashMap<>();
    for (Cell c : some) {
      Port.Range outer = icmp ? c.types() : c.ports();
      byOuter
          .computeIfAbsent(outer, k -> new LinkedHashSet<>())
          .add(icmp ? c.codes() : c.sourcePorts());
      cells.computeIfAbsent(outer, k -> new ArrayList<>()).add(c);
    }
    Map<Set<Port.Range>, List<Port.Range>> grouped = new LinkedHashMap<>();
    byOuter.forEach(
        (outer, inners) -> grouped.computeIfAbsent(inners, k -> new ArrayList<>()).add(outer));
    List<Built> out = new ArrayList<>();
    for (Map.Entry<Set<Port.Range>, List<Port.Range>> g : grouped.entrySet()) {
      List<Port.Range> outer = merge(g.getValue());
      if (outer.size() == 1
          && outer.get(0).min() == 0
          && outer.get(0).max() == (icmp ? 255 : 65535)) {
        outer = List.of();
      }
      List<Port.Range> in =
          g.getKey().size() == inner.size() ? List.of() : merge(new ArrayList<>(g.getKey()));
      List<Cell> mine = new ArrayList<>();
      g.getValue().forEach(o -> mine.addAll(cells.get(o)));
      Cell w = best(mine);
      // ports and source ports, or ICMP types and codes
      List<Port.Range> none = List.of();
      Part part =
          icmp
              ? new Part(null, protocol, List.of(), none, none, outer, in, null, null)
              : new Part(null, protocol, List.of(), outer, in, none, none, null, null);
      out.add(new Built(part, w));
    }
    return out;
  }

  /**
   * The cell whose packet reads most like explain's: source port 40000, destination port 80 or 443.
   */
  private static Cell best(List<Cell> cells) {
    Cell best = cells.get(0);
    int score = -1;
    for (Cell c : cells) {
      int s =
          (c.sourcePorts() != null
                      && c.sourcePorts().contains(dev.tierproof.model.Placeholders.SOURCE_PORT)
                  ? 2
                  : 0)
              + (c.ports() != null && (c.ports().contains(80) || c.ports().contains(443)) ? 1 : 0);
      if (s > score) {
        best = c;
        score = s;
      }
    }
    return best;
  }

  /** Sorted, adjacent ranges joined. */
  static List<Port.Range> merge(List<Port.Range> ranges) {
    List<Port.Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingInt(Port.Range::min));
    List<Port.Range> out = new ArrayList<>();
    for (Port.Range r : sorted) {
      Port.Range last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.max() + 1 >= r.min()) {
        out.set(out.size() - 1, new Port.Range(last.min(), Math.max(last.max(), r.max())));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** What decided each step (a forward chain's or an endpoint's), compared by identity. */
  static List<Object> key(Verdict v) {
    List<Object> out = new ArrayList<>();
    for (Step s : v.steps()) {
      Decision d = s.decidedBy();
      out.add(s.forward());
      out.add(s.direction());
      out.add(d.kind());
      out.add(new Same(d.tier()));
      out.add(new Same(d.policy()));
      out.add(new Same(d.rule()));
      out.add(new Same(d.profile()));
      if (d.reply() != null) { // spec S6.5: what decided the reply
        Decision r = d.reply().step().decidedBy();
        out.addAll(List.of(r.kind(), new Same(r.tier()), new Same(r.policy()), new Same(r.rule())));
        out.add(new Same(r.profile()));
      }
    }
    return out;
  }
}
