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
  void dataplaneDiff_seed1300015_localPreDnatFailsafeSkip_pinned() {
    // iptables to bpf: a pod's packet to its own node's host at failsafe TCP 179 skips the local
    // pre-DNAT path on the renderer only (spec S6.12), so it changes; the diff searched workloads'
    // flows with host endpoints nowhere a forward chain's semantics changed
    int[] r = DiffDifferentialTest.check(1300015, "dataplane");
    org.assertj.core.api.Assertions.assertThat(r[1]).as("sampled flows changed").isPositive();
  }
}
