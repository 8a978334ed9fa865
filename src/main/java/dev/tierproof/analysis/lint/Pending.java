package dev.tierproof.analysis.lint;

import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Action;
import dev.tierproof.model.Flow;
import dev.tierproof.smt.StepGoals;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What sampling left open about a rule, for the solver, and what the solver's question families
 * found about it so far: a rule is on its endpoints' own steps and on the forward sides of walked
 * nodes (spec S6.11), and a finding holds only when it holds at every one of them.
 */
final class Pending {
  final RuleRef rule;

  /** Some packet matches it at one of its steps. */
  boolean matched;

  boolean live;
  boolean notRedundant;

  /** A finding (or inconclusive) was reported: nothing more to ask. */
  boolean done;

  /** A packet the rule matches but that something earlier takes (at {@code blockedAt}). */
  Flow blocked;

  StepPath blockedAt;

  /** A packet the rule takes (at {@code takenAt}). */
  Flow taken;

  StepPath takenAt;

  /**
   * A packet the rule matches that {@code element} ({@link StepGoals.Element#key}) took before it,
   * at step {@code at}.
   */
  record Blocked(String element, StepPath at, Flow flow) {}

  /**
   * The first such packet per element and place (the endpoints' own steps, or the forward side of
   * one host endpoint), in order.
   */
  final Map<java.util.List<Object>, Blocked> blockedBy = new LinkedHashMap<>();

  /** While it is reached nowhere: per element, its cover at the steps asked so far, in order. */
  final Map<String, Finding.Cover> covers = new LinkedHashMap<>();

  Pending(RuleRef rule) {
    this.rule = rule;
  }

  /** Notes that {@code element} took {@code f}, the rule's, at {@code at}, unless one is known. */
  void blocked(String element, StepPath at, Flow f) {
    blockedBy.putIfAbsent(
        java.util.Arrays.asList(element, at.forward() ? at.at() : null, at.local()),
        new Blocked(element, at, f));
  }

  boolean needsRedundancy() {
    return rule.action() != Action.LOG;
  }
}
