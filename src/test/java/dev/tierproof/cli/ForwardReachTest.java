package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Forwarded traffic through host endpoints is unmodelled (spec S6.11), in the directions Felix's
 * chains meet it (S6.9, S9.2): an {@code applyOnForward} policy with egress rules only, on a named
 * interface, never meets a packet to a workload on its node, so answers about flows to that
 * workload stand; flows from it, and every flow of a workload on a node with an all-interfaces
 * endpoint such a policy selects, are inconclusive.
 */
class ForwardReachTest {

  private static final String CASE = "specs/cases/own/host-endpoint-forward-all-interfaces";

  @Test
  void verifyIsolated_outsideToWorkloadBehindNamedEgressForward_violatedConclusively() {
    Run run = Run.of("verify", "isolated", "world", "fa/f", "-f", CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(run.out()).doesNotContain("node-5-forward-out");
  }

  @Test
  void verifyIsolated_workloadBehindNamedEgressForwardToOutside_inconclusiveNamingIt() {
    Run run = Run.of("verify", "isolated", "fa/f", "world", "-f", CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out())
        .contains("applyOnForward `node-5-forward-out` at " + CASE + "/resources.yaml:84");
  }

  @Test
  void verifyIsolated_outsideToWorkloadBehindAllInterfaces_inconclusiveNamingBoth() {
    Run run = Run.of("verify", "isolated", "world", "fa/d", "-f", CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out())
        .contains("applyOnForward `node-3-forward-out`")
        .contains("preDNAT `node-3-pre-dnat`")
        .doesNotContain("node-5-forward-out");
  }
}
