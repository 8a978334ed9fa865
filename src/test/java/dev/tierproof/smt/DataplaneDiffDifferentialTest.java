package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code diff --dataplane OLD:NEW} on {@link RandomModel}s (spec S4.6): each model against itself
 * on a dataplane that disagrees on a profile's Pass ({@link RandomDataplane#other}), checked by
 * {@link DiffDifferentialTest}'s case check (every witness replayed; every sampled flow whose
 * verdict changed lies in a class when the search completed). The run must meet changed flows.
 * {@code -DdataplaneDiff.cases=N} models (default 60) from {@code -DdataplaneDiff.seed=S} (default
 * 1).
 */
class DataplaneDiffDifferentialTest {

  private static final int CASES = Integer.getInteger("dataplaneDiff.cases", 60);
  private static final long SEED = Long.getLong("dataplaneDiff.seed", 1);

  @Test
  void diff_otherDataplane_classesCoverEveryChangedFlow() {
    int classes = 0;
    int changed = 0;
    int inconclusive = 0;
    for (long seed = SEED; seed < SEED + CASES; seed++) {
      int[] r;
      try {
        r = DiffDifferentialTest.check(seed, "dataplane");
      } catch (Throwable t) {
        throw new AssertionError(
            "dataplane diff case failed: seed "
                + seed
                + " (replay with -DdataplaneDiff.seed="
                + seed
                + " -DdataplaneDiff.cases=1)",
            t);
      }
      classes += r[0];
      changed += r[1];
      inconclusive += r[2] == 0 ? 0 : 1;
    }
    System.out.printf(
        "dataplane diff differential: %d cases: %d classes, %d sampled flows changed, %d"
            + " inconclusive%n",
        CASES, classes, changed, inconclusive);
    assertThat(changed).as("sampled flows the dataplane changed").isPositive();
    assertThat(inconclusive).as("inconclusive cases").isLessThanOrEqualTo(CASES / 6);
  }
}
