package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --dataplane iptables|nftables|bpf} (specs/semantics.md S4.6, S6.6, S9.1): what it settles
 * for each command, what reports say of it, and its usage errors.
 */
class DataplaneOptionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASS =
      "specs/cases/own/dataplane-profile-pass-iptables/resources.yaml";
  private static final String WILDCARD =
      "specs/cases/own/dataplane-iptables-all-interfaces/resources.yaml";

  private static Run explainPass(String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "-f",
                PASS,
                "explain",
                "198.51.100.7",
                "hp-two",
                "--protocol",
                "TCP",
                "--port",
                "24"));
    args.addAll(java.util.List.of(extra));
    return Run.of(args.toArray(String[]::new));
  }

  @Test
  void explain_profilePassWithoutOption_inconclusiveAndNoDataplaneNamed() throws Exception {
    Run run = explainPass("-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.has("dataplane")).isFalse();
    assertThat(out.get("unmodelled").get(0).get("kind").asText()).isEqualTo("Pass");
  }

  @Test
  void explain_profilePassOnRenderer_goesOnAndNamesTheDataplane() throws Exception {
    for (String d : new String[] {"iptables", "nftables"}) {
      Run run = explainPass("--dataplane", d, "-o", "json");
      assertThat(run.code()).as(run.toString()).isZero();
      JsonNode out = JSON.readTree(run.out());
      assertThat(out.get("verdict").asText()).isEqualTo("allow");
      assertThat(out.get("dataplane").asText()).isEqualTo(d);
      assertThat(out.has("unmodelled")).isFalse();
      Run text = explainPass("--dataplane", d);
      assertThat(text.out()).contains("dataplane: " + d + " (--dataplane)");
    }
  }

  /** {@code verify reachable} of hp-two's TCP 24 with {@code options} before it. */
  private static Run verifyPass(String... options) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-f", PASS));
    args.addAll(java.util.List.of(options));
    args.addAll(
        java.util.List.of(
            "verify", "reachable", "198.51.100.7", "hp-two", "--protocol", "TCP", "--port", "24"));
    return Run.of(args.toArray(String[]::new));
  }

  @Test
  void verify_profilePassOnBpf_deniesAndIsProved() throws Exception {
    Run iptables = verifyPass("--dataplane", "iptables");
    assertThat(iptables.code()).as(iptables.toString()).isEqualTo(ExitCode.OK.code());
    Run bpf = verifyPass("--dataplane", "bpf", "-o", "json");
    assertThat(bpf.code()).as(bpf.toString()).isEqualTo(ExitCode.VIOLATED.code());
    JsonNode out = JSON.readTree(bpf.out());
    assertThat(out.get("result").asText()).isEqualTo("violated");
    assertThat(out.get("dataplane").asText()).isEqualTo("bpf");
    Run none = verifyPass();
    assertThat(none.code()).as(none.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
  }

  /**
   * explain of TCP 2222 into the all-interfaces host endpoint node-42-auto on {@code dataplane}.
   */
  private static Run explainWildcard(String dataplane) {
    return Run.of(
        "-f",
        WILDCARD,
        "--dataplane",
        dataplane,
        "explain",
        "203.0.113.9",
        "node-42-auto",
        "--protocol",
        "TCP",
        "--port",
        "2222");
  }

  @Test
  void explain_wildcardUntrackedOnIptables_skipNamesTheDataplane() {
    Run run = explainWildcard("iptables");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains(
            "for which Felix's iptables dataplane (--dataplane iptables) programs no untracked")
        .startsWith("allow:");
    // spec S6.6: eBPF's XDP walks it on the data interfaces without their own endpoint
    Run bpf = explainWildcard("bpf");
    assertThat(bpf.code()).as(bpf.toString()).isZero();
    assertThat(bpf.out()).startsWith("deny:").contains("(untracked path)");
  }

  @Test
  void lint_and_map_reportTheDataplane() throws Exception {
    Run lint = Run.of("-f", PASS, "--dataplane", "nftables", "lint", "-o", "json");
    assertThat(JSON.readTree(lint.out()).get("dataplane").asText())
        .as(lint.toString())
        .isEqualTo("nftables");
    Run map = Run.of("-f", PASS, "--dataplane", "bpf", "map", "-o", "json");
    assertThat(JSON.readTree(map.out()).get("dataplane").asText())
        .as(map.toString())
        .isEqualTo("bpf");
  }

  @Test
  void badDataplane_exit2WithPositionAndSuggestion() {
    Run run = explainPass("--dataplane", "ebpf");
    assertThat(run.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run.err())
        .contains("error: `ebpf` is not a Felix dataplane: did you mean `bpf`?")
        .doesNotContain("Exception")
        .doesNotContain("picocli");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void badDataplane_reportedWithTheOtherProblems() {
    Run run = Run.of("-f", PASS, "--dataplane", "nope", "explain", "bad{", "hp-two");
    assertThat(run.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run.err())
        .contains("`nope` is not a Felix dataplane: expected `iptables`, `nftables` or `bpf`")
        .contains("has no matching");
  }

  @Test
  void diff_iptablesToBpf_localPreDnatFailsafeSkip_changes() {
    // spec S6.12: a pod's packet to its own node's host at inbound failsafe TCP 22 skips the local
    // pre-DNAT path on the rule renderer only, so kubelet-from-pods' last Deny drops it on bpf
    // (found as dataplane diff seed 1300015, whose model the generators have since changed)
    String in = "specs/cases/own/host-endpoint-local-pre-dnat/resources.yaml";
    Run run = Run.of("-f", in, "diff", "--dataplane", "iptables:bpf");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains("no other flow changed (proved)")
        .containsPattern(
            "\\nnewly denied: [^\\n]*app/(web|db)[^\\n]* -> [^\\n]*n1-auto[^\\n]*, TCP 22[,\\n]");
    for (String dataplane : List.of("iptables", "bpf")) {
      Run one =
          Run.of(
              "-f", in, "--dataplane", dataplane, "explain", "app/web", "n1-auto", "--port", "22");
      assertThat(one.out())
          .as(one.toString())
          .startsWith(dataplane.equals("bpf") ? "deny: " : "allow: ")
          .contains(
              dataplane.equals("bpf")
                  ? "Decided by ingress rule 2 of kubelet-from-pods (Deny, tier default, pre-dnat path)"
                  : "the mangle table accepts it before that path, which it skips");
    }
  }

  @Test
  void diff_iptablesToBpf_closesWhatTheProfilePassLetOn() throws Exception {
    Run run = Run.of("-f", PASS, "diff", "--dataplane", "iptables:bpf", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("base").asText()).isEqualTo("dataplane iptables (now bpf)");
    assertThat(out.get("status").asText()).isEqualTo("complete");
    assertThat(out.get("classes")).isNotEmpty();
    for (JsonNode c : out.get("classes")) {
      // only hp-two has a profile after the Pass: hp-one denies TCP 24 on both
      assertThat(c.get("change").asText()).isEqualTo("closed");
      assertThat(c.get("destination").toString()).contains("hp-two").doesNotContain("hp-one");
      assertThat(c.get("packets").toString()).contains("\"min\":24");
    }
    Run same = Run.of("-f", PASS, "diff", "--dataplane", "iptables:nftables");
    assertThat(same.code()).as(same.toString()).isEqualTo(ExitCode.OK.code());
  }

  @Test
  void dataplanePairOutsideDiffOrBad_exit2() {
    Run lint = Run.of("-f", PASS, "lint", "--dataplane", "iptables:bpf");
    assertThat(lint.code()).as(lint.toString()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(lint.err()).contains("names two dataplanes: only `diff` compares two");
    Run twice = Run.of("-f", PASS, "diff", "--dataplane", "bpf:bpf");
    assertThat(twice.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(twice.err()).contains("names one dataplane twice");
    Run both = Run.of("-f", PASS, "diff", "--base", PASS, "--dataplane", "iptables:ebpf");
    assertThat(both.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(both.err())
        .contains("give `--base` or `--dataplane OLD:NEW`, not both")
        .contains("`ebpf` is not a Felix dataplane: did you mean `bpf`?");
  }

  @Test
  void configuration_dataplane_usedUnlessTheOptionSaysOtherwise(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path config = dir.resolve(".tierproof.yaml");
    java.nio.file.Files.writeString(config, "dataplane: iptables\n");
    Run run = explainPass("--config", config.toString());
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("allow:").contains("dataplane: iptables");
    Run option = explainPass("--config", config.toString(), "--dataplane", "bpf");
    assertThat(option.code()).as(option.toString()).isZero();
    assertThat(option.out()).startsWith("deny:").contains("dataplane: bpf");
    java.nio.file.Files.writeString(config, "dataplane: xdp\n");
    Run bad = explainPass("--config", config.toString());
    assertThat(bad.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(bad.err()).contains(config + ":1:12: error: `xdp` is not a Felix dataplane");
  }

  @Test
  void dataplaneWithoutValue_exit2() {
    Run run = Run.of("-f", PASS, "lint", "--dataplane");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run.err()).contains("--dataplane");
  }
}
