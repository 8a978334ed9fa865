package dev.tierproof.cluster;

import dev.tierproof.model.Dataplane;
import java.util.List;
import java.util.Random;

/**
 * Untracked policy at a {@link RandomCluster}'s host endpoints, drawn on purpose for the eBPF
 * dataplane (specs/semantics.md S6.4, S6.6): where the cluster has host endpoints, on {@code bpf}
 * in two clusters in three (on another dataplane or none in one in six, for contrast), a {@code
 * doNotTrack} GlobalNetworkPolicy {@code bpf-untracked} selecting them (all, or the edge ones:
 * named or of all interfaces) with Deny rules of the ports the questions use, Pass and Log rules,
 * often in both directions, and in one cluster in four an Allow. Its own random stream, so the rest
 * of a seed's cluster is drawn as before.
 */
final class RandomClusterUntracked {

  private static final List<String> PORTS = List.of("53", "80", "443", "5432", "8080", "9090");

  private RandomClusterUntracked() {}

  /** True when {@code docs} hold the policy (it acts on forwarded traffic: unmodelled, S6.6). */
  static boolean drawn(List<String> docs) {
    return docs.stream().anyMatch(d -> d.contains("\n  name: bpf-untracked\n"));
  }

  /** The policy for a cluster of {@code docs} on {@code dataplane}, or none. */
  static List<String> draw(long seed, Dataplane dataplane, List<String> docs) {
    Random r = new Random(seed * 0x5DEECE66DL + 53);
    if (docs.stream().noneMatch(d -> d.contains("\nkind: HostEndpoint\n"))
        || r.nextInt(3) == 0
        || dataplane != Dataplane.BPF && r.nextInt(4) > 0) {
      return List.of();
    }
    boolean egress = r.nextBoolean();
    boolean allow = r.nextInt(4) == 0;
    StringBuilder b =
        new StringBuilder(
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
                + "  name: bpf-untracked\nspec:\n  selector: \""
                + (r.nextBoolean() ? "has(node-role)" : "node-role == 'edge'")
                + "\"\n  doNotTrack: true\n  applyOnForward: true\n  order: "
                + r.nextInt(3) * 10
                + "\n  types: ["
                + (egress ? "Ingress, Egress" : "Ingress")
                + "]\n");
    rules(r, "ingress", allow, b);
    if (egress) {
      rules(r, "egress", allow && r.nextBoolean(), b);
    }
    return List.of(b.toString());
  }

  /** One to three rules of Deny, Pass and Log (one Allow with {@code allow}) into {@code b}. */
  private static void rules(Random r, String dir, boolean allow, StringBuilder b) {
    int n = 1 + r.nextInt(3);
    int allowAt = allow ? r.nextInt(n) : -1;
    b.append("  ").append(dir).append(":\n");
    for (int i = 0; i < n; i++) {
      String action =
          i == allowAt ? "Allow" : List.of("Deny", "Deny", "Deny", "Pass", "Log").get(r.nextInt(5));
      b.append("  - action: ").append(action).append('\n');
      switch (r.nextInt(3)) {
        case 0 -> b.append("    protocol: UDP\n");
        case 1 ->
            b.append("    protocol: TCP\n    destination:\n      ports: [")
                .append(PORTS.get(r.nextInt(PORTS.size())))
                .append("]\n");
        default -> {} // every packet
      }
    }
  }
}
