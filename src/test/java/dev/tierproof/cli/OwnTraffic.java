package dev.tierproof.cli;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.PolicySet;
import java.util.List;

/**
 * An oracle, written apart from {@code analysis/Relevance}, for the traffic between a node and its
 * own workloads (spec S6.10, S9.2): which concrete ends of a generated cluster such a flow is
 * between, and whether a cluster has a node it could be on.
 */
final class OwnTraffic {

  private OwnTraffic() {}

  /**
   * Whether a flow between the ends named {@code from} and {@code to} (endpoint references, or
   * addresses outside the cluster) is between a host endpoint on node N and a workload endpoint on
   * N or on no named node, either way.
   */
  static boolean pair(PolicySet set, String from, String to) {
    List<Endpoint> a = named(set, from);
    List<Endpoint> b = named(set, to);
    return a.stream().anyMatch(x -> b.stream().anyMatch(y -> local(x, y) || local(y, x)));
  }

  /** Whether the input has a host endpoint (each has a node): diff and map may meet its traffic. */
  static boolean hosts(PolicySet set) {
    return set.endpoints().stream().anyMatch(e -> e.kind() == Endpoint.Kind.HOST);
  }

  private static boolean local(Endpoint host, Endpoint workload) {
    return host.kind() == Endpoint.Kind.HOST
        && workload.kind() == Endpoint.Kind.WORKLOAD
        && host.node() != null
        && (workload.node() == null || workload.node().equals(host.node()));
  }

  private static List<Endpoint> named(PolicySet set, String ref) {
    return set.endpoints().stream().filter(e -> e.ref().equals(ref)).toList();
  }
}
