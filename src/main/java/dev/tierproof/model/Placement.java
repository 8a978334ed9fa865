package dev.tierproof.model;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where a class of flows places its ends (specs/semantics.md S6.10-S6.12): its source end on {@code
 * source} and its destination end on {@code destination}, each null on no node that can change
 * their answers (elsewhere). A flow places an end on a node when it is local ({@link Flow#local}:
 * the workload end on the host end's node) or when the end is a workload on one of the walked nodes
 * ({@link PolicySet#walked}; its own node, or where it places a workload naming none) and the other
 * end is outside the cluster or a workload; any other {@link Flow#sourcePlacement} is answered as
 * elsewhere. On a walked node a forwarded end also crosses an interface choice ({@link
 * Flow#sourceInterface}), part of the placement (S6.10): {@code sourceInterfaces} and {@code
 * destinationInterfaces} are the choices a class holds at each end (sorted; empty: every flow
 * placed so, whichever choice it crosses or where none applies).
 */
public record Placement(
    String source,
    String destination,
    SortedSet<String> sourceInterfaces,
    SortedSet<String> destinationInterfaces) {

  public Placement {
    sourceInterfaces = Collections.unmodifiableSortedSet(new TreeSet<>(sourceInterfaces));
    destinationInterfaces = Collections.unmodifiableSortedSet(new TreeSet<>(destinationInterfaces));
  }

  /** Ends on the given nodes, whichever interfaces they cross. */
  public Placement(String source, String destination) {
    this(source, destination, new TreeSet<>(), new TreeSet<>());
  }

  /** Where {@code f} is placed, given the {@code walked} nodes. */
  public static Placement of(Flow f, Collection<String> walked) {
    String s = placed(f, f.sourcePlacement(), walked);
    String d = placed(f, f.destinationPlacement(), walked);
    return new Placement(
        s,
        d,
        one(s != null && walked.contains(s) ? f.sourceInterface() : null),
        one(d != null && walked.contains(d) ? f.destinationInterface() : null));
  }

  private static SortedSet<String> one(String iface) {
    SortedSet<String> out = new TreeSet<>();
    if (iface != null) {
      out.add(iface);
    }
    return out;
  }

  private static String placed(Flow f, String p, Collection<String> walked) {
    return p != null && (f.local() || walked.contains(p)) ? p : null;
  }

  /** The node of its placed end (the source's when both are): for a flow with one placeable end. */
  public String node() {
    return source != null ? source : destination;
  }

  /** The one interface choice the class holds at its source end, else null (none, or several). */
  public String sourceInterface() {
    return sourceInterfaces.size() == 1 ? sourceInterfaces.first() : null;
  }

  /** The one interface choice the class holds at its destination end, else null. */
  public String destinationInterface() {
    return destinationInterfaces.size() == 1 ? destinationInterfaces.first() : null;
  }

  /** The same nodes, crossing {@code in} and {@code out} (empty: any choice). */
  public Placement crossing(Collection<String> in, Collection<String> out) {
    return new Placement(source, destination, new TreeSet<>(in), new TreeSet<>(out));
  }

  /**
   * Whether {@code f} is placed here, given the {@code walked} nodes: on the same nodes, crossing
   * one of this placement's interfaces at each end that names some.
   */
  public boolean holds(Flow f, Collection<String> walked) {
    Placement p = of(f, walked);
    return Objects.equals(source, p.source)
        && Objects.equals(destination, p.destination)
        && crosses(sourceInterfaces, p.sourceInterface())
        && crosses(destinationInterfaces, p.destinationInterface());
  }

  private static boolean crosses(SortedSet<String> choices, String iface) {
    return choices.isEmpty() || iface != null && choices.contains(iface);
  }
}
