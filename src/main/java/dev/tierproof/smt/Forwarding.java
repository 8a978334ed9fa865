package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Model;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The forward chains a query's flows can meet (spec S6.7-S6.11): per node whose host side is
 * settled ({@link Network#ports}), the conditions "the flow's source end is a workload endpoint on
 * that node (or naming none, placed there: {@link EndEncoding#onNode}) and its destination is
 * outside the cluster or a workload" and the same of its destination end; each side of each host
 * endpoint's forward chain there ({@link Chain.Compiler#forward}) is compiled once and guarded by
 * the flows that meet it: the all-interfaces endpoint's ingress side by the source end's node (the
 * workload's interface), its egress side by the destination end's; the side of the host endpoint
 * governing each interface choice ({@link dev.tierproof.model.Ports#at}, {@link FlowVars#iface}) by
 * the source end's node and its outgoing choice (egress) or the destination end's node and its
 * incoming choice (ingress), when the other end is not on that node (spec S6.10); a host endpoint
 * whose chain holds no policy forwards every packet and is left out. The solver's counterpart of
 * {@code eval.Evaluator.forwarders} and {@code forwardChain}, in the order of {@code
 * eval.Evaluator.hops}.
 */
final class Forwarding {

  /** One side of one host endpoint's chain, and the flows that meet it at each position. */
  private record Met(Direction direction, Chain chain, Map<Side, List<BoolExpr>> at) {
    BoolExpr any(Terms t) {
      return t.or(at.values().stream().flatMap(List::stream).toList());
    }
  }

  /** Where a side's step stands among the flow's steps ({@code eval.Evaluator.hops}). */
  enum Side {
    /** The source node's ingress side, before the source's step. */
    SOURCE_IN,
    /** The source node's egress side, after the source's step (not when both ends are there). */
    SOURCE_OUT,
    /** The destination node's ingress side (not when both ends are there). */
    DESTINATION_IN,
    /** The destination node's egress side, after the destination's step. */
    DESTINATION_OUT
  }

  private final Terms t;
  private final List<Met> sides = new ArrayList<>();

  /** None: a query of one step (lint), which meets no forward chain. */
  Forwarding(Terms t) {
    this.t = t;
  }

  /** The nodes' chains over the ends {@code src} and {@code dst} (after their scopes). */
  Forwarding(Terms t, Network net, EndEncoding src, EndEncoding dst, Chain.Compiler compiler) {
    this.t = t;
    Map<Endpoint, Met[]> byEndpoint = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Ports> e : net.ports.entrySet()) {
      String n = e.getKey();
      Ports p = e.getValue();
      BoolExpr s = t.and(src.onNode(n), t.or(dst.outside(), dst.workload()));
      BoolExpr d = t.and(dst.onNode(n), t.or(src.outside(), src.workload()));
      if (s.isFalse() && d.isFalse()) {
        continue;
      }
      BoolExpr atSource = t.define(s);
      BoolExpr atDestination = t.define(d);
      meet(net, compiler, byEndpoint, p.other(), Side.SOURCE_IN, atSource);
      meet(net, compiler, byEndpoint, p.other(), Side.DESTINATION_OUT, atDestination);
      BoolExpr leaves = t.and(atSource, t.not(atDestination));
      BoolExpr enters = t.and(atDestination, t.not(atSource));
      if (!p.chooses()) {
        meet(net, compiler, byEndpoint, p.other(), Side.SOURCE_OUT, leaves);
        meet(net, compiler, byEndpoint, p.other(), Side.DESTINATION_IN, enters);
        continue;
      }
      for (String c : p.choices()) {
        Endpoint h = p.at(c);
        meet(
            net,
            compiler,
            byEndpoint,
            h,
            Side.SOURCE_OUT,
            t.and(leaves, net.chosen(t, p, c, true)));
        meet(
            net,
            compiler,
            byEndpoint,
            h,
            Side.DESTINATION_IN,
            t.and(enters, net.chosen(t, p, c, false)));
      }
    }
    byEndpoint.values().forEach(m -> sides.addAll(List.of(m)));
  }

  /**
   * Records that the flows of {@code guard} meet host endpoint {@code h}'s side at {@code side}
   * (none when {@code h} is null or its chain holds no policy, spec S6.8).
   */
  private void meet(
      Network net,
      Chain.Compiler compiler,
      Map<Endpoint, Met[]> byEndpoint,
      Endpoint h,
      Side side,
      BoolExpr guard) {
    if (h == null || guard.isFalse()) {
      return;
    }
    Met[] both =
        byEndpoint.computeIfAbsent(
            h,
            k -> {
              List<Network.TierPart> in = net.forwardSkeleton(k.labels(), Direction.INGRESS);
              List<Network.TierPart> out = net.forwardSkeleton(k.labels(), Direction.EGRESS);
              if (in.isEmpty() && out.isEmpty()) {
                return new Met[0];
              }
              return new Met[] {
                new Met(
                    Direction.INGRESS,
                    compiler.forward(Direction.INGRESS, in),
                    new java.util.EnumMap<>(Side.class)),
                new Met(
                    Direction.EGRESS,
                    compiler.forward(Direction.EGRESS, out),
                    new java.util.EnumMap<>(Side.class))
              };
            });
    if (both.length == 0) {
      return;
    }
    Direction d =
        side == Side.SOURCE_IN || side == Side.DESTINATION_IN
            ? Direction.INGRESS
            : Direction.EGRESS;
    both[d == Direction.INGRESS ? 0 : 1]
        .at()
        .computeIfAbsent(side, k -> new ArrayList<>())
        .add(guard);
  }

  /** Every side the flow meets allows it. */
  BoolExpr verdict() {
    List<BoolExpr> all = new ArrayList<>();
    for (Met m : sides) {
      if (!m.at().isEmpty()) {
        all.add(t.or(t.not(m.any(t)), m.chain().verdict()));
      }
    }
    return t.and(all);
  }

  /** Compiles every side's deciding points, in the current scope (before a goal's). */
  void explain() {
    for (Met m : sides) {
      if (!m.at().isEmpty()) {
        m.chain().decided();
      }
    }
  }

  /** A side in {@code d} that the flow meets is decided as {@code f} says (null: not). */
  BoolExpr any(Direction d, Function<Chain, BoolExpr> f) {
    explain();
    List<BoolExpr> any = new ArrayList<>();
    for (Met m : sides) {
      if (m.direction() != d || m.at().isEmpty()) {
        continue;
      }
      BoolExpr x = f.apply(m.chain());
      if (x != null && !x.isFalse()) {
        any.add(t.and(m.any(t), x));
      }
    }
    return t.or(any);
  }

  /** {@link #any}: denied by a point not in {@code known} ({@link Chain#deniedExcept}). */
  BoolExpr deniedExcept(Direction d, Set<Point> known) {
    return any(d, c -> c.deniedExcept(known));
  }

  /** {@link #any}: decided by one of {@code points} ({@link Chain#decidedByAny}). */
  BoolExpr decidedByAny(Direction d, Set<Point> points) {
    return any(d, c -> c.decidedByAny(points));
  }

  /** The deciding point of the side at {@code which} that the flow of {@code m} meets, if any. */
  void decisions(Model m, Side which, List<Point> out) {
    for (Met met : sides) {
      List<BoolExpr> guards = met.at().get(which);
      if (guards == null || guards.stream().noneMatch(g -> m.eval(g, true).isTrue())) {
        continue;
      }
      met.chain()
          .decided()
          .forEach(
              (p, f) -> {
                if (m.eval(f, true).isTrue()) {
                  out.add(p);
                }
              });
    }
  }
}
