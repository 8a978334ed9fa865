package dev.tierproof.analysis.lint;

import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Action;
import dev.tierproof.model.Flow;
import java.util.LinkedHashMap;
import java.util.Map;

/** What sampling left open about a rule, for the solver. */
final class Pending {
  final RuleRef rule;
  boolean matched;
  boolean live;
  boolean notRedundant;

  /** A finding (or inconclusive) was reported: nothing more to ask. */
  boolean done;

  /** The solver proved that no packet reaches it. */
  boolean unreached;

  /** A packet the rule matches but that something earlier takes (at {@code blockedAt}). */
  Flow blocked;

  StepPath blockedAt;

  /** A packet the rule takes (at {@code takenAt}). */
  Flow taken;

  StepPath takenAt;

  /** Per element that took a packet the rule matches before it: that packet and where. */
  final Map<String, Map.Entry<StepPath, Flow>> blockedBy = new LinkedHashMap<>();

  Pending(RuleRef rule) {
    this.rule = rule;
  }

  boolean needsRedundancy() {
    return rule.action() != Action.LOG;
  }
}
