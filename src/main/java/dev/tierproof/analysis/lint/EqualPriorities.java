package dev.tierproof.analysis.lint;

import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.Outside;
import dev.tierproof.smt.Side;
import dev.tierproof.smt.StepGoals;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * TP206: two ClusterNetworkPolicies (or AdminNetworkPolicies) of one tier with the same priority
 * whose rules both match some flow at an endpoint both select (specs/semantics.md S2.10, S7.2: the
 * standard leaves their order undefined, Calico ties them by name). The endpoint is one of the
 * input's, or with {@link Scope#ANY} also a pod that could be deployed, and the far end one of the
 * input's, an outside address or (any) such a pod, as for the other lint questions. Sampled flows
 * at the input's endpoints answer first; the pairs of rules sampling leaves open are asked of the
 * solver ({@link StepGoals#bothMatch}), and each solver flow is replayed through eval (with a
 * hypothetical endpoint's assumed namespace profile) before it is reported.
 */
final class EqualPriorities {

  private final Phase phase;

  EqualPriorities(Phase phase) {
    this.phase = phase;
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
          for (Direction d : Direction.values()) {
            if (first.governs(d) && second.governs(d) && pair(tier, first, second, d)) {
              break; // one finding per pair
            }
          }
        }
      }
    }
  }

  /** Whether a finding for the pair in {@code d} was added. */
  private boolean pair(Tier tier, Policy first, Policy second, Direction d) {
    List<EClass> both = new ArrayList<>();
    for (EClass c : phase.steps().classes) {
      Endpoint at = c.representative();
      if (Evaluator.applies(first, at, d, phase.set().dataplane())
          && Evaluator.applies(second, at, d, phase.set().dataplane())) {
        both.add(c);
      }
    }
    boolean any = phase.scope() == Scope.ANY;
    if (both.isEmpty() && !any) {
      return false;
    }
    List<RuleRef> earlier = RuleRef.of(tier, first, d);
    List<RuleRef> later = RuleRef.of(tier, second, d);
    for (EClass c : both) {
      Endpoint at = c.representative();
      for (RuleRef l : later) {
        for (Flow f : phase.samples().flows(l, at, Samples.FLOWS_PER_CLASS)) {
          if (add(l, earlier, at, d, f, phase.evaluator())) {
            return true;
          }
        }
      }
    }
    // what sampling left open: the solver over every member of those classes
    List<Endpoint> members = new ArrayList<>();
    both.forEach(c -> members.addAll(c.members()));
    List<Rule> involved = new ArrayList<>(first.rules(d));
    involved.addAll(second.rules(d));
    List<Side> near = new ArrayList<>();
    if (!members.isEmpty()) {
      near.add(new Side.Endpoints(members, null));
    }
    List<Side> far = new ArrayList<>();
    far.add(new Side.Endpoints(phase.peers().representatives(involved, d), null));
    far.add(Outside.in(null, null));
    if (any) {
      // admin policies are global: a pod that could be deployed in any namespace, at either end
      near.add(new Side.Fresh(null, new Selector.All(), null, null));
      far.add(new Side.Fresh(null, new Selector.All(), null, null));
    }
    try (StepGoals goals = StepGoals.open(phase.network().get(), d, near, far, FlowSpec.ANY)) {
      for (RuleRef l : later) {
        for (RuleRef e : earlier) {
          Answer a = goals.bothMatch(second, l.index(), first, e.index());
          if (a.status() == dev.tierproof.smt.SolverSession.Status.UNKNOWN) {
            // never clean over an unknown: TP900 instead of the finding
            phase
                .findings()
                .add(
                    new Finding.Inconclusive(
                        l,
                        null,
                        "does " + e.display() + ", of the same priority, match its flows too?",
                        a.reason()));
            return true;
          }
          if (a.sat()) {
            Flow f = a.flow();
            Endpoint at = d == Direction.INGRESS ? f.destination() : f.source();
            if (!add(l, List.of(e), at, d, f, phase.evaluator().assuming(a.assumedProfiles()))) {
              throw new IllegalStateException(
                  "eval does not confirm the solver's overlap of "
                      + l.display()
                      + " and "
                      + e.display()
                      + " on "
                      + f);
            }
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Adds the finding when a rule of {@code later} and one of {@code earlier} both match {@code f}
   * at {@code at}, where both policies apply; {@code replay} evaluates it (a hypothetical
   * endpoint's namespace profile assumed).
   */
  private boolean add(
      RuleRef later, List<RuleRef> earlier, Endpoint at, Direction d, Flow f, Evaluator replay) {
    if (at == null
        || !Evaluator.applies(later.policy(), at, d, phase.set().dataplane())
        || later.rules().stream().noneMatch(r -> replay.matches(r, f))) {
      return false;
    }
    for (RuleRef e : earlier) {
      if (Evaluator.applies(e.policy(), at, d, phase.set().dataplane())
          && e.rules().stream().anyMatch(r -> replay.matches(r, f))) {
        phase
            .findings()
            .add(
                new Finding.EqualPriorityOverlap(
                    later, e, new Example(at, d, f, replay.evaluate(at, d, f), null)));
        return true;
      }
    }
    return false;
  }
}
