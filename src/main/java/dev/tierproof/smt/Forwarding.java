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
 * walked ({@link Network#forwarders}), the condition "the flow is between a workload endpoint on
 * that node (or naming none, placed there: {@link EndEncoding#onNode}) and an address outside the
 * cluster, either way" and the ingress and egress sides of the node's all-interfaces host
 * endpoint's forward chain ({@link Chain.Compiler#forward}), compiled once per node; a node whose
 * chain holds no policy forwards every packet and is left out. The solver's counterpart of {@code
 * eval.Evaluator.forwarder} and {@code forwardChain}: the ingress side's step comes before the
 * workload's, the egress side's after.
 */
final class Forwarding {

  /** One node: when its chain is met, and the chain's two sides. */
  private record Node(BoolExpr at, Chain in, Chain out) {
    Chain side(Direction d) {
      return d == Direction.INGRESS ? in : out;
    }
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
      BoolExpr at = t.or(t.and(src.onNode(n), dst.outside()), t.and(dst.onNode(n), src.outside()));
      Map<String, String> labels = e.getValue().labels();
      List<Network.TierPart> in = net.forwardSkeleton(labels, Direction.INGRESS);
      List<Network.TierPart> out = net.forwardSkeleton(labels, Direction.EGRESS);
      if (at.isFalse() || in.isEmpty() && out.isEmpty()) {
        continue; // spec S6.8: a chain without policy forwards every packet
      }
      nodes.add(
          new Node(
              t.define(at),
              compiler.forward(Direction.INGRESS, in),
              compiler.forward(Direction.EGRESS, out)));
    }
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
   * The deciding point of the side in {@code d} of the chain the flow of {@code m} meets, if any.
   */
  void decisions(Model m, Direction d, List<Point> out) {
    for (Node n : nodes) {
      if (m.eval(n.at(), true).isTrue()) {
        n.side(d)
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
