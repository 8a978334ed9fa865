package dev.tierproof.cluster;

import dev.tierproof.model.Dataplane;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Draws the Felix dataplane a {@link RandomCluster} is enforced by ({@code --dataplane}: none,
 * iptables, nftables or bpf; specs/semantics.md S4.6, S6.6, S6.11, S9.1) and, in half the clusters,
 * Profiles with a {@code Pass} rule that its host endpoints and WorkloadEndpoints list before their
 * other profiles (on iptables and nftables the Pass goes on to the next profile, on bpf it denies,
 * with none chosen it is unmodelled). The suites load the text on the drawn dataplane ({@link
 * RandomCluster#load}) and give it to the command line as a user would ({@link #args}: the option,
 * or a {@code .tierproof.yaml}). Its own random streams, so the rest of a seed's cluster is drawn
 * as before.
 */
public final class RandomClusterDataplane {

  /** The labels of {@link #count}'s figures, for a suite's summary. */
  public static final List<String> LABELS =
      List.of(
          "clusters on iptables",
          "on nftables",
          "on bpf",
          "clusters with a profile's Pass",
          "of them on a chosen dataplane");

  private static final List<String> PORTS = List.of("53", "80", "443", "5432", "8080", "9090");

  private final long seed;
  private final Dataplane dataplane;
  private final List<String> profiles = new ArrayList<>();
  private final List<String> docs = new ArrayList<>();

  RandomClusterDataplane(long seed) {
    this.seed = seed;
    Random r = new Random(seed * 0x27BB2EE687B0B0FDL + 41);
    int k = r.nextInt(6); // none in a third, iptables (the most common) in another
    this.dataplane = k < 2 ? null : Dataplane.values()[(k - 2) % 3];
    if (r.nextBoolean()) {
      int n = 1 + r.nextInt(2);
      for (int i = 0; i < n; i++) {
        String name = "pass-" + i;
        profiles.add(name);
        docs.add(profile(r, name));
      }
    }
  }

  /** The drawn dataplane, null when none is chosen. */
  public Dataplane dataplane() {
    return dataplane;
  }

  /**
   * A dataplane that disagrees with the drawn one on a profile's Pass (spec S4.6): eBPF for the
   * rule renderer's, iptables or nftables for eBPF; null when none is drawn.
   */
  public Dataplane other() {
    if (dataplane == null) {
      return null;
    }
    return dataplane.renderer()
        ? Dataplane.BPF
        : Math.floorMod(seed, 2L) == 0 ? Dataplane.IPTABLES : Dataplane.NFTABLES;
  }

  /** True when the text holds a profile's Pass. */
  public boolean passes() {
    return !profiles.isEmpty();
  }

  /** The Profiles drawn, as YAML documents. */
  List<String> docs() {
    return docs;
  }

  /**
   * The profiles the endpoint {@code name} lists: some of the drawn ones (the same on every call),
   * then {@code others}.
   */
  List<String> listed(String name, List<String> others) {
    Random r = new Random(seed * 0x27BB2EE687B0B0FDL + name.hashCode());
    List<String> out = new ArrayList<>();
    for (String p : profiles) {
      if (r.nextInt(3) > 0) {
        out.add(p);
      }
    }
    out.addAll(others);
    return out;
  }

  /**
   * True when the text holds a profile's Pass and no dataplane decides it (spec S4.6, S9.1: every
   * profile's Pass is recorded, listed or not).
   */
  boolean unmodelled() {
    return !profiles.isEmpty() && dataplane == null;
  }

  /**
   * The global options a user gives for the drawn dataplane: {@code --dataplane}, or in one case in
   * two a configuration file in {@code dir} that says it ({@code --config}); none without one.
   */
  public List<String> args(java.nio.file.Path dir, long seed) throws java.io.IOException {
    if (dataplane == null) {
      return List.of();
    }
    if (Math.floorMod(seed, 2L) == 0) {
      return List.of("--dataplane", dataplane.label());
    }
    java.nio.file.Path config = dir.resolve("dataplane-" + seed + ".tierproof.yaml");
    java.nio.file.Files.writeString(config, "dataplane: " + dataplane.label() + "\n");
    return List.of("--config", config.toString());
  }

  /** A suite's {@code labels} and then {@link #LABELS}, for {@link Runs#run}. */
  public static List<String> with(List<String> labels) {
    List<String> out = new ArrayList<>(labels);
    out.addAll(LABELS);
    return out;
  }

  /** Adds this cluster's figures to the last {@link #LABELS} of {@code counts} ({@link #with}). */
  public void count(AtomicLongArray counts) {
    int at = counts.length() - LABELS.size();
    if (dataplane != null) {
      counts.incrementAndGet(at + dataplane.ordinal());
    }
    if (!profiles.isEmpty()) {
      counts.incrementAndGet(at + 3);
      counts.addAndGet(at + 4, dataplane == null ? 0 : 1);
    }
  }

  /**
   * Counts a flow whose {@code verdict} eval gave on this cluster when it is on eBPF and a step
   * walked a host endpoint's pre-DNAT path or a forward chain (spec S6.6, S6.11: modelled there as
   * specs/notes/bpf-host-endpoints.md reads eBPF's programs), at {@code index} of {@code counts}.
   */
  public void countHostPaths(
      dev.tierproof.eval.Verdict verdict, AtomicLongArray counts, int index) {
    if (dataplane == Dataplane.BPF
        && verdict.steps().stream()
            .anyMatch(
                s ->
                    s.forward()
                        || s.endpoint().isHost()
                            && s.trace().stream()
                                .anyMatch(
                                    t -> t.path() == dev.tierproof.model.HostPath.PRE_DNAT))) {
      counts.incrementAndGet(index);
    }
  }

  /**
   * Counts a flow whose {@code verdict} eval gave on this cluster when it is on eBPF and an
   * untracked Deny decided its own step at a host endpoint (spec S6.6: XDP or iptables' raw table,
   * modelled as on iptables; an all-interfaces endpoint's ingress too), at {@code index}.
   */
  public void countUntrackedDeny(
      dev.tierproof.eval.Verdict verdict, AtomicLongArray counts, int index) {
    if (dataplane == Dataplane.BPF
        && verdict.steps().stream()
            .anyMatch(
                s ->
                    !s.forward()
                        && s.endpoint().isHost()
                        && s.decidedBy().kind() == dev.tierproof.eval.Decision.Kind.RULE
                        && s.decidedBy().path() == dev.tierproof.model.HostPath.UNTRACKED
                        && s.decidedBy().rule().action() == dev.tierproof.model.Action.DENY)) {
      counts.incrementAndGet(index);
    }
  }

  /** A profile of Pass, Allow, Deny and Log rules in both directions, a Pass first in one. */
  private static String profile(Random r, String name) {
    StringBuilder b =
        new StringBuilder(
            "apiVersion: projectcalico.org/v3\nkind: Profile\nmetadata:\n  name: "
                + name
                + "\nspec:\n");
    boolean passFirstIngress = r.nextBoolean();
    for (String dir : List.of("ingress", "egress")) {
      int n = r.nextInt(3) + (passFirstIngress == dir.equals("ingress") ? 1 : 0);
      if (n == 0) {
        continue;
      }
      b.append("  ").append(dir).append(":\n");
      for (int i = 0; i < n; i++) {
        String action =
            i == 0 && passFirstIngress == dir.equals("ingress")
                ? "Pass"
                : List.of("Pass", "Pass", "Allow", "Deny", "Log").get(r.nextInt(5));
        b.append("  - action: ").append(action).append('\n');
        switch (r.nextInt(4)) {
          case 0 -> b.append("    protocol: UDP\n");
          case 1 -> {
            b.append("    protocol: TCP\n    destination:\n      ports: [");
            b.append(PORTS.get(r.nextInt(PORTS.size()))).append("]\n");
          }
          case 2 -> b.append("    source:\n      nets: [\"10.1.0.0/29\"]\n");
          default -> {} // every packet
        }
      }
    }
    return b.toString();
  }
}
