package dev.tierproof.eval;

import dev.tierproof.eval.StepPath.Entered;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;

/**
 * Told what {@link Evaluator#walk} passes in the tiers of a step, in order: each rule before it is
 * tested, and each applying policy when it is done; then each profile walked. The trace of {@link
 * Evaluator#evaluate} and lint's walk ("was this rule reached, what took the packet first") are
 * watchers of the one walk.
 */
public interface Watcher {

  /** Watches nothing. */
  Watcher NONE = new Watcher() {};

  /**
   * Rule {@code rule} of {@code policy} in {@code tier} is next, Log rules included (never
   * terminal, spec S4.3). False leaves it out, as if removed.
   */
  default boolean reached(Entered tier, Policy policy, Rule rule) {
    return true;
  }

  /**
   * The walk is done with applying policy {@code policy}: {@code hit} is its rule that took the
   * packet (Allow, Deny or Pass), or null when none matched.
   */
  default void left(Entered tier, Policy policy, Rule hit) {}

  /**
   * The walk is done with profile {@code profile} (spec S4.6): {@code hit} is its first matching
   * rule (Allow, Deny or Pass), or null when none matched.
   */
  default void profile(Profile profile, Rule hit) {}
}
