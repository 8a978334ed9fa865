package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload naming no node in a flow with outside runs on each walked node or elsewhere (spec
 * S6.11): explain answers for elsewhere and notes each walked node, diff and map name the node, and
 * a forward policy of a node whose chain is not walked keeps the answer inconclusive.
 */
class FloatingPlacementTest {

  private static final String WALKED = "specs/cases/own/host-endpoint-forward-walked";
  private static final Path RESOURCES = Path.of(WALKED, "resources.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The case's rule renderer (spec S6.11: with none chosen the dataplanes disagree there). */
  private static final String RENDERER = "--dataplane=iptables";

  @Test
  void explain_floatingToOutside_verdictPerWalkedNode() throws IOException {
    Run run =
        Run.of(
            "-f",
            WALKED,
            RENDERER,
            "explain",
            "fw/floating",
            "203.0.113.5",
            "--port",
            "443",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("allow");
    assertThat(out.path("steps")).noneMatch(s -> s.path("forward").asBoolean());
    List<String> verdicts = new ArrayList<>();
    out.path("onWalkedNodes")
        .forEach(
            n ->
                verdicts.add(
                    n.path("node").asText()
                        + " "
                        + n.path("verdict").asText()
                        + " "
                        + n.at("/flow/source/placedOn").asText()));
    assertThat(verdicts).containsExactly("n1 allow n1", "n3 deny n3");
    assertThat(out.has("onHostNode")).isFalse();
  }

  @Test
  void explain_floatingToOutsideText_notesEachWalkedNode() {
    Run run =
        Run.of("-f", WALKED, RENDERER, "explain", "192.0.2.66", "fw/floating", "--port", "8443");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.err() + run.out())
        .contains("placed on node n1, the flow is denied")
        .contains("placed on node n3, the flow is allowed")
        .contains("fw/floating on node n3)");
  }

  @Test
  void diff_forwardDenyOnOneWalkedNode_classPlacedThere(@TempDir Path tmp) throws IOException {
    // the base lacks n3-forward-out: the change closes TCP 443 out of pods on n3 only
    String text = Files.readString(RESOURCES);
    Path base = tmp.resolve("base.yaml");
    Files.writeString(base, text.substring(0, text.indexOf("---\n# n3 alone")));
    Run run =
        Run.of(
            "-f", RESOURCES.toString(), RENDERER, "diff", "--base", base.toString(), "-o", "json");
    // no IPPool: n1's pre-DNAT Deny may drop an encapsulated outer packet, so it stays unmodelled
    // on flows between two pods (spec S6.10, S9.2)
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    List<JsonNode> floating = new ArrayList<>();
    out.path("classes")
        .forEach(
            c -> {
              if (c.at("/witness/source/endpoint").asText().equals("fw/floating")) {
                floating.add(c);
              }
            });
    assertThat(floating).isNotEmpty();
    for (JsonNode c : floating) {
      assertThat(c.path("change").asText()).as(c.toString()).isEqualTo("closed");
      // spec S6.10: of a pair of pods, the source or the destination is on n3 (in each placement
      // of a class joined over several)
      assertThat(
              List.of(
                  c.at("/witness/source/placedOn").asText(),
                  c.at("/witness/destination/placedOn").asText()))
          .as(c.toString())
          .contains("n3");
      List<JsonNode> placements = new ArrayList<>();
      c.path("placements").forEach(placements::add);
      if (placements.isEmpty()) {
        placements.add(c);
      }
      for (JsonNode p : placements) {
        String end = p.has("destinationPlacedOn") ? "destination" : "source";
        assertThat(List.of(p.path("placedOn").asText(), p.path(end + "PlacedOn").asText()))
            .as(c.toString())
            .contains("n3");
      }
    }
  }

  @Test
  void map_floatingWithOutside_partsPerWalkedNode() {
    Run run = Run.of("-f", WALKED, RENDERER, "map");
    // no IPPool: the pre-DNAT Deny may drop an encapsulated outer packet of a flow between two
    // pods (spec S6.10, S9.2)
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).contains("(fw/floating on node n1)").contains("(fw/floating on node n3)");
  }

  @Test
  void verify_forwardPolicyOfNamedInterface_answeredPerInterface(@TempDir Path tmp)
      throws IOException {
    // spec S6.10: n2's named host endpoint meets a forward policy: a pod naming no node may run
    // there and leave by its interface (denied on port 25) or by another (allowed)
    Path more = tmp.resolve("n2.yaml");
    Files.writeString(
        more,
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: n2-fwd}\n"
            + "spec:\n  selector: host == 'n2'\n  applyOnForward: true\n  types: [Egress]\n"
            + "  egress:\n    - action: Deny\n      protocol: TCP\n      destination: {ports: [25]}\n");
    Run run = verify(more, "reachable", "fw/floating");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out()).doesNotContain("n2-fwd");
    Run web = verify(more, "reachable", "fw/web"); // on n1: walked
    assertThat(web.code()).as(web.toString()).isEqualTo(ExitCode.OK.code());
    // TCP 25 out is allowed only elsewhere (n1 and n3 drop it) and on n2 by another interface
    // than n2's named one: n2's policy is modelled there, so the witness is a real answer
    Run smtp = verify(more, "isolated", "fw/floating", "--protocol", "TCP", "--port", "25");
    assertThat(smtp.code()).as(smtp.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(smtp.out()).doesNotContain("n2-fwd");
  }

  /** {@code verify CLAIM POD world [flow]} over the case and {@code more}, on iptables. */
  private static Run verify(Path more, String claim, String pod, String... flow) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-f", RESOURCES.toString(), RENDERER, "-f", more.toString(), "verify", claim, pod));
    args.add("world");
    args.addAll(List.of(flow));
    return Run.of(args.toArray(String[]::new));
  }
}
