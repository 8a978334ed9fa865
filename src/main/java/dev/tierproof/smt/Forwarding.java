package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Model;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The forward chains a query's flows can meet (spec S6.7-S6.11): per node whose forward chain is
 * walked ({@link Network#forwarders}), the conditions "the flow's source end is a workload endpoint
 * on that node (or naming none, placed there: {@link EndEncoding#onNode}) and its destination is
 * outside the cluster or a workload" and the same of its destination end, and the ingress and
 * egress sides of the node's all-interfaces host endpoint's forward chain ({@link
 * Chain.Compiler#forward}), compiled once per node and met once when either end is there (spec
 * S6.10, S6.11); a node whose chain holds no policy forwards every packet and is left out. The
 * solver's counterpart of {@code eval.Evaluator.forwarders} and {@code forwardChain}, in the order
 * of {@code eval.Evaluator.hops}.
 */
final class Forwarding {

  /** One node: when the source end, the destination end or either is there, and its two sides. */
  private record Node(BoolExpr atSource, BoolExpr atDestination, BoolExpr at, Chain in, Chain out) {
    Chain side(Direction d) {
      return d == Direction.INGRESS ? in : out;
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
  private final List<Node> nodes = new ArrayList<>();

  /** None: a query of one step (lint), which meets no forward chain. */
  Forwarding(Terms t) {
    this.t = t;
  }

  /** The nodes' chains over the ends {@code src} and {@code dst} (after their scopes). */
  Forwarding(Terms t, Network net, EndEncoding src, EndEncoding dst, Chain.Compiler compiler) {
    this.t = t;
    for (Map.Entry<String, Endpoint> e : net.forwarders.entrySet()) {
      String n = e.getKey();
      BoolExpr s = meets(t, src, dst, n);
      BoolExpr d = meets(t, dst, src, n);
      BoolExpr at = t.or(s, d);
      Map<String, String> labels = e.getValue().labels();
      List<Network.TierPart> in = net.forwardSkeleton(labels, Direction.INGRESS);
      List<Network.TierPart> out = net.forwardSkeleton(labels, Direction.EGRESS);
      if (at.isFalse() || in.isEmpty() && out.isEmpty()) {
        continue; // spec S6.8: a chain without policy forwards every packet
      }
      BoolExpr atSource = t.define(s);
      BoolExpr atDestination = t.define(d);
      nodes.add(
          new Node(
              atSource,
              atDestination,
              t.or(atSource, atDestination),
              compiler.forward(Direction.INGRESS, in),
              compiler.forward(Direction.EGRESS, out)));
    }
  }

  /**
   * End {@code w} of the flow is a workload on {@code node} (or naming none, placed there) and the
   * {@code other} end is outside the cluster or a workload: the flow meets that node's chain at
   * {@code w}'s end (spec S6.10, S6.11).
   */
  private static BoolExpr meets(Terms t, EndEncoding w, EndEncoding other, String node) {
    return t.and(w.onNode(node), t.or(other.outside(), other.workload()));
  }

  /**
   * Lint's step on a forward side (spec S6.11): the side in {@code d} of the forward chain of the
   * host endpoints {@code hosts} (whose forward chains apply the same policies, so one chain,
   * compiled from the first's labels), chosen when the flow meets one of their nodes' chains at
   * either end.
   */
  static Query.StepChain side(
      Terms t,
      Network net,
      EndEncoding src,
      EndEncoding dst,
      Chain.Compiler compiler,
      List<Endpoint> hosts,
      Direction d) {
    List<BoolExpr> at = new ArrayList<>();
    for (Endpoint h : hosts) {
      at.add(meets(t, src, dst, h.node()));
      at.add(meets(t, dst, src, h.node()));
    }
    return new Query.StepChain(
        t.define(t.or(at)), compiler.forward(d, net.forwardSkeleton(hosts.get(0).labels(), d)));
  }

  /** Both sides of the chain the flow meets, if any, allow it. */
  BoolExpr verdict() {
    List<BoolExpr> all = new ArrayList<>();
    for (Node n : nodes) {
      all.add(t.or(t.not(n.at()), t.and(n.in().verdict(), n.out().verdict())));
    }
    return t.and(all);
  }

  /** Compiles every side's deciding points, in the current scope (before a goal's). */
  void explain() {
    for (Node n : nodes) {
      n.in().decided();
      n.out().decided();
    }
  }

  /** The side in {@code d} of the chain the flow meets is decided as {@code f} says (null: not). */
  BoolExpr any(Direction d, Function<Chain, BoolExpr> f) {
    explain();
    List<BoolExpr> any = new ArrayList<>();
    for (Node n : nodes) {
      BoolExpr x = f.apply(n.side(d));
      if (x != null && !x.isFalse()) {
        any.add(t.and(n.at(), x));
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

  /**
   * The deciding point of the side {@code which} of the chains the flow of {@code m} meets, if any.
   */
  void decisions(Model m, Side which, List<Point> out) {
    for (Node n : nodes) {
      boolean s = m.eval(n.atSource(), true).isTrue();
      boolean d = m.eval(n.atDestination(), true).isTrue();
      boolean met =
          switch (which) {
            case SOURCE_IN -> s;
            case SOURCE_OUT -> s && !d;
            case DESTINATION_IN -> d && !s;
            case DESTINATION_OUT -> d;
          };
      if (met) {
        n.side(
                which == Side.SOURCE_IN || which == Side.DESTINATION_IN
                    ? Direction.INGRESS
                    : Direction.EGRESS)
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
}
