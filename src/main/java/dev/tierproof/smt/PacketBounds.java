package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.FlowSpec;
import java.util.ArrayList;
import java.util.List;

/** A question's packet bounds ({@link FlowSpec}) over a flow's variables. */
final class PacketBounds {

  private PacketBounds() {}

  /** The packet is within {@code b}. */
  static BoolExpr of(Context ctx, FlowVars v, FlowSpec b) {
    List<BoolExpr> c = new ArrayList<>();
    if (b.protocol() != null) {
      c.add(v.protoIs(b.protocol()));
    }
    b.otherThan().forEach(p -> c.add(ctx.mkNot(v.protoIs(p))));
    if (b.port() != null) {
      c.add(v.hasPorts);
      List<BoolExpr> any = new ArrayList<>();
      b.portRanges().forEach(r -> any.add(v.between(v.dport, 16, r.min(), r.max())));
      c.add(ctx.mkOr(any.toArray(BoolExpr[]::new)));
    }
    if (b.sourcePort() != null) {
      c.add(v.hasPorts);
      c.add(v.between(v.sport, 16, b.sourcePort().min(), b.sourcePort().max()));
    }
    if (b.icmpType() != null) {
      c.add(v.isIcmp);
      c.add(ctx.mkEq(v.icmpType, ctx.mkBV(b.icmpType(), 8)));
    }
    b.icmpTypesNot()
        .forEach(x -> c.add(ctx.mkNot(ctx.mkAnd(v.isIcmp, ctx.mkEq(v.icmpType, ctx.mkBV(x, 8))))));
    if (b.icmpCode() != null) {
      c.add(v.isIcmp);
      c.add(ctx.mkEq(v.icmpCode, ctx.mkBV(b.icmpCode(), 8)));
    }
    if (b.ipVersion() != null) {
      c.add(b.ipVersion() == 6 ? v.v6 : ctx.mkNot(v.v6));
    }
    return ctx.mkAnd(c.toArray(BoolExpr[]::new));
  }
}
