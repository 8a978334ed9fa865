package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.Protocols;
import java.math.BigInteger;

/**
 * The packet as Z3 constants: family ({@code v6}), addresses (128-bit, IPv4-mapped), protocol,
 * ports, ICMP type and code, and the destination name's class. Fields a protocol does not carry are
 * 0 (canonical), so a packet has one encoding.
 */
final class FlowVars {

  final Context ctx;
  final BoolExpr v6;
  final BitVecExpr src;
  final BitVecExpr dst;
  final BitVecExpr proto;
  final BitVecExpr sport;
  final BitVecExpr dport;
  final BitVecExpr icmpType;
  final BitVecExpr icmpCode;
  final Choice domain;
  final BoolExpr hasPorts;
  final BoolExpr isIcmp;

  FlowVars(Context ctx, int domainClasses) {
    this.ctx = ctx;
    v6 = ctx.mkBoolConst("flow.v6");
    src = ctx.mkBVConst("flow.src", 128);
    dst = ctx.mkBVConst("flow.dst", 128);
    proto = ctx.mkBVConst("flow.proto", 8);
    sport = ctx.mkBVConst("flow.sport", 16);
    dport = ctx.mkBVConst("flow.dport", 16);
    icmpType = ctx.mkBVConst("flow.icmpType", 8);
    icmpCode = ctx.mkBVConst("flow.icmpCode", 8);
    domain = Choice.of(ctx, "flow.domain", domainClasses);
    hasPorts =
        ctx.mkOr(
            protoIs(Protocols.TCP),
            protoIs(Protocols.UDP),
            protoIs(Protocols.SCTP),
            protoIs(Protocols.UDPLITE));
    isIcmp = ctx.mkOr(protoIs(Protocols.ICMP), protoIs(Protocols.ICMPV6));
  }

  BoolExpr protoIs(int p) {
    return ctx.mkEq(proto, ctx.mkBV(p, 8));
  }

  /**
   * What every packet satisfies: IPv4 addresses are mapped and IPv6 ones are not (no address text
   * denotes an IPv6 address in the mapped range), absent fields are 0, protocol ≠ 0 (rules cannot
   * tell 0 from other unnamed protocols), the name class exists.
   */
  BoolExpr wellFormed() {
    BoolExpr srcV4 = ctx.mkEq(ctx.mkExtract(127, 32, src), ctx.mkBV(0xffff, 96));
    BoolExpr dstV4 = ctx.mkEq(ctx.mkExtract(127, 32, dst), ctx.mkBV(0xffff, 96));
    return ctx.mkAnd(
        ctx.mkEq(ctx.mkNot(v6), srcV4),
        ctx.mkEq(ctx.mkNot(v6), dstV4),
        ctx.mkNot(protoIs(0)),
        ctx.mkImplies(
            ctx.mkNot(hasPorts),
            ctx.mkAnd(ctx.mkEq(sport, ctx.mkBV(0, 16)), ctx.mkEq(dport, ctx.mkBV(0, 16)))),
        ctx.mkImplies(
            ctx.mkNot(isIcmp),
            ctx.mkAnd(ctx.mkEq(icmpType, ctx.mkBV(0, 8)), ctx.mkEq(icmpCode, ctx.mkBV(0, 8)))),
        domain.domain());
  }

  BitVecExpr bv128(BigInteger value) {
    return ctx.mkBV(value.toString(), 128);
  }

  BoolExpr inRange(BitVecExpr x, BigInteger lo, BigInteger hi) {
    if (lo.equals(hi)) {
      return ctx.mkEq(x, bv128(lo));
    }
    return ctx.mkAnd(ctx.mkBVULE(bv128(lo), x), ctx.mkBVULE(x, bv128(hi)));
  }

  BoolExpr between(BitVecExpr x, int bits, int lo, int hi) {
    if (lo == hi) {
      return ctx.mkEq(x, ctx.mkBV(lo, bits));
    }
    return ctx.mkAnd(ctx.mkBVULE(ctx.mkBV(lo, bits), x), ctx.mkBVULE(x, ctx.mkBV(hi, bits)));
  }
}
