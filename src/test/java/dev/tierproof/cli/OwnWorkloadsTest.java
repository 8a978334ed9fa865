package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A node's traffic with its own workloads, as Felix polices it (spec S6.12): the host's packets to
 * a workload on its node meet no policy; a workload's packets to its own host meet only the
 * workload's egress step. Every command answers it, the map included; a workload that names no node
 * may be placed on the host endpoint's node or elsewhere, and a question quantifies over both.
 */
class OwnWorkloadsTest {

  private static final String CASE = "specs/cases/own/host-endpoint-own-workloads/resources.yaml";

  /** The unmodelled element that stood for this traffic before it was modelled. */
  private static final String ELEMENT = "(own workloads)";

  /** {@code verify CLAIM FROM TO [flags]} on the case; its exit code is {@code code}. */
  private static Run verify(String claim, String from, String to, ExitCode code, String... flags) {
    java.util.List<String> args =
        new java.util.ArrayList<>(java.util.List.of("verify", claim, from, to, "-f", CASE));
    args.addAll(java.util.List.of(flags));
    Run run = Run.of(args.toArray(String[]::new));
    assertThat(run.code()).as(run.toString()).isEqualTo(code.code());
    assertThat(run.out() + run.err()).doesNotContain(ELEMENT).doesNotContain("inconclusive");
    return run;
  }

  @Test
  void verifyIsolated_hostToLocalPod_violatedByOwnNodeSteps() {
    // db's ingress denies everything, which Felix never walks for its host's packets
    Run run = verify("isolated", "n1-eth0", "app/db", ExitCode.VIOLATED, "-o", "json");
    assertThat(run.out()).contains("\"kind\": \"own-node\"").doesNotContain("\"rule\"");
  }

  @Test
  void verifyReachable_localPodToHost_decidedByItsEgressAlone() {
    // db's egress denies TCP 7070 to its host: the only step, so nothing reaches it
    Run denied =
        verify(
            "reachable",
            "app/db",
            "n1-eth0",
            ExitCode.VIOLATED,
            "--protocol",
            "TCP",
            "--port",
            "7070",
            "--ip-version",
            "4");
    assertThat(denied.out()).contains("egress of app/db by egress rule 0 of app/db-egress");
    assertThat(denied.out()).doesNotContain("ingress of n1-eth0");
    // n1-eth0's ingress policy denies TCP 9090, which Felix never walks for db: allowed
    verify("reachable", "app/db", "n1-eth0", ExitCode.OK, "--protocol", "TCP", "--port", "9090");
    Run remote =
        verify(
            "reachable",
            "app/db2",
            "n1-eth0",
            ExitCode.VIOLATED,
            "--protocol",
            "TCP",
            "--port",
            "9090");
    assertThat(remote.out()).contains("ingress of n1-eth0 by ingress rule 0 of host-ingress");
  }

  @Test
  void verifyIsolated_hostToPodOnOtherNode_proven() {
    verify("isolated", "n1-eth0", "app/db2", ExitCode.OK);
  }

  @Test
  void verify_hostToPodWithoutNode_eitherPlacement() {
    // placed on n1, floating meets no policy from its host: not isolated, reachable on TCP 5432
    verify("isolated", "n1-eth0", "app/floating", ExitCode.VIOLATED);
    verify(
        "reachable", "n1-eth0", "app/floating", ExitCode.OK, "--protocol", "TCP", "--port", "5432");
    // elsewhere, n1-eth0's ingress denies TCP 9090 from it; on n1 its egress alone allows
    verify(
        "reachable", "app/floating", "n1-eth0", ExitCode.OK, "--protocol", "TCP", "--port", "9090");
    // explain places it elsewhere: both steps, denied
    Run explain =
        Run.of(
            "explain",
            "n1-eth0",
            "app/floating",
            "--protocol",
            "TCP",
            "--port",
            "5432",
            "-f",
            CASE);
    assertThat(explain.code()).as(explain.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(explain.out()).startsWith("deny:").contains("ingress at app/floating: deny");
    // and says what it would be on n1: a note in text, onHostNode in JSON
    assertThat(explain.out() + explain.err())
        .contains("placed on the host endpoint's node, the flow is allowed");
    Run json =
        Run.of("explain", "n1-eth0", "app/floating", "--port", "5432", "-f", CASE, "-o", "json");
    assertThat(json.out())
        .contains("\"onHostNode\": {\n    \"verdict\": \"allow\"")
        .contains("\"placedOn\": \"n1\"");
  }

  @Test
  void verifyReachable_localPodToOutside_unaffected() {
    verify("reachable", "app/db", "world", ExitCode.OK);
  }

  @Test
  void verifyIsolated_rangeHoldingHost_localPodReached() {
    verify("isolated", "10.70.0.0/24", "app/db", ExitCode.VIOLATED);
    verify("isolated", "10.70.0.0/24", "app/db2", ExitCode.OK);
  }

  @Test
  void verifyIsolated_hostToSelector_podsThatCanBeLocalReached() {
    verify("isolated", "n1-eth0", "app/{app == 'db'}", ExitCode.VIOLATED);
    verify("isolated", "n1-eth0", "app/{app == 'db'}", ExitCode.VIOLATED, "--existing");
  }

  @Test
  void mapAndLint_podsThatCanBeLocal_mappedWithPlacement() {
    // spec S6.12: the map lists the local parts, labelled with the placement of a pod naming no
    // node; lint reasons per step, which local flows do not change
    Run map = Run.of("map", "-f", CASE);
    assertThat(map.code()).as(map.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(map.out())
        .contains("n1-eth0 -> app/db: any")
        .contains("n1-eth0 -> app/floating: any (app/floating on node n1)")
        .doesNotContain(ELEMENT);
    Run lint = Run.of("lint", "-f", CASE);
    assertThat(lint.code()).as(lint.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(lint.out() + lint.err()).doesNotContain(ELEMENT);
  }

  @Test
  void diff_sameInput_provedUnchanged() {
    Run same = Run.of("-f", CASE, "diff", "--base", CASE);
    assertThat(same.code()).as(same.toString()).isEqualTo(ExitCode.OK.code());
  }

  /** The case with {@code from} replaced by {@code to} once, written to {@code dir}. */
  private static String edited(java.nio.file.Path dir, String from, String to)
      throws java.io.IOException {
    String text = java.nio.file.Files.readString(java.nio.file.Path.of(CASE));
    assertThat(text).contains(from);
    java.nio.file.Path out = dir.resolve("resources.yaml");
    java.nio.file.Files.writeString(
        out, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
    return out.toString();
  }

  @Test
  void diff_podMovedToAnotherNode_closesWhatFelixDidNotPolice(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    // spec S6.12: db leaves n1: n1-eth0's packets to it now meet its ingress (deny-all), and its
    // TCP 9090 to n1-eth0 meets n1-eth0's ingress (host-ingress denies)
    String moved = edited(dir, "nodeName: n1", "nodeName: n9");
    Run diff = Run.of("-f", moved, "diff", "--base", CASE);
    assertThat(diff.code()).as(diff.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(diff.out())
        .contains("no other flow changed (proved)")
        .doesNotContain("newly allowed")
        .contains("newly denied: n1-eth0 -> app/db, any protocol")
        .contains("newly denied: app/db -> n1-eth0, TCP 9090");
  }
}
