package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A pull request that removes a rule allowing several ports (22, 5432, 8000-8080) closes them all
 * alike, and leaves 9090 (another rule) open: a class holds the three ranges (text {@code TCP 22,
 * 5432, 8000-8080}; JSON {@code ports} the lowest, {@code morePorts} the others), where there was a
 * class per range before (6 classes, 2 per range).
 */
class DiffPortRangesTest {

  private static final String DIR = "src/test/resources/diff-ports/";

  @Test
  void diff_ruleOfSeveralPortsRemoved_oneClassOfTheirRanges() throws Exception {
    Run text = Run.of("-f", DIR + "head.yaml", "diff", "--base", DIR + "base.yaml");
    assertThat(text.code()).as(text.toString()).isEqualTo(1);
    assertThat(text.out())
        .as(text.toString())
        .contains("1 class of flows changed; no other flow changed (proved)")
        .contains("newly denied: world -> shop/db, TCP 22, 5432, 8000-8080")
        // spec S5.6: db's packets to itself never meet its policy
        .doesNotContain("shop/db -> shop/db");
    Run json =
        Run.of(
            "-f",
            DIR + "head.yaml",
            "diff",
            "--base",
            DIR + "base.yaml",
            "-o",
            "json",
            "--scope",
            "existing");
    JsonNode out = new ObjectMapper().readTree(json.out());
    assertThat(out.get("status").asText()).as(json.out()).isEqualTo("complete");
    assertThat(out.get("classes")).as(json.out()).hasSize(1);
    for (JsonNode c : out.get("classes")) {
      JsonNode p = c.get("packets");
      assertThat(p.get("ports").toString()).isEqualTo("{\"min\":22,\"max\":22}");
      assertThat(p.get("morePorts").toString())
          .isEqualTo("[{\"min\":5432,\"max\":5432},{\"min\":8000,\"max\":8080}]");
      int port = c.at("/witness/destination/port").asInt();
      assertThat(port == 22 || port == 5432 || port >= 8000 && port <= 8080)
          .as("witness port %d", port)
          .isTrue();
    }
    // 9090 stays allowed; 5432 was allowed and is denied now
    assertThat(verdict("head.yaml", "9090")).isEqualTo("allow");
    assertThat(verdict("head.yaml", "5432")).isEqualTo("deny");
    assertThat(verdict("base.yaml", "5432")).isEqualTo("allow");
  }

  /** explain's verdict on TCP to shop/db at {@code port} from outside over {@code file}. */
  private static String verdict(String file, String port) {
    return Run.verdict(DIR + file, "198.51.100.7", "shop/db", "--protocol", "TCP", "--port", port);
  }
}
