package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Ports;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Unmodelled;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Where the dataplanes disagree on the local pre-DNAT path (spec S6.12, S9.2): a workload's packet
 * to its own host meets its node's all-interfaces endpoint's pre-DNAT path, which Felix's rule
 * renderer skips for a packet to an inbound failsafe port and the eBPF dataplane for an ICMPv6
 * host-discovery message (specs/notes/bpf-host-endpoints.md, section 3).
 */
final class LocalGaps {

  private LocalGaps() {}

  /**
   * With no dataplane chosen, a {@code preDNAT} policy {@code p} selecting a settled node's
   * all-interfaces endpoint ({@link Ports#other}) whose ingress Allow or Deny rule may decide a
   * packet either skips: unmodelled at that node's workloads as sources of flows whose other end
   * may be a host endpoint.
   */
  static void dataplanes(PolicySet set, Policy p, List<Unmodelled> out) {
    if (set.dataplane() != null || HostPath.of(p) != HostPath.PRE_DNAT) {
      return;
    }
    Set<String> nodes = new java.util.TreeSet<>();
    set.ports()
        .forEach(
            (n, ports) -> {
              Endpoint star = ports.other();
              if (star != null && p.selector().matches(star.labels())) {
                nodes.add(n);
              }
            });
    List<Rule> rules = p.rules(Direction.INGRESS);
    if (nodes.isEmpty()
        || rules.stream()
            .noneMatch(r -> Gaps.failsafeMatch(set.failsafe(), r) || discoveryMatch(r))) {
      return;
    }
    out.add(
        new Unmodelled(
            "preDNAT",
            p.displayName(),
            p.span(),
            "the dataplanes disagree on a workload's packet to its own host at an inbound failsafe"
                + " port or of an ICMPv6 host-discovery type (Felix's iptables and nftables skip the"
                + " all-interfaces endpoint's pre-DNAT path for the first, eBPF for the second;"
                + " choose one with `--dataplane`)",
            new Reach.Endpoints(
                    EnumSet.of(Direction.EGRESS), EnumSet.of(Endpoint.Kind.WORKLOAD), null, null)
                .on(nodes)
                .walking(nodes)));
  }

  /**
   * Whether an ingress rule may decide an ICMPv6 message of a {@link Protocols#HOST_DISCOVERY} type
   * (other criteria taken as matching: conservative).
   */
  private static boolean discoveryMatch(Rule r) {
    return (r.action() == Action.ALLOW || r.action() == Action.DENY)
        && (r.ipVersion() == null || r.ipVersion() == 6)
        && (r.protocol() == null || r.protocol() == Protocols.ICMPV6)
        && !Integer.valueOf(Protocols.ICMPV6).equals(r.notProtocol())
        && (r.icmp() == null || Protocols.HOST_DISCOVERY.contains(r.icmp().type()))
        && r.destination().ports().isEmpty()
        && r.source().ports().isEmpty();
  }
}
