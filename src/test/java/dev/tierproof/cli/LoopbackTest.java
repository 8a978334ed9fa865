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
  private static final String HOSTS = DIR + "hosts.yaml";
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
        .contains(
            "note: shop/solo's packets to its own address never leave the pod: Linux delivers them"
                + " over its loopback interface, so no Calico policy sees them; they are no flow of"
                + " the question");
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

  // spec S6.13: a host's packets to its own addresses, on hosts.yaml: n1 has named host endpoints
  // only (nothing governs its lo), n2 the all-interfaces one (it governs n2's lo on iptables)

  @Test
  void explain_hostToItselfUngoverned_allowedWithoutStep() throws Exception {
    Run text = Run.of("-f", HOSTS, "explain", "n1-eth1", "n1-eth0", "--port", "10250");
    assertThat(text.code()).as(text.toString()).isZero();
    assertThat(text.out())
        .isEqualTo(
            "allow: n1-eth1 -> n1-eth0 (TCP 192.168.20.11:40000 -> 192.168.10.11:10250)\n\n"
                + "node n1's packets to its own addresses never leave the host: Linux delivers them"
                + " over `lo`, which no host endpoint of the node governs (none has `interfaceName:"
                + " lo` or `*`), so no Calico policy sees them.\n");
    JsonNode json =
        JSON.readTree(
            Run.of("-f", HOSTS, "explain", "n1-eth0", "n1-eth0", "--port", "10250", "-o", "json")
                .out());
    assertThat(json.get("steps")).isEmpty();
    assertThat(json.get("loopback").asBoolean()).isTrue();
    // the same packet from another node meets n1-eth0's ingress, which denies it
    Run other = Run.of("-f", HOSTS, "explain", "n2-auto", "n1-eth0", "--port", "10250");
    assertThat(other.out()).startsWith("deny: n2-auto -> n1-eth0").contains("ingress at n1-eth0");
  }

  @Test
  void verify_hostToItselfUngoverned_noFlowOfTheQuestion() {
    Run reachable = Run.of("-f", HOSTS, "verify", "reachable", "n1-eth1", "n1-eth0");
    assertThat(reachable.code()).as(reachable.toString()).isEqualTo(1);
    assertThat(reachable.out())
        .contains("no flow of the question is allowed")
        .contains("note: node n1's packets to its own addresses never leave the host");
    // every address of the hosts' range but n1's own is blocked at n1-eth0's ingress
    Run isolated =
        Run.of("-f", HOSTS, "verify", "isolated", "192.168.0.0/16", "n1-eth0", "--port", "10250");
    assertThat(isolated.code()).as(isolated.toString()).isZero();
  }

  @Test
  void hostToItselfGoverned_walkedOnTheRendererNoneOnBpf() throws Exception {
    Run iptables =
        Run.of(
            "-f",
            HOSTS,
            "--dataplane",
            "iptables",
            "explain",
            "n2-auto",
            "n2-auto",
            "--port",
            "10250");
    assertThat(iptables.code()).as(iptables.toString()).isZero();
    assertThat(iptables.out())
        .startsWith("deny: n2-auto -> n2-auto")
        .contains("ingress at n2-auto: deny");
    Run bpf =
        Run.of(
            "-f", HOSTS, "--dataplane", "bpf", "explain", "n2-auto", "n2-auto", "--port", "10250");
    assertThat(bpf.code()).as(bpf.toString()).isZero();
    assertThat(bpf.out())
        .startsWith("allow: n2-auto -> n2-auto")
        .contains("where the eBPF dataplane attaches no program");
    // with no dataplane, an answer such a flow shows is inconclusive, a proof over every flow not
    Run shown = Run.of("-f", HOSTS, "explain", "n2-auto", "n2-auto", "--port", "10250");
    assertThat(shown.code()).as(shown.toString()).isEqualTo(3);
    assertThat(shown.out()).contains("HostEndpoint `n2-auto`");
    Run witness = Run.of("-f", HOSTS, "verify", "reachable", "n2-auto", "n2-auto", "--port", "22");
    assertThat(witness.code()).as(witness.toString()).isEqualTo(3);
    Run proof = Run.of("-f", HOSTS, "verify", "isolated", "n2-auto", "n2-auto", "--port", "10250");
    assertThat(proof.code()).as(proof.toString()).isZero();
    // a witness that leaves its host is preferred, which every dataplane agrees on
    Run range =
        Run.of("-f", HOSTS, "verify", "reachable", "192.168.0.0/16", "n2-auto", "--port", "22");
    assertThat(range.code()).as(range.toString()).isZero();
    assertThat(range.out()).contains("egress at n1-eth");
  }

  @Test
  void diff_dataplanes_listHostToItself() {
    Run run = Run.of("-f", HOSTS, "-q", "diff", "--dataplane", "iptables:bpf");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains("3 classes of flows changed; no other flow changed (proved)")
        .contains(
            "newly allowed: n2-auto -> n2-auto, TCP 0-21, 23-178, 180-2378, 2381-5472, 5474-6442,"
                + " 6444-6665, 6668-65535\n")
        .contains("newly allowed: n2-auto -> n2-auto, UDP 0-67, 69-65535\n")
        .contains("newly allowed: n2-auto -> n2-auto, any protocol but TCP, UDP\n")
        .doesNotContain("n1-eth");
  }

  @Test
  void map_noEdgeOfAnUngovernedHostToItself() throws Exception {
    JsonNode map =
        JSON.readTree(Run.of("-f", HOSTS, "--dataplane", "iptables", "map", "-o", "json").out());
    String n1 = null;
    String n2 = null;
    for (JsonNode g : map.get("groups")) {
      String members = g.path("endpoints").toString();
      n1 = members.contains("n1-eth0") ? g.get("id").asText() : n1;
      n2 = members.contains("n2-auto") ? g.get("id").asText() : n2;
    }
    List<String> selfEdges = new ArrayList<>();
    for (JsonNode e : map.get("edges")) {
      if (e.get("from").equals(e.get("to"))) {
        selfEdges.add(e.get("from").asText());
      }
    }
    // n2's flows to itself meet its all-interfaces endpoint, which lets the failsafe ports in
    assertThat(selfEdges).containsExactly(n2).doesNotContain(n1);
  }
}
