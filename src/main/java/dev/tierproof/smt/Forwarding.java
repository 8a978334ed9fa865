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
 * outside the cluster, a workload or a host endpoint of another node ({@link EndEncoding#far})" and
 * the same of its destination end; each side of each host endpoint's forward chain there ({@link
 * Chain.Compiler#forward}) is compiled once and guarded by the flows that meet it: the
 * all-interfaces endpoint's ingress side by the source end's node (the workload's interface), its
 * egress side by the destination end's; the side of the host endpoint governing each interface
 * choice ({@link dev.tierproof.model.Ports#at}, {@link FlowVars#iface}) by the source end's node
 * and its outgoing choice (egress) or the destination end's node and its incoming choice (ingress),
 * when the other end is not on that node (spec S6.10); a host endpoint whose chain holds no policy
 * forwards every packet and is left out. The solver's counterpart of {@code
 * eval.Evaluator.forwarders} and {@code forwardChain}, in the order of {@code eval.Evaluator.hops}.
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
    meetings(t, net, src, dst)
        .forEach(
            (h, at) -> {
              List<Network.TierPart> in = net.forwardSkeleton(h, Direction.INGRESS);
              List<Network.TierPart> out = net.forwardSkeleton(h, Direction.EGRESS);
              if (in.isEmpty() && out.isEmpty()) {
                return; // spec S6.8: a chain without policy forwards every packet
              }
              for (Direction d : Direction.values()) {
                Map<Side, List<BoolExpr>> here = new java.util.EnumMap<>(Side.class);
                at.forEach(
                    (side, guards) -> {
                      if (direction(side) == d) {
                        here.put(side, guards);
                      }
                    });
                if (!here.isEmpty()) { // a side without policy forwards, a step all the same
                  sides.add(
                      new Met(
                          d,
                          compiler
                              .at(h.node())
                              .forward(d, d == Direction.INGRESS ? in : out, false),
                          here));
                }
              }
            });
    net.ports.forEach((n, p) -> local(net, src, dst, compiler, n, p.other()));
  }

  /**
   * The pre-DNAT path in ingress of all-interfaces endpoint {@code star} of node {@code n}, met
   * before the source's step by a workload's packet to a host endpoint of its node (spec S6.12;
   * {@code eval.LocalSteps}), when that path holds policy.
   */
  private void local(
      Network net,
      EndEncoding src,
      EndEncoding dst,
      Chain.Compiler compiler,
      String n,
      Endpoint star) {
    List<Network.TierPart> pre = star == null ? List.of() : preDnat(net, star);
    BoolExpr meets = local(t, src, dst, n);
    if (!pre.isEmpty() && !meets.isFalse()) {
      Chain c = compiler.at(n).forward(Direction.INGRESS, pre, true);
      sides.add(new Met(Direction.INGRESS, c, Map.of(Side.SOURCE_IN, List.of(t.define(meets)))));
    }
  }

  /**
   * Per host endpoint, per side of its chain, the flows that meet it (spec S6.10, S6.11): the
   * node's all-interfaces endpoint on the workload's own interface, the host endpoint of each
   * interface choice on the far side (a node without named host endpoints: its all-interfaces
   * endpoint on both), when the other end is not on that node.
   */
  private static Map<Endpoint, Map<Side, List<BoolExpr>>> meetings(
      Terms t, Network net, EndEncoding src, EndEncoding dst) {
    Map<Endpoint, Map<Side, List<BoolExpr>>> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Ports> e : net.ports.entrySet()) {
      String n = e.getKey();
      Ports p = e.getValue();
      BoolExpr s = meets(t, src, dst, n);
      BoolExpr d = meets(t, dst, src, n);
      BoolExpr through = through(t, net, src, dst, n);
      // spec S6.10: outside -> outside through n: H(in) ingress side, H(out) egress side
      for (String c :
          p.chooses() ? p.choices() : java.util.Collections.<String>singletonList(null)) {
        Endpoint h = p.at(c);
        meet(
            out,
            h,
            Side.SOURCE_IN,
            c == null ? through : t.and(through, net.chosen(t, p, c, true)));
        meet(
            out,
            h,
            Side.SOURCE_OUT,
            c == null ? through : t.and(through, net.chosen(t, p, c, false)));
      }
      if (s.isFalse() && d.isFalse()) {
        continue;
      }
      BoolExpr atSource = t.define(s);
      BoolExpr atDestination = t.define(d);
      meet(out, p.other(), Side.SOURCE_IN, atSource);
      meet(out, p.other(), Side.DESTINATION_OUT, atDestination);
      BoolExpr leaves = t.and(atSource, t.not(atDestination));
      BoolExpr enters = t.and(atDestination, t.not(atSource));
      if (!p.chooses()) {
        meet(out, p.other(), Side.SOURCE_OUT, leaves);
        meet(out, p.other(), Side.DESTINATION_IN, enters);
        continue;
      }
      for (String c : p.choices()) {
        Endpoint h = p.at(c);
        meet(out, h, Side.SOURCE_OUT, t.and(leaves, net.chosen(t, p, c, true)));
        meet(out, h, Side.DESTINATION_IN, t.and(enters, net.chosen(t, p, c, false)));
      }
    }
    return out;
  }

  /**
   * Records that the flows of {@code guard} meet host endpoint {@code h} (if any) at {@code side}.
   */
  private static void meet(
      Map<Endpoint, Map<Side, List<BoolExpr>>> out, Endpoint h, Side side, BoolExpr guard) {
    if (h != null && !guard.isFalse()) {
      out.computeIfAbsent(h, k -> new java.util.EnumMap<>(Side.class))
          .computeIfAbsent(side, k -> new ArrayList<>())
          .add(guard);
    }
  }

  private static Direction direction(Side side) {
    return side == Side.SOURCE_IN || side == Side.DESTINATION_IN
        ? Direction.INGRESS
        : Direction.EGRESS;
  }

  /**
   * The flow is between two addresses outside the cluster and routed through {@code node} ({@link
   * FlowVars#node} names it; spec S6.10, S6.11): false where that node is not {@link
   * Network#walkable}. The one home of the condition ({@code Query}'s placements read it).
   */
  static BoolExpr through(Terms t, Network net, EndEncoding src, EndEncoding dst, String node) {
    if (!net.walkable.contains(node) || net.nodeIndex(node) <= 0) {
      return t.ctx().mkFalse();
    }
    return t.define(t.and(src.outside(), dst.outside(), net.vars.node.is(net.nodeIndex(node))));
  }

  /**
   * End {@code w} of the flow is a workload on {@code node} (or naming none, placed there) and the
   * {@code other} end is outside the cluster, a workload or a host endpoint of another node: the
   * flow meets that node's chain at {@code w}'s end (spec S6.10, S6.11).
   */
  private static BoolExpr meets(Terms t, EndEncoding w, EndEncoding other, String node) {
    return t.and(w.onNode(node), other.far(node));
  }

  /** The pre-DNAT tiers in ingress of all-interfaces endpoint {@code star} (spec S6.12). */
  private static List<Network.TierPart> preDnat(Network net, Endpoint star) {
    return net.forwardSkeleton(star, Direction.INGRESS).stream()
        .filter(x -> x.path() == dev.tierproof.model.HostPath.PRE_DNAT)
        .toList();
  }

  /**
   * The flow is a workload's (on node {@code n}, or naming none and placed there) to a host
   * endpoint of {@code n}: it meets the local pre-DNAT path of {@code n} (spec S6.12).
   */
  private static BoolExpr local(Terms t, EndEncoding src, EndEncoding dst, String n) {
    return t.and(dst.placed(Endpoint.hostKey(n)::equals), src.onNode(n));
  }

  /**
   * Lint's step on the local pre-DNAT path (spec S6.12) of the all-interfaces endpoints {@code
   * stars} (whose pre-DNAT paths apply the same policies: one chain, compiled from the first's
   * labels), chosen when the flow is a workload's to a host endpoint of one of their nodes.
   */
  static Query.StepChain localSide(
      Terms t,
      Network net,
      EndEncoding src,
      EndEncoding dst,
      Chain.Compiler compiler,
      List<Endpoint> stars) {
    List<BoolExpr> at = new ArrayList<>();
    stars.forEach(h -> at.add(local(t, src, dst, h.node())));
    return new Query.StepChain(
        t.define(t.or(at)),
        compiler
            .at(stars.get(0).node())
            .forward(Direction.INGRESS, preDnat(net, stars.get(0)), true));
  }

  /**
   * Lint's step on a forward side (spec S6.11): the side in {@code d} of the forward chain of the
   * host endpoints {@code hosts} (whose forward chains apply the same policies, so one chain,
   * compiled from the first's labels), chosen when the flow meets one of them on that side (its
   * node, and where the node has named host endpoints the interface choice, {@link #meetings}).
   */
  static Query.StepChain side(
      Terms t,
      Network net,
      EndEncoding src,
      EndEncoding dst,
      Chain.Compiler compiler,
      List<Endpoint> hosts,
      Direction d) {
    Map<Endpoint, Map<Side, List<BoolExpr>>> all = meetings(t, net, src, dst);
    List<BoolExpr> at = new ArrayList<>();
    for (Endpoint h : hosts) {
      all.getOrDefault(h, Map.of())
          .forEach(
              (side, guards) -> {
                if (direction(side) == d) {
                  at.addAll(guards);
                }
              });
    }
    return new Query.StepChain(
        t.define(t.or(at)),
        compiler.at(hosts.get(0).node()).forward(d, net.forwardSkeleton(hosts.get(0), d), false));
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
