package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Forwarded traffic through host endpoints (spec S6.11): the forward chain of a node whose one host
 * endpoint is of all interfaces is walked for its workloads' flows with the outside, which are then
 * answered conclusively (explain and verify name the chain's steps, {@code "forward": true}, and
 * its paths); the rest is unmodelled in the directions Felix's chains meet it (S6.9, S9.2): an
 * {@code applyOnForward} policy with egress rules only, on a named interface, never meets a packet
 * to a workload on its node, so answers about flows to that workload stand; flows from it, of a pod
 * naming no node, and between two pods are inconclusive.
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
  void verifyIsolated_workloadBehindNamedEgressForwardToOutside_violatedByAnotherInterface() {
    // spec S6.10: leaving node-5 by eth0 its egress forward rule denies TCP 443; by another
    // interface nothing does, and the counterexample says so
    Run run =
        Run.of(
            "verify",
            "isolated",
            "fa/f",
            "world",
            "--protocol",
            "TCP",
            "--port",
            "443",
            "-f",
            CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(run.out())
        .doesNotContain("inconclusive")
        .contains("leaving by an interface without a host endpoint of its own");
  }

  @Test
  void verifyIsolated_outsideToWorkloadBehindOneAllInterfacesEndpoint_holdsConclusively() {
    // spec S6.8, S6.11: node-3's one host endpoint is of all interfaces, so its chain is walked;
    // node-3-forward-out's tier is entered on the egress forward path and ends in its implicit deny
    Run run = Run.of("verify", "isolated", "world", "fa/d", "-f", CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out())
        .doesNotContain("inconclusive")
        .contains(
            "forward egress of node-3-auto by the implicit deny of tier default on the forward")
        .contains("forward ingress of node-3-auto by ingress rule 0 of node-3-pre-dnat");
  }

  @Test
  void verifyIsolated_outsideToWorkloadOn443_holdsBlockedAtTheForwardEgressSide() {
    Run run =
        Run.of(
            "verify",
            "isolated",
            "world",
            "fa/d",
            "--protocol",
            "TCP",
            "--port",
            "443",
            "-f",
            CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out())
        .contains(
            "forward egress of node-3-auto by egress rule 0 of node-3-forward-out (Deny, tier"
                + " default, forward path)");
  }

  private static final String WALKED = "specs/cases/own/host-endpoint-forward-walked";

  /**
   * The rule renderer's walk (spec S6.11): with no dataplane chosen the dataplanes' disagreement on
   * forwarded packets to failsafe ports leaves the walked case's pre-DNAT policy unmodelled.
   */
  private static final String RENDERER = "--dataplane=iptables";

  @Test
  void verifyReachable_podOnWalkedNodeToWorld_holdsConclusively() {
    Run run = Run.of("verify", "reachable", "fw/web", "world", "-f", WALKED, RENDERER);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out()).contains("forward ingress at n1-all: allow", "forward egress at n1-all");
  }

  @Test
  void verifyIsolated_podOnWalkedNodeToWorldOnSmtp_holdsWithTheForwardBlockerInJson() {
    assertThat(json("verify", "isolated", "fw/web", "world", "--protocol", "TCP", "--port", "25"))
        .contains("\"forward\": true")
        .contains("\"path\": \"forward\"")
        .contains("\"policy\": \"forward-no-smtp\"");
  }

  @Test
  void explainJson_worldToPodOnWalkedNode_namesThePreDnatPathOnTheForwardIngressStep() {
    assertThat(json("explain", "192.0.2.66", "fw/web", "--protocol", "TCP", "--port", "8443"))
        .contains("\"verdict\": \"deny\"")
        .contains("\"forward\": true")
        .contains("\"path\": \"pre-dnat\"");
  }

  /** The JSON of a command over the walked case, which must exit 0. */
  private static String json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-f", WALKED, RENDERER, "-o", "json"));
    Run run = Run.of(all.toArray(String[]::new));
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    return run.out();
  }

  @Test
  void verifyReachable_podNamingNoNodeOrPodOnNodeWithoutForwardPolicy_answered() {
    // spec S6.11: a pod naming no node runs on n1, n3 (both walked) or elsewhere; n2's named host
    // endpoint meets no forward policy
    for (String pod : new String[] {"fw/floating", "fw/api"}) {
      Run run = Run.of("verify", "reachable", pod, "world", "-f", WALKED, RENDERER);
      assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    }
  }

  @Test
  void verifyReachable_podToPodOnWalkedNode_inconclusive() {
    Run run = Run.of("verify", "reachable", "fw/web", "fw/api", "-f", WALKED);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).contains("preDNAT `pre-dnat`");
  }
}
