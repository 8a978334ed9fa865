package dev.tierproof.model;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The flows that never leave their sender, so that no Calico program sees them (specs/semantics.md
 * S5.6, S6.13): they have no step, are delivered, and are outside every question's flows.
 *
 * <ul>
 *   <li>A pod's packets to its own address (both ends one pod, {@link Endpoint#onePod}): Linux
 *       delivers them over the pod's loopback interface.
 *   <li>A host's packets to one of its own addresses (both ends host endpoints of one node, {@link
 *       #hostOwn}): Linux delivers them over the host's {@code lo}. Felix's rule renderer
 *       dispatches {@code lo} as any other host interface, to the host endpoint of {@code
 *       interfaceName: lo}, else to the node's all-interfaces endpoint ({@code
 *       felix/rules/dispatch.go} {@code hostDispatchChains}: the default chain of the to- and
 *       from-host dispatch); where neither is there, nothing sees them. The eBPF dataplane attaches
 *       no program to {@code lo}, which is no data interface, and renders no filter-table host
 *       endpoint chains, so nothing sees them on any node.
 * </ul>
 *
 * @param governed the nodes where a host endpoint governs {@code lo} (none on eBPF): their host's
 *     packets to itself are walked (S6.13)
 */
public record Loopbacks(Set<String> governed) {

  public Loopbacks {
    governed = Set.copyOf(governed);
  }

  /** The loopback flows of {@code endpoints} on {@code dataplane} (null: as the rule renderer). */
  public static Loopbacks of(List<Endpoint> endpoints, Dataplane dataplane) {
    Set<String> governed = new TreeSet<>();
    if (dataplane == null || dataplane.renderer()) {
      for (Endpoint e : endpoints) {
        if (e.isHost() && e.node() != null && governs(e)) {
          governed.add(e.node());
        }
      }
    }
    return new Loopbacks(governed);
  }

  /** A flow from {@code a} to {@code b} is a loopback flow: no Calico program sees it. */
  public boolean loopback(Endpoint a, Endpoint b) {
    if (a == null || b == null) {
      return false;
    }
    if (a.onePod()) {
      return a == b || a.equals(b);
    }
    return hostOwn(a, b) && !governed.contains(a.node());
  }

  /** {@link #loopback(Endpoint, Endpoint)} of {@code flow}'s ends. */
  public boolean loopback(Flow flow) {
    return loopback(flow.source(), flow.destination());
  }

  /** The loopback flows of both this and {@code other} (a diff's two versions). */
  public Loopbacks both(Loopbacks other) {
    Set<String> union = new TreeSet<>(governed);
    union.addAll(other.governed);
    return new Loopbacks(union);
  }

  /**
   * A flow from {@code a} to {@code b} is a host's packets to one of its own addresses: both are
   * host endpoints of one node. (The loader requires a host endpoint's {@code node}; one naming
   * none, which generated models may hold, is walked as written.)
   */
  public static boolean hostOwn(Endpoint a, Endpoint b) {
    return a != null
        && b != null
        && a.isHost()
        && b.isHost()
        && a.node() != null
        && a.node().equals(b.node());
  }

  /**
   * The host endpoint of {@code node} governing its {@code lo} on Felix's rule renderer: the one of
   * {@code interfaceName: lo}, else its all-interfaces one (of several, the first by name, as
   * {@link Ports}); null when none does.
   */
  public static Endpoint governing(List<Endpoint> endpoints, String node) {
    return endpoints.stream()
        .filter(e -> e.isHost() && node.equals(e.node()) && governs(e))
        .min(Comparator.comparing((Endpoint e) -> e.allInterfaces()).thenComparing(Endpoint::name))
        .orElse(null);
  }

  private static boolean governs(Endpoint host) {
    return host.allInterfaces() || "lo".equals(host.interfaceName());
  }
}
