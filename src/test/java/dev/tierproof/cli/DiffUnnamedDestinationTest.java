package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A pull request that adds an egress allow-list of DNS names (spec S3.6) closes the pod's flows to
 * every outside address reached by any other name or none, and leaves those by the listed name: the
 * class of the witness (reached by no name) must say so, or no class the solver proves holds it
 * (the diff stopped inconclusive before: the witness's address reached by the listed name did not
 * change).
 */
class DiffUnnamedDestinationTest {

  private static final String DIR = "src/test/resources/diff-unnamed/";

  @Test
  void diff_egressAllowListOfNames_closesWorldByOtherNamesCompletely() throws Exception {
    Run text = Run.of("-f", DIR + "head.yaml", "diff", "--base", DIR + "base.yaml");
    assertThat(text.code()).as(text.toString()).isEqualTo(1);
    assertThat(text.out())
        .as(text.toString())
        // spec S5.6: web's packets to itself are no flow (one class, not two)
        .contains("1 class of flows changed; no other flow changed (proved)")
        .contains("newly denied: shop/web -> world by no DNS name the policies list, any protocol");
    Run json = Run.of("-f", DIR + "head.yaml", "diff", "--base", DIR + "base.yaml", "-o", "json");
    JsonNode out = new ObjectMapper().readTree(json.out());
    assertThat(out.get("status").asText()).isEqualTo("complete");
    JsonNode world = null;
    for (JsonNode c : out.get("classes")) {
      if (c.at("/destination/kind").asText().equals("outside")) {
        world = c;
      }
    }
    assertThat(world).as(json.out()).isNotNull();
    assertThat(world.at("/destination/unnamed").asBoolean()).isTrue();
    assertThat(world.get("destination").has("domain")).isFalse();
    assertThat(world.at("/witness/destination").has("domain")).isFalse();
    // the listed name stays allowed, any other name or none is denied now and was allowed before
    assertThat(verdict("head.yaml", "api.example.com")).isEqualTo("allow");
    assertThat(verdict("head.yaml", "203.0.113.9")).isEqualTo("deny");
    assertThat(verdict("base.yaml", "203.0.113.9")).isEqualTo("allow");
  }

  /** explain's verdict on TCP 443 from shop/web to {@code destination} over {@code file}. */
  private static String verdict(String file, String destination) {
    return Run.verdict(DIR + file, "shop/web", destination, "--protocol", "TCP", "--port", "443");
  }
}
