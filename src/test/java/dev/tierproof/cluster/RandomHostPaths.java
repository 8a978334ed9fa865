package dev.tierproof.cluster;

import java.util.List;
import java.util.Random;

/**
 * Draws host endpoint paths into {@link RandomCluster}'s GlobalNetworkPolicies (specs/semantics.md
 * S6.4): some become untracked ({@code doNotTrack}), pre-DNAT (when they govern ingress only) or
 * stay on the normal path with {@code applyOnForward} (S6.3; their forward paths, S6.8, are walked
 * at a node whose one host endpoint is of all interfaces, S6.11), often selecting the edge host
 * endpoints; the interface of each host endpoint, its own or all of them ({@code interfaceName:
 * "*"}, S6.9); an untracked policy of Allows in both directions whose replies (S6.5) meet each
 * other or not ({@link #replies}); and forward and pre-DNAT policies of Allow, Deny and Pass rules
 * at every host endpoint ({@link #forward}). Its own random streams, so the rest of a seed's
 * cluster is drawn as before.
 */
final class RandomHostPaths {

  private final Random rnd;
  private final Random interfaces;
  private final Random forwarding;
  private final Random outer;
  private boolean drawn;

  RandomHostPaths(long seed) {
    this.rnd = new Random(seed * 31 + 14);
    this.interfaces = new Random(seed * 31 + 15);
    this.forwarding = new Random(seed * 31 + 16);
    this.outer = new Random(seed * 31 + 17);
  }

  /** A host endpoint's {@code interfaceName}: a named interface, or all of them (spec S6.9). */
  String interfaceName() {
    return interfaces.nextBoolean() ? "\"*\"" : "eth0"; // spec S6.11: often walked
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

  /**
   * In half the clusters, GlobalNetworkPolicies on every host endpoint's forward chain (spec S6.7,
   * S6.8): an {@code applyOnForward} one with ingress and egress rules (Allow, Deny, Pass; ports,
   * the failsafe port 22 among them; nets) whose tier may end in its implicit deny, and often a
   * {@code preDNAT} one; else none.
   */
  List<String> forward() {
    Random r = forwarding;
    if (r.nextBoolean()) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    out.add(forwardPolicy(r, "forward-chain", "has(node-role)", 0));
    if (r.nextBoolean()) {
      out.add(
          "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
              + "  name: forward-pre-dnat\nspec:\n  selector: has(node-role)\n"
              + "  preDNAT: true\n  applyOnForward: true\n  order: "
              + (r.nextInt(3) * 10)
              + "\n  types: [Ingress]\n  ingress:\n"
              + forwardRules(r, 1 + r.nextInt(2))
              // spec S6.10: rules that may drop (or keep) an outer packet of encapsulation
              + (outer.nextBoolean() ? RandomOuterPackets.rules(outer, 1 + outer.nextInt(2)) : ""));
    }
    drawn = true;
    return out;
  }

  /**
   * An {@code applyOnForward} GlobalNetworkPolicy {@code name} selecting {@code selector}, of
   * ingress, egress or both types, with {@code least} to {@code least + 3} (fewer than 4) rules per
   * governed direction ({@link #forwardRules}), drawn from {@code r}.
   */
  static String forwardPolicy(Random r, String name, String selector, int least) {
    String types = List.of("[Ingress]", "[Egress]", "[Ingress, Egress]").get(r.nextInt(3));
    StringBuilder b =
        new StringBuilder(
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: "
                + name
                + "\nspec:\n  selector: "
                + selector
                + "\n  applyOnForward: true\n  order: "
                + (r.nextInt(3) * 10)
                + "\n  types: "
                + types
                + "\n");
    for (String dir : List.of("ingress", "egress")) {
      if (types.toLowerCase(java.util.Locale.ROOT).contains(dir)) {
        b.append("  ")
            .append(dir)
            .append(":\n")
            .append(forwardRules(r, least + r.nextInt(4 - least)));
      }
    }
    return b.toString();
  }

  /** {@code n} rules of a forward or pre-DNAT policy; a Pass only after the first. */
  static String forwardRules(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String action = List.of("Allow", "Deny", "Pass").get(r.nextInt(i == 0 ? 2 : 3));
      b.append("    - action: ").append(action).append('\n');
      List<String> destination = new java.util.ArrayList<>();
      if (r.nextInt(3) > 0) {
        int port = List.of(22, 80, 443, 5432, 8080).get(r.nextInt(5));
        b.append("      protocol: ").append(r.nextBoolean() ? "TCP" : "UDP").append('\n');
        destination.add("ports: [" + port + "]");
      }
      // 10.1.0.0/16: the pods' range, not the walked nodes' (a translated source, spec S6.11 (c))
      sides(r, List.of("10.0.0.0/8", "0.0.0.0/0", "203.0.113.0/24", "10.1.0.0/16"), destination, b);
    }
    return b.toString();
  }

  /**
   * A rule's sides into {@code b}: in one rule in three a net of {@code nets} (or its {@code
   * notNets}, never a catch-all: rejected, spec S8) on the source or the destination side, with
   * {@code destination}'s other criteria.
   */
  static void sides(Random r, List<String> nets, List<String> destination, StringBuilder b) {
    String source = null;
    if (r.nextInt(3) == 0) {
      String net = nets.get(r.nextInt(nets.size()));
      String m =
          (r.nextBoolean() && !net.startsWith("0.") ? "notNets" : "nets") + ": [" + net + "]";
      if (r.nextBoolean()) {
        source = m;
      } else {
        destination.add(m);
      }
    }
    if (source != null) {
      b.append("      source: {").append(source).append("}\n");
    }
    if (!destination.isEmpty()) {
      b.append("      destination: {").append(String.join(", ", destination)).append("}\n");
    }
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
