package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lint's claims about rules on the forward chain sides of walked nodes (spec S6.11) against the
 * executable spec: each sampled flow in scope, in each of its placements ({@link
 * Evaluator#placements}), meets the sides of the host endpoints {@link Evaluator#forwarders} names;
 * at each side whose chain holds a finding's rule, a shadowed rule decides nothing it matches there
 * and whatever takes it first is in its cover, an unmatchable rule matches nothing, and removing a
 * redundant rule changes no verdict of what it decides there.
 */
final class ForwardClaims {

  private ForwardClaims() {}

  /** Checks {@code result}'s findings on forward sides; returns how many checks were made. */
  static int check(String what, PolicySet set, Lint.Result result, List<Flow> sampled) {
    Evaluator eval = new Evaluator(set);
    Set<Endpoint> input = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    input.addAll(set.endpoints());
    int checked = 0;
    for (Flow sample : sampled) {
      if (!LintDifferentialTest.inScope(sample.source(), input, set, result.scope())
          || !LintDifferentialTest.inScope(sample.destination(), input, set, result.scope())) {
        continue;
      }
      for (Flow f : eval.placements(sample)) {
        for (Endpoint h : eval.forwarders(f)) {
          for (Finding finding : result.findings()) {
            if (check(what, set, eval, finding, h, f)) {
              checked++;
            }
          }
        }
      }
    }
    return checked;
  }

  /** One finding at the side of {@code h}'s forward chain that {@code f} meets; true if checked. */
  private static boolean check(
      String what, PolicySet set, Evaluator eval, Finding finding, Endpoint h, Flow f) {
    RuleRef r = finding.rule();
    if (r == null) {
      return false;
    }
    StepPath side = eval.forwardChain(h, r.direction());
    if (side.tiers().stream().noneMatch(e -> e.has(r.policy()))) {
      return false;
    }
    String at = what + r.display() + " at forward " + r.direction().json() + " of " + h.ref();
    boolean matches = LintDifferentialTest.matches(eval, r, f);
    Step step = eval.evaluate(side, f);
    boolean took =
        LintDifferentialTest.decidedBy(step, r) || LintDifferentialTest.passedBy(step, r);
    if (finding instanceof Finding.ShadowedRule s) {
      if (!matches) {
        return false;
      }
      assertThat(took).as(at + ": shadowed, decides " + f).isFalse();
      String first = LintDifferentialTest.firstTaker(set, side, step, r, f);
      if (first != null) {
        assertThat(
                s.coveredBy().stream().map(LintDifferentialTest::key).collect(Collectors.toSet()))
            .as(at + ": cover for " + f)
            .contains(first);
      }
      return true;
    }
    if (finding instanceof Finding.UnmatchableRule) {
      assertThat(matches).as(at + ": unmatchable, matches " + f).isFalse();
      return true;
    }
    if (finding instanceof Finding.RedundantRule && took) {
      Evaluator without = eval.withTiers(r.removedFrom(set.tiers()));
      assertThat(without.evaluate(without.forwardChain(h, r.direction()), f).allowed())
          .as(at + ": redundant, changes " + f)
          .isEqualTo(step.allowed());
      return true;
    }
    return false;
  }
}
