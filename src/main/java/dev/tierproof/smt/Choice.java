package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;

/** One of {@code size} alternatives, as a small bit-vector (keeps queries in bit-vector logic). */
record Choice(Context ctx, BitVecExpr value, int size, int width) {

  /**
   * A fresh choice named {@code name} among {@code size} alternatives, as few bits wide as they
   * allow.
   */
  static Choice of(Context ctx, String name, int size) {
    int width = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, size - 1)));
    return new Choice(ctx, ctx.mkBVConst(name, width), size, width);
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
