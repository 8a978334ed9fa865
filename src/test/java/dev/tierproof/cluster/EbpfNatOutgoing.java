package dev.tierproof.cluster;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NatOutgoing;
import dev.tierproof.model.PolicySet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference for what eval leaves out of the eBPF dataplane (specs/semantics.md S6.11 (c),
 * specs/notes/bpf-host-endpoints.md section 2): a workload's packet to outside whose source is in a
 * nat-outgoing pool is translated to its node's address before the egress forward rules of the host
 * endpoint it leaves by see it, so those steps read the node's address. The verdict eBPF gives is
 * then the flow's own steps and the forward ingress steps as eval gives them, and the forward
 * egress steps of the same packet from the node's address ({@link #verdict}).
 */
final class EbpfNatOutgoing {

  private static final Pattern CIDR = Pattern.compile("\n  cidr: ([^\n]+)");

  private final NatOutgoing pools;
  private final PolicySet set;

  /** The pools of the cluster's {@code yaml}, read as the loader does (cidr, natOutgoing). */
  EbpfNatOutgoing(String yaml, PolicySet set) {
    this.set = set;
    List<Cidr> masquerading = new ArrayList<>();
    List<Cidr> all = new ArrayList<>();
    boolean said = false;
    for (String doc : yaml.split("\n---\n")) {
      if (!doc.contains("\nkind: IPPool\n")) {
        continue;
      }
      said = true;
      Matcher m = CIDR.matcher(doc);
      Cidr c = m.find() ? Cidr.parse(m.group(1).replace("\"", "").trim()).orElseThrow() : null;
      all.add(c);
      if (doc.contains("natOutgoing: true")) {
        masquerading.add(c);
      }
    }
    this.pools = new NatOutgoing(said, masquerading, all);
  }

  /**
   * Whether eBPF translates {@code f}'s source before its egress forward rules: from a workload
   * placed on a node, at an address that may be in a nat-outgoing pool, to outside every pool
   * (outside the cluster, or another node's host endpoint, spec S6.10).
   */
  boolean translates(Flow f) {
    Endpoint w = f.source();
    return w != null
        && !w.isHost()
        && (f.destination() == null || f.destination().isHost() && !f.local())
        && f.sourcePlacement() != null
        && pools.from(w, f.sourceIp())
        && (!pools.said() || pools.pools().stream().noneMatch(c -> c.contains(f.destinationIp())));
  }

  /**
   * Whether eBPF allows {@code f} (eval's {@code bpf} verdict {@code v} on {@code eval}), its
   * source translated where {@link #translates} says: the egress forward steps as for the packet
   * from the node's address (a host endpoint's of that node at that family, else any other
   * address).
   */
  boolean allowed(Flow f, Verdict v, Evaluator eval) {
    if (!translates(f)) {
      return v.allowed();
    }
    Ip node = nodeAddress(f.sourcePlacement(), f.family());
    Flow moved =
        new Flow(
            f.protocol(),
            node,
            f.sourcePort(),
            f.destinationIp(),
            f.destinationPort(),
            f.icmpType(),
            f.icmpCode(),
            f.destinationDomain(),
            f.source(),
            f.destination(),
            f.sourcePlacement(),
            f.destinationPlacement(),
            f.sourceInterface(),
            f.destinationInterface());
    List<Step> mine = v.steps();
    List<Step> theirs = eval.evaluate(moved).steps();
    if (mine.size() != theirs.size()) {
      throw new AssertionError("the translated packet meets other steps: " + f);
    }
    for (int i = 0; i < mine.size(); i++) {
      Step s =
          mine.get(i).forward() && mine.get(i).direction() == Direction.EGRESS
              ? theirs.get(i)
              : mine.get(i);
      if (!s.allowed()) {
        return false;
      }
    }
    return true;
  }

  private Ip nodeAddress(String node, int family) {
    return set.endpoints().stream()
        .filter(e -> e.isHost() && node.equals(e.node()))
        .flatMap(e -> e.ips().stream())
        .filter(ip -> ip.family() == family)
        .findFirst()
        .orElse(Ip.parse(family == 4 ? "10.90.0.99" : "fd00:90::99").orElseThrow());
  }
}
