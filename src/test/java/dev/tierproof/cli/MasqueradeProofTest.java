package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Proofs over every flow on a settled nat-outgoing masquerade (spec S6.10, S9.2), on case
 * own/host-endpoint-other-node: n1-eth0's ingress step decides every packet of web-far (on n3, its
 * address in the nat-outgoing pool, n3's address said) alike from its own address and from n3's, so
 * isolation and the map of that pair stand; api-far's packets to the kubelet port are decided
 * otherwise from n3's address, and web-nat's node's address is not said: those stay inconclusive.
 */
class MasqueradeProofTest {

  private static final String CASE = "specs/cases/own/host-endpoint-other-node";

  @Test
  void verifyIsolated_settledAndAlike_proves() {
    Run run = Run.of("-f", CASE, "verify", "isolated", "app/web-far", "n1-eth0", "--port", "8080");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("holds");
    Run violated = Run.of("-f", CASE, "verify", "isolated", "app/web-far", "n1-eth0");
    assertThat(violated.code()).as(violated.toString()).isEqualTo(1);
  }

  @Test
  void verifyIsolated_settledButTold_orUnsettled_inconclusive() {
    Run told =
        Run.of("-f", CASE, "verify", "isolated", "app/api-far", "n1-eth0", "--port", "10250");
    assertThat(told.code()).as(told.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(told.err()).contains("natOutgoing `kubelet`");
    Run unsettled =
        Run.of("-f", CASE, "verify", "isolated", "app/web-nat", "n1-eth0", "--port", "8080");
    assertThat(unsettled.code()).as(unsettled.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
  }
}
