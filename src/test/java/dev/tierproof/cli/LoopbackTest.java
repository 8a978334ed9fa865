package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's packets to its own address (spec S5.6) through every command, on {@code
 * src/test/resources/loopback/cluster.yaml}: solo, a pod alone with its labels; db and db2 share
 * their labels; web is a Deployment's pod template. A pod's flow to itself has no step and is no
 * flow of any question; two pods of one group or of one template are. Every pod of shop accepts TCP
 * 5432 from app=db pods, 80 from app=web pods and 9000 from app=solo pods.
 */
class LoopbackTest {

  private static final String DIR = "src/test/resources/loopback/";
  private static final String CLUSTER = DIR + "cluster.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void explain_podToItself_allowedWithoutStep() throws Exception {
    Run text = Run.of("-f", CLUSTER, "explain", "shop/solo", "shop/solo", "--port", "9000");
    assertThat(text.code()).as(text.toString()).isZero();
    assertThat(text.out())
        .startsWith("allow: shop/solo -> shop/solo (TCP 10.0.0.7:40000 -> 10.0.0.7:9000)")
        .contains("shop/solo's packets to its own address never leave the pod")
        .doesNotContain("ingress at");
    JsonNode json =
        JSON.readTree(
            Run.of(
                    "-f",
                    CLUSTER,
                    "explain",
                    "shop/solo",
                    "shop/solo",
                    "--port",
                    "9000",
                    "-o",
                    "json")
                .out());
    assertThat(json.get("verdict").asText()).isEqualTo("allow");
    assertThat(json.get("steps")).isEmpty();
    assertThat(json.get("loopback").asBoolean()).isTrue();
    // another pod's packet on the same port meets solo's ingress, which denies it
    JsonNode other =
        JSON.readTree(
            Run.of("-f", CLUSTER, "explain", "shop/db", "shop/solo", "--port", "9000", "-o", "json")
                .out());
    assertThat(other.get("verdict").asText()).isEqualTo("deny");
    assertThat(other.has("loopback")).isFalse();
  }

  @Test
  void verify_podAloneToItself_noFlowOfTheQuestion() {
    Run reachable =
        Run.of("-f", CLUSTER, "verify", "reachable", "shop/solo", "shop/solo", "--port", "9000");
    assertThat(reachable.code()).as(reachable.toString()).isEqualTo(1);
    assertThat(reachable.out())
        .contains("no flow of the question is allowed")
        .contains("note: shop/solo's packets to its own address never leave the pod (loopback)");
    Run isolated =
        Run.of(
            "-f",
            CLUSTER,
            "verify",
            "isolated",
            "shop/{app == 'solo'}",
            "shop/{app == 'solo'}",
            "--existing");
    assertThat(isolated.code()).as(isolated.toString()).isZero();
  }

  @Test
  void verify_groupOfTwoPods_witnessBetweenTwoOfThem() throws Exception {
    Run run =
        Run.of(
            "-f",
            CLUSTER,
            "verify",
            "isolated",
            "shop/{app == 'db'}",
            "shop/{app == 'db'}",
            "--existing",
            "--port",
            "5432",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    JsonNode witness = JSON.readTree(run.out()).get("witness");
    String from = witness.at("/source/endpoint").asText();
    String to = witness.at("/destination/endpoint").asText();
    assertThat(List.of(from, to)).containsExactlyInAnyOrder("shop/db", "shop/db2");
    assertThat(witness.at("/source/ip").asText())
        .isNotEqualTo(witness.at("/destination/ip").asText());
  }

  @Test
  void verify_deploymentToItself_twoOfItsPods() throws Exception {
    Run run =
        Run.of(
            "-f",
            CLUSTER,
            "verify",
            "reachable",
            "shop/web",
            "shop/web",
            "--port",
            "80",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode witness = JSON.readTree(run.out()).get("witness");
    assertThat(witness.at("/source/endpoint").asText()).isEqualTo("shop/web");
    assertThat(witness.at("/destination/endpoint").asText()).isEqualTo("shop/web");
    assertThat(witness.at("/source/ip").asText())
        .isNotEqualTo(witness.at("/destination/ip").asText());
  }

  @Test
  void map_selfEdgesOfGroupsAndTemplatesOnly() throws Exception {
    Run run = Run.of("-f", CLUSTER, "map", "-o", "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode map = JSON.readTree(run.out());
    List<String> selfEdges = new ArrayList<>();
    for (JsonNode e : map.get("edges")) {
      if (e.get("from").equals(e.get("to"))) {
        for (JsonNode g : map.get("groups")) {
          if (g.get("id").equals(e.get("from"))) {
            selfEdges.add(g.get("endpoints").toString());
          }
        }
      }
    }
    assertThat(selfEdges).containsExactlyInAnyOrder("[\"shop/db\",\"shop/db2\"]", "[\"shop/web\"]");
  }

  @Test
  void diff_defaultDenyAdded_noPodToItself(@TempDir Path tmp) throws Exception {
    String cluster = Files.readString(Path.of(CLUSTER));
    String head =
        cluster.substring(0, cluster.indexOf("apiVersion: networking.k8s.io/v1"))
            + Files.readString(Path.of(DIR + "deny.yaml"));
    Path file = Files.writeString(tmp.resolve("head.yaml"), head);
    Run run = Run.of("-f", file.toString(), "diff", "--base", CLUSTER);
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .as(run.toString())
        .contains("3 classes of flows changed; no other flow changed (proved)")
        // solo's packets to itself on 9000 were allowed and are no flow: the other pods only
        .contains("newly denied: shop/solo -> shop/db, shop/db2, shop/web, TCP 9000\n")
        .contains("newly denied: shop/db, shop/db2 -> shop/db, shop/db2, shop/solo, shop/web, TCP")
        .contains("newly denied: shop/web -> shop/db, shop/db2, shop/solo, shop/web, TCP 80");
  }
}
