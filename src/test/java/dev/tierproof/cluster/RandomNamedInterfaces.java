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
 * cluster suites compare eval and the solver on each choice. Its own random stream, so the rest of
 * a seed's cluster is drawn as before.
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
    return out;
  }
}
