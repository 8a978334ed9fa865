package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Site;
import dev.tierproof.model.Unmodelled;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * Where the dataplanes disagree on the reply of an untracked Allow at a host endpoint's own traffic
 * (specs/semantics.md S6.5, S9.1; {@link PolicySet#dropsReply}), the elements of an enforced
 * untracked policy when no dataplane is chosen: Felix's rule renderer drops an ICMP or SCTP reply
 * that no untracked Allow lets through (conntrack takes it as {@code INVALID}), where eBPF's
 * conntrack takes it as a new packet, which policy decides ({@code felix/bpf-gpl/conntrack.h}
 * {@code calico_ct_lookup}: only a TCP packet that is not a SYN misses mid-flow). So each untracked
 * Allow rule that may match an echo request or an SCTP packet is an element acting at the steps it
 * decides, eBPF allowing more. (A TCP reply to an outbound failsafe port, which eBPF's TC program
 * lets out, answers a packet from that port, which skipped the untracked path: S6.4.)
 */
final class UntrackedReplies {

  private UntrackedReplies() {}

  /** The elements of untracked policy {@code p} (none when it selects no host endpoint). */
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
        if (r.action() == Action.ALLOW && echoOrSctp(r)) {
          out.add(
              new Unmodelled(
                  "doNotTrack",
                  d.json() + " rule " + r.index() + " of " + p.displayName(),
                  r.span(),
                  "the dataplanes disagree on the reply of an untracked Allow: Felix's iptables"
                      + " and nftables drop an ICMP echo reply or an SCTP reply that no untracked"
                      + " Allow lets through (conntrack INVALID), eBPF decides it as a new packet"
                      + " (choose one with `--dataplane`)",
                  at.deciding(r, Reach.Effect.ALLOWS)));
        }
      }
    }
    return out;
  }

  /** {@code r} may match an ICMP or ICMPv6 echo request, or an SCTP packet. */
  private static boolean echoOrSctp(Rule r) {
    if (may(r, Protocols.SCTP)) {
      return true;
    }
    return may(r, Protocols.ICMP) && echo(r, Protocols.ECHO_REQUEST)
        || may(r, Protocols.ICMPV6) && echo(r, Protocols.ECHO_REQUEST_V6);
  }

  private static boolean echo(Rule r, int type) {
    return (r.icmp() == null || r.icmp().type() == type)
        && (r.notIcmp() == null || r.notIcmp().type() != type || r.notIcmp().code() != null);
  }

  private static boolean may(Rule r, int protocol) {
    return (r.protocol() == null || r.protocol() == protocol)
        && !Objects.equals(r.notProtocol(), protocol);
  }
}
