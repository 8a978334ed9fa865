package dev.tierproof.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws a host endpoint that pods' packets reach masqueraded into {@link RandomCluster}
 * (specs/semantics.md S6.10, S9.2): in two clusters in three where a workload's packets may be
 * masqueraded (no pool, or a nat-outgoing one), host endpoint {@code masq-far} of node {@code far}
 * (no workload runs there), at an address in no pool, an all-interfaces host endpoint listing the
 * addresses of a node that an addressed Pod names and no host endpoint is on, a nat-outgoing pool
 * of the pods' range where the cluster has no pool (two times in three), and a policy on its
 * ingress whose rules read the source (the walked nodes' addresses, the pods', the pod node's
 * addresses, one or two of IPv4, its host endpoint's labels, pod labels, source ports) and the
 * destination port, so that pods naming a node whose addresses are said have their masquerade
 * settled, and the host endpoint tells it apart or not. Its own random stream, so the rest of a
 * seed's cluster is drawn as before.
 */
final class RandomMasqueradedHost {

  private static final List<String> SOURCES =
      List.of(
          "{nets: [10.90.0.0/24]}",
          "{nets: [10.95.0.0/24]}",
          "{notNets: [10.95.0.2/32]}",
          "{selector: masq == 'near'}",
          "{nets: [10.1.0.0/16]}",
          "{nets: [10.0.0.0/8]}",
          "{notNets: [10.90.0.1/32]}",
          "{selector: has(app)}",
          "{selector: \"node-role == 'edge'\"}",
          "{ports: ['1024:65535']}",
          "{}");

  private static final List<String> MATCHES =
      List.of(
          "protocol: TCP\n      destination: {ports: [10250]}",
          "protocol: TCP\n      destination: {ports: ['8000:8100']}",
          "protocol: UDP",
          "protocol: ICMP",
          "notProtocol: TCP");

  private RandomMasqueradedHost() {}

  /** One of {@code pods} (nodes) that no host endpoint of {@code docs} is on; null: none. */
  private static String podNode(List<String> docs, List<String> pods, Random r) {
    List<String> nodes =
        pods.stream()
            .distinct()
            .filter(
                n ->
                    docs.stream()
                        .noneMatch(
                            h ->
                                h.contains("\nkind: HostEndpoint\n")
                                    && h.contains("node: " + n + "\n")))
            .toList();
    return nodes.isEmpty() ? null : nodes.get(r.nextInt(nodes.size()));
  }

  /**
   * The documents to add to {@code docs} of the cluster of {@code seed} (often none), whose Pods
   * with an address name {@code pods}.
   */
  static List<String> draw(long seed, List<String> docs, List<String> pods) {
    Random r = new Random(seed * 0x5DEECE66DL + 41);
    List<String> out = new ArrayList<>();
    boolean pools = docs.stream().anyMatch(d -> d.contains("\nkind: IPPool\n"));
    boolean nat = docs.stream().anyMatch(d -> d.contains("natOutgoing: true"));
    if (pools && !nat || r.nextInt(3) == 0) {
      return out;
    }
    // spec S6.10: the node of an addressed pod, where no host endpoint is, says its addresses
    String node = podNode(docs, pods, r);
    if (node != null) {
      out.add(
          "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: masq-near\n"
              + "  labels: {masq: near}\nspec:\n  node: "
              + node
              + "\n  interfaceName: \"*\"\n  expectedIPs: [10.95.0.2"
              + List.of("", ", \"fd00:95::2\"", ", 10.95.0.3").get(r.nextInt(3))
              + "]\n  profiles: [projectcalico-default-allow]\n");
    }
    if (docs.stream().noneMatch(d -> d.contains("\nkind: IPPool\n")) && r.nextInt(3) > 0) {
      // the pods' range, nat-outgoing: the input says which addresses are masqueraded
      out.add(
          "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: masq-pods\n"
              + "spec:\n  cidr: 10.1.0.0/16\n  natOutgoing: true\n");
    }
    out.add(
        "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: masq-far\n"
            + "  labels: {masq: far}\nspec:\n  node: far\n  interfaceName: eth0\n"
            + "  expectedIPs: [10.95.0.9]\n"
            + (r.nextBoolean() ? "  profiles: [projectcalico-default-allow]\n" : ""));
    StringBuilder p =
        new StringBuilder(
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
                + "  name: masq-ingress\nspec:\n  selector: masq == 'far'\n  types: [Ingress]\n"
                + "  ingress:\n");
    int rules = 1 + r.nextInt(3);
    for (int i = 0; i < rules; i++) {
      String source = SOURCES.get(r.nextInt(SOURCES.size()));
      String match = MATCHES.get(r.nextInt(MATCHES.size()));
      if (source.contains("ports") && !match.startsWith("protocol: TCP")) {
        match = "protocol: TCP"; // spec S8: ports need a protocol with ports
      }
      p.append("    - action: ")
          .append(r.nextBoolean() ? "Allow" : "Deny")
          .append("\n      ")
          .append(match)
          .append("\n      source: ")
          .append(source)
          .append('\n');
    }
    out.add(p.toString());
    return out;
  }
}
