package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Cidrs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A change that opens everywhere outside but two ranges is one class (the greedy widening finds it
 * block by block; the blocks are joined again), named by what it leaves out.
 */
class DiffOutsideRangesTest {

  private static final String DIR = "src/test/resources/diff-outside-ranges/";

  @Test
  void diff_openedOutsideButTwoRanges_oneClassNamedByWhatItLeavesOut() throws Exception {
    Run text = Run.of("-f", DIR + "head.yaml", "diff", "--base", DIR + "base.yaml");
    assertThat(text.code()).as(text.toString()).isEqualTo(1);
    assertThat(text.out())
        .as(text.toString())
        .contains("1 class of flows changed; no other flow changed (proved)")
        .contains(
            "newly allowed: IPv4 outside except 10.0.0.0/8, 192.168.0.0/16 -> shop/web, TCP 80");
    Run json = Run.of("-f", DIR + "head.yaml", "diff", "--base", DIR + "base.yaml", "-o", "json");
    JsonNode classes = new ObjectMapper().readTree(json.out()).get("classes");
    assertThat(classes).hasSize(1);
    List<Cidr> ranges = new ArrayList<>();
    classes
        .get(0)
        .get("source")
        .get("ranges")
        .forEach(r -> ranges.add(Cidr.parse(r.asText()).orElseThrow()));
    assertThat(Cidrs.complement(ranges, 4).stream().map(Cidr::toString))
        .containsExactly("10.0.0.0/8", "192.168.0.0/16");
    for (String[] q :
        new String[][] {{"11.2.3.4", "allow"}, {"192.169.0.1", "allow"}, {"192.168.3.3", "deny"}}) {
      assertThat(verdict("head.yaml", q[0])).isEqualTo(q[1]);
      assertThat(verdict("base.yaml", q[0])).isEqualTo("deny");
    }
  }

  /** explain's verdict on TCP 80 from {@code address} to shop/web over {@code file}. */
  private static String verdict(String file, String address) {
    return Run.verdict(DIR + file, address, "shop/web", "--protocol", "TCP", "--port", "80");
  }
}
