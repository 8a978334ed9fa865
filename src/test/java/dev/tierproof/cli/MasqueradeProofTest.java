package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Proofs over every flow on a settled nat-outgoing masquerade (spec S6.10, S9.2), on case
 * own/host-endpoint-other-node: eval and the solver take n1-eth0's ingress step on the packet from
 * n3's address for web-far and api-far (on n3, their addresses in the nat-outgoing pool, n3's
 * address said), so isolation of either pair is proved or violated with a witness replayed there,
 * although kubelet tells n3's address from api-far's; db-four's node n4 lists two addresses that
 * kubelet tells apart, and web-nat's node's address is not said: those stay inconclusive.
 */
class MasqueradeProofTest {

  private static final String CASE = "specs/cases/own/host-endpoint-other-node";

  @Test
  void verifyIsolated_settled_provesOrViolated() {
    Run run = Run.of("-f", CASE, "verify", "isolated", "app/web-far", "n1-eth0", "--port", "8080");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("holds");
    Run violated = Run.of("-f", CASE, "verify", "isolated", "app/web-far", "n1-eth0");
    assertThat(violated.code()).as(violated.toString()).isEqualTo(1);
    Run told = Run.of("-f", CASE, "verify", "isolated", "app/api-far", "n1-eth0", "--port", "8080");
    assertThat(told.code()).as(told.toString()).isZero();
    Run witness = Run.of("-f", CASE, "verify", "isolated", "app/api-far", "n1-eth0", "-o", "json");
    assertThat(witness.code()).as(witness.toString()).isEqualTo(1);
    assertThat(witness.out())
        .contains("\"violated\"")
        .contains("10250")
        .contains("\"ruleIndex\": 1");
  }

  @Test
  void verifyIsolated_twoAddressesToldApart_orUnsettled_inconclusive() {
    Run told =
        Run.of("-f", CASE, "verify", "isolated", "app/db-four", "n1-eth0", "--port", "10250");
    assertThat(told.code()).as(told.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(told.err()).contains("natOutgoing `kubelet`");
    Run unsettled =
        Run.of("-f", CASE, "verify", "isolated", "app/web-nat", "n1-eth0", "--port", "8080");
    assertThat(unsettled.code()).as(unsettled.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
  }
}
