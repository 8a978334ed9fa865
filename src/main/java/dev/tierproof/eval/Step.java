package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import java.util.List;

/**
 * One enforcement point: egress at the source endpoint or ingress at the destination endpoint.
 *
 * @param trace the policies of every entered tier, in order, with what each did
 */
public record Step(
    Endpoint endpoint,
    Direction direction,
    boolean allowed,
    Decision decidedBy,
    List<TraceEntry> trace) {

  public Step {
    trace = List.copyOf(trace);
  }
}
