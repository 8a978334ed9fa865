package dev.tierproof.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws nodes whose forward chain tierproof walks into {@link RandomCluster} (specs/semantics.md
 * S6.11): in a third of the clusters one or two nodes ({@code walk0}, {@code walk1}) whose one host
 * endpoint is of all interfaces, labelled {@code node-role: edge} (or {@code worker}) so that the
 * forward and pre-DNAT policies of {@link RandomHostPaths#forward} select them, without addresses.
 * The cluster's controllers' pod templates and its pods without {@code nodeName} may run on them,
 * so their flows with outside are answered per placement. Its own random stream, so the rest of a
 * seed's cluster is drawn as before.
 */
final class RandomWalkedNodes {

  private RandomWalkedNodes() {}

  /** The host endpoints of the drawn nodes, as YAML documents (none in two clusters in three). */
  static List<String> draw(long seed) {
    Random r = new Random(seed * 0x5DEECE66DL + 29);
    List<String> out = new ArrayList<>();
    if (r.nextInt(3) > 0) {
      return out;
    }
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      out.add(
          "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: walk"
              + i
              + "-all\n  labels:\n    node-role: "
              + (r.nextInt(3) == 0 ? "worker" : "edge")
              + "\nspec:\n  node: walk"
              + i
              + "\n  interfaceName: \"*\"\n"
              + (r.nextBoolean() ? "  profiles: [projectcalico-default-allow]\n" : ""));
    }
    return out;
  }
}
