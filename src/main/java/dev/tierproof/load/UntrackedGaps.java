package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Site;
import java.util.List;
import java.util.Set;

/**
 * Where an enforced untracked policy's effect on forwarded traffic is modelled (spec S6.7.1, S6.11,
 * S9.2): on Felix's rule renderer (iptables, nftables) the untracked ingress path of a named host
 * endpoint is walked as the first path of its forward chain's ingress side, a Deny dropping, a Pass
 * or nothing deciding going on; an all-interfaces endpoint has none (S6.6). Two things stay
 * unmodelled, and keep the policy's walked nodes' forwarded flows in its reach: an ingress Allow
 * (its packet is not connection-tracked, and what the reply meets on the forward chains is not
 * walked) and an egress Deny that may drop an outer packet of encapsulation the host sends (raw
 * OUTPUT sees it, S6.10). A Deny that may drop an outer packet the host receives is {@link
 * OuterPackets}' element, as a pre-DNAT one's. On eBPF, and with no dataplane chosen, untracked
 * policy stays unmodelled on forwarded traffic (XDP, specs/notes/bpf-host-endpoints.md section 1).
 */
final class UntrackedGaps {

  private UntrackedGaps() {}

  /**
   * Whether {@code p}'s part on the forward chains of the walked nodes is modelled: on the rule
   * renderer, with no ingress Allow rule and no egress Deny rule that may drop an outer packet
   * ({@code outer}: the encapsulations' packets; null: none are policed).
   */
  static boolean modelled(boolean renderer, Policy p, OuterPackets outer) {
    boolean allows =
        p.governs(Direction.INGRESS)
            && p.rules(Direction.INGRESS).stream().anyMatch(r -> r.action() == Action.ALLOW);
    return renderer && !allows && (outer == null || !outer.sends(p));
  }

  /**
   * The walked nodes whose forwarded flows {@code p} (selecting {@code hosts}) leaves alone: all of
   * them when {@link #modelled}; else on the rule renderer those where it selects no named host
   * endpoint (the raw chains of an all-interfaces endpoint do not exist, S6.6), elsewhere none.
   */
  static Set<String> walked(
      boolean renderer, Policy p, List<Endpoint> hosts, Set<String> walked, OuterPackets outer) {
    if (!renderer) {
      return Set.of();
    }
    if (modelled(renderer, p, outer)) {
      return walked;
    }
    Set<String> out = new java.util.TreeSet<>(walked);
    hosts.stream()
        .filter(e -> e.site() != Site.ALL_INTERFACES && e.node() != null)
        .forEach(e -> out.remove(e.node()));
    return out;
  }
}
