package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's first report: Deployments without pods (and Pods without {@code podIP}) as teams keep
 * them in git. Every command must agree with explain: such an endpoint is at an address no endpoint
 * owns, where rule selectors see its labels (spec S5.4).
 */
class AddresslessEndpointsTest {

  private static final String CASE = "specs/cases/own/workloads-without-addresses/resources.yaml";

  @Test
  void verifyIsolated_deploymentsAllowedByExplain_violatedWithExplainsFlow() {
    Run explain = Run.of("explain", "shop/web", "shop/api", "--port", "8080", "-f", CASE);
    assertThat(explain.code()).as(explain.toString()).isZero();
    assertThat(explain.out())
        .startsWith("allow: shop/web -> shop/api (TCP 10.255.0.1:40000 -> 10.255.0.2:8080)");
    Run isolated =
        Run.of("verify", "isolated", "shop/web", "shop/api", "--port", "8080", "-f", CASE);
    assertThat(isolated.code()).as(isolated.toString()).isEqualTo(1);
    assertThat(isolated.out())
        .contains("allow: shop/web -> shop/api (TCP 10.255.0.1:40000 -> 10.255.0.2:8080)");
  }

  @Test
  void verifyReachable_deploymentsEitherFamily_holds() {
    for (String family : new String[] {"4", "6"}) {
      Run run =
          Run.of(
              "verify",
              "reachable",
              "shop/web",
              "shop/api",
              "--port",
              "8080",
              "--ip-version",
              family,
              "-f",
              CASE);
      assertThat(run.code()).as(run.toString()).isZero();
    }
    Run other = Run.of("verify", "reachable", "shop/web", "shop/api", "--port", "8081", "-f", CASE);
    assertThat(other.code()).as(other.toString()).isEqualTo(1);
  }

  @Test
  void verifyReachable_podWithoutAddressToOutsideNets_holdsOnlyInsideTheRule() {
    Run in = Run.of("verify", "reachable", "shop/batch", "8.8.8.8", "--port", "443", "-f", CASE);
    assertThat(in.code()).as(in.toString()).isZero();
    Run out = Run.of("verify", "reachable", "shop/batch", "9.9.9.9", "--port", "443", "-f", CASE);
    assertThat(out.code()).as(out.toString()).isEqualTo(1);
  }

  @Test
  void lint_ruleSelectingAddresslessPeer_isNotUnmatchable() {
    Run run = Run.of("lint", "-f", CASE);
    assertThat(run.out()).as(run.toString()).doesNotContain("TP101");
    assertThat(run.code()).as(run.toString()).isZero();
  }

  @Test
  void check_isolationBetweenDeployments_violatedAndReachabilityProven(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("i.yaml");
    Files.writeString(
        spec,
        """
        apiVersion: tierproof.dev/v1alpha1
        kind: InvariantSet
        metadata: {name: shop}
        invariants:
          - id: iso
            isolated: {from: shop/web, to: shop/api}
          - id: reach
            reachable: {from: shop/web, to: shop/api, protocol: TCP, port: 8080}
        """);
    Run run = Run.of("check", spec.toString(), "-f", CASE);
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .containsPattern("(?m)^violated +iso ")
        .containsPattern("(?m)^proven +reach ");
  }
}
