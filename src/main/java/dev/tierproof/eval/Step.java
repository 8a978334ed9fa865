package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import java.util.List;

/**
 * One enforcement point: egress at the source endpoint or ingress at the destination endpoint, or a
 * side of a host endpoint's forward chain that a forwarded flow meets ({@code forward}, spec S6.7):
 * ingress (the pre-DNAT then ingress forward paths) before the workload's step, egress (the egress
 * forward path) after it.
 *
 * @param trace the policies of every entered tier, in order, with what each did
 */
public record Step(
    Endpoint endpoint,
    Direction direction,
    boolean allowed,
    Decision decidedBy,
    List<TraceEntry> trace,
    boolean forward) {

  public Step {
    trace = List.copyOf(trace);
  }

  /** A step of an endpoint's own (not a forward chain's). */
  public Step(
      Endpoint endpoint,
      Direction direction,
      boolean allowed,
      Decision decidedBy,
      List<TraceEntry> trace) {
    this(endpoint, direction, allowed, decidedBy, trace, false);
  }
}
