package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * verify's blockers name each deciding point (spec S4.6, S4.7): a drop after a profile's Pass went
 * on past the last profile, named by that Pass, is another point than a drop where no profile rule
 * matched (ClusterDifferentialTest seed 300038: the solver held both as one point, so the list
 * named one, by whichever example it drew).
 */
class ProfilePassBlockersTest {

  private static final String FILE = "src/test/resources/profile-pass-blockers/resources.yaml";

  @Test
  void verifyReachable_passAndNoMatchBothDrop_bothBlockersListed() throws Exception {
    Run run =
        Run.of(
            "--dataplane",
            "iptables",
            "-f",
            FILE,
            "verify",
            "reachable",
            "hep",
            "world",
            "--protocol",
            "UDP",
            "--port",
            "5000:6000",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    List<String> blockers = new ArrayList<>();
    for (JsonNode b : new ObjectMapper().readTree(run.out()).get("blockers")) {
      JsonNode d = b.get("decidedBy");
      blockers.add(
          b.get("endpoint").asText()
              + " "
              + b.get("direction").asText()
              + " "
              + d.get("kind").asText()
              + (d.has("profile")
                  ? " " + d.get("profile").asText() + " #" + d.get("ruleIndex")
                  : ""));
    }
    assertThat(blockers)
        .as(run.toString())
        .containsExactlyInAnyOrder("hep egress no-profile", "hep egress no-profile p-pass #0");
  }
}
