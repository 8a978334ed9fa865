package dev.tierproof.cli;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import java.util.List;

/**
 * An oracle, written apart from {@code model.Flow}'s placement and {@code eval.Evaluator}'s steps,
 * for the traffic between a node and its own workloads (spec S6.12): how the named ends of a
 * generated cluster's question are placed, and which steps a flow between them has.
 */
final class OwnTraffic {

  private OwnTraffic() {}

  /** How the ends of a flow between a host endpoint and a workload endpoint are placed. */
  enum Placement {
    /** Not a host endpoint and a workload that can be on its node. */
    APART,
    /** The workload names no node: on the host endpoint's node or on another. */
    EITHER,
    /** The workload is on the host endpoint's node. */
    LOCAL
  }

  /**
   * The placement of a flow between the ends named {@code from} and {@code to} (endpoint
   * references, or addresses one endpoint owns), either way; {@link Placement#APART} when an end is
   * outside or names several endpoints.
   */
  static Placement placement(PolicySet set, String from, String to) {
    List<Endpoint> a = named(set, from);
    List<Endpoint> b = named(set, to);
    if (a.size() != 1 || b.size() != 1) {
      return Placement.APART;
    }
    Endpoint x = a.get(0);
    Endpoint y = b.get(0);
    Endpoint host = x.kind() == Endpoint.Kind.HOST ? x : y;
    Endpoint workload = host == x ? y : x;
    if (host.kind() != Endpoint.Kind.HOST
        || workload.kind() != Endpoint.Kind.WORKLOAD
        || host.node() == null) {
      return Placement.APART;
    }
    if (workload.node() == null) {
      return Placement.EITHER;
    }
    return workload.node().equals(host.node()) ? Placement.LOCAL : Placement.APART;
  }

  /**
   * The steps (egress, ingress) a TCP or UDP flow from {@code from} to {@code to}, both in the
   * cluster, has when placed {@code local}: Felix polices a host's packets to its own workload
   * nowhere, and a workload's packets to its own host at the workload's egress alone.
   */
  static List<String> steps(PolicySet set, String from, boolean local) {
    if (!local) {
      return List.of("egress", "ingress");
    }
    return named(set, from).get(0).kind() == Endpoint.Kind.HOST ? List.of() : List.of("egress");
  }

  /**
   * The references of a host endpoint of {@code set} and a workload that can be on its node (either
   * way round), drawn with {@code rnd}; null when there is no such pair.
   */
  static String[] pair(PolicySet set, java.util.Random rnd) {
    List<String[]> pairs = new java.util.ArrayList<>();
    for (Endpoint h : set.endpoints()) {
      for (Endpoint w : set.endpoints()) {
        if (placement(set, h.ref(), w.ref()) != Placement.APART) {
          pairs.add(new String[] {h.ref(), w.ref()});
        }
      }
    }
    if (pairs.isEmpty()) {
      return null;
    }
    String[] p = pairs.get(rnd.nextInt(pairs.size()));
    return rnd.nextBoolean() ? p : new String[] {p[1], p[0]};
  }

  /** The endpoints an end names: the one by that reference, or those owning its address. */
  private static List<Endpoint> named(PolicySet set, String ref) {
    List<Endpoint> byName = set.endpoints().stream().filter(e -> e.ref().equals(ref)).toList();
    if (!byName.isEmpty() || ref.equals("world")) {
      return byName;
    }
    Ip ip = Ip.parse(ref).orElseThrow();
    return set.endpoints().stream().filter(e -> e.ips().contains(ip)).toList();
  }
}
