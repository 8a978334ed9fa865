package dev.tierproof.cli;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
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
   * addresses) is between a host endpoint on node N and a workload endpoint on N or on no named
   * node, either way; with {@code question}, some flow of a question between them, where an address
   * no endpoint owns can be an endpoint without an address.
   */
  static boolean pair(PolicySet set, String from, String to, boolean question) {
    List<Endpoint> a = named(set, from, question);
    List<Endpoint> b = named(set, to, question);
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

  /**
   * The endpoints an end can be: the one it names, or those owning its address; in a {@code
   * question}, for an address no endpoint owns, those without an address (spec S5.4, S9.3: they
   * stand at addresses no endpoint owns); for {@code world} none.
   */
  private static List<Endpoint> named(PolicySet set, String ref, boolean question) {
    List<Endpoint> byName = set.endpoints().stream().filter(e -> e.ref().equals(ref)).toList();
    if (!byName.isEmpty() || ref.equals("world")) {
      return byName;
    }
    Ip ip = Ip.parse(ref).orElseThrow();
    List<Endpoint> owners = set.endpoints().stream().filter(e -> e.ips().contains(ip)).toList();
    return !owners.isEmpty() || !question
        ? owners
        : set.endpoints().stream().filter(e -> e.ips().isEmpty()).toList();
  }
}
