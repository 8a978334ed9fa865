package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Ports;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * The pre-DNAT path that a workload's packet to its own host meets (spec S6.10 "Not forwarded",
 * S6.12): it comes in by the workload's interface, whose pre-DNAT dispatch defaults to the node's
 * all-interfaces endpoint ({@link Ports#other}; Felix {@code dispatch.go} {@code
 * hostDispatchChains}, the eBPF from-WEP program), so before the workload's egress step that
 * endpoint's pre-DNAT tiers in ingress are walked (an Allow allows the step and the packet goes on
 * to the workload's egress step, a Deny drops it, nothing deciding goes on). Met on the nodes whose
 * host side is settled ({@link Evaluator#ports}) when that path holds policy.
 */
public final class LocalSteps {

  private LocalSteps() {}

  /**
   * {@code hops} (of a flow from {@code source} to {@code destination} placed as {@code ends}
   * says), with the local pre-DNAT step first when the flow is a workload's to its own host and its
   * node's all-interfaces endpoint has pre-DNAT policy in ingress.
   */
  static List<Hop> hops(
      Evaluator ev, Endpoint source, Endpoint destination, Flow.Ends ends, List<Hop> hops) {
    if (source == null
        || source.isHost()
        || destination == null
        || !destination.isHost()
        || !Flow.local(source, destination, ends.source())) {
      return hops;
    }
    Ports p = ev.ports().get(destination.node());
    if (p == null || p.other() == null || chain(ev, p.other()).tiers().isEmpty()) {
      return hops;
    }
    List<Hop> out = new ArrayList<>(hops.size() + 1);
    out.add(new Hop(p.other(), Direction.INGRESS, true, true));
    out.addAll(hops);
    return out;
  }

  /** The walk of hop {@code h}: its forward chain's side, or the local pre-DNAT path. */
  public static StepPath chain(Evaluator ev, Hop h) {
    return h.local() ? chain(ev, h.at()) : ev.forwardChain(h.at(), h.direction());
  }

  /** The pre-DNAT tiers in ingress of all-interfaces endpoint {@code star}. */
  private static StepPath chain(Evaluator ev, Endpoint star) {
    List<StepPath.Entered> tiers =
        ev.forwardChain(star, Direction.INGRESS).tiers().stream()
            .filter(e -> e.path() == HostPath.PRE_DNAT)
            .toList();
    return new StepPath(star, Direction.INGRESS, tiers, List.of(), true, true);
  }

  /**
   * Whether {@code flow} skips the local pre-DNAT path: on Felix's rule renderer (and with no
   * dataplane chosen) a packet to an inbound failsafe port, which the mangle table's failsafe chain
   * accepts first ({@code endpoints.go} {@code HostEndpointToMangleIngressChains}); on eBPF an
   * ICMPv6 host-discovery message ({@link Protocols#hostDiscovery}), which skips every policy
   * program, where failsafe ports are checked only from a host interface ({@code tc.c}).
   */
  public static boolean skips(PolicySet set, Flow flow) {
    return set.forwardFailsafe()
        ? set.failsafe().allows(Direction.INGRESS, flow)
        : Protocols.hostDiscovery(flow);
  }
}
