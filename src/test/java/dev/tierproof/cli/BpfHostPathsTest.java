package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Host endpoint paths on {@code --dataplane bpf} from the command line (specs/semantics.md S6.6,
 * S6.11; specs/notes/bpf-host-endpoints.md): the walked forward chain answers conclusively, a
 * forwarded packet to an inbound failsafe port meets the pre-DNAT path there (not on iptables), and
 * {@code diff --dataplane iptables:bpf} finds exactly that.
 */
class BpfHostPathsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WALKED =
      "specs/cases/own/dataplane-bpf-forward-walked/resources.yaml";

  /** {@code explain 192.0.2.7 fw/web} at TCP 22 over the walked case, after {@code options}. */
  private static Run ssh(String... options) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-f", WALKED));
    args.addAll(java.util.List.of(options));
    args.addAll(
        java.util.List.of("explain", "192.0.2.7", "fw/web", "--protocol", "TCP", "--port", "22"));
    return Run.of(args.toArray(String[]::new));
  }

  @Test
  void explain_forwardedToFailsafePort_bpfPreDnatDecides() throws Exception {
    Run bpf = ssh("--dataplane=bpf", "-o", "json");
    assertThat(bpf.code()).as(bpf.toString()).isZero();
    JsonNode out = JSON.readTree(bpf.out());
    assertThat(out.get("verdict").asText()).isEqualTo("deny");
    assertThat(out.get("dataplane").asText()).isEqualTo("bpf");
    assertThat(out.has("unmodelled")).as(bpf.out()).isFalse();
    JsonNode first = out.get("steps").get(0);
    assertThat(first.get("forward").asBoolean()).isTrue();
    assertThat(first.get("decidedBy").get("path").asText()).isEqualTo("pre-dnat");
    assertThat(ssh("--dataplane=bpf").out()).contains("the pre-DNAT path applies");
    Run iptables = ssh("--dataplane=iptables");
    assertThat(iptables.code()).as(iptables.toString()).isZero();
    assertThat(iptables.out()).startsWith("allow:").contains("which it skips");
  }

  @Test
  void explain_noDataplane_failsafeDisagreementInconclusive() {
    Run none = ssh();
    assertThat(none.code()).as(none.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(none.out() + none.err()).contains("edge-pre-dnat").contains("failsafe");
  }

  /** {@code verify isolated FROM TO --protocol TCP --port PORT} over {@code file} on {@code d}. */
  private static Run isolated(String file, String d, String from, String to, int port) {
    return Run.of(
        "-f",
        file,
        "--dataplane",
        d,
        "verify",
        "isolated",
        from,
        to,
        "--protocol",
        "TCP",
        "--port",
        String.valueOf(port));
  }

  @Test
  void verify_bpfWalkedChain_provedWithoutUnmodelled() {
    Run ssh = isolated(WALKED, "bpf", "192.0.2.0/24", "fw/web", 22);
    assertThat(ssh.code()).as(ssh.toString()).isZero();
    Run smtp = isolated(WALKED, "bpf", "fw/web", "world", 25);
    assertThat(smtp.code()).as(smtp.toString()).isZero();
  }

  @Test
  void verify_bpfNatOutgoingPool_egressForwardInconclusive(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // spec S6.11 (c): the egress forward rules see the node's address on eBPF; rules that read no
    // source decide alike either way, so the proof stands
    String walked = java.nio.file.Files.readString(java.nio.file.Path.of(WALKED));
    String nat = dir.resolve("nat.yaml").toString();
    java.nio.file.Files.writeString(
        java.nio.file.Path.of(nat), walked.replace("natOutgoing: false", "natOutgoing: true"));
    Run blind = isolated(nat, "bpf", "fw/web", "world", 25);
    assertThat(blind.code()).as(blind.toString()).isZero();
    // a Deny on the pods' sources: the translated source escapes it on eBPF, not on iptables
    String reading = dir.resolve("nat-source.yaml").toString();
    String deny = "      destination: {ports: [25]}\n";
    assertThat(walked).contains(deny);
    java.nio.file.Files.writeString(
        java.nio.file.Path.of(reading),
        walked
            .replace("natOutgoing: false", "natOutgoing: true")
            .replace(deny, deny + "      source: {nets: [10.71.0.0/16]}\n"));
    Run bpf = isolated(reading, "bpf", "fw/web", "world", 25);
    assertThat(bpf.code()).as(bpf.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(bpf.out() + bpf.err()).contains("edge-forward-out");
    Run iptables = isolated(reading, "iptables", "fw/web", "world", 25);
    assertThat(iptables.code()).as(iptables.toString()).isZero();
  }

  @Test
  void diff_iptablesToBpf_closesTheForwardedFailsafePort() throws Exception {
    Run run = Run.of("-f", WALKED, "diff", "--dataplane", "iptables:bpf", "-o", "json");
    // complete: with both dataplanes chosen nothing is left unmodelled (the pre-DNAT policy's
    // local path is walked, spec S6.12), so the two classes are every flow that changed
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(JSON.readTree(run.out()).get("status").asText()).isEqualTo("complete");
    JsonNode out = JSON.readTree(run.out());
    // the forwarded packets to a failsafe port that edge-pre-dnat's rule 0 denies: to fw/web, and
    // (spec S6.11) between two outside addresses routed through n1
    // (spec S6.13) and n1's packets to itself, which its all-interfaces endpoint's pre-DNAT path
    // denies on iptables and no eBPF program sees
    assertThat(out.get("classes"))
        .extracting(c -> c.get("destination").path("display").asText())
        .containsExactlyInAnyOrder("fw/web", "world", "n1-all");
    for (JsonNode c : out.get("classes")) {
      if (c.get("destination").path("display").asText().equals("n1-all")) {
        assertThat(c.get("source").path("display").asText()).isEqualTo("n1-all");
        assertThat(c.get("change").asText()).as(c.toString()).isEqualTo("opened");
        continue;
      }
      assertThat(c.get("change").asText()).as(c.toString()).isEqualTo("closed");
      assertThat(c.get("packets").toString()).contains("\"min\":22");
      if (c.get("destination").path("kind").asText().equals("outside")) {
        assertThat(c.path("routedThrough").asText()).as(c.toString()).isEqualTo("n1");
      }
    }
  }
}
