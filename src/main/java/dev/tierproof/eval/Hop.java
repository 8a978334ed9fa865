package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ports;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One step of a flow's walk ({@link Evaluator#hops}): the step at {@code at} in {@code direction}
 * (an end's own, S4), or with {@code forward} a side of a host endpoint's forward chain (S6.8), or
 * with {@code local} too the pre-DNAT path of a node's all-interfaces endpoint that a workload's
 * packet to its own host meets (S6.12, {@link LocalSteps}).
 */
public record Hop(Endpoint at, Direction direction, boolean forward, boolean local) {

  /** An end's own step or a side of a forward chain. */
  public Hop(Endpoint at, Direction direction, boolean forward) {
    this(at, direction, forward, false);
  }

  /**
   * The steps of a flow from {@code source} to {@code destination} (null: outside the cluster)
   * whose ends meet the forward chain sides of {@code via} (null: none; {@code Evaluator}'s
   * forwarders), in the packet's order (spec S5.1, S6.10, S6.11): the source node's ingress side,
   * the source's egress step, that node's egress side, the destination node's ingress side, the
   * destination's ingress step, that node's egress side.
   */
  static List<Hop> of(Endpoint source, Endpoint destination, Endpoint[] via) {
    List<Hop> out = new ArrayList<>(6);
    if (via[0] != null) {
      out.add(new Hop(via[0], Direction.INGRESS, true));
    }
    if (source != null) {
      out.add(new Hop(source, Direction.EGRESS, false));
    }
    if (via[1] != null) {
      out.add(new Hop(via[1], Direction.EGRESS, true));
    }
    if (via[2] != null) {
      out.add(new Hop(via[2], Direction.INGRESS, true));
    }
    if (destination != null) {
      out.add(new Hop(destination, Direction.INGRESS, false));
    }
    if (via[3] != null) {
      out.add(new Hop(via[3], Direction.EGRESS, true));
    }
    return out;
  }

  /**
   * The host endpoints whose forward chain sides a flow from {@code source} to {@code destination}
   * (null: outside) meets on the {@code ports} of its ends' nodes: for a workload end with outside,
   * another workload or a host endpoint of another node, its own node or the one {@code ends}
   * places it on; for a flow between two outside addresses routed through a node ({@link
   * Flow#transit}), that node's host endpoints of the interface it comes in by (ingress side,
   * before) and leaves by (egress side, after).
   *
   * <p>The host endpoints whose forward chain sides a flow meets (spec S6.9-S6.11), in {@link
   * #of}'s order: the source node's ingress and egress sides, the destination node's ingress and
   * egress sides (each null: none), given the host sides {@code s} and {@code d} of its ends'
   * walked nodes (null: not forwarded there) and the interfaces {@code ends} crosses. A workload
   * end meets its node's all-interfaces endpoint's side of its own (workload) interface, and the
   * side of the host endpoint governing the interface the flow crosses ({@link Ports#at}: the
   * source's outgoing, the destination's incoming one). Two ends on one node meet its
   * all-interfaces endpoint's ingress side before both steps and its egress side after them, once.
   * {@code held} keeps a host endpoint whose forward chain holds policy (else null: it forwards
   * every packet, S6.8).
   */
  static Endpoint[] sides(
      Endpoint source,
      Endpoint destination,
      Flow.Ends ends,
      Map<String, Ports> ports,
      UnaryOperator<Endpoint> held) {
    if (source == null && destination == null) {
      // spec S6.10, S6.11: outside -> outside through N: H(in) ingress forward, H(out) egress
      Ports n = ends.source() == null ? null : ports.get(ends.source());
      return n == null
          ? new Endpoint[4]
          : new Endpoint[] {
            held.apply(n.at(ends.sourceInterface())),
            held.apply(n.at(ends.destinationInterface())),
            null,
            null
          };
    }
    return sides(
        walked(source, destination, ends.source(), ports),
        walked(destination, source, ends.destination(), ports),
        ends,
        held);
  }

  /**
   * The host side of the walked node of end {@code w} placed on {@code placement} when its packets
   * with {@code other} are forwarded there ({@link Flow#forwarded}: with outside, a workload, or a
   * host endpoint of another node, spec S6.10, S6.11), else null.
   */
  private static Ports walked(
      Endpoint w, Endpoint other, String placement, Map<String, Ports> ports) {
    if (w == null || !Flow.forwarded(w, other, placement)) {
      return null;
    }
    String node = w.node() != null ? w.node() : placement;
    return node == null ? null : ports.get(node);
  }

  private static Endpoint[] sides(Ports s, Ports d, Flow.Ends ends, UnaryOperator<Endpoint> held) {
    if (s != null && s == d) {
      return new Endpoint[] {held.apply(s.other()), null, null, held.apply(s.other())};
    }
    return new Endpoint[] {
      s == null ? null : held.apply(s.other()),
      s == null ? null : held.apply(s.at(ends.sourceInterface())),
      d == null ? null : held.apply(d.at(ends.destinationInterface())),
      d == null ? null : held.apply(d.other())
    };
  }

  /**
   * Whether {@code flow} walks a policy step in {@code dir} (spec S5.1, S6.12): at an end in the
   * cluster; for a flow between a host endpoint and a workload on its node ({@link Flow#local})
   * only the workload's egress toward its host, and not for an ICMPv6 neighbour-discovery or
   * multicast listener message, which Felix accepts from a workload to its host before policy.
   */
  static boolean stepped(Flow flow, Direction dir) {
    Endpoint at = dir == Direction.EGRESS ? flow.source() : flow.destination();
    if (at == null) {
      return false;
    }
    if (!flow.local()) {
      return true;
    }
    return dir == Direction.EGRESS && !at.isHost() && !Protocols.hostDiscovery(flow);
  }
}
