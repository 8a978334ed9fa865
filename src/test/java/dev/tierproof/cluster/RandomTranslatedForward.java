package dev.tierproof.cluster;

import java.util.List;
import java.util.Random;

/**
 * Draws, for {@link DataplaneAgreementTest}, an {@code applyOnForward} GlobalNetworkPolicy whose
 * egress forward rules tell a pod's address from its node's (specs/semantics.md S6.11 (c)): source
 * nets of the pods' ranges or of the walked nodes' addresses ({@link RandomWalkedNodes}), at the
 * host endpoints of all interfaces, of named ones, or both. On the eBPF dataplane a nat-outgoing
 * pool's translation comes first, so these rules see the node's address there and the pod's on
 * Felix's rule renderer. Its own random stream.
 */
final class RandomTranslatedForward {

  private static final List<String> SELECTORS =
      List.of("has(iface)", "node-role == 'edge'", "has(node-role) || has(iface)");
  private static final List<String> NETS =
      List.of("10.1.0.0/16", "10.1.0.0/29", "10.90.0.0/16", "fd00:1::/64");

  private RandomTranslatedForward() {}

  /** The policy as a YAML document, in half the clusters; else null. */
  static String draw(long seed) {
    Random r = new Random(seed * 0x61C8864680B583EBL + 19);
    if (r.nextBoolean()) {
      return null;
    }
    StringBuilder b =
        new StringBuilder(
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
                + "  name: translated-forward\nspec:\n  selector: "
                + SELECTORS.get(r.nextInt(SELECTORS.size()))
                + "\n  applyOnForward: true\n  order: 5\n  types: [Egress]\n  egress:\n");
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      b.append("    - action: ")
          .append(r.nextBoolean() ? "Deny" : "Allow")
          .append("\n      source: {")
          .append(r.nextInt(3) == 0 ? "notNets" : "nets")
          .append(": [")
          .append(NETS.get(r.nextInt(NETS.size())))
          .append("]}\n");
    }
    return b.toString();
  }
}
