package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Two pod ends that differ only in their label selectors, joined (diff classes): their union is the
 * pods alike but for labels satisfying either selector, {@code {(a || b)}}. Classes alike but in
 * such an end were each proved, so their union changed alike; a change whose class the greedy
 * widening grows in several label directions (or that holds a product of label classes, one per
 * source class and destination class) is one class again.
 */
final class SelectorJoin {

  private SelectorJoin() {}

  /**
   * The union of two pod ends (without {@link Ends#more}) alike but in their selectors, else null.
   */
  static Ends joined(Ends a, Ends b) {
    if (a.kind() != EndKind.PODS
        || b.kind() != EndKind.PODS
        || !a.more().isEmpty()
        || !b.more().isEmpty()
        || Objects.equals(a.selector(), b.selector())
        || !with(a, null).equals(with(b, null))) {
      return null;
    }
    return with(a, either(a.selector(), b.selector()));
  }

  /**
   * {@code a || b} with the disjuncts of each, without repeats or one that another implies, ordered
   * by their canonical text (so a union is the same selector whichever order its parts were joined
   * in); null (any labels) when either is.
   */
  static Selector either(Selector a, Selector b) {
    if (a == null || b == null || a instanceof Selector.All || b instanceof Selector.All) {
      return null;
    }
    TreeMap<String, Selector> parts = new TreeMap<>();
    for (Selector s : List.of(a, b)) {
      for (Selector p : s instanceof Selector.Or o ? o.operands() : List.of(s)) {
        parts.putIfAbsent(p.canonical(), p);
      }
    }
    List<Selector> kept = new ArrayList<>(parts.values());
    for (int i = 0; i < kept.size(); ) {
      Selector p = kept.get(i);
      if (kept.stream().anyMatch(q -> q != p && implies(p, q))) {
        kept.remove(i); // one at a time: of two that imply each other, one stays
      } else {
        i++;
      }
    }
    return kept.size() == 1 ? kept.get(0) : new Selector.Or(kept);
  }

  /**
   * Whether every label map {@code x} matches, {@code y} matches too, as far as their terms show:
   * each term of {@code y} (its operands when it is an And) is implied by one of {@code x}'s.
   */
  static boolean implies(Selector x, Selector y) {
    List<Selector> xs = x instanceof Selector.And a ? a.operands() : List.of(x);
    List<Selector> ys = y instanceof Selector.And a ? a.operands() : List.of(y);
    return ys.stream().allMatch(t -> xs.stream().anyMatch(s -> term(s, t)));
  }

  /**
   * Whether term {@code s} implies term {@code t} (spec S1.3: a comparison but != needs the key).
   */
  private static boolean term(Selector s, Selector t) {
    if (s.equals(t)) {
      return true;
    }
    if (s instanceof Selector.Not n && n.operand() instanceof Selector.Has h) {
      return t instanceof Selector.Compare c && c.key().equals(h.key()) && c.op() == Selector.Op.NE
          || t instanceof Selector.InSet i && i.key().equals(h.key()) && i.negated();
    }
    String key =
        s instanceof Selector.Compare c && c.op() != Selector.Op.NE
            ? c.key()
            : s instanceof Selector.InSet i && !i.negated() ? i.key() : null;
    if (key == null) {
      return false;
    }
    if (t instanceof Selector.Has h) {
      return h.key().equals(key);
    }
    if (!(s instanceof Selector.Compare c) || c.op() != Selector.Op.EQ) {
      return false;
    }
    String v = c.value();
    if (t instanceof Selector.InSet i && i.key().equals(key)) {
      return i.values().contains(v) != i.negated();
    }
    if (t instanceof Selector.Compare d && d.key().equals(key)) {
      return switch (d.op()) {
        case EQ -> v.equals(d.value());
        case NE -> !v.equals(d.value());
        case CONTAINS -> v.contains(d.value());
        case STARTS_WITH -> v.startsWith(d.value());
        case ENDS_WITH -> v.endsWith(d.value());
      };
    }
    return false;
  }

  private static Ends with(Ends e, Selector selector) {
    return new Ends(
        e.kind(),
        e.namespaces(),
        e.excluded(),
        e.unlisted(),
        selector,
        e.endpoints(),
        e.ranges(),
        e.domain(),
        e.within(),
        e.except(),
        e.ports(),
        e.existing(),
        e.atPort());
  }
}
