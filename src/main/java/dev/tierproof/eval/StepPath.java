package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Tier;
import java.util.List;

/**
 * What one step (spec S4) holds before a packet arrives: the endpoint {@code at}, the {@code
 * direction}, the tiers entered there, each with its applying policies in order (spec S4.1, S4.2: a
 * tier without one is not entered), path after path (a host endpoint's untracked, pre-DNAT, then
 * normal tiers, spec S6.4; a tier may be entered on several paths), and the endpoint's profiles
 * that exist, in its order (spec S4.6). Made by {@link Evaluator#chain}; walked by {@link
 * Evaluator#walk}. With {@code forward}, a side of a host endpoint's forward chain instead (spec
 * S6.7, S6.8, {@link HostPath#forwarded}): no profiles, no failsafe ports but the inbound ones'
 * skip of the pre-DNAT path, and nothing deciding allows. Made by {@link Evaluator#forwardChain}.
 * With {@code local} too, the pre-DNAT path of a node's all-interfaces endpoint that a workload's
 * packet to its own host meets (spec S6.12, {@link LocalSteps}): nothing deciding goes on ({@link
 * Decision.Kind#OWN_NODE}), and the packets {@link LocalSteps#skips} skip it.
 */
public record StepPath(
    Endpoint at,
    Direction direction,
    List<Entered> tiers,
    List<Profile> profiles,
    boolean forward,
    boolean local) {

  public StepPath {
    tiers = List.copyOf(tiers);
    profiles = List.copyOf(profiles);
  }

  /** An endpoint's own step. */
  public StepPath(Endpoint at, Direction direction, List<Entered> tiers, List<Profile> profiles) {
    this(at, direction, tiers, profiles, false);
  }

  /** An endpoint's own step, or a side of a forward chain ({@code forward}). */
  public StepPath(
      Endpoint at,
      Direction direction,
      List<Entered> tiers,
      List<Profile> profiles,
      boolean forward) {
    this(at, direction, tiers, profiles, forward, false);
  }

  /**
   * An entered tier on one {@code path} and its policies that apply at the step there, in
   * evaluation order (never empty).
   */
  public record Entered(Tier tier, List<Policy> applying, HostPath path) {
    public Entered {
      applying = List.copyOf(applying);
    }

    /** On the normal path. */
    public Entered(Tier tier, List<Policy> applying) {
      this(tier, applying, HostPath.NORMAL);
    }

    /** True when {@code p} (by identity) applies in this tier. */
    public boolean has(Policy p) {
      for (Policy x : applying) {
        if (x == p) {
          return true;
        }
      }
      return false;
    }
  }
}
