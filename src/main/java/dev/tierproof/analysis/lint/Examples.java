package dev.tierproof.analysis.lint;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;

/**
 * The examples of findings: a packet at a step replayed through {@link Evaluator#evaluate} (the
 * executable spec), and for redundancy also through an evaluator of the set with the rule removed;
 * eval must confirm what the finding claims, else an internal error. Thread-safe.
 */
final class Examples {

  private final PolicySet set;
  private final Evaluator evaluator;

  Examples(PolicySet set, Evaluator evaluator) {
    this.set = set;
    this.evaluator = evaluator;
  }

  /**
   * The packet at the chain's endpoint (or side of its forward chain), replayed by eval; with
   * {@code removed}, also without that rule.
   */
  Example at(StepPath chain, Flow f, RuleRef removed) {
    Step step = evaluator.evaluate(chain, f);
    Step changed = null;
    if (removed != null) {
      Evaluator without = evaluator.withTiers(removed.removedFrom(set.tiers()));
      changed = without.evaluate(Steps.again(without, chain), f);
      if (changed.allowed() != step.allowed()) {
        throw disagreement("eval says removing the rule changes this verdict", removed, f);
      }
    }
    return new Example(chain.at(), chain.direction(), f, step, changed);
  }

  /** An internal error about {@code rule}: solver and evaluator disagree on {@code f}. */
  static IllegalStateException disagreement(String what, RuleRef rule, Flow f) {
    return dev.tierproof.eval.Verdict.disagreement(
        "about " + rule.display() + ": " + what, f, null);
  }
}
