package dev.tierproof.cluster;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import java.util.List;
import java.util.Map;

/**
 * Flows that cross a walked forward chain (spec S6.11), made from sampled ones: a sampled flow with
 * a workload end on a node whose forward chain is walked (or naming no node, when the input has
 * such a node), its other end moved outside the cluster (an address no endpoint owns), the packet
 * (and a DNS name it was sent by) kept; or moved to a host endpoint of another node ({@link
 * #toHost}, spec S6.10). Random clusters draw such nodes rarely and the sampler pairs their
 * workloads with outside seldom; this sends the map differential there.
 */
final class ForwardedFlows {

  private static final List<String> OUTSIDE =
      List.of("203.0.113.77", "198.51.100.9", "192.0.2.66", "2001:db8::77", "2001:db8:1::9");

  private final Evaluator eval;
  private final Map<Ip, List<Endpoint>> owners;

  /** The host endpoints naming a node, with addresses: the far ends of {@link #toHost}. */
  private final List<Endpoint> hosts;

  ForwardedFlows(PolicySet set, Evaluator eval) {
    this.eval = eval;
    this.owners = Endpoint.byAddress(set.endpoints());
    this.hosts =
        set.endpoints().stream()
            .filter(e -> e.isHost() && e.node() != null && !e.ips().isEmpty())
            .toList();
  }

  /**
   * {@code f} from its source workload to a host endpoint of another node (or, with {@code inward},
   * from one to its destination workload), or null when none has an address of {@code f}'s family
   * or that flow meets no walked forward chain (spec S6.10, S6.11).
   */
  Flow toHost(Flow f, boolean inward) {
    Endpoint w = inward ? f.destination() : f.source();
    if (w == null || w.isHost()) {
      return null;
    }
    Ip at = inward ? f.destinationIp() : f.sourceIp();
    for (Endpoint h : hosts) {
      Ip ip = h.ips().stream().filter(x -> x.family() == at.family()).findFirst().orElse(null);
      if (ip == null || h.node().equals(w.node())) {
        continue;
      }
      Flow out =
          Flow.between(
              f.protocol(),
              inward ? ip : at,
              f.sourcePort(),
              inward ? at : ip,
              f.destinationPort(),
              f.icmpType(),
              f.icmpCode(),
              null,
              inward ? h : w,
              inward ? w : h);
      if (eval.placements(out).stream().anyMatch(p -> !eval.forwarders(p).isEmpty())) {
        return out;
      }
    }
    return null;
  }

  /**
   * {@code f} from its source workload to outside (or, with {@code inward}, from outside to its
   * destination workload), or null when that flow meets no walked forward chain.
   */
  Flow of(Flow f, boolean inward) {
    Endpoint w = inward ? f.destination() : f.source();
    if (w == null || w.isHost()) {
      return null;
    }
    Ip at = inward ? f.destinationIp() : f.sourceIp();
    Ip away =
        OUTSIDE.stream()
            .map(a -> Ip.parse(a).orElseThrow())
            .filter(ip -> ip.family() == at.family() && !owners.containsKey(ip))
            .findFirst()
            .orElse(null);
    if (away == null) {
      return null;
    }
    Flow out = dev.tierproof.smt.RandomForwarding.across(f, w, at, away, !inward);
    // spec S6.11: a workload naming no node crosses one when some placement puts it on such a node
    return eval.placements(out).stream().allMatch(p -> eval.forwarders(p).isEmpty()) ? null : out;
  }
}
