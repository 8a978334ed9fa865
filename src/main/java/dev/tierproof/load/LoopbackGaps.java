package dev.tierproof.load;

import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Loopbacks;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Site;
import dev.tierproof.model.Unmodelled;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a host's packets to its own addresses are not modelled (spec S6.13, S9.2). On a node whose
 * {@code lo} a host endpoint governs ({@link Loopbacks#governing}) Felix's rule renderer walks them
 * at that endpoint; tierproof walks them at their ends' own host endpoints, which is the same walk
 * where their paths are that endpoint's (spec S6.4: the all-interfaces one has no untracked path)
 * or no untracked policy selects them; and with no dataplane chosen the eBPF dataplane, which sees
 * none of them, disagrees.
 */
final class LoopbackGaps {

  private LoopbackGaps() {}

  /** The elements of each node of {@code byNode} (its host endpoints) of {@code set}. */
  static void of(PolicySet set, Map<String, List<Endpoint>> byNode, List<Unmodelled> out) {
    if (set.dataplane() == Dataplane.BPF) {
      return; // spec S6.13: nothing sees them, on any node (Loopbacks)
    }
    byNode.forEach(
        (node, hosts) -> {
          Endpoint lo = Loopbacks.governing(hosts, node);
          if (lo == null) {
            return; // nothing sees them on any dataplane
          }
          if (set.dataplane() == null) {
            out.add(
                element(
                    lo,
                    "governs on Felix's iptables and nftables dataplanes (modelled) and no program"
                        + " of its eBPF dataplane sees (choose one with `--dataplane`)",
                    false));
          }
          if (hosts.stream().anyMatch(h -> h.site() != lo.site()) && untracked(set, hosts)) {
            out.add(
                element(
                    lo,
                    "governs: tierproof walks them at their own host endpoints, whose untracked"
                        + " paths differ from its",
                    true));
          }
        });
  }

  /** The element of {@code lo}, the host endpoint governing its node's {@code lo}, {@code why}. */
  private static Unmodelled element(Endpoint lo, String why, boolean walk) {
    return new Unmodelled(
        "HostEndpoint",
        lo.name(),
        lo.span(),
        "node "
            + lo.node()
            + "'s packets to its own addresses cross `lo`, which this host endpoint "
            + why,
        new Reach.HostLoopback(Set.of(lo.node()), walk));
  }

  /** Whether an enforced untracked policy selects a named one of {@code hosts} (spec S6.4). */
  private static boolean untracked(PolicySet set, List<Endpoint> hosts) {
    return set.policies().stream()
        .filter(p -> !p.staged() && HostPath.of(p) == HostPath.UNTRACKED)
        .anyMatch(
            p ->
                hosts.stream()
                    .anyMatch(
                        h ->
                            h.site() == Site.HOST
                                && p.selector().matches(h.labels())
                                && (p.governs(Direction.INGRESS) || p.governs(Direction.EGRESS))));
  }
}
