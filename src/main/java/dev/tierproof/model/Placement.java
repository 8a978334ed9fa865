package dev.tierproof.model;

import java.util.Collection;
import java.util.Objects;

/**
 * Where a class of flows places its workload end (specs/semantics.md S6.11, S6.12): on {@code
 * node}, or, {@code node} null, on no node that can change their answers (elsewhere). A flow is
 * placed on a node when it is local ({@link Flow#local}: the host end's node) or between a workload
 * on one of the walked nodes ({@link PolicySet#walked}; its own node, or where it places a workload
 * naming none) and outside the cluster; any other {@link Flow#placement} is answered as elsewhere.
 */
public record Placement(String node) {

  /** Where {@code f} is placed, given the {@code walked} nodes. */
  public static Placement of(Flow f, Collection<String> walked) {
    String p = f.placement();
    return new Placement(p != null && (f.local() || walked.contains(p)) ? p : null);
  }

  /** Whether {@code f} is placed here, given the {@code walked} nodes. */
  public boolean holds(Flow f, Collection<String> walked) {
    return Objects.equals(node, of(f, walked).node);
  }
}
