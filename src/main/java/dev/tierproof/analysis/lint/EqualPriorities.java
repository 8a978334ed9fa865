package dev.tierproof.analysis.lint;

import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import java.util.List;
import java.util.Objects;

/**
 * TP206: two ClusterNetworkPolicies (or AdminNetworkPolicies) of one tier with the same priority
 * whose rules both match some flow at an endpoint both select (specs/semantics.md S2.10, S7.2: the
 * standard leaves their order undefined, Calico ties them by name). A finding is shown by a sampled
 * flow that eval confirms both rules match; pairs no sampled flow shows are not reported.
 */
final class EqualPriorities {

  private final Evaluator evaluator;
  private final Steps steps;
  private final Samples samples;
  private final List<Finding> findings;

  EqualPriorities(Evaluator evaluator, Steps steps, Samples samples, List<Finding> findings) {
    this.evaluator = evaluator;
    this.steps = steps;
    this.samples = samples;
    this.findings = findings;
  }

  /** Every pair of equal-priority admin policies of {@code tier}, in evaluation order. */
  void check(Tier tier) {
    List<Policy> admin =
        tier.policies().stream().filter(p -> p.kind().written() != null && !p.staged()).toList();
    for (int i = 0; i < admin.size(); i++) {
      for (int j = i + 1; j < admin.size(); j++) {
        Policy first = admin.get(i);
        Policy second = admin.get(j);
        if (Objects.equals(first.order(), second.order())) {
          pair(tier, first, second);
        }
      }
    }
  }

  private void pair(Tier tier, Policy first, Policy second) {
    for (Direction d : Direction.values()) {
      if (!first.governs(d) || !second.governs(d)) {
        continue;
      }
      for (EClass c : steps.classes) {
        Endpoint at = c.representative();
        if (!Evaluator.applies(first, at, d) || !Evaluator.applies(second, at, d)) {
          continue;
        }
        for (RuleRef later : RuleRef.of(tier, second, d)) {
          for (Flow f : samples.flows(later, at, Samples.FLOWS_PER_CLASS)) {
            if (later.rules().stream().noneMatch(r -> evaluator.matches(r, f))) {
              continue;
            }
            for (RuleRef earlier : RuleRef.of(tier, first, d)) {
              for (Rule r : earlier.rules()) {
                if (evaluator.matches(r, f)) {
                  findings.add(
                      new Finding.EqualPriorityOverlap(
                          later,
                          earlier,
                          new Example(at, d, f, evaluator.evaluate(at, d, f), null)));
                  return;
                }
              }
            }
          }
        }
      }
    }
  }
}
