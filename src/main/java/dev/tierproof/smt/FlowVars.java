package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.Protocols;
import java.math.BigInteger;
import java.util.List;

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

  /**
   * The node the flow places its source end on when it is a workload naming no node ({@link
   * dev.tierproof.model.Flow#sourcePlacement}): 0 elsewhere, i the i-th of {@link Network#nodes}
   * (from 1); {@link #dnode} likewise its destination end. Its reply's are swapped with its ends.
   */
  final Choice node;

  /**
   * {@link #node} of the destination end ({@link dev.tierproof.model.Flow#destinationPlacement}).
   */
  final Choice dnode;

  /**
   * The interface the flow's source end's packets leave its node by ({@link
   * dev.tierproof.model.Flow#sourceInterface}): i the i-th of {@link Network#interfaces} (from 1),
   * any value not naming one of that node's named interfaces (0 among them) another interface
   * ({@link dev.tierproof.model.Ports#OTHER}); read only where a walked node has named host
   * endpoints, so never constrained. {@link #diface} likewise the interface its destination end's
   * packets come in by. Its reply's are swapped with its ends.
   */
  final Choice iface;

  /** {@link #iface} of the destination end. */
  final Choice diface;

  /** The reply's terms ({@link #reply}), made on first use. */
  private FlowVars reply;

  FlowVars(Context ctx, int domainClasses, int nodes, int interfaces) {
    this(
        ctx,
        ctx.mkBoolConst("flow.v6"),
        ctx.mkBVConst("flow.src", 128),
        ctx.mkBVConst("flow.dst", 128),
        ctx.mkBVConst("flow.proto", 8),
        ctx.mkBVConst("flow.sport", 16),
        ctx.mkBVConst("flow.dport", 16),
        ctx.mkBVConst("flow.icmpType", 8),
        ctx.mkBVConst("flow.icmpCode", 8),
        Choice.of(ctx, "flow.domain", domainClasses),
        Choice.of(ctx, "flow.node", nodes + 1),
        Choice.of(ctx, "flow.dstNode", nodes + 1),
        Choice.of(ctx, "flow.iface", interfaces + 1),
        Choice.of(ctx, "flow.dstIface", interfaces + 1));
  }

  private FlowVars(
      Context ctx,
      BoolExpr v6,
      BitVecExpr src,
      BitVecExpr dst,
      BitVecExpr proto,
      BitVecExpr sport,
      BitVecExpr dport,
      BitVecExpr icmpType,
      BitVecExpr icmpCode,
      Choice domain,
      Choice node,
      Choice dnode,
      Choice iface,
      Choice diface) {
    this.ctx = ctx;
    this.node = node;
    this.dnode = dnode;
    this.iface = iface;
    this.diface = diface;
    this.v6 = v6;
    this.src = src;
    this.dst = dst;
    this.proto = proto;
    this.sport = sport;
    this.dport = dport;
    this.icmpType = icmpType;
    this.icmpCode = icmpCode;
    this.domain = domain;
    hasPorts =
        ctx.mkOr(
            protoIs(Protocols.TCP),
            protoIs(Protocols.UDP),
            protoIs(Protocols.SCTP),
            protoIs(Protocols.UDPLITE));
    isIcmp = ctx.mkOr(protoIs(Protocols.ICMP), protoIs(Protocols.ICMPV6));
  }

  /** This packet from {@code source} instead (nat-outgoing's translation, {@link Masquerades}). */
  FlowVars from(BitVecExpr source) {
    return new FlowVars(
        ctx, v6, source, dst, proto, sport, dport, icmpType, icmpCode, domain, node, dnode, iface,
        diface);
  }

  BoolExpr protoIs(int p) {
    return ctx.mkEq(proto, ctx.mkBV(p, 8));
  }

  /**
   * The packet's reply as terms over this packet's constants ({@link
   * dev.tierproof.model.Flow#reply}, spec S6.5): addresses and ports swapped (0 both when the
   * protocol has none), an echo request's type answered by the echo reply's, reached by no DNS name
   * (class 0). Meaningful where {@link #needsReply} holds.
   */
  FlowVars reply() {
    if (reply == null) {
      BitVecExpr type =
          (BitVecExpr)
              ctx.mkITE(
                  echoRequest(),
                  ctx.mkITE(
                      protoIs(Protocols.ICMP),
                      ctx.mkBV(Protocols.ECHO_REPLY, 8),
                      ctx.mkBV(Protocols.ECHO_REPLY_V6, 8)),
                  icmpType);
      reply =
          new FlowVars(
              ctx,
              v6,
              dst,
              src,
              proto,
              dport,
              sport,
              type,
              icmpCode,
              new Choice(ctx, ctx.mkBV(0, domain.width()), domain.size(), domain.width()),
              dnode,
              node,
              diface,
              iface);
    }
    return reply;
  }

  /** An ICMP or ICMPv6 echo request. */
  private BoolExpr echoRequest() {
    return ctx.mkOr(
        ctx.mkAnd(protoIs(Protocols.ICMP), ctx.mkEq(icmpType, ctx.mkBV(Protocols.ECHO_REQUEST, 8))),
        ctx.mkAnd(
            protoIs(Protocols.ICMPV6), ctx.mkEq(icmpType, ctx.mkBV(Protocols.ECHO_REQUEST_V6, 8))));
  }

  /** An IPv6 ICMPv6 message of a {@link Protocols#HOST_DISCOVERY} type. */
  BoolExpr hostDiscovery() {
    List<BoolExpr> types = new java.util.ArrayList<>();
    for (int type : Protocols.HOST_DISCOVERY) {
      types.add(ctx.mkEq(icmpType, ctx.mkBV(type, 8)));
    }
    return ctx.mkAnd(v6, protoIs(Protocols.ICMPV6), ctx.mkOr(types.toArray(BoolExpr[]::new)));
  }

  /**
   * A packet to a host endpoint's failsafe port of {@code ports} (one node's lists, {@code
   * FailsafePorts#at}) in {@code dir} (spec S6.2).
   */
  BoolExpr failsafe(dev.tierproof.model.FailsafePorts ports, dev.tierproof.model.Direction dir) {
    return ports(ports.of(dir), dport, dir);
  }

  /**
   * A packet that skips the untracked path of a host endpoint's step in {@code dir} ({@code
   * FailsafePorts#skipsUntracked}): a reply from a failsafe port of the other direction, or a
   * packet to a port that takes it past that path only.
   */
  BoolExpr failsafeReply(
      dev.tierproof.model.FailsafePorts ports, dev.tierproof.model.Direction dir) {
    return ctx.mkOr(
        ports(ports.replies(dir), sport, dir), ports(ports.untrackedOnly(dir), dport, dir));
  }

  /** A port of {@code ports}, its net holding the peer of a step in {@code dir} ({@code peer}). */
  private BoolExpr ports(
      List<dev.tierproof.model.Failsafe> ports,
      BitVecExpr port,
      dev.tierproof.model.Direction dir) {
    BitVecExpr peer = dir == dev.tierproof.model.Direction.INGRESS ? src : dst;
    List<BoolExpr> out = new java.util.ArrayList<>();
    for (dev.tierproof.model.Failsafe p : ports) {
      BoolExpr net = // a net of the other family never matches (::/0 holds the mapped range)
          p.net() == null
              ? ctx.mkTrue()
              : ctx.mkAnd(
                  p.net().family() == 6 ? v6 : ctx.mkNot(v6),
                  inRange(peer, p.net().low(), p.net().high()));
      out.add(ctx.mkAnd(protoIs(p.protocol()), ctx.mkEq(port, ctx.mkBV(p.port(), 16)), net));
    }
    return ctx.mkOr(out.toArray(BoolExpr[]::new));
  }

  /** The packet needs a reply: any but an ICMP message other than an echo request (spec S6.5). */
  BoolExpr needsReply() {
    return ctx.mkOr(ctx.mkNot(isIcmp), echoRequest());
  }

  /**
   * As a reply that no untracked path decided, the packet is dropped for want of a connection
   * ({@link dev.tierproof.model.PolicySet#dropsReply}): TCP, SCTP or ICMP; on eBPF ({@code ebpf})
   * TCP only.
   */
  BoolExpr invalidAsNew(boolean ebpf) {
    return ebpf
        ? protoIs(Protocols.TCP)
        : ctx.mkOr(protoIs(Protocols.TCP), protoIs(Protocols.SCTP), isIcmp);
  }

  /**
   * What every packet satisfies: IPv4 addresses are mapped and IPv6 ones are not (no address text
   * denotes an IPv6 address in the mapped range), absent fields are 0, protocol ≠ 0 (rules cannot
   * tell 0 from other unnamed protocols), the name class and the node exist.
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
        domain.domain(),
        node.size() > 1 ? node.domain() : ctx.mkTrue(), // no node: the choice is never read
        dnode.size() > 1 ? dnode.domain() : ctx.mkTrue());
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
