package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.analysis.OuterNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * explain's relevance per placement (spec S9.3, S9.4): the answer (its workload naming no node
 * placed elsewhere) is inconclusive only when an unmodelled element reaches the flow so placed, and
 * each note on another placement only when one reaches that placement; the JSON contract is kept
 * (an inconclusive note carries its own {@code unmodelled}).
 */
class PlacementRelevanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pod a on n1, pod f naming no node; n2 drops VXLAN's outer packets (UDP 4789) it receives. */
  private static final String OUTER =
      OuterNodes.NAMESPACE
          + OuterNodes.pod("a", "n1", "10.90.1.10")
          + OuterNodes.pod("f", null, "10.90.9.9")
          + OuterNodes.hostEndpoint(1, "[10.90.0.1]")
          + OuterNodes.hostEndpoint(2, "[10.90.0.2]")
          + """
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: n2-no-vxlan}
          spec:
            selector: host == 'n2'
            preDNAT: true
            applyOnForward: true
            types: [Ingress]
            ingress: [{action: Deny, protocol: UDP, destination: {ports: [4789]}}]
          ---
          apiVersion: projectcalico.org/v3
          kind: IPPool
          metadata: {name: p}
          spec: {cidr: 10.90.0.0/16, vxlanMode: CrossSubnet}
          """;

  @Test
  void explain_elementReachingOnePlacementOnly_onlyItsNoteInconclusive(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("outer.yaml"), OUTER);
    Run run =
        Run.of("-f", file.toString(), "explain", "op/f", "op/a", "--port", "80", "-o", "json");
    // exit 3: part of what explain shows (the note for f on n2) is inconclusive
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("allow");
    // f elsewhere -> a on n1: n1 drops no outer packet
    assertThat(out.has("unmodelled")).as(run.out()).isFalse();
    JsonNode notes = out.path("onWalkedNodes");
    assertThat(notes).hasSize(1); // on n1 with a: no outer packet, the same verdict: no note
    JsonNode n2 = notes.get(0);
    assertThat(n2.path("sourceNode").asText()).isEqualTo("n2");
    assertThat(n2.path("destinationNode").isNull()).isTrue();
    assertThat(n2.path("verdict").asText()).isEqualTo("allow");
    assertThat(n2.path("unmodelled").findValuesAsText("name")).containsExactly("n2-no-vxlan");
    assertThat(n2.path("unmodelled").get(0).path("reason").asText())
        .contains("may drop the outer packet of VXLAN (UDP to port 4789, IPv4)");
    Run text = Run.of("-f", file.toString(), "explain", "op/f", "op/a", "--port", "80");
    assertThat(text.out())
        .contains("placed with op/f on node n2, the flow is allowed")
        .contains("inconclusive there: preDNAT `n2-no-vxlan`")
        .doesNotContain("this verdict may be wrong");
  }

  @Test
  void explain_forwardPolicyOfUnwalkedNode_answerInconclusiveWalkedNotesNot(@TempDir Path dir)
      throws IOException {
    Path more =
        Files.writeString(
            dir.resolve("n2.yaml"),
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: n2-fwd}\n"
                + "spec:\n  selector: host == 'n2'\n  applyOnForward: true\n  types: [Egress]\n"
                + "  egress:\n    - action: Deny\n      protocol: TCP\n"
                + "      destination: {ports: [25]}\n"
                // spec S6.9: beside n2-eth0, an endpoint naming no interface: which interface each
                // governs is not settled, so n2's chains are not walked
                + "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\n"
                + "metadata: {name: n2-ips, labels: {host: n2}}\n"
                + "spec: {node: n2, expectedIPs: [10.70.0.22]}\n");
    Run run =
        Run.of(
            "-f",
            "specs/cases/own/host-endpoint-forward-walked",
            "-f",
            more.toString(),
            "--dataplane=iptables", // the case's dataplane: the walked chain's failsafe skip
            "explain",
            "fw/floating",
            "203.0.113.5",
            "--port",
            "443",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    // elsewhere the pod may run on n2, whose forward chain is not walked
    assertThat(out.path("unmodelled").findValuesAsText("name")).containsExactly("n2-fwd");
    assertThat(out.path("onWalkedNodes")).hasSize(2);
    for (JsonNode note : out.path("onWalkedNodes")) {
      assertThat(note.has("unmodelled")).as(note.toString()).isFalse();
    }
  }
}
