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
 * so their flows with outside and with other workloads are answered per placement; {@link #pools}
 * says whether packets between nodes may be encapsulated. Its own random stream, so the rest of a
 * seed's cluster is drawn as before.
 */
final class RandomWalkedNodes {

  private RandomWalkedNodes() {}

  /** The host endpoints of the drawn nodes, as YAML documents (none in two clusters in three). */
  static List<String> draw(long seed) {
    Random r = new Random(seed * 0x5DEECE66DL + 29);
    List<String> out = new ArrayList<>();
    Random addressed = new Random(seed * 0x5DEECE66DL + 37);
    int n = count(r);
    for (int i = 0; i < n; i++) {
      out.add(
          "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: walk"
              + i
              + "-all\n  labels:\n    node-role: "
              + (r.nextInt(3) == 0 ? "worker" : "edge")
              + "\nspec:\n  node: walk"
              + i
              + "\n  interfaceName: \"*\"\n"
              + (r.nextBoolean() ? "  profiles: [projectcalico-default-allow]\n" : "")
              // spec S6.10: the node's address, which outer packets come from and go to
              + (addressed.nextBoolean() ? "  expectedIPs: [10.90.0." + (i + 1) + "]\n" : ""));
    }
    out.addAll(RandomNamedInterfaces.draw(seed, n)); // spec S6.9, S6.10
    out.addAll(pools(new Random(seed * 0x5DEECE66DL + 31)));
    return out;
  }

  /**
   * Whether a workload's packets to a host endpoint of {@code docs} may be masqueraded (spec S6.10,
   * S9.2: an element where the host endpoint's ingress rules read the source): the cluster has host
   * endpoints, and no IP pool or a nat-outgoing one.
   */
  static boolean masquerades(List<String> docs) {
    boolean hosts = docs.stream().anyMatch(d -> d.contains("\nkind: HostEndpoint\n"));
    boolean pools = docs.stream().anyMatch(d -> d.contains("\nkind: IPPool\n"));
    return hosts && (!pools || docs.stream().anyMatch(d -> d.contains("natOutgoing: true")));
  }

  /** How many nodes {@link #draw} draws from {@code r}: none in two clusters in three, else 1-2. */
  private static int count(Random r) {
    return r.nextInt(3) > 0 ? 0 : 1 + r.nextInt(2);
  }

  /**
   * The walked node a Pod named {@code pod} of the cluster of {@code seed} runs on ({@code
   * nodeName}), or null: one Pod in three when the cluster has walked nodes, so that flows between
   * two named pods cross one walked node's forward chain or two (spec S6.10).
   */
  static String podNode(long seed, String pod) {
    int n = count(new Random(seed * 0x5DEECE66DL + 29));
    int h = Math.floorMod(pod.hashCode() * 31 + (int) seed, 6);
    return n == 0 || h >= 2 ? null : "walk" + h % n;
  }

  /**
   * IP pools (spec S6.10, S9.2): none in a third (packets between nodes may be encapsulated), pools
   * that never encapsulate in a third, and in the rest one of each mode ({@link
   * RandomOuterPackets#pool}); the first at a range holding no address of the cluster, some or all
   * pods' and host endpoints', nat-outgoing in a third of them (S6.10, S6.11).
   */
  private static List<String> pools(Random r) {
    int k = r.nextInt(3);
    if (k == 0) {
      return List.of();
    }
    String api = r.nextBoolean() ? "projectcalico.org/v3" : "crd.projectcalico.org/v1";
    String never = r.nextBoolean() ? "" : "  ipipMode: Never\n  vxlanMode: Never\n";
    String pool = "apiVersion: " + api + "\nkind: IPPool\nmetadata:\n  name: pool";
    List<String> out = new ArrayList<>();
    // spec S6.10: a pool holding no address of the cluster, some pods' and host endpoints', or all
    String cidr = List.of("10.244.0.0/16", "10.1.0.0/29", "10.1.0.0/16").get(r.nextInt(3));
    out.add(pool + "0\nspec:\n  cidr: " + cidr + "\n" + never);
    if (k == 2) {
      out.add(RandomOuterPackets.pool(1 + r.nextInt(RandomOuterPackets.POOLS - 1)));
    }
    // spec S6.10, S6.11: a workload's packets to another node's host endpoint are masqueraded, and
    // on eBPF egress forward rules see the translated source
    if (r.nextInt(3) == 0) {
      out.set(0, out.get(0) + "  natOutgoing: true\n");
    }
    return out;
  }
}
