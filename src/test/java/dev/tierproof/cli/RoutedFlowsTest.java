package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Flows between two addresses outside the cluster routed through a node (specs/semantics.md S6.10,
 * S6.11, S9.2): explain answers routed through no walked node and notes the routes that differ; a
 * route through a node whose untracked path is not walked is inconclusive.
 */
class RoutedFlowsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CASE = "specs/cases/own/host-endpoint-transit/resources.yaml";
  private static final String UNTRACKED = "src/test/resources/transit/untracked.yaml";

  @Test
  void explain_routedThroughWalkedNode_notesOnlyRoutesThatDiffer() throws Exception {
    Run run =
        Run.of(
            "explain",
            "203.0.113.9",
            "10.10.0.50",
            "--protocol",
            "TCP",
            "--port",
            "80",
            "-f",
            CASE,
            "--dataplane",
            "iptables",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("allow");
    assertThat(out.path("steps")).isEmpty();
    // spec S6.11: in by eth1 (fwd-in's tier default drops TCP 80), out by each interface
    assertThat(out.path("onWalkedNodes"))
        .extracting(n -> n.path("node").asText() + " " + n.path("sourceInterface").asText())
        .containsExactly("r1 eth1", "r1 eth1", "r1 eth1");
    for (JsonNode n : out.path("onWalkedNodes")) {
      assertThat(n.path("verdict").asText()).isEqualTo("deny");
      assertThat(n.at("/flow/routedThrough").asText()).isEqualTo("r1");
      assertThat(n.at("/flow/source/interface").asText()).isEqualTo("eth1");
    }
  }

  @Test
  void explain_twoOutsideAddressesWithoutWalkedNode_error() {
    Run run = Run.of("explain", "203.0.113.9", "10.10.0.50", "-f", UNTRACKED);
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("so no policy applies between them");
  }

  @Test
  void untrackedNamedHostEndpoint_routesThroughItsNodeInconclusiveOthersStand() throws Exception {
    Run walked = Run.of("verify", "reachable", "203.0.113.0/24", "10.10.0.128/25", "-f", CASE);
    assertThat(walked.code()).as(walked.toString()).isZero();
    // spec S6.11, S9.2: r3 is not walked (its untracked ingress path sees routed packets), so
    // the answer routed through no walked node (maybe r3) is inconclusive
    Run explain =
        Run.of(
            "explain",
            "203.0.113.9",
            "10.10.0.200",
            "--protocol",
            "TCP",
            "--port",
            "8080",
            "-f",
            CASE,
            "-f",
            UNTRACKED,
            "--dataplane",
            "iptables",
            "-o",
            "json");
    assertThat(explain.code()).as(explain.toString()).isEqualTo(3);
    JsonNode out = JSON.readTree(explain.out());
    assertThat(out.at("/unmodelled/0/name").asText()).isEqualTo("raw-deny");
    // a route through walked r1 is judged on its own: raw-deny does not reach it
    for (JsonNode n : out.path("onWalkedNodes")) {
      assertThat(n.path("node").asText()).isEqualTo("r1");
      assertThat(n.path("unmodelled")).as(n.toString()).isEmpty();
    }
    // a witness routed through r1 proves reachability whatever r3 does
    Run verify =
        Run.of(
            "verify",
            "reachable",
            "203.0.113.0/24",
            "10.10.0.128/25",
            "-f",
            CASE,
            "-f",
            UNTRACKED,
            "--dataplane",
            "iptables",
            "-o",
            "json");
    assertThat(verify.code()).as(verify.toString()).isZero();
    assertThat(JSON.readTree(verify.out()).at("/witness/routedThrough").asText()).isEqualTo("r1");
  }
}
