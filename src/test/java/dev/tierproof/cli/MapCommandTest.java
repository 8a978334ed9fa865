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
  void scopeAny_classesOfPodsThatCouldBeDeployed_agreeWithVerify() throws Exception {
    JsonNode map = json("--scope", "any");
    assertThat(map.get("scope").asText()).isEqualTo("any");
    Set<String> edges = edges(map);
    List<JsonNode> pods = new ArrayList<>();
    List<String> endpoints = new ArrayList<>();
    for (JsonNode g : map.get("groups")) {
      g.path("endpoints").forEach(e -> endpoints.add(e.asText()));
      if (g.path("hypothetical").asBoolean()) {
        assertThat(g.has("endpoints")).isFalse();
        assertThat(g.get("name").asText()).contains("(could be deployed)");
        pods.add(g);
      }
    }
    assertThat(endpoints).hasSize(6).doesNotHaveDuplicates(); // the input's groups are still there
    assertThat(pods).extracting(g -> g.get("namespace").asText()).contains("shop", "payments");
    JsonNode cart = null;
    JsonNode api = null;
    for (JsonNode g : pods) {
      List<String> matches = new ArrayList<>();
      g.get("matches").forEach(m -> matches.add(m.asText()));
      if (g.get("namespace").asText().equals("payments")
          && matches.equals(List.of("app == \"payments-api\""))
          && g.path("at").toString().contains("o1")) {
        api = g;
      }
    }
    for (JsonNode g : pods) {
      if (g.get("labels").path("app").asText().equals("cart")
          && g.get("namespace").asText().equals("shop")
          && g.path("at").toString().contains("o1")
          && !g.get("labels").has("external")) {
        cart = g;
      }
    }
    assertThat(cart).isNotNull();
    assertThat(api).isNotNull();
    String edge = cart.get("id").asText() + "->" + api.get("id").asText();
    assertThat(edges).contains(edge);
    // verify agrees: such pods reach each other on TCP 8443, and a frontend pod reaches no payments
    // pod
    Run reachable =
        Run.of(
            "-f",
            "examples/shop",
            "verify",
            "reachable",
            "shop/{app == 'cart'}",
            "payments/{app == 'payments-api'}",
            "--protocol",
            "TCP",
            "--port",
            "8443");
    assertThat(reachable.code()).as(reachable.toString()).isZero();
    for (JsonNode g : pods) {
      if (g.get("namespace").asText().equals("shop")
          && g.get("labels").path("app").asText().equals("frontend")) {
        for (JsonNode p : pods) {
          if (p.get("namespace").asText().equals("payments")) {
            assertThat(edges).doesNotContain(g.get("id").asText() + "->" + p.get("id").asText());
          }
        }
      }
    }
    Run isolated =
        Run.of(
            "-f", "examples/shop", "verify", "isolated", "shop/{app == 'frontend'}", "payments/*");
    assertThat(isolated.code()).as(isolated.toString()).isZero();
    Run text = Run.of("-f", "examples/shop", "map", "--scope", "any", "shop/{app == 'cart'}");
    assertThat(text.code()).isZero();
    assertThat(text.out()).contains("(scope: any)").contains("shop/{app=cart} (could be deployed)");
    for (String format : List.of("csv", "markdown", "dot", "mermaid", "html")) {
      Run r = Run.of("-f", "examples/shop", "map", "--scope", "any", "-o", format);
      assertThat(r.code()).as(format).isZero();
      assertThat(r.out()).as(format).contains("could be deployed");
    }
  }

  @Test
  void dnsNames_destinationGroupsOfTheirOwn() throws Exception {
    String file = "specs/cases/own/domains-and-allowed-egress-domains/resources.yaml";
    Run run = Run.of("-f", file, "map", "-o", "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode map = new ObjectMapper().readTree(run.out());
    java.util.Map<String, String> byDomain = new java.util.HashMap<>();
    String world = null;
    for (JsonNode g : map.get("groups")) {
      if (g.has("domains")) {
        assertThat(g.get("id").asText()).startsWith("d");
        assertThat(g.has("endpoints")).isFalse();
        byDomain.put(g.get("domains").get(0).asText(), g.get("id").asText());
      } else if (g.has("cidrs")) {
        world = g.get("id").asText();
      }
    }
    assertThat(byDomain)
        .containsOnlyKeys(
            "api.example.com", "*.cdn.example.net", "partner.example.org", "*.partner.example.org");
    Set<String> edges = edges(map);
    assertThat(edges).contains("g1->" + byDomain.get("*.cdn.example.net"));
    assertThat(edges).doesNotContain("g1->" + world);
    JsonNode witness = null;
    for (JsonNode e : map.get("edges")) {
      if (e.get("to").asText().equals(byDomain.get("*.cdn.example.net"))) {
        witness = e.get("allowed").get(0).get("witness");
      }
    }
    assertThat(witness.get("destination").get("domain").asText()).endsWith(".cdn.example.net");
    Run text = Run.of("-f", file, "map");
    assertThat(text.out())
        .contains("4 of DNS names")
        .contains("dn/app -> *.cdn.example.net at world: TCP 443");
    Run restricted = Run.of("-f", file, "map", "dn/app", "x.cdn.example.net", "-o", "json");
    assertThat(edges(new ObjectMapper().readTree(restricted.out())))
        .containsExactly("g1->" + byDomain.get("*.cdn.example.net"));
  }

  @Test
  void badUsage_exit2WithPositions() {
    Run scope = Run.of("-f", "examples/shop", "map", "--scope", "all");
    assertThat(scope.code()).isEqualTo(2);
    assertThat(scope.err()).contains("`all` is not a scope");
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
