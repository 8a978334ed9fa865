package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The map on a settled nat-outgoing masquerade (spec S6.10, S9.2), case
 * own/host-endpoint-other-node: api-far (on n3, its address in the nat-outgoing pool, n3's address
 * said) reaches n1-eth0's kubelet port only from n3's address (kubelet's rule 1; rule 0 selects app
 * == 'web'), so the map's edge allows TCP 10250 decided by rule 1, as verify proves it reachable,
 * and names no unmodelled element for the pair; web-nat (its node's address not said) and db-four
 * (its node's two addresses told apart) stay inconclusive, as verify says; web-nat and web-plain
 * (in and out of the nat-outgoing pool) are no longer one group.
 */
class MapMasqueradeTest {

  private static final String CASE = "specs/cases/own/host-endpoint-other-node";

  @Test
  void map_settledMasquerade_edgeAsVerifyAndNoElement() throws Exception {
    Run run = Run.of("-f", CASE, "map", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode map = new ObjectMapper().readTree(run.out());
    Map<String, String> groupOf = new HashMap<>();
    for (JsonNode g : map.get("groups")) {
      if (g.has("endpoints")) {
        for (JsonNode e : g.get("endpoints")) {
          groupOf.put(e.asText(), g.get("id").asText());
        }
      }
    }
    assertThat(groupOf.get("app/web-nat")).isNotEqualTo(groupOf.get("app/web-plain"));
    String apiFar = groupOf.get("app/api-far");
    String n1 = groupOf.get("n1-eth0");
    JsonNode kubelet = null;
    for (JsonNode e : map.get("edges")) {
      if (e.get("from").asText().equals(apiFar) && e.get("to").asText().equals(n1)) {
        for (JsonNode p : e.get("allowed")) {
          if (p.get("protocol").asText().equals("TCP")
              && p.get("ports").toString().contains("10250")) {
            kubelet = p;
          }
        }
      }
    }
    assertThat(kubelet).as("api-far -> n1-eth0 allows TCP 10250").isNotNull();
    JsonNode ingress = kubelet.get("decidedBy").get(1);
    assertThat(ingress.get("policy").asText()).isEqualTo("kubelet");
    assertThat(ingress.get("ruleIndex").asInt()).isEqualTo(1);
    Run verify =
        Run.of("-f", CASE, "verify", "reachable", "app/api-far", "n1-eth0", "--port", "10250");
    assertThat(verify.code()).as(verify.toString()).isZero();
    java.util.Set<String> inconclusive = new java.util.TreeSet<>();
    for (JsonNode p : map.get("inconclusivePairs")) {
      if (p.get("unmodelled").get(0).get("kind").asText().equals("HostEndpoint")) {
        // spec S6.13: an all-interfaces endpoint's node's packets to itself, with no dataplane
        assertThat(p.get("from")).as(p.toString()).isEqualTo(p.get("to"));
        continue;
      }
      assertThat(p.get("unmodelled").get(0).get("kind").asText()).isEqualTo("natOutgoing");
      inconclusive.add(p.get("from").asText() + "->" + p.get("to").asText());
    }
    assertThat(inconclusive)
        .containsExactlyInAnyOrder(
            groupOf.get("app/web-nat") + "->" + n1, groupOf.get("app/db-four") + "->" + n1);
  }
}
