package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Flows between two addresses outside the cluster routed through a node (specs/semantics.md S6.10,
 * S6.11, S9.2): explain answers routed through no walked node and notes the routes that differ; a
 * route through a named host endpoint's untracked Deny is walked, one through an untracked Allow
 * (whose reply is not modelled) is inconclusive.
 */
class RoutedFlowsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CASE = "specs/cases/own/host-endpoint-transit/resources.yaml";
  private static final String UNTRACKED = "src/test/resources/transit/untracked.yaml";
  private static final String UNTRACKED_ALLOW = "src/test/resources/transit/untracked-allow.yaml";
  private static final String NO_WALKED = "src/test/resources/transit/no-walked.yaml";

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
    Run run = Run.of("explain", "203.0.113.9", "10.10.0.50", "-f", NO_WALKED);
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("so no policy applies between them");
  }

  @Test
  void untrackedDenyOnNamedHostEndpoint_routesThroughItsNodeWalked() throws Exception {
    // spec S6.7.1: on the rule renderer an untracked Deny at r3's named endpoint drops routed
    // packets in by it; the route is walked, nothing is unmodelled
    Run explain = explainPort8080(UNTRACKED);
    assertThat(explain.code()).as(explain.toString()).isZero();
    JsonNode out = JSON.readTree(explain.out());
    assertThat(out.path("unmodelled")).isEmpty();
    assertThat(out.path("onWalkedNodes"))
        .filteredOn(n -> n.path("node").asText().equals("r3"))
        .isNotEmpty()
        .allSatisfy(
            n -> {
              assertThat(n.path("verdict").asText()).isEqualTo("deny");
              assertThat(n.path("sourceInterface").asText()).isEqualTo("eth0");
            });
  }

  @Test
  void untrackedAllowOnNamedHostEndpoint_routesThroughItsNodeInconclusiveOthersStand()
      throws Exception {
    Run walked = Run.of("verify", "reachable", "203.0.113.0/24", "10.10.0.128/25", "-f", CASE);
    assertThat(walked.code()).as(walked.toString()).isZero();
    // spec S6.7.1, S9.2: what an untracked Allow's reply meets at r3 is not modelled, so the routes
    // through r3 are inconclusive
    Run explain = explainPort8080(UNTRACKED_ALLOW);
    assertThat(explain.code()).as(explain.toString()).isEqualTo(3);
    JsonNode out = JSON.readTree(explain.out());
    assertThat(out.at("/unmodelled/0/name").asText()).isEqualTo("raw-allow");
    // a route through walked r1 is judged on its own: raw-allow does not reach it
    assertThat(out.path("onWalkedNodes"))
        .filteredOn(n -> n.path("node").asText().equals("r1"))
        .isNotEmpty()
        .allSatisfy(n -> assertThat(n.path("unmodelled")).as(n.toString()).isEmpty());
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
            UNTRACKED_ALLOW,
            "--dataplane",
            "iptables",
            "-o",
            "json");
    assertThat(verify.code()).as(verify.toString()).isZero();
    assertThat(JSON.readTree(verify.out()).at("/witness/routedThrough").asText()).isEqualTo("r1");
  }

  private static Run explainPort8080(String untracked) {
    return Run.of(
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
        untracked,
        "--dataplane",
        "iptables",
        "-o",
        "json");
  }
}
