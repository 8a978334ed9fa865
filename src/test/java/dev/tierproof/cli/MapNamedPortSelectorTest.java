package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map tells apart peers whose named ports a rule side sees differently (spec S3.5): Calico's
 * named-port IP sets hold the ports of the endpoints the side's selector selects, so two peers at
 * addresses every side holds alike, naming the same ports, may still meet different rules (map
 * differential seed 810,061: the map stopped with an internal error).
 */
class MapNamedPortSelectorTest {

  private static final String FILE = "src/test/resources/map-named-port-selector/resources.yaml";

  @Test
  void map_peersSeenWithDifferentNamedPorts_decidedByTheirOwnRules() throws Exception {
    Run map = Run.of("-f", FILE, "map", "-o", "json");
    assertThat(map.code()).as(map.toString()).isZero();
    JsonNode out = new ObjectMapper().readTree(map.out());
    assertThat(rules(out, "app/server")).containsExactly(0);
    assertThat(rules(out, "app/other")).containsExactly(1);
    for (String[] q : new String[][] {{"app/server", "0"}, {"app/other", "1"}}) {
      Run explain =
          Run.of(
              "-f",
              FILE,
              "explain",
              "app/client",
              q[0],
              "--protocol",
              "TCP",
              "--port",
              "9090",
              "-o",
              "json");
      JsonNode steps = new ObjectMapper().readTree(explain.out()).get("steps");
      assertThat(steps.get(0).get("decidedBy").get("ruleIndex").asInt())
          .as(explain.toString())
          .isEqualTo(Integer.parseInt(q[1]));
    }
  }

  /** The egress rules of client-out deciding the map's parts from app/client to {@code to}. */
  private static List<Integer> rules(JsonNode map, String to) {
    String from = group(map, "app/client");
    String dst = group(map, to);
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : map.get("edges")) {
      if (e.get("from").asText().equals(from) && e.get("to").asText().equals(dst)) {
        for (JsonNode p : e.get("allowed")) {
          out.add(p.get("decidedBy").get(0).get("ruleIndex").asInt());
        }
      }
    }
    return out;
  }

  private static String group(JsonNode map, String endpoint) {
    for (JsonNode g : map.get("groups")) {
      for (JsonNode e : g.path("endpoints")) {
        if (e.asText().equals(endpoint)) {
          return g.get("id").asText();
        }
      }
    }
    throw new AssertionError("no group holds " + endpoint);
  }
}
