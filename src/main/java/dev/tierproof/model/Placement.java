package dev.tierproof.model;

import java.util.Collection;

/**
 * Where a class of flows places its ends (specs/semantics.md S6.10-S6.12): its source end on {@code
 * source} and its destination end on {@code destination}, each null on no node that can change
 * their answers (elsewhere). A flow places an end on a node when it is local ({@link Flow#local}:
 * the workload end on the host end's node) or when the end is a workload on one of the walked nodes
 * ({@link PolicySet#walked}; its own node, or where it places a workload naming none) and the other
 * end is outside the cluster or a workload; any other {@link Flow#sourcePlacement} is answered as
 * elsewhere. On a walked node a forwarded end also crosses an interface choice ({@code
 * sourceInterface}, {@code destinationInterface}: {@link Flow#sourceInterface}, null where none
 * applies), part of the placement (S6.10).
 */
public record Placement(
    String source, String destination, String sourceInterface, String destinationInterface) {

  /** Ends on the given nodes crossing no chosen interface. */
  public Placement(String source, String destination) {
    this(source, destination, null, null);
  }

  /** Where {@code f} is placed, given the {@code walked} nodes. */
  public static Placement of(Flow f, Collection<String> walked) {
    String s = placed(f, f.sourcePlacement(), walked);
    String d = placed(f, f.destinationPlacement(), walked);
    return new Placement(
        s,
        d,
        s != null && walked.contains(s) ? f.sourceInterface() : null,
        d != null && walked.contains(d) ? f.destinationInterface() : null);
  }

  private static String placed(Flow f, String p, Collection<String> walked) {
    return p != null && (f.local() || walked.contains(p)) ? p : null;
  }

  /** The node of its placed end (the source's when both are): for a flow with one placeable end. */
  public String node() {
    return source != null ? source : destination;
  }

  /** Whether {@code f} is placed here, given the {@code walked} nodes. */
  public boolean holds(Flow f, Collection<String> walked) {
    return equals(of(f, walked));
  }
}
