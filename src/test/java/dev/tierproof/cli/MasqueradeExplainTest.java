package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * explain and verify on a settled nat-outgoing masquerade (spec S6.10, S9.3), on case
 * own/host-endpoint-other-node: api-far (on n3, whose address 10.80.0.3 is said) is denied at its
 * own address and allowed from n3's by kubelet's rule 1 (inconclusive, with the masqueraded
 * verdict); web-far's flow, allowed from either address, stands.
 */
class MasqueradeExplainTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CASE = "specs/cases/own/host-endpoint-other-node";

  @Test
  void explain_settledMasqueradeTurnsVerdict_inconclusiveWithMasqueradedVerdict()
      throws IOException {
    Run run =
        Run.of("-f", CASE, "explain", "app/api-far", "n1-eth0", "--port", "10250", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("deny");
    assertThat(out.path("unmodelled").findValuesAsText("kind")).containsExactly("natOutgoing");
    JsonNode m = out.path("masqueraded");
    assertThat(m).hasSize(1);
    assertThat(m.get(0).path("node").asText()).isEqualTo("n3");
    assertThat(m.get(0).path("verdict").asText()).isEqualTo("allow");
    assertThat(m.get(0).path("flow").path("source").path("ip").asText()).isEqualTo("10.80.0.3");
    JsonNode ingress = m.get(0).path("steps").get(1);
    assertThat(ingress.path("endpoint").asText()).isEqualTo("n1-eth0");
    assertThat(ingress.path("decidedBy").path("ruleIndex").asInt()).isEqualTo(1);
    Run text = Run.of("-f", CASE, "explain", "app/api-far", "n1-eth0", "--port", "10250");
    assertThat(text.out())
        .contains(
            "nat-outgoing masquerades it to node n3's address 10.80.0.3: n1-eth0's ingress step"
                + " allows it (rule 1 of kubelet), so the flow is allowed");
  }

  @Test
  void verifyAndExplain_settledMasqueradeSameVerdict_conclusive() throws IOException {
    Run explain =
        Run.of("-f", CASE, "explain", "app/web-far", "n1-eth0", "--port", "10250", "-o", "json");
    assertThat(explain.code()).as(explain.toString()).isZero();
    JsonNode out = JSON.readTree(explain.out());
    assertThat(out.has("unmodelled")).isFalse();
    assertThat(out.has("masqueraded")).isFalse();
    Run verify =
        Run.of("-f", CASE, "verify", "reachable", "app/web-far", "n1-eth0", "--port", "10250");
    assertThat(verify.code()).as(verify.toString()).isZero();
    // its node's address is not said: the same question from web-nat stays inconclusive
    Run nat =
        Run.of("-f", CASE, "verify", "reachable", "app/web-nat", "n1-eth0", "--port", "10250");
    assertThat(nat.code()).as(nat.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
  }
}
