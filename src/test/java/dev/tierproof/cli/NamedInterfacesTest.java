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
 * Nodes with named and several host endpoints through the CLI (spec S6.9-S6.11): every command
 * answers for each interface a forwarded packet may cross ({@code
 * specs/cases/own/host-endpoint-named-interfaces}).
 */
class NamedInterfacesTest {

  private static final String CASE = "specs/cases/own/host-endpoint-named-interfaces";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void verifyIsolated_deniedOnEth0Only_violatedByAnotherInterfaceWitnessSaysWhich()
      throws IOException {
    Run run =
        run(
            "verify",
            "isolated",
            "ni/web",
            "world",
            "--protocol",
            "TCP",
            "--port",
            "443",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    JsonNode source = JSON.readTree(run.out()).at("/witness/source");
    // spec S6.10: leaving n1 by eth0 eth0-forward denies it; by eth1 or another it is allowed
    assertThat(source.path("interface").asText()).isIn("eth1", "*");
  }

  @Test
  void verifyIsolated_deniedOnTheWorkloadsOwnInterface_holdsForEveryInterface() {
    Run run = run("verify", "isolated", "ni/web", "world", "--protocol", "TCP", "--port", "25");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out()).doesNotContain("inconclusive");
  }

  @Test
  void verifyReachable_nodeWithOnlyANamedEndpoint_reachableByAnotherInterface() throws IOException {
    Run run =
        run(
            "verify",
            "reachable",
            "ni/api",
            "world",
            "--protocol",
            "TCP",
            "--port",
            "443",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(JSON.readTree(run.out()).at("/witness/source/interface").asText()).isEqualTo("*");
    Run text = run("verify", "reachable", "ni/api", "world", "--protocol", "TCP", "--port", "443");
    assertThat(text.out()).contains("ni/api, leaving by an interface without a host endpoint");
  }

  @Test
  void explain_incomingInterfaceDecides_notesTheChoicesThatDiffer() throws IOException {
    Run run =
        run("explain", "203.0.113.40", "ni/web", "--protocol", "TCP", "--port", "25", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("deny");
    assertThat(out.at("/flow/destination/interface").asText()).isEqualTo("*");
    List<String> noted = new ArrayList<>();
    out.path("onWalkedNodes")
        .forEach(
            n ->
                noted.add(
                    n.path("destinationInterface").asText() + " " + n.path("verdict").asText()));
    assertThat(noted).containsExactlyInAnyOrder("eth0 allow", "eth1 allow");
    assertThat(run.err()).contains("note: by another interface, the flow is allowed");
  }

  @Test
  void explain_sameVerdictOnEveryInterface_noNotes() throws IOException {
    Run run =
        run("explain", "ni/web", "203.0.113.40", "--protocol", "TCP", "--port", "25", "-o", "json");
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.path("verdict").asText()).isEqualTo("deny");
    assertThat(out.has("onWalkedNodes")).as(run.out()).isFalse();
  }

  @Test
  void verify_untrackedDenyOnNamedEndpoint_isWalked(@TempDir Path tmp) throws IOException {
    // spec S6.7.1, S6.11: a named endpoint's untracked ingress path sees forwarded packets; with
    // Deny rules only it is walked on the rule renderer (a UDP Deny leaves TCP 25 as it was: in by
    // eth0 or eth1 allowed)
    Run run = untracked(tmp, "Deny", "iptables");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(run.out())
        .doesNotContain("doNotTrack `raw-eth0`")
        .contains("In default (untracked path), policy raw-eth0 scopes n1-eth0");
  }

  @Test
  void verify_untrackedDenyOnNamedEndpointWithoutDataplane_staysInconclusive(@TempDir Path tmp)
      throws IOException {
    // spec S6.7.1: the eBPF dataplane's untracked path (XDP) is not settled on forwarded packets
    Run run = untracked(tmp, "Deny", null);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).contains("doNotTrack `raw-eth0`");
  }

  @Test
  void verify_untrackedAllowOnNamedEndpoint_staysInconclusive(@TempDir Path tmp)
      throws IOException {
    // spec S6.7.1: what an untracked Allow's reply meets on the forward chains is not walked
    Run run = untracked(tmp, "Allow", "iptables");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).contains("doNotTrack `raw-eth0`");
  }

  /**
   * verify isolated world ni/web on TCP 25 with an untracked policy on the eth0 endpoints whose one
   * ingress rule {@code action}s UDP, on {@code dataplane} (null: none chosen).
   */
  private static Run untracked(Path tmp, String action, String dataplane) throws IOException {
    Path more = tmp.resolve("untracked.yaml");
    Files.writeString(
        more,
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: raw-eth0}\n"
            + "spec:\n  selector: iface == 'eth0'\n  doNotTrack: true\n  applyOnForward: true\n"
            + "  types: [Ingress]\n  ingress:\n    - action: "
            + action
            + "\n      protocol: UDP\n");
    List<String> args = new ArrayList<>(List.of("-f", CASE, "-f", more.toString()));
    if (dataplane != null) {
      args.addAll(List.of("--dataplane", dataplane));
    }
    args.addAll(
        List.of("verify", "isolated", "world", "ni/web", "--protocol", "TCP", "--port", "25"));
    return Run.of(args.toArray(String[]::new));
  }

  @Test
  void verify_endpointNamingNoInterfaceBesideANamedOne_staysInconclusive(@TempDir Path tmp)
      throws IOException {
    // spec S6.9: which interface holds 10.70.0.9, and so which endpoint governs it, is not said
    Path more = tmp.resolve("ips.yaml");
    Files.writeString(
        more,
        "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: n2-a}\n"
            + "spec: {node: n2, expectedIPs: [10.70.0.9]}\n");
    Run run =
        Run.of(
            "-f",
            CASE,
            "-f",
            more.toString(),
            "verify",
            "isolated",
            "ni/api",
            "world",
            "--protocol",
            "TCP",
            "--port",
            "443");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).contains("applyOnForward `eth0-forward`");
  }

  @Test
  void map_workloadOnNodeWithNamedEndpoints_partsPerInterface() {
    Run run = run("map");
    // the host endpoints of n1 differ: pairs with them (their own traffic) stay inconclusive
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out())
        .contains("(ni/web, leaving by eth0)")
        .contains("(ni/web, leaving by an interface without a host endpoint of its own)");
  }

  @Test
  void diff_forwardDenyOnEth0Removed_classCrossingEth0(@TempDir Path tmp) throws IOException {
    String text = Files.readString(Path.of(CASE, "resources.yaml"));
    Path head = tmp.resolve("head.yaml");
    int at = text.indexOf("---\n# egress forward rules of the eth0 endpoints");
    int end = text.indexOf("---\n# ingress forward rules of n1's");
    Files.writeString(head, text.substring(0, at) + text.substring(end));
    Run run =
        Run.of(
            "-f",
            head.toString(),
            "diff",
            "--base",
            Path.of(CASE, "resources.yaml").toString(),
            "-o",
            "json");
    // the host endpoints of n1 differ: their own flows stay inconclusive
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    List<JsonNode> opened = new ArrayList<>();
    JSON.readTree(run.out())
        .path("classes")
        .forEach(
            c -> {
              if (c.path("change").asText().equals("opened")) {
                opened.add(c);
              }
            });
    assertThat(opened).isNotEmpty();
    for (JsonNode c : opened) {
      // spec S6.10: only packets leaving by an eth0 met the removed rules
      assertThat(
              List.of(
                  c.at("/witness/source/interface").asText(),
                  c.at("/witness/destination/interface").asText()))
          .as(c.toString())
          .contains("eth0");
    }
  }

  /** The CLI on the case. */
  private static Run run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-f";
    all[1] = CASE;
    System.arraycopy(args, 0, all, 2, args.length);
    return Run.of(all);
  }
}
