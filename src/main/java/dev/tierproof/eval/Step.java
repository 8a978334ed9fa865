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
 * @param profiles the profiles walked when no tier decided (spec S4.6), in order, with what each
 *     did: up to the one that decided, all of them when none did; empty when the walk did not reach
 *     them or was not traced
 * @param local with {@code forward}: not a forward chain's side but the pre-DNAT path of a node's
 *     all-interfaces endpoint that a workload's packet to its own host meets (spec S6.12)
 */
public record Step(
    Endpoint endpoint,
    Direction direction,
    boolean allowed,
    Decision decidedBy,
    List<TraceEntry> trace,
    boolean forward,
    List<ProfileEntry> profiles,
    boolean local) {

  public Step {
    trace = List.copyOf(trace);
    profiles = List.copyOf(profiles);
  }

  /** A step of an endpoint's own or a side of a forward chain. */
  public Step(
      Endpoint endpoint,
      Direction direction,
      boolean allowed,
      Decision decidedBy,
      List<TraceEntry> trace,
      boolean forward,
      List<ProfileEntry> profiles) {
    this(endpoint, direction, allowed, decidedBy, trace, forward, profiles, false);
  }

  /** A step with no profiles traced. */
  public Step(
      Endpoint endpoint,
      Direction direction,
      boolean allowed,
      Decision decidedBy,
      List<TraceEntry> trace,
      boolean forward) {
    this(endpoint, direction, allowed, decidedBy, trace, forward, List.of());
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
