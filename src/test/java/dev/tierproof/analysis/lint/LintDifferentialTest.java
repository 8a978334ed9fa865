package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.smt.RandomModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lint's claims against the executable spec on {@link RandomModel} policy sets (design.md §4): for
 * every finding, sampled flows in scope are evaluated by {@link Evaluator}: a shadowed rule never
 * decides a flow it matches, and whatever decides first is one of its covering elements; an
 * unmatchable rule matches none; removing a redundant rule changes no sampled verdict; every
 * example replays. Cases: {@code -Dlint.cases=N} (default 150 per scope) from {@code -Dlint.seed=S}
 * (default 1; scope ANY from 1000 + S); a failure names its seed.
 */
class LintDifferentialTest {

  private static final int CASES = Integer.getInteger("lint.cases", 150);
  private static final long SEED = Long.getLong("lint.seed", 1);
  private static final int FLOWS = 600;

  @Test
  void lint_randomSets_existingScope_claimsHoldOnSampledFlows() {
    for (long seed = SEED; seed < SEED + CASES; seed++) {
      check(seed, Scope.EXISTING);
    }
  }

  @Test
  void lint_randomSets_anyScope_claimsHoldOnSampledFlows() {
    for (long seed = 1000 + SEED; seed < 1000 + SEED + CASES; seed++) {
      check(seed, Scope.ANY);
    }
  }

  private static void check(long seed, Scope scope) {
    RandomModel rm = new RandomModel(seed);
    PolicySet set = rm.set();
    Lint.Result result;
    try {
      result = Lint.run(set, new Lint.Options(scope, Duration.ofSeconds(20)));
    } catch (RuntimeException e) {
      throw new AssertionError("seed " + seed + " (" + scope + "): " + e.getMessage(), e);
    }
    List<Flow> flows = new ArrayList<>();
    for (int i = 0; i < FLOWS; i++) {
      flows.add(rm.flow());
    }
    claims("seed " + seed + " (" + scope + "): ", set, result, flows);
    FORWARD.addAndGet(
        ForwardClaims.check("seed " + seed + " (" + scope + "): ", set, result, flows));
  }

  /** Findings checked on forward sides (spec S6.11) over the run, all seeds and scopes. */
  private static final java.util.concurrent.atomic.AtomicInteger FORWARD =
      new java.util.concurrent.atomic.AtomicInteger();

  @org.junit.jupiter.api.AfterAll
  static void forwardSidesChecked() {
    System.out.println("lint differential: findings checked on forward sides: " + FORWARD.get());
  }

  /**
   * Checks every finding of {@code result} on the {@code flows} in the result's scope: see the
   * class comment; a dead policy or tier applies at no endpoint of a sampled flow. Returns how many
   * flows were in scope.
   */
  public static int claims(String what, PolicySet set, Lint.Result result, List<Flow> sampled) {
    Scope scope = result.scope();
    Evaluator eval = new Evaluator(set);
    Set<Endpoint> input = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    input.addAll(set.endpoints());
    List<Flow> flows = new ArrayList<>();
    for (Flow f : sampled) {
      // spec S5.6, S6.13: a loopback flow is no flow of lint's either
      if (inScope(f.source(), input, set, scope)
          && inScope(f.destination(), input, set, scope)
          && !set.loopbacks().loopback(f)) {
        flows.add(f);
      }
    }
    for (Finding finding : result.findings()) {
      if (finding instanceof Finding.ShadowedRule s) {
        RuleRef r = s.rule();
        Set<String> covers =
            s.coveredBy().stream().map(LintDifferentialTest::key).collect(Collectors.toSet());
        for (Flow f : at(flows, r.direction())) {
          Endpoint at = end(f, r.direction());
          if (!Evaluator.applies(r.policy(), at, r.direction(), set.dataplane())
              || !matches(eval, r, f)) {
            continue;
          }
          dev.tierproof.eval.StepPath chain = eval.chain(at, r.direction());
          Step step = eval.evaluate(chain, f);
          assertThat(decidedBy(step, r) || passedBy(step, r))
              .as(what + "shadowed " + r.display() + " decides " + f)
              .isFalse();
          String first = firstTaker(set, chain, step, r, f);
          if (first != null) {
            assertThat(covers).as(what + "cover of " + r.display() + " for " + f).contains(first);
          }
        }
        replay(eval, what, s.example());
        s.coveredBy().stream()
            .filter(c -> c.example() != null)
            .forEach(c -> replay(eval, what, c.example()));
      } else if (finding instanceof Finding.EqualPriorityOverlap tie) {
        // TP206: both rules match the example where both policies apply, at equal priority
        Example e = tie.example();
        for (RuleRef r : List.of(tie.rule(), tie.other())) {
          assertThat(
                  Evaluator.applies(r.policy(), e.at(), e.direction(), set.dataplane())
                      && matches(eval, r, e.flow()))
              .as(what + "equal-priority " + r.display() + " matches " + e.flow())
              .isTrue();
        }
        assertThat(tie.rule().policy().order()).isEqualTo(tie.other().policy().order());
        replay(eval, what, e);
      } else if (finding instanceof Finding.UnmatchableRule u) {
        RuleRef r = u.rule();
        for (Flow f : at(flows, r.direction())) {
          Endpoint at = end(f, r.direction());
          if (Evaluator.applies(r.policy(), at, r.direction(), set.dataplane())) {
            assertThat(matches(eval, r, f))
                .as(what + "unmatchable " + r.display() + " matches " + f)
                .isFalse();
          }
        }
      } else if (finding instanceof Finding.RedundantRule red) {
        RuleRef r = red.rule();
        Evaluator without = eval.withTiers(r.removedFrom(set.tiers()));
        for (Flow f : at(flows, r.direction())) {
          Endpoint at = end(f, r.direction());
          Step step = eval.evaluate(at, r.direction(), f);
          if (decidedBy(step, r) || passedBy(step, r)) {
            assertThat(without.evaluate(at, r.direction(), f).allowed())
                .as(what + "redundant " + r.display() + " changes " + f)
                .isEqualTo(step.allowed());
          }
        }
        replay(eval, what, red.example());
      } else if (finding instanceof Finding.DeadPolicy dead
          && dead.reason() == Finding.DeadPolicy.Reason.SELECTS_NOTHING) {
        for (Flow f : flows) {
          for (Direction d : Direction.values()) {
            Endpoint at = end(f, d);
            if (at != null) {
              assertThat(Evaluator.applies(dead.policy(), at, d, set.dataplane()))
                  .as(what + "dead " + dead.policy().displayName() + " applies at " + at.ref())
                  .isFalse();
            }
          }
        }
      } else if (finding instanceof Finding.DeadTier dead) {
        for (Flow f : flows) {
          for (Direction d : Direction.values()) {
            Endpoint at = end(f, d);
            if (at != null) {
              assertThat(
                      dead.tier().policies().stream()
                          .anyMatch(p -> Evaluator.applies(p, at, d, set.dataplane())))
                  .as(what + "dead tier " + dead.tier().name() + " applies at " + at.ref())
                  .isFalse();
            }
          }
        }
      }
    }
    return flows.size();
  }

  static boolean inScope(Endpoint e, Set<Endpoint> input, PolicySet set, Scope scope) {
    if (e == null || input.contains(e)) {
      return true;
    }
    return scope == Scope.ANY && e.profiles().stream().allMatch(set.profiles()::containsKey);
  }

  private static List<Flow> at(List<Flow> flows, Direction d) {
    return flows.stream().filter(f -> end(f, d) != null).toList();
  }

  private static Endpoint end(Flow f, Direction d) {
    return d == Direction.INGRESS ? f.destination() : f.source();
  }

  static boolean matches(Evaluator eval, RuleRef r, Flow f) {
    return r.rules().stream().anyMatch(x -> eval.matches(x, f));
  }

  static boolean decidedBy(Step s, RuleRef r) {
    Decision d = s.decidedBy();
    return d.kind() == Decision.Kind.RULE
        && d.policy() == r.policy()
        && d.rule().index() == r.index();
  }

  static boolean passedBy(Step s, RuleRef r) {
    return s.trace().stream()
        .anyMatch(
            t ->
                t.policy() == r.policy()
                    && t.outcome() == TraceEntry.Outcome.PASS
                    && t.ruleIndex() == r.index());
  }

  /**
   * The element that took the flow before the rule: a Pass of the rule's own tier on the rule's own
   * path, else a decision in an earlier tier or in the rule's tier; null when the step got past the
   * rule's tier (then a Pass of its tier took it, found in the trace). A Pass of a tier of the same
   * name on an earlier path of a host endpoint's step (untracked, pre-DNAT) takes nothing: each
   * path has its own tiers and nothing deciding there goes on to the next path (spec S6.4). Where a
   * failsafe port makes the step on {@code chain} skip the rule's path ({@link
   * dev.tierproof.eval.PathSkips}: a reply the untracked path, also on a forward chain's ingress
   * side, S6.4, S6.7.1; a packet to an inbound one a forward chain's pre-DNAT path, S6.7), the
   * failsafe ports took it.
   */
  static String firstTaker(
      PolicySet set, dev.tierproof.eval.StepPath chain, Step s, RuleRef r, Flow f) {
    HostPath path = HostPath.of(r.policy());
    if (dev.tierproof.eval.PathSkips.skips(set, chain, path, f)) {
      return "failsafe"; // spec S6.4, S6.7, S6.7.1: a failsafe chain accepts it before that path
    }
    for (TraceEntry t : s.trace()) {
      if (t.tier().name().equals(r.tier().name())
          && HostPath.of(t.policy()) == path
          && t.outcome() == TraceEntry.Outcome.PASS) {
        return t.tier().name() + "/" + t.policy().sortKey() + "/" + t.ruleIndex();
      }
    }
    Decision d = s.decidedBy();
    if (d.kind() == Decision.Kind.RULE) {
      return d.tier().name() + "/" + d.policy().sortKey() + "/" + d.rule().index();
    }
    if (d.kind() == Decision.Kind.TIER_DEFAULT) {
      return d.tier().name() + "/default";
    }
    return d.kind() == Decision.Kind.FAILSAFE ? "failsafe" : null;
  }

  static String key(Finding.Cover c) {
    if (c.rule() != null) {
      return c.rule().tier().name() + "/" + c.rule().policy().sortKey() + "/" + c.rule().index();
    }
    return c.tierDefault() != null ? c.tierDefault().name() + "/default" : "failsafe";
  }

  private static void replay(Evaluator eval, String what, Example e) {
    if (e.step() == null) {
      return;
    }
    Endpoint at = e.at();
    boolean known = eval.policySet().endpoints().stream().anyMatch(x -> x == at);
    if (!known && !at.profiles().stream().allMatch(eval.policySet().profiles()::containsKey)) {
      return; // a hypothetical endpoint in a namespace the input lacks: its profile is assumed
    }
    // spec S6.11: an example on a side of a host endpoint's forward chain replays there
    Step again =
        e.step().forward()
            ? eval.evaluate(eval.forwardChain(at, e.direction()), e.flow())
            : eval.evaluate(at, e.direction(), e.flow());
    assertThat(again.allowed()).as(what + "example " + e.flow()).isEqualTo(e.step().allowed());
  }
}
