package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * explain and verify on a settled nat-outgoing masquerade (spec S6.10, S9.3), on case
 * own/host-endpoint-other-node: api-far (on n3, whose address 10.80.0.3 is said) is allowed by
 * kubelet's rule 1, its ingress step taken from n3's address (conclusive); db-four (on n4, two
 * addresses said) is allowed from the first, 10.80.0.4, and denied from the second, 10.90.0.4
 * (inconclusive, with the masqueraded verdicts); web-nat's node's address is not said.
 */
class MasqueradeExplainTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CASE = "specs/cases/own/host-endpoint-other-node";

  @Test
  void explain_twoAddressesToldApart_inconclusiveWithMasqueradedVerdicts() throws IOException {
    Run run =
        Run.of("-f", CASE, "explain", "app/db-four", "n1-eth0", "--port", "10250", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("allow");
    assertThat(out.path("unmodelled").findValuesAsText("kind")).containsExactly("natOutgoing");
    JsonNode m = out.path("masqueraded");
    assertThat(m).hasSize(2);
    assertThat(m.get(0).path("node").asText()).isEqualTo("n4");
    assertThat(m.get(0).path("verdict").asText()).isEqualTo("allow");
    assertThat(m.get(0).path("flow").path("source").path("ip").asText()).isEqualTo("10.80.0.4");
    assertThat(m.get(1).path("verdict").asText()).isEqualTo("deny");
    assertThat(m.get(1).path("flow").path("source").path("ip").asText()).isEqualTo("10.90.0.4");
    JsonNode ingress = m.get(0).path("steps").get(1);
    assertThat(ingress.path("endpoint").asText()).isEqualTo("n1-eth0");
    assertThat(ingress.path("decidedBy").path("ruleIndex").asInt()).isEqualTo(1);
    Run text = Run.of("-f", CASE, "explain", "app/db-four", "n1-eth0", "--port", "10250");
    assertThat(text.out())
        .contains(
            "nat-outgoing masquerades it to node n4's address 10.90.0.4: n1-eth0's ingress step"
                + " denies it (the tier default after kubelet), so the flow is denied");
  }

  @Test
  void verifyAndExplain_settledMasquerade_conclusiveOnTranslatedPacket() throws IOException {
    Run api =
        Run.of("-f", CASE, "explain", "app/api-far", "n1-eth0", "--port", "10250", "-o", "json");
    assertThat(api.code()).as(api.toString()).isZero();
    JsonNode told = JSON.readTree(api.out());
    assertThat(told.path("verdict").asText()).isEqualTo("allow");
    assertThat(told.has("unmodelled")).isFalse();
    assertThat(told.has("masqueraded")).isFalse();
    JsonNode step = told.path("steps").get(told.path("steps").size() - 1);
    assertThat(step.path("endpoint").asText()).isEqualTo("n1-eth0");
    assertThat(step.path("decidedBy").path("ruleIndex").asInt()).isEqualTo(1);
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
