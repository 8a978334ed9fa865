package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The Boolean term factory of one session: {@code and}, {@code or} and {@code not} fold the
 * constants {@code true} and {@code false} (so unreachable branches vanish from the formulas), and
 * {@link #define} names a term by asserting {@code name = term} in the session's current scope.
 * Every formula of the encoding is built through one of these.
 */
final class Terms {

  private final Context ctx;
  private final SolverSession session;

  Terms(SolverSession session) {
    this.session = session;
    this.ctx = session.ctx();
  }

  Context ctx() {
    return ctx;
  }

  /**
   * A fresh Boolean constant equal to {@code e}, asserted in the current scope; constants and named
   * terms are returned as they are.
   */
  BoolExpr define(BoolExpr e) {
    if (e.isTrue() || e.isFalse() || e.isConst()) {
      return e;
    }
    BoolExpr name = (BoolExpr) ctx.mkFreshConst("d", ctx.getBoolSort());
    session.add(ctx.mkEq(name, e));
    return name;
  }

  BoolExpr not(BoolExpr x) {
    return x.isTrue() ? ctx.mkFalse() : x.isFalse() ? ctx.mkTrue() : ctx.mkNot(x);
  }

  BoolExpr and(BoolExpr... xs) {
    return and(List.of(xs));
  }

  /** The conjunction without its {@code true} operands; {@code false} if one is. */
  BoolExpr and(List<BoolExpr> xs) {
    return fold(xs, true);
  }

  BoolExpr or(BoolExpr... xs) {
    return or(List.of(xs));
  }

  /** The disjunction without its {@code false} operands; {@code true} if one is. */
  BoolExpr or(List<BoolExpr> xs) {
    return fold(xs, false);
  }

  /** {@code and} ({@code conjunction}) or {@code or}, folding constants. */
  private BoolExpr fold(List<BoolExpr> xs, boolean conjunction) {
    List<BoolExpr> rest = new ArrayList<>();
    for (BoolExpr x : xs) {
      if (conjunction ? x.isFalse() : x.isTrue()) {
        return x;
      }
      if (conjunction ? !x.isTrue() : !x.isFalse()) {
        rest.add(x);
      }
    }
    if (rest.size() <= 1) {
      return rest.isEmpty() ? ctx.mkBool(conjunction) : rest.get(0);
    }
    BoolExpr[] all = rest.toArray(BoolExpr[]::new);
    return conjunction ? ctx.mkAnd(all) : ctx.mkOr(all);
  }

  /** {@code c ? t : e}. */
  BoolExpr ite(BoolExpr c, BoolExpr t, BoolExpr e) {
    return (BoolExpr) ctx.mkITE(c, t, e);
  }
}
