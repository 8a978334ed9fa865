package dev.tierproof.cluster;

import java.util.Random;

/**
 * Draws host endpoint paths into {@link RandomCluster}'s GlobalNetworkPolicies (specs/semantics.md
 * S6.4): some become untracked ({@code doNotTrack}), pre-DNAT (when they govern ingress only) or
 * stay on the normal path with {@code applyOnForward} (S6.3; their forward paths, S6.8, are
 * unmodelled), often selecting the edge host endpoints; and the interface of each host endpoint,
 * its own or all of them ({@code interfaceName: "*"}, S6.9). Its own random streams, so the rest of
 * a seed's cluster is drawn as before.
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
