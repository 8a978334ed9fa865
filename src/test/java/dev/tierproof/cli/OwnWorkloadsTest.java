package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Traffic between a node and its own workloads is not policed as other traffic (spec S6.10): an
 * answer about a flow between a host endpoint and a workload that can be on its node (on it, on no
 * named node, or not yet deployed) is inconclusive, naming the node (S9.1-S9.4); one about a
 * workload on another node, or about a flow with no host endpoint end, stands.
 */
class OwnWorkloadsTest {

  private static final String CASE = "specs/cases/own/host-endpoint-own-workloads/resources.yaml";
  private static final String NODE = "HostEndpoint `node n1 (own workloads)` at " + CASE + ":29";

  /** {@code verify CLAIM FROM TO} on the case; its exit code is {@code code}. */
  private static Run verify(String claim, String from, String to, ExitCode code) {
    Run run = Run.of("verify", claim, from, to, "-f", CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(code.code());
    return run;
  }

  @Test
  void verifyIsolated_hostToLocalPodEitherWay_inconclusiveNamingNode() {
    assertThat(verify("isolated", "n1-eth0", "app/db", ExitCode.INCONCLUSIVE).out()).contains(NODE);
    // db may reach its host: the witness is such a flow
    assertThat(verify("isolated", "app/db", "n1-eth0", ExitCode.INCONCLUSIVE).out()).contains(NODE);
  }

  @Test
  void verifyIsolated_hostToPodOnOtherNode_proven() {
    assertThat(verify("isolated", "n1-eth0", "app/db2", ExitCode.OK).out())
        .doesNotContain("own workloads");
  }

  @Test
  void verifyIsolated_hostToPodWithoutNode_inconclusive() {
    assertThat(verify("isolated", "n1-eth0", "app/floating", ExitCode.INCONCLUSIVE).out())
        .contains(NODE);
  }

  @Test
  void verifyReachable_localPodToOutside_unaffected() {
    assertThat(verify("reachable", "app/db", "world", ExitCode.OK).out())
        .doesNotContain("own workloads");
  }

  @Test
  void verifyIsolated_rangeHoldingHost_inconclusiveOnlyForLocalPod() {
    verify("isolated", "10.70.0.0/24", "app/db", ExitCode.INCONCLUSIVE);
    verify("isolated", "10.70.0.0/24", "app/db2", ExitCode.OK);
  }

  @Test
  void verifyIsolated_hostToSelector_freshPodsCanBeLocal() {
    assertThat(verify("isolated", "n1-eth0", "app/{app == 'db'}", ExitCode.INCONCLUSIVE).out())
        .contains(NODE);
  }

  @Test
  void mapAndLint_podsThatCanBeLocal_mapInconclusiveLintNot() {
    Run map = Run.of("map", "-f", CASE);
    assertThat(map.code()).as(map.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(map.err()).contains(NODE);
    // spec S9.3: lint reasons per step, which the chains of a node's own traffic do not change
    Run lint = Run.of("lint", "-f", CASE);
    assertThat(lint.code()).as(lint.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(lint.out() + lint.err()).doesNotContain("own workloads");
  }

  @Test
  void diff_sameInput_provedUnchanged() throws java.io.IOException {
    // nothing differs, the unmodelled elements included: no flow can have changed
    Run same = Run.of("-f", CASE, "diff", "--base", CASE);
    assertThat(same.code()).as(same.toString()).isEqualTo(ExitCode.OK.code());
  }

  @Test
  void diff_podMovedToAnotherNode_inconclusiveUnlessIgnored(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    // spec S9.3: the db pod leaves n1: whether n1-eth0 reaches it changes in Calico, which
    // tierproof does not model (S6.10); the diff lists the pod as modified and proves nothing
    String text = java.nio.file.Files.readString(java.nio.file.Path.of(CASE));
    assertThat(text).contains("nodeName: n1");
    java.nio.file.Path moved = dir.resolve("resources.yaml");
    java.nio.file.Files.writeString(moved, text.replaceFirst("nodeName: n1", "nodeName: n9"));
    Run diff = Run.of("-f", moved.toString(), "diff", "--base", CASE);
    assertThat(diff.code()).as(diff.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(diff.err()).contains(NODE);
    assertThat(diff.out()).contains("modified Pod app/db");
    Run ignored = Run.of("-f", moved.toString(), "--ignore-unmodelled", "diff", "--base", CASE);
    assertThat(ignored.code()).as(ignored.toString()).isEqualTo(ExitCode.OK.code());
  }
}
