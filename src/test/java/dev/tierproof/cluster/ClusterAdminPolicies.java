package dev.tierproof.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The ClusterNetworkPolicies, AdminNetworkPolicies and the BaselineAdminNetworkPolicy of a {@link
 * RandomCluster}, as a platform team writes them (specs/semantics.md S2.10, S2.11): Admin and
 * Baseline tiers, priorities that tie, namespaces and pods subjects and peers, egress networks,
 * TCP/UDP/SCTP ports, ranges and named ports, Accept (Allow), Deny and Pass, and peers Calico
 * cannot convert ({@code nodes}). Each kind is written in its own API's spelling ({@code protocols}
 * or {@code ports}).
 */
final class ClusterAdminPolicies {

  /** The three kinds, by the API that spells them. */
  private enum Kind {
    CNP,
    ANP,
    BANP
  }

  private ClusterAdminPolicies() {}

  /**
   * One or two AdminNetworkPolicies (priorities that tie) and, two times in three, the
   * BaselineAdminNetworkPolicy: the admin policies Calico 3.29-3.31 enforce (3.29 ignores the
   * baseline one).
   */
  static List<String> drawAdmin(Random rnd, List<String> namespaces) {
    List<String> out = new ArrayList<>();
    int n = 1 + rnd.nextInt(2);
    for (int i = 0; i < n; i++) {
      out.add(policy(rnd, namespaces, Kind.ANP, "anp" + i));
    }
    if (rnd.nextInt(3) > 0) {
      out.add(policy(rnd, namespaces, Kind.BANP, "default"));
    }
    return out;
  }

  /** Zero to two ClusterNetworkPolicies, and rarely an admin policy of the older API. */
  static List<String> draw(Random rnd, List<String> namespaces) {
    List<String> out = new ArrayList<>();
    int n = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0;
    for (int i = 0; i < n; i++) {
      out.add(policy(rnd, namespaces, Kind.CNP, "cnp" + i));
    }
    if (rnd.nextInt(15) == 0) {
      out.add(
          "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n"
              + "  name: legacy\nspec:\n  priority: 3\n  subject:\n    namespaces: {}\n"
              + "  ingress:\n  - action: Deny\n    from:\n    - namespaces: {}\n");
    }
    return out;
  }

  private static String policy(Random rnd, List<String> namespaces, Kind kind, String name) {
    StringBuilder b = new StringBuilder("apiVersion: policy.networking.k8s.io/");
    switch (kind) {
      case CNP ->
          b.append(rnd.nextInt(4) == 0 ? "v1beta1" : "v1alpha2")
              .append("\nkind: ClusterNetworkPolicy\nmetadata:\n  name: ")
              .append(name)
              .append("\nspec:\n  tier: ")
              .append(rnd.nextInt(3) == 0 ? "Baseline" : "Admin")
              .append("\n  priority: ")
              .append(pick(rnd, List.of(10, 10, 20)));
      case ANP ->
          b.append("v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: ")
              .append(name)
              .append("\nspec:\n  priority: ")
              .append(pick(rnd, List.of(10, 10, 20)));
      case BANP ->
          b.append("v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n  name: ")
              .append(name)
              .append("\nspec:");
    }
    b.append("\n  subject:\n");
    if (rnd.nextBoolean()) {
      b.append("    namespaces: ").append(namespaceSelector(rnd, namespaces)).append('\n');
    } else {
      b.append("    pods:\n      namespaceSelector: ")
          .append(namespaceSelector(rnd, namespaces))
          .append("\n      podSelector: ")
          .append(podSelector(rnd))
          .append('\n');
    }
    for (String direction : List.of("ingress", "egress")) {
      int rules = rnd.nextInt(3);
      if (rules == 0) {
        continue;
      }
      b.append("  ").append(direction).append(":\n");
      for (int r = 0; r < rules; r++) {
        rule(rnd, namespaces, kind, direction.equals("egress"), b);
      }
    }
    return b.toString();
  }

  private static void rule(
      Random rnd, List<String> namespaces, Kind kind, boolean egress, StringBuilder b) {
    List<String> actions =
        switch (kind) {
          case CNP -> List.of("Accept", "Deny", "Pass");
          case ANP -> List.of("Allow", "Deny", "Pass");
          case BANP -> List.of("Allow", "Deny");
        };
    b.append("  - action: ").append(pick(rnd, actions)).append('\n');
    b.append(egress ? "    to:\n" : "    from:\n");
    boolean networks = false;
    int peers = 1 + rnd.nextInt(2);
    for (int p = 0; p < peers; p++) {
      int k = rnd.nextInt(egress ? 8 : 6);
      if (k < 3) {
        b.append("    - namespaces: ").append(namespaceSelector(rnd, namespaces)).append('\n');
      } else if (k < 6) {
        b.append("    - pods:\n        namespaceSelector: ")
            .append(namespaceSelector(rnd, namespaces))
            .append("\n        podSelector: ")
            .append(podSelector(rnd))
            .append('\n');
      } else if (k == 6) {
        networks = true;
        b.append("    - networks: [")
            .append(pick(rnd, List.of("10.1.0.0/24", "10.1.0.4/30", "0.0.0.0/0", "fd00:1::/64")))
            .append("]\n");
      } else {
        b.append("    - nodes: {}\n"); // Calico cannot convert the rule
      }
    }
    if (rnd.nextBoolean()) {
      return;
    }
    // a ClusterNetworkPolicy's `protocols`, an admin policy's `ports` (protocol default TCP)
    boolean cnp = kind == Kind.CNP;
    b.append(cnp ? "    protocols:\n" : "    ports:\n");
    int n = 1 + rnd.nextInt(2);
    for (int i = 0; i < n; i++) {
      int k = rnd.nextInt(networks ? 4 : 5);
      String protocol =
          cnp
              ? rnd.nextBoolean() ? "tcp" : "udp"
              : rnd.nextBoolean() ? "" : "protocol: " + pick(rnd, List.of("TCP", "UDP", "SCTP"));
      String comma = protocol.isEmpty() ? "" : ", ";
      b.append("    - ");
      if (k == 0 && cnp) {
        b.append(protocol).append(": {}\n");
      } else if (k < 3) {
        int port = pick(rnd, List.of(53, 80, 443, 8080));
        b.append(
            cnp
                ? protocol + ": {destinationPort: {number: " + port + "}}\n"
                : "portNumber: {" + protocol + comma + "port: " + port + "}\n");
      } else if (k == 3) {
        int end = pick(rnd, List.of(81, 443, 9000));
        b.append(
            cnp
                ? protocol + ": {destinationPort: {range: {start: 80, end: " + end + "}}}\n"
                : "portRange: {" + protocol + comma + "start: 80, end: " + end + "}\n");
      } else {
        b.append(cnp ? "destinationNamedPort: " : "namedPort: ")
            .append(pick(rnd, List.of("http", "metrics")))
            .append('\n');
      }
    }
  }

  private static String namespaceSelector(Random rnd, List<String> namespaces) {
    return switch (rnd.nextInt(3)) {
      case 0 -> "{}";
      case 1 -> "{matchLabels: {kubernetes.io/metadata.name: " + pick(rnd, namespaces) + "}}";
      default ->
          "{matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: ["
              + pick(rnd, namespaces)
              + "]}]}";
    };
  }

  private static String podSelector(Random rnd) {
    return switch (rnd.nextInt(3)) {
      case 0 -> "{}";
      case 1 -> "{matchLabels: {app: " + pick(rnd, RandomCluster.APPS) + "}}";
      default -> "{matchExpressions: [{key: tier, operator: Exists}]}";
    };
  }

  private static <T> T pick(Random rnd, List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }
}
