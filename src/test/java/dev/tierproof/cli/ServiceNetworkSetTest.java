package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A Service's selector selects pods only (spec S3.9): a NetworkSet or HostEndpoint labelled like
 * its pods is not among its endpoints, by address or by DNS name (LintDifferentialTest seed 4568:
 * the solver counted a network set's {@code allowedEgressDomains} as a service endpoint, the
 * evaluator did not).
 */
class ServiceNetworkSetTest {

  private static final String FILE = "src/test/resources/services-network-set/resources.yaml";

  @Test
  void verifyReachable_networkSetDomainLabelledLikeThePods_violated() {
    Run run =
        Run.of(
            "-f",
            FILE,
            "verify",
            "reachable",
            "ns1/client",
            "api.example.com",
            "--protocol",
            "TCP");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
  }

  @Test
  void verifyIsolated_networkSetNetsLabelledLikeThePods_holds() {
    Run run =
        Run.of(
            "-f", FILE, "verify", "isolated", "ns1/client", "198.51.100.0/24", "--protocol", "TCP");
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
  }

  @Test
  void verifyIsolated_hostEndpointLabelledLikeThePods_holds() {
    Run run =
        Run.of("-f", FILE, "verify", "isolated", "ns1/client", "api-host", "--protocol", "TCP");
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
  }

  @Test
  void verifyReachable_selectedPodAtTargetPort_holds() {
    Run run =
        Run.of("-f", FILE, "verify", "reachable", "ns1/client", "ns1/api", "--protocol", "TCP");
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
    assertThat(run.out()).contains("8443");
  }
}
