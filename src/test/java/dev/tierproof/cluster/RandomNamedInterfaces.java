package dev.tierproof.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws named host endpoints onto {@link RandomWalkedNodes}' nodes (specs/semantics.md S6.9,
 * S6.10): in half the clusters that have them, each walked node gets an {@code eth0} endpoint and
 * often an {@code eth1} one beside its all-interfaces endpoint, labelled {@code iface} (and {@code
 * node-role} like the forward policies of {@link RandomHostPaths#forward} select, or not), and an
 * {@code applyOnForward} policy selecting {@code has(iface)} with ingress and egress forward rules:
 * the packets a walked node forwards then meet another chain per interface they may cross, and the
 * cluster suites compare eval and the solver on each choice; in half of those clusters a {@code
 * doNotTrack} policy selecting {@code has(iface)} too, whose ingress rules forwarded packets meet
 * on the named endpoints' untracked path (S6.7.1). Its own random streams, so the rest of a seed's
 * cluster is drawn as before.
 */
final class RandomNamedInterfaces {

  private RandomNamedInterfaces() {}

  /**
   * Whether {@code docs} hold {@link #draw}'s forward policy (an element unmodelled on forwarded
   * traffic between two addresses outside the cluster, spec S9.2).
   */
  static boolean drawn(List<String> docs) {
    return docs.stream().anyMatch(d -> d.contains("\n  name: named-forward\n"));
  }

  /** The documents for the walked nodes {@code walk0} to {@code walk<nodes - 1>}. */
  static List<String> draw(long seed, int nodes) {
    Random r = new Random(seed * 0x5DEECE66DL + 37);
    List<String> out = new ArrayList<>();
    if (nodes == 0 || r.nextBoolean()) {
      return out;
    }
    for (int i = 0; i < nodes; i++) {
      for (String iface : r.nextBoolean() ? List.of("eth0") : List.of("eth0", "eth1")) {
        out.add(
            "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: walk"
                + i
                + "-"
                + iface
                + "\n  labels:\n    iface: "
                + iface
                + (r.nextBoolean() ? "\n    node-role: edge" : "")
                + "\nspec:\n  node: walk"
                + i
                + "\n  interfaceName: "
                + iface
                + "\n");
      }
    }
    out.add(RandomHostPaths.forwardPolicy(r, "named-forward", "has(iface)", 1));
    Random u = new Random(seed * 0x5DEECE66DL + 41);
    if (u.nextBoolean()) {
      out.add(untracked(u));
    }
    return out;
  }

  /**
   * A {@code doNotTrack} policy selecting {@code has(iface)} (spec S6.7.1: the untracked ingress
   * path of the named host endpoints, which forwarded packets meet): ingress rules (Deny and Pass,
   * in one policy in three Allow too; ports, the failsafe port 22 among them; nets), in half of
   * them egress rules too, drawn from {@code u}.
   */
  private static String untracked(Random u) {
    String in = RandomHostPaths.forwardRules(u, 1 + u.nextInt(3));
    if (u.nextInt(3) > 0) {
      in = in.replace("action: Allow", "action: Deny");
    }
    boolean egress = u.nextBoolean();
    return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
        + "  name: named-untracked\nspec:\n  selector: has(iface)\n"
        + "  doNotTrack: true\n  applyOnForward: true\n  order: "
        + (u.nextInt(3) * 10)
        + (egress ? "\n  types: [Ingress, Egress]\n" : "\n  types: [Ingress]\n")
        + "  ingress:\n"
        + in
        + (egress ? "  egress:\n" + RandomHostPaths.forwardRules(u, 1 + u.nextInt(2)) : "");
  }
}
