package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Site;
import dev.tierproof.model.Unmodelled;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What the eBPF dataplane leaves unmodelled of an enforced untracked policy at a host endpoint's
 * own traffic (specs/semantics.md S6.4, S6.6, S9.1; specs/notes/bpf-host-endpoints.md section 1).
 * Its ingress rules run in XDP ({@code bpf_ep_mgr.go} {@code attachXDPProgram}), its egress rules
 * in iptables' raw table ({@code endpoint_mgr.go} {@code updateHostEndpoints}), both after the
 * failsafe checks, a Deny dropping and a Pass, a tier's end or nothing deciding going on: the
 * untracked path tierproof walks at a named host endpoint. An Allow there marks the packet accepted
 * past eBPF's own conntrack and policy, and what its reply meets is not settled: each untracked
 * Allow rule is an element of its own, acting at the steps it decides (or whose reply it decides).
 * An all-interfaces endpoint's untracked ingress policy is enforced in XDP on the data interfaces
 * without an endpoint of their own ({@code OnHEPUpdate}): tierproof walks it there ({@link
 * HostPath#of(Site, Direction, dev.tierproof.model.Dataplane)}), its Allow rules alike.
 */
final class EbpfUntracked {

  private EbpfUntracked() {}

  /** The elements of untracked policy {@code p} on eBPF (none when it selects no host endpoint). */
  static List<Unmodelled> of(PolicySet set, Policy p) {
    List<Unmodelled> out = new ArrayList<>();
    if (set.endpoints().stream().noneMatch(e -> e.isHost() && p.selector().matches(e.labels()))) {
      return out;
    }
    for (Direction d : Direction.values()) {
      if (!HostPath.enforced(p, Site.HOST, d)) {
        continue;
      }
      Reach.Endpoints at =
          new Reach.Endpoints(EnumSet.of(d), EnumSet.of(Endpoint.Kind.HOST), p.selector(), null);
      for (Rule r : p.rules(d)) {
        if (r.action() == Action.ALLOW) {
          out.add(
              new Unmodelled(
                  "doNotTrack",
                  d.json() + " rule " + r.index() + " of " + p.displayName(),
                  r.span(),
                  "on the eBPF dataplane (`--dataplane bpf`) an untracked Allow ("
                      + (d == Direction.INGRESS ? "XDP" : "iptables' raw table")
                      + ") lets the packet past eBPF's conntrack and policy; what its reply meets"
                      + " is not settled",
                  at.deciding(r, Reach.Effect.EITHER)));
        }
      }
    }
    return out;
  }
}
