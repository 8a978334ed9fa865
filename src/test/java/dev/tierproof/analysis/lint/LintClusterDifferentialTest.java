package dev.tierproof.analysis.lint;

import dev.tierproof.cluster.RandomCluster;
import dev.tierproof.cluster.RandomClusterDataplane;
import dev.tierproof.cluster.Runs;
import dev.tierproof.cluster.Sampler;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lint's findings against the executable spec on {@link RandomCluster} YAML loaded through the
 * loader (issue 10), in both scopes: the claims of {@link LintDifferentialTest#claims} (and on the
 * forward chain sides of walked nodes, {@link ForwardClaims}) on flows drawn by {@link Sampler}
 * (address-less workloads at unowned addresses, hypothetical pods, outside addresses): a rule
 * reported unmatchable or shadowed never decides a sampled flow, a redundant one changes no
 * verdict, dead policies and tiers apply nowhere, examples replay. Cases: {@code
 * -Dlint.cluster.cases=N} (default 200, 10,000 with {@code -Ddifferential.long=true}), first seed
 * {@code -Dlint.cluster.seed=S}.
 */
class LintClusterDifferentialTest {

  private static final int CASES = Runs.cases("lint.cluster.cases", 200, 10_000);
  private static final long SEED = Long.getLong("lint.cluster.seed", 1);
  private static final int FLOWS = 400;

  @Test
  void lint_randomClusters_findingsHoldOnSampledFlows() throws Exception {
    Runs.run(
        "cluster lint",
        "lint.cluster.seed",
        SEED,
        CASES,
        RandomClusterDataplane.with(
            List.of(
                "lint runs",
                "findings",
                "flows in scope",
                "equal-priority overlaps (TP206)",
                "findings checked on forward sides")),
        (seed, session, counts) -> {
          RandomCluster c = new RandomCluster(seed);
          PolicySet set = c.load(false);
          c.dataplane().count(counts);
          Scope scope = seed % 2 == 0 ? Scope.EXISTING : Scope.ANY;
          Lint.Result result = Lint.run(set, new Lint.Options(scope, Duration.ofSeconds(30)));
          Sampler s = new Sampler(set, seed);
          List<Flow> flows = new ArrayList<>();
          for (int i = 0; i < FLOWS; i++) {
            flows.add(s.flow());
          }
          int inScope =
              LintDifferentialTest.claims(
                  "seed " + seed + " (" + scope + "): ", set, result, flows);
          counts.incrementAndGet(0);
          counts.addAndGet(1, result.findings().size());
          counts.addAndGet(2, inScope);
          counts.addAndGet(
              3,
              result.findings().stream()
                  .filter(f -> f instanceof Finding.EqualPriorityOverlap)
                  .count());
          counts.addAndGet( // spec S6.11
              4, ForwardClaims.check("seed " + seed + " (" + scope + "): ", set, result, flows));
        });
  }
}
