package dev.tierproof.smt;

import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * Partial evaluation of a selector over a {@link LabelView} (spec S1.3): what the known labels
 * decide is folded to a constant, what remains mentions only symbolic keys. {@code TRUE} is {@code
 * all()}, {@code FALSE} is {@code !all()}.
 */
final class Residual {

  static final Selector TRUE = new Selector.All();
  static final Selector FALSE = new Selector.Not(TRUE);

  private Residual() {}

  static boolean isTrue(Selector s) {
    return s instanceof Selector.All;
  }

  static boolean isFalse(Selector s) {
    return s instanceof Selector.Not n && n.operand() instanceof Selector.All;
  }

  static Selector of(Selector s, LabelView view) {
    if (s instanceof Selector.All || s instanceof Selector.Global) {
      return TRUE;
    }
    if (s instanceof Selector.Has h) {
      return leaf(s, h.key(), view);
    }
    if (s instanceof Selector.Compare c) {
      return leaf(s, c.key(), view);
    }
    if (s instanceof Selector.InSet i) {
      return leaf(s, i.key(), view);
    }
    if (s instanceof Selector.Not n) {
      Selector r = of(n.operand(), view);
      return isTrue(r) ? FALSE : isFalse(r) ? TRUE : new Selector.Not(r);
    }
    boolean and = s instanceof Selector.And;
    List<Selector> operands = and ? ((Selector.And) s).operands() : ((Selector.Or) s).operands();
    List<Selector> rest = new ArrayList<>();
    for (Selector o : operands) {
      Selector r = of(o, view);
      if (and ? isFalse(r) : isTrue(r)) {
        return r;
      }
      if (!(and ? isTrue(r) : isFalse(r))) {
        rest.add(r);
      }
    }
    if (rest.isEmpty()) {
      return and ? TRUE : FALSE;
    }
    if (rest.size() == 1) {
      return rest.get(0);
    }
    return and ? new Selector.And(rest) : new Selector.Or(rest);
  }

  private static Selector leaf(Selector s, String key, LabelView view) {
    if (view.isSymbolic(key)) {
      return s;
    }
    java.util.Map<String, String> known =
        view.isFixed(key) ? java.util.Map.of(key, view.fixed().get(key)) : java.util.Map.of();
    return s.matches(known) ? TRUE : FALSE;
  }
}
