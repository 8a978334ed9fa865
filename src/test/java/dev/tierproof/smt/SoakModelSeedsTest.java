package dev.tierproof.smt;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The model seeds that failed on fresh seeds in the issue 14 soak, replayed in every build through
 * {@link DifferentialTest}'s own case check.
 */
class SoakModelSeedsTest {

  @Test
  void differential_seed211977_serviceSelectorKeyOfAHypotheticalSource_pinned() {
    // the flow's hypothetical source lacks the key of a Service's selector (`tier`): the solver,
    // asked about that pod, must see it without the key, as eval does
    try (SolverSession session = new SolverSession(Duration.ofSeconds(30))) {
      DifferentialTest.check(211977, session, new long[DifferentialTest.STATS]);
    }
  }
}
