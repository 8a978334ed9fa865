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

  @Test
  void differential_seed1900266_failsafeNetSeesTheMasqueradedSource() {
    // a pod's packet to another node's host endpoint, masqueraded to its node's address: that
    // host endpoint's inbound failsafe port with a net holding the translated source takes it
    // (spec S6.2, S6.10), in the solver as in eval
    try (SolverSession session = new SolverSession(Duration.ofSeconds(30))) {
      DifferentialTest.check(1900266, session, new long[DifferentialTest.STATS]);
    }
  }
}
