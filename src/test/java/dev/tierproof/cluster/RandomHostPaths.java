package dev.tierproof.cluster;

import java.util.List;
import java.util.Random;

/**
 * Draws host endpoint paths into {@link RandomCluster}'s GlobalNetworkPolicies (specs/semantics.md
 * S6.4): some become untracked ({@code doNotTrack}), pre-DNAT (when they govern ingress only) or
 * stay on the normal path with {@code applyOnForward} (S6.3; their forward paths, S6.8, are
 * unmodelled), often selecting the edge host endpoints; the interface of each host endpoint, its
 * own or all of them ({@code interfaceName: "*"}, S6.9); and an untracked policy of Allows in both
 * directions whose replies (S6.5) meet each other or not ({@link #replies}). Its own random
 * streams, so the rest of a seed's cluster is drawn as before.
 */
final class RandomHostPaths {

  private final Random rnd;
  private final Random interfaces;
  private boolean drawn;

  RandomHostPaths(long seed) {
    this.rnd = new Random(seed * 31 + 14);
    this.interfaces = new Random(seed * 31 + 15);
  }

  /** A host endpoint's {@code interfaceName}: a named interface, or all of them (spec S6.9). */
  String interfaceName() {
    return interfaces.nextInt(3) == 0 ? "\"*\"" : "eth0";
  }

  /** True when some policy was put on an untracked or pre-DNAT path, or applies on forward. */
  boolean drawn() {
    return drawn;
  }

  /**
   * In half the clusters, an untracked GlobalNetworkPolicy at every host endpoint: per pair an
   * Allow of a protocol to a port (TCP, UDP) or of an ICMP echo request in one direction, and often
   * the Allow (or a Deny) its reply needs in the other; else null.
   */
  String replies() {
    if (rnd.nextBoolean()) {
      return null;
    }
    StringBuilder in = new StringBuilder();
    StringBuilder out = new StringBuilder();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      boolean egress = rnd.nextBoolean();
      StringBuilder first = egress ? out : in;
      StringBuilder back = egress ? in : out;
      String answer = rnd.nextInt(4) == 0 ? "Deny" : "Allow";
      boolean answered = rnd.nextInt(3) > 0;
      String proto = List.of("TCP", "UDP", "ICMP", "ICMPv6").get(rnd.nextInt(4));
      if (proto.startsWith("ICMP")) {
        boolean v4 = proto.equals("ICMP");
        first.append("    - action: Allow\n      protocol: " + proto + "\n");
        first.append("      icmp: {type: " + (v4 ? 8 : 128) + "}\n");
        if (answered) {
          back.append("    - action: " + answer + "\n      protocol: " + proto + "\n");
          back.append("      icmp: {type: " + (v4 ? 0 : 129) + "}\n");
        }
      } else {
        int port = List.of(80, 443, 5432, 8080, 9090).get(rnd.nextInt(5)); // none failsafe
        first.append("    - action: Allow\n      protocol: " + proto + "\n");
        first.append("      destination: {ports: [" + port + "]}\n");
        if (answered) {
          back.append("    - action: " + answer + "\n      protocol: " + proto + "\n");
          back.append("      source: {ports: [" + port + "]}\n");
        }
      }
    }
    drawn = true;
    return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
        + "  name: untracked-replies\nspec:\n  selector: has(node-role)\n"
        + "  doNotTrack: true\n  applyOnForward: true\n  order: "
        + (rnd.nextInt(3) * 10)
        + "\n  types: [Ingress, Egress]\n"
        + (in.length() == 0 ? "" : "  ingress:\n" + in)
        + (out.length() == 0 ? "" : "  egress:\n" + out);
  }

  /** {@code policy} as written, or put on a host endpoint path when it is an enforced GNP. */
  String mark(String policy) {
    if (!policy.contains("\nkind: GlobalNetworkPolicy\n") || rnd.nextInt(3) > 0) {
      return policy;
    }
    boolean ingressOnly =
        !policy.contains("Egress") && !policy.contains("\n  egress:") && policy.contains("ingress");
    int path = rnd.nextInt(3);
    String flags =
        path == 0
            ? "  applyOnForward: true\n" // spec S6.3: still on the normal path
            : ingressOnly && path == 1
                ? "  preDNAT: true\n  applyOnForward: true\n"
                : "  doNotTrack: true\n  applyOnForward: true\n";
    String out = policy.replace("\nspec:\n", "\nspec:\n" + flags);
    if (rnd.nextBoolean()) {
      out = out.replaceFirst("\n  selector: [^\n]*\n", "\n");
      out = out.replace("\nspec:\n", "\nspec:\n  selector: \"node-role == 'edge'\"\n");
    }
    drawn = true;
    return out;
  }
}
