package dev.tierproof.analysis.map;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules a step at an endpoint may test (spec S4): its applying policies' of that direction,
 * then its profiles'; and at a host endpoint whose untracked Allows need replies, the other
 * direction's, which decide them (S6.5). Computed once per endpoint (by identity) and direction;
 * thread-safe.
 */
final class StepRules {

  private final PolicySet set;
  private final Evaluator evaluator;
  private final Map<List<Object>, List<Rule>> cache =
      new java.util.concurrent.ConcurrentHashMap<>();

  StepRules(PolicySet set, Evaluator evaluator) {
    this.set = set;
    this.evaluator = evaluator;
  }

  /** The rules of the step at {@code at} in {@code dir}, in order. */
  List<Rule> of(Endpoint at, Direction dir) {
    return cache.computeIfAbsent(
        List.of(new Same(at), dir),
        k -> {
          List<Rule> out = new ArrayList<>();
          for (Tier t : set.tiers()) {
            for (Policy p : evaluator.applying(t, at, dir)) {
              out.addAll(p.rules(dir));
            }
          }
          for (String name : at.profiles()) {
            Profile p = set.profiles().get(name);
            if (p != null) {
              out.addAll(p.rules(dir));
            }
          }
          return out;
        });
  }

  /**
   * The rules that decide the replies of untracked Allows at {@code at} in {@code dir}: at a host
   * endpoint with an untracked Allow there, those of the other direction (spec S6.5); else none.
   */
  List<Rule> replies(Endpoint at, Direction dir) {
    return replying(at, dir) ? of(at, dir.opposite()) : List.of();
  }

  /** {@code at} is a host endpoint with an untracked Allow in {@code dir} (spec S6.5). */
  boolean replying(Endpoint at, Direction dir) {
    return at.isHost()
        && set.tiers().stream()
            .flatMap(t -> evaluator.applying(t, at, dir).stream())
            .anyMatch(
                p ->
                    p.doNotTrack()
                        && p.rules(dir).stream().anyMatch(r -> r.action() == Action.ALLOW));
  }
}
