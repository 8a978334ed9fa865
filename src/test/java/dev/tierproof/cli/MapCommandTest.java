package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code map} on {@code examples/shop}: its formats, groupings, restrictions and bad usage. */
class MapCommandTest {

  private static JsonNode json(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-f", "examples/shop", "map", "-o", "json"));
    all.addAll(List.of(args));
    Run run = Run.of(all.toArray(String[]::new));
    assertThat(run.code()).as(run.toString()).isZero();
    return new ObjectMapper().readTree(run.out());
  }

  private static Set<String> edges(JsonNode map) {
    Set<String> names = new HashSet<>();
    map.get("groups").forEach(g -> names.add(g.get("id").asText()));
    Set<String> out = new HashSet<>();
    for (JsonNode e : map.get("edges")) {
      assertThat(names).contains(e.get("from").asText(), e.get("to").asText());
      assertThat(e.get("allowed")).isNotEmpty();
      out.add(e.get("from").asText() + "->" + e.get("to").asText());
    }
    return out;
  }

  @Test
  void json_everyEndpointInOneGroup_partsCarryDecisionsAndWitness() throws Exception {
    JsonNode map = json();
    assertThat(map.get("scope").asText()).isEqualTo("existing");
    List<String> endpoints = new ArrayList<>();
    map.get("groups").forEach(g -> g.path("endpoints").forEach(e -> endpoints.add(e.asText())));
    assertThat(endpoints)
        .doesNotHaveDuplicates()
        .hasSize(6)
        .contains("shop/cart-0", "payments/payments-api-0");
    JsonNode cart = null;
    for (JsonNode e : map.get("edges")) {
      String from = e.get("from").asText();
      for (JsonNode g : map.get("groups")) {
        if (g.get("id").asText().equals(from)
            && g.path("endpoints").toString().contains("shop/cart-0")
            && e.toString().contains("payments/payments-api-0")) {
          cart = e;
        }
      }
    }
    assertThat(cart).isNotNull();
    JsonNode part = cart.get("allowed").get(0);
    assertThat(part.get("protocol").asText()).isEqualTo("TCP");
    assertThat(part.get("ports").get(0).asText()).isEqualTo("8443");
    assertThat(part.get("decidedBy")).hasSize(2);
    assertThat(part.get("decidedBy").get(0).get("policy").asText()).isEqualTo("app.cart");
    assertThat(part.get("decidedBy").get(1).get("direction").asText()).isEqualTo("ingress");
    assertThat(part.get("witness").get("destination").get("port").asInt()).isEqualTo(8443);
  }

  @Test
  void restrictions_andGroupings_narrowTheSameMap() throws Exception {
    JsonNode all = json();
    JsonNode fromCart = json("shop/cart-0", "payments/*");
    assertThat(edges(fromCart)).hasSize(1).isSubsetOf(edges(all));
    JsonNode udp = json("--protocol", "UDP");
    for (JsonNode e : udp.get("edges")) {
      e.get("allowed").forEach(p -> assertThat(p.get("protocol").asText()).isIn("UDP", "any"));
    }
    JsonNode byNamespace = json("--group", "namespace");
    List<String> namespaces = new ArrayList<>();
    byNamespace
        .get("groups")
        .forEach(
            g -> {
              if (!g.has("cidrs")) {
                namespaces.add(g.get("namespace").asText());
              }
            });
    assertThat(namespaces).containsExactlyInAnyOrder("shop", "payments", "kube-system");
    assertThat(edges(byNamespace).size()).isLessThan(edges(all).size());
  }

  @Test
  void otherFormats_tablesAndGraphs() {
    Run csv = Run.of("-f", "examples/shop", "map", "-o", "csv");
    assertThat(csv.out())
        .startsWith("from,from_group,to,to_group,packets,decided_by,witness\n")
        .contains("shop/cart-0,g2,payments/payments-api-0,g4,TCP 8443,");
    assertThat(Run.of("-f", "examples/shop", "map", "-o", "dot").out())
        .startsWith("digraph tierproof {")
        .contains("g2 -> g4");
    assertThat(Run.of("-f", "examples/shop", "map", "-o", "mermaid").out())
        .startsWith("flowchart LR\n")
        .contains("g2 -->|\"TCP 8443\"| g4");
    assertThat(Run.of("-f", "examples/shop", "map", "-o", "markdown").out())
        .contains("| `shop/cart-0` | `payments/payments-api-0` | TCP 8443 |");
  }

  @Test
  void badUsage_exit2WithPositions() {
    Run scope = Run.of("-f", "examples/shop", "map", "--scope", "any");
    assertThat(scope.code()).isEqualTo(2);
    assertThat(scope.err())
        .contains("`map --scope any` (pods not yet deployed) is not supported yet");
    Run group = Run.of("-f", "examples/shop", "map", "--group", "pods");
    assertThat(group.code()).isEqualTo(2);
    assertThat(group.err()).contains("`pods` is not a grouping");
    Run format = Run.of("-f", "examples/shop", "map", "-o", "sarif");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err())
        .contains("this command writes text, json, markdown, csv, dot, mermaid, html");
    Run ref = Run.of("-f", "examples/shop", "map", "shop/nope");
    assertThat(ref.code()).isEqualTo(2);
    assertThat(ref.err()).contains("<command line>:1:").contains("shop/nope");
  }
}
