package dev.tierproof.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * explain after a profile's Pass (specs/semantics.md S4.6, S4.7): the text says the whole walk
 * through the profiles, and each step's JSON lists the profiles walked in order with what each did
 * ({@code profiles}), beside the unchanged {@code decidedBy}; verify's witness carries it too.
 */
class ProfileWalkExplainTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASS =
      "specs/cases/own/dataplane-profile-pass-iptables/resources.yaml";

  /**
   * Host endpoint hp-three walks p-udp (allows UDP only), p-pass (passes TCP 24, allows TCP 26),
   * then p-25 (allows TCP 25).
   */
  private static final String THREE =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: hp-three}
      spec:
        node: node-3
        interfaceName: eth0
        expectedIPs: [10.61.0.3]
        profiles: [p-udp, p-pass, p-25]
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: p-udp}
      spec:
        ingress:
          - action: Allow
            protocol: UDP
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: p-pass}
      spec:
        ingress:
          - action: Pass
            protocol: TCP
            destination: {ports: [24]}
          - action: Allow
            protocol: TCP
            destination: {ports: [26]}
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: p-25}
      spec:
        ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [25, 24]}
            source: {nets: [192.0.2.0/24]}
      """;

  private static Run explain(String file, String dataplane, String to, int port, String... more) {
    List<String> args = new ArrayList<>(List.of("--config", "none"));
    if (dataplane != null) {
      args.addAll(List.of("--dataplane", dataplane));
    }
    args.addAll(
        List.of(
            "-f",
            file,
            "explain",
            "198.51.100.7",
            to,
            "--protocol",
            "TCP",
            "--port",
            Integer.toString(port)));
    args.addAll(List.of(more));
    return Run.of(args.toArray(String[]::new));
  }

  /** {@code [profile outcome ruleIndex?]} of each profile the only step walked. */
  private static List<String> walked(JsonNode explanation) {
    JsonNode steps = explanation.get("steps");
    assertThat(steps).hasSize(1);
    List<String> out = new ArrayList<>();
    JsonNode profiles = steps.get(0).get("profiles");
    if (profiles != null) {
      for (JsonNode p : profiles) {
        out.add(
            p.get("profile").asText()
                + " "
                + p.get("outcome").asText()
                + (p.has("ruleIndex") ? " " + p.get("ruleIndex").asInt() : ""));
      }
    }
    return out;
  }

  private static JsonNode json(Run run) throws Exception {
    assertThat(run.code()).as(run.toString()).isIn(0, 3);
    return JSON.readTree(run.out());
  }

  @Test
  void explain_passThenAllowOnIptables_saysTheWalkAndListsBothProfiles() throws Exception {
    JsonNode out = json(explain(PASS, "iptables", "hp-two", 24, "-o", "json"));
    assertThat(walked(out)).containsExactly("p-pass pass 0", "p-allow allow 0");
    JsonNode decided = out.get("steps").get(0).get("decidedBy");
    assertThat(decided.get("kind").asText()).isEqualTo("profile");
    assertThat(decided.get("profile").asText()).isEqualTo("p-allow");
    assertThat(decided.get("ruleIndex").asInt()).isZero();
    assertThat(decided.get("action").asText()).isEqualTo("Allow");
    assertThat(explain(PASS, "nftables", "hp-two", 24).out())
        .contains(
            "No policy applies to hp-two's ingress; profile p-pass passes (its ingress rule 0), so"
                + " the nftables dataplane goes on to profile p-allow, which allows (its ingress"
                + " rule 0).\n");
  }

  @Test
  void explain_passOnBpf_walkEndsAtThePassThatDenies() throws Exception {
    JsonNode out = json(explain(PASS, "bpf", "hp-two", 24, "-o", "json"));
    assertThat(out.get("verdict").asText()).isEqualTo("deny");
    assertThat(walked(out)).as("one profile: decidedBy names it").isEmpty();
    assertThat(explain(PASS, "bpf", "hp-two", 24).out())
        .contains("profile p-pass passes, which a profile treats as deny.");
  }

  @Test
  void explain_denyInFirstProfile_oneEntryAndTheSentenceAsBefore() throws Exception {
    JsonNode out = json(explain(PASS, "iptables", "hp-two", 23, "-o", "json"));
    assertThat(walked(out)).as("one profile: decidedBy names it").isEmpty();
    assertThat(explain(PASS, "iptables", "hp-two", 23).out())
        .contains("No policy applies to hp-two's ingress; profile p-pass denies.\n");
  }

  /** explain's JSON and text of TCP {@code port} into hp-three ({@link #THREE}) on iptables. */
  private static List<Object> three(Path dir, int port) throws Exception {
    Path file = dir.resolve("three.yaml");
    Files.writeString(file, THREE);
    return List.of(
        json(explain(file.toString(), "iptables", "hp-three", port, "-o", "json")),
        explain(file.toString(), "iptables", "hp-three", port).out());
  }

  @Test
  void explain_noMatchPassNoMatch_droppedAfterTheLastProfile(@TempDir Path dir) throws Exception {
    List<Object> three = three(dir, 24);
    JsonNode out = (JsonNode) three.get(0);
    assertThat(out.get("verdict").asText()).isEqualTo("deny");
    assertThat(walked(out)).containsExactly("p-udp no-match", "p-pass pass 0", "p-25 no-match");
    JsonNode decided = out.get("steps").get(0).get("decidedBy");
    assertThat(decided.get("kind").asText()).isEqualTo("no-profile");
    assertThat(decided.get("profile").asText()).isEqualTo("p-pass");
    assertThat((String) three.get(1))
        .contains(
            "No policy applies to hp-three's ingress; profile p-udp has no matching ingress rule,"
                + " so the walk goes on to profile p-pass, which passes (its ingress rule 0), so the"
                + " iptables dataplane goes on to profile p-25, which has no matching ingress rule,"
                + " and no profile is left, so it is dropped.\n");
  }

  @Test
  void explain_noMatchThenAllow_walksOnWithoutAPass(@TempDir Path dir) throws Exception {
    List<Object> three = three(dir, 26);
    JsonNode out = (JsonNode) three.get(0);
    assertThat(out.get("verdict").asText()).isEqualTo("allow");
    assertThat(walked(out)).containsExactly("p-udp no-match", "p-pass allow 1");
    assertThat((String) three.get(1))
        .contains(
            "profile p-udp has no matching ingress rule, so the walk goes on to profile p-pass,"
                + " which allows (its ingress rule 1).\n");
  }

  @Test
  void explain_tierDecides_noProfiles() throws Exception {
    Run run =
        Run.of(
            "--config",
            "none",
            "-f",
            "examples/shop",
            "explain",
            "shop/frontend-0",
            "shop/cart-0",
            "-o",
            "json");
    JsonNode out = json(run);
    for (JsonNode step : out.get("steps")) {
      assertThat(step.has("profiles")).as(step.toString()).isFalse();
    }
  }

  @Test
  void verify_witness_explanationListsTheProfilesWalked() throws Exception {
    Run run =
        Run.of(
            "--config",
            "none",
            "--dataplane",
            "iptables",
            "-f",
            PASS,
            "verify",
            "reachable",
            "198.51.100.7",
            "hp-two",
            "--protocol",
            "TCP",
            "--port",
            "24",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode explanation = JSON.readTree(run.out()).get("witness").get("explanation");
    assertThat(walked(explanation)).containsExactly("p-pass pass 0", "p-allow allow 0");
  }
}
