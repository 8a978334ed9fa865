package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.NamedPort;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a hypothetical pod declares a named port at the flow's protocol and its end's port: all a
 * rule sees of its named ports (spec S3.5), what a diff class of such pods pins ({@link
 * EndSet.Pods#atPort}).
 */
final class PortAt {

  private PortAt() {}

  /**
   * The pod declares {@code name} at the flow's protocol and {@code port}: one of {@code fixed}
   * (its named ports when they are fixed), else as {@code var} (its symbolic port of that name;
   * null: not laid out, an internal error).
   */
  static BoolExpr of(
      Terms t,
      FlowVars v,
      BitVecExpr port,
      List<NamedPort> fixed,
      EndEncoding.PortVar var,
      String name) {
    Context ctx = t.ctx();
    List<BoolExpr> any = new ArrayList<>();
    if (fixed != null) {
      for (NamedPort np : fixed) {
        if (np.name().equals(name)) {
          any.add(ctx.mkAnd(v.protoIs(np.protocol()), ctx.mkEq(port, ctx.mkBV(np.port(), 16))));
        }
      }
    } else if (var == null) {
      throw new IllegalStateException("named port " + name + " not laid out");
    } else {
      any.add(ctx.mkAnd(var.has(), ctx.mkEq(port, var.port()), ctx.mkEq(v.proto, var.protocol())));
    }
    return ctx.mkAnd(v.hasPorts, t.or(any));
  }
}
