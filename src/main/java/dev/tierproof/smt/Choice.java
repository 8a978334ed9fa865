package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;

/** One of {@code size} alternatives, as a small bit-vector (keeps queries in bit-vector logic). */
final class Choice {

  private final Context ctx;
  private final BitVecExpr value;
  private final int size;
  private final int width;

  Choice(Context ctx, String name, int size) {
    this.ctx = ctx;
    this.size = size;
    this.width = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, size - 1)));
    this.value = ctx.mkBVConst(name, width);
  }

  /** The choice is one of the alternatives (false when there are none). */
  BoolExpr domain() {
    if (size == 0) {
      return ctx.mkFalse();
    }
    return size == 1 << width ? ctx.mkTrue() : ctx.mkBVULT(value, ctx.mkBV(size, width));
  }

  BoolExpr is(int i) {
    return ctx.mkEq(value, ctx.mkBV(i, width));
  }

  BoolExpr same(Choice other) {
    return ctx.mkEq(value, other.value);
  }

  int in(Model m) {
    return ((BitVecNum) m.eval(value, true)).getInt();
  }
}
