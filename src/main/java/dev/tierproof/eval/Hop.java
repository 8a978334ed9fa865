package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a flow's walk ({@link Evaluator#hops}): the step at {@code at} in {@code direction}
 * (an end's own, S4), or with {@code forward} a side of a host endpoint's forward chain (S6.8).
 */
public record Hop(Endpoint at, Direction direction, boolean forward) {

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
   * Whether workload end {@code w}'s packets with {@code other} (null: outside) are forwarded at
   * its node (spec S6.10): the other end is outside or a workload, not a host endpoint.
   */
  static boolean forwarded(Endpoint w, Endpoint other) {
    return w != null && !w.isHost() && (other == null || !other.isHost());
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
