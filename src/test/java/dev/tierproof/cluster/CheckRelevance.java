package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.CheckResult;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * check's relevance for an invariant over lists of ends ({@link Relevance#invariant}, narrowed pair
 * by pair of ends, spec S9.3) against the relevance of its sampled flows: every unmodelled element
 * that could change a sampled flow the way that would break a proof ({@link Relevance#witness}) is
 * one the invariant names, so an invariant proved without any element holds no flow an element
 * could change. Counts the sampled flows some element could change.
 */
final class CheckRelevance {

  private final List<Unmodelled> all;
  private final PolicySet set;
  private final Evaluator eval;
  private final Map<CheckResult, List<Unmodelled>> named = new IdentityHashMap<>();

  /** The unmodelled elements of {@code c}'s text. */
  CheckRelevance(RandomCluster c, PolicySet set, Evaluator eval) {
    this.all = unmodelled(c);
    this.set = set;
    this.eval = eval;
  }

  /** What {@code c}'s text holds that tierproof does not model (as the CLI loads it). */
  static List<Unmodelled> unmodelled(RandomCluster c) {
    Diagnostics d = new Diagnostics();
    return Loader.input(
            List.of(new SourceText("c.yaml", c.yaml(false))),
            d,
            null,
            c.version(),
            c.dataplane().dataplane())
        .unmodelled();
  }

  /** {@code f}, a sampled flow of proof {@code res} ({@code text}), counted in {@code counter}. */
  void check(String text, CheckResult res, Flow f, AtomicLongArray n, int counter) {
    if (all.isEmpty()) {
      return;
    }
    // spec S6.13: where the dataplanes disagree on whether a host's packets to itself are flows at
    // all (no dataplane chosen), a claim about every flow holds on either
    List<Unmodelled> acting =
        Relevance.witness(all, f, eval.evaluate(f), eval).stream()
            .filter(
                u -> !(u.reach() instanceof dev.tierproof.model.Reach.HostLoopback h && !h.walk()))
            .toList();
    assertThat(named.computeIfAbsent(res, r -> Relevance.invariant(all, set, r)))
        .as("%s: the invariant names what could change %s", text, f.describe())
        .containsAll(acting);
    n.addAndGet(counter, acting.isEmpty() ? 0 : 1);
  }
}
