package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A failsafe port of SCTP per dataplane (specs/semantics.md S6.2): {@code diff --dataplane
 * iptables:bpf} lists the flows it takes on iptables only, and with no dataplane chosen its {@code
 * FelixConfiguration} is unmodelled.
 */
class FailsafeSctpDataplaneTest {

  private static final String CASE = "specs/cases/own/bpf-failsafe-sctp/resources.yaml";

  @Test
  void diff_iptablesToBpf_listsTheSctpFailsafeFlows() {
    Run run = Run.of("-f", CASE, "diff", "--dataplane", "iptables:bpf");
    assertThat(run.out())
        .as(run.toString())
        .contains("newly denied: world -> n1-eth0, SCTP 9\n")
        .contains("before: allowed: ingress at n1-eth0 by a failsafe port of the host endpoint")
        .contains("newly denied: world -> n1-eth0, SCTP from port 7\n")
        .doesNotContain("SCTP 7\n"); // to port 7 outbound: allowed on both (failsafe, edge-normal)
  }

  @Test
  void explain_noDataplane_sctpFailsafeListUnmodelled() {
    Run run =
        Run.of(
            "-f", CASE, "explain", "203.0.113.5", "n1-eth0", "--protocol", "SCTP", "--port", "9");
    assertThat(run.out())
        .as(run.toString())
        .contains("is a failsafe inbound port of host endpoint n1-eth0")
        .contains("failsafeInboundHostPorts (an SCTP port, which the eBPF dataplane does not take");
    Run iptables =
        Run.of(
            "-f",
            CASE,
            "explain",
            "203.0.113.5",
            "n1-eth0",
            "--protocol",
            "SCTP",
            "--port",
            "9",
            "--dataplane",
            "iptables");
    assertThat(iptables.out()).as(iptables.toString()).doesNotContain("not modelled");
  }
}
