package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.CharSort;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import com.microsoft.z3.SeqExpr;
import dev.tierproof.selector.Selector.Op;
import java.util.List;

/**
 * One symbolic label of a hypothetical endpoint: present or not, and its value. A key that
 * selectors only compare for equality takes one of the literals they mention or one more value
 * ("other"), which is exact since equality with a literal is all they can observe; a key tested
 * with {@code contains}/{@code starts with}/{@code ends with} is a Z3 string.
 */
final class LabelVar {

  private final BoolExpr present;
  private final Context ctx;
  private final List<String> literals;
  private final Choice index;
  private final SeqExpr<CharSort> string;

  LabelVar(Context ctx, String name, List<String> literals, boolean strings) {
    this.ctx = ctx;
    this.literals = List.copyOf(literals);
    present = ctx.mkBoolConst(name + ".present");
    if (strings) {
      index = null;
      string = (SeqExpr<CharSort>) ctx.mkConst(name + ".value", ctx.getStringSort());
    } else {
      index = Choice.of(ctx, name + ".value", literals.size() + 1);
      string = null;
    }
  }

  /** The label is present. */
  BoolExpr present() {
    return present;
  }

  /** What every value satisfies (the enumeration's range). */
  BoolExpr domain() {
    if (index == null) {
      return ctx.mkTrue();
    }
    return index.domain();
  }

  /** The value equals {@code v} (presence not included). */
  BoolExpr is(String v) {
    if (string != null) {
      return ctx.mkEq(string, Strings.literal(ctx, v));
    }
    int i = literals.indexOf(v);
    if (i < 0) {
      throw new IllegalStateException("label value `" + v + "` missing from the enumeration");
    }
    return index.is(i);
  }

  /** Both values are equal; both variables were built with the same literals and kind. */
  BoolExpr sameValue(LabelVar other) {
    return string != null ? ctx.mkEq(string, other.string) : index.same(other.index);
  }

  /** {@code value op v} with presence required (spec S1.3); {@code NE} is handled by callers. */
  BoolExpr test(Op op, String v) {
    BoolExpr value =
        switch (op) {
          case EQ, NE -> is(v);
          case CONTAINS -> ctx.mkContains(string, Strings.literal(ctx, v));
          case STARTS_WITH -> ctx.mkPrefixOf(Strings.literal(ctx, v), string);
          case ENDS_WITH -> ctx.mkSuffixOf(Strings.literal(ctx, v), string);
        };
    return ctx.mkAnd(present, value);
  }

  BoolExpr nonEmpty() {
    if (string != null) {
      return ctx.mkLt(ctx.mkInt(0), ctx.mkLength(string));
    }
    return literals.contains("") ? ctx.mkNot(is("")) : ctx.mkTrue();
  }

  /** The value in {@code m}: a literal, or for "other" a name no literal equals. */
  String decode(Model m, String otherBase) {
    if (string != null) {
      return Strings.decode(((SeqExpr<?>) m.eval(string, true)).getString());
    }
    int i = index.in(m);
    if (i < literals.size()) {
      return literals.get(i);
    }
    String other = otherBase;
    for (int n = 2; literals.contains(other); n++) {
      other = otherBase + "-" + n;
    }
    return other;
  }
}
