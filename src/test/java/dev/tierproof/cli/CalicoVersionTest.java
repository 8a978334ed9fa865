package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --calico-version} (specs/semantics.md S2.10, S2.11): which admin policy kinds are
 * enforced, {@code diff --calico-version OLD:NEW}, and the errors of bad versions and bad admin
 * policies.
 */
class CalicoVersionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIR = "src/test/resources/calico-versions/";
  private static final String UPGRADE = DIR + "upgrade.yaml";

  @Test
  void diff_331to332_listsExactlyWhatTheAdminNetworkPolicyStoppedAndTheClusterPolicyStarted()
      throws Exception {
    Run run = Run.of("-f", UPGRADE, "diff", "--calico-version", "3.31:3.32", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("status").asText()).isEqualTo("complete");
    assertThat(out.get("base").asText()).isEqualTo("Calico 3.31 (now 3.32)");
    JsonNode classes = out.get("classes");
    assertThat(classes.size()).isEqualTo(2);
    boolean opened = false;
    boolean closed = false;
    for (JsonNode c : classes) {
      String text = c.toString();
      if (c.get("change").asText().equals("opened")) {
        opened = true;
        assertThat(text).contains("dev/tool").contains("shop/web");
      } else {
        closed = true;
        assertThat(c.get("change").asText()).isEqualTo("closed");
        assertThat(text).contains("169.254.169.254");
      }
    }
    assertThat(opened).isTrue();
    assertThat(closed).isTrue();
    Run back = Run.of("-f", UPGRADE, "diff", "--calico-version", "3.32:3.31");
    assertThat(back.code()).as(back.toString()).isEqualTo(ExitCode.VIOLATED.code());
    Run same = Run.of("-f", UPGRADE, "diff", "--calico-version", "3.30:3.31");
    assertThat(same.code()).as(same.toString()).isEqualTo(ExitCode.OK.code());
  }

  @Test
  void explain_versionChoosesTheEnforcedKind() {
    Run old = Run.of("--calico-version", "3.31", "-f", UPGRADE, "explain", "dev/tool", "shop/web");
    assertThat(old.code()).as(old.toString()).isEqualTo(0);
    assertThat(old.out())
        .startsWith("deny:")
        .contains("AdminNetworkPolicy isolate-shop")
        .contains("tier adminnetworkpolicy");
    assertThat(old.err()).contains("Calico 3.31 does not enforce ClusterNetworkPolicy");
    Run now = Run.of("-f", UPGRADE, "explain", "dev/tool", "shop/web");
    assertThat(now.out()).startsWith("allow:");
    assertThat(now.err()).contains("Calico 3.32 does not enforce AdminNetworkPolicy");
  }

  @Test
  void configuration_calicoVersion_usedUnlessTheOptionSaysOtherwise(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve(".tierproof.yaml");
    Files.writeString(config, "calicoVersion: 3.30\n");
    Run run =
        Run.of("--config", config.toString(), "-f", UPGRADE, "explain", "dev/tool", "shop/web");
    assertThat(run.out()).as(run.toString()).startsWith("deny:");
    Run option =
        Run.of(
            "--config",
            config.toString(),
            "--calico-version",
            "3.32",
            "-f",
            UPGRADE,
            "explain",
            "dev/tool",
            "shop/web");
    assertThat(option.out()).as(option.toString()).startsWith("allow:");
    Files.writeString(config, "calicoVersion: 3.28\n");
    Run bad =
        Run.of("--config", config.toString(), "-f", UPGRADE, "explain", "dev/tool", "shop/web");
    assertThat(bad.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(bad.err())
        .contains(config + ":1:16: error: `3.28` is not a modelled Calico release; use `3.29`");
  }

  @Test
  void badVersions_exit2() {
    Run unknown = Run.of("--calico-version", "3.40", "-f", UPGRADE, "lint");
    assertThat(unknown.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(unknown.err()).contains("`3.40` is not a modelled Calico release");
    Run pair = Run.of("--calico-version", "3.31:3.32", "-f", UPGRADE, "lint");
    assertThat(pair.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(pair.err()).contains("only `diff` compares two");
    Run twice = Run.of("-f", UPGRADE, "diff", "--calico-version", "3.31:3.31");
    assertThat(twice.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(twice.err()).contains("names one release twice");
    Run both = Run.of("-f", UPGRADE, "diff", "--base", UPGRADE, "--calico-version", "3.31:3.32");
    assertThat(both.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(both.err()).contains("not both");
    Run none = Run.of("-f", UPGRADE, "diff");
    assertThat(none.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(none.err()).contains("missing `--base");
  }

  @Test
  void badAdminNetworkPolicies_on331_everyProblemAtItsPosition() throws Exception {
    String path = DIR + "admin-network-policy-invalid.yaml";
    Run run = Run.of("--calico-version", "3.31", "-v", "-f", path, "lint");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run.err())
        .contains(path + ":5:3: error: missing field `spec.priority` (0-1000)")
        .contains(path + ":6:58: error: invalid operator `Near`")
        .contains(
            path + ":8:15: error: invalid action `Accept`: expected `Allow`, `Deny` or `Pass`")
        .contains(path + ":12:34: error: invalid protocol `ICMP`")
        .contains(path + ":12:46: error: invalid port `0`: ports must be 1-65535")
        .contains(path + ":13:22: error: invalid port name `Not_A_Name`")
        .contains(path + ":17:18: error: a BaselineAdminNetworkPolicy must be named `default`")
        .contains(path + ":21:15: error: invalid action `Pass`: expected `Allow` or `Deny`")
        .doesNotContain("Exception");
    Run ignored = Run.of("-f", path, "lint");
    assertThat(ignored.code()).as("3.32 ignores both kinds\n" + ignored).isNotEqualTo(2);
  }

  @Test
  void lint_equalPriorityAdminPoliciesBothMatching_tp206WithExample() throws Exception {
    Run run = Run.of("-f", DIR + "equal-priorities.yaml", "lint", "-o", "json");
    JsonNode tie = tieOfBWithA(run);
    assertThat(tie.at("/example/decidedBy/policy").asText()).isEqualTo("a");
  }

  @Test
  void lint_equalPrioritiesOnlyAtUndeployedPods_tp206UnderScopeAnyOnly() throws Exception {
    String path = DIR + "equal-priorities-undeployed.yaml";
    Run existing =
        Run.of("--calico-version", "3.31", "-f", path, "lint", "--scope", "existing", "-o", "json");
    assertThat(existing.code()).as(existing.toString()).isIn(0, 1);
    assertThat(tp206(existing)).as(existing.toString()).isNull();
    Run any =
        Run.of("--calico-version", "3.31", "-f", path, "lint", "--scope", "any", "-o", "json");
    JsonNode tie = tieOfBWithA(any);
    assertThat(tie.at("/example/flow/protocol").asText()).isEqualTo("TCP");
    // a pod deployed in pay, or in a new namespace labelled team: pay
    assertThat(tie.at("/example/flow/destination/endpoint").asText()).contains("hypothetical");
  }

  /** The run found TP206 for policy b tied with a, on TCP port 22; the finding. */
  private static JsonNode tieOfBWithA(Run run) throws Exception {
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.VIOLATED.code());
    JsonNode tie = tp206(run);
    assertThat(tie).as(run.out()).isNotNull();
    assertThat(tie.get("policy").asText()).isEqualTo("b");
    assertThat(tie.at("/other/policy").asText()).isEqualTo("a");
    assertThat(tie.at("/example/flow/destination/port").asInt()).isEqualTo(22);
    return tie;
  }

  /** The last TP206 finding of a JSON lint run, or null. */
  private static JsonNode tp206(Run run) throws Exception {
    JsonNode tie = null;
    for (JsonNode f : JSON.readTree(run.out()).get("findings")) {
      if (f.get("id").asText().equals("TP206")) {
        tie = f;
      }
    }
    return tie;
  }

  @Test
  void catchAllNotNets_lintFindingBefore331_loadErrorFrom331() throws Exception {
    String path = DIR + "catch-all-not-nets.yaml";
    Run old = Run.of("--calico-version", "3.30", "-f", path, "lint");
    assertThat(old.code()).as(old.toString()).isEqualTo(ExitCode.VIOLATED.code());
    assertThat(old.out())
        .contains("has `0.0.0.0/0` in `notNets`, so it matches no IPv4 address")
        .contains("[TP207 catch-all-not-nets]");
    for (String version : new String[] {"3.31", "3.32"}) {
      Run now = Run.of("--calico-version", version, "-f", path, "lint");
      assertThat(now.code()).as(now.toString()).isEqualTo(ExitCode.BAD_INPUT.code());
      assertThat(now.err())
          .contains(path + ":18:26: error: `notNets` must not contain the catch-all `0.0.0.0/0`");
    }
  }

  @Test
  void qosPolicy_ignoredWithWhyNotUnmodelled(@TempDir Path dir) throws Exception {
    Path qos = dir.resolve("qos.yaml");
    Files.writeString(
        qos, "apiVersion: projectcalico.org/v3\nkind: QoSPolicy\nmetadata: {name: q}\nspec: {}\n");
    Run run =
        Run.of("-f", UPGRADE, "-f", qos.toString(), "verify", "reachable", "shop/web", "world");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.err())
        .contains(
            "warning: kind `QoSPolicy` is ignored: it limits bandwidth and packet rates and never"
                + " allows or denies a flow");
  }

  @Test
  void lint_equalPriorityNarrowOverlap_foundOnceAndOnlyWhereItExists() throws Exception {
    Run run = Run.of("-f", DIR + "equal-priorities-narrow.yaml", "lint", "-o", "json");
    java.util.List<String> ties = new java.util.ArrayList<>();
    for (JsonNode f : JSON.readTree(run.out()).get("findings")) {
      if (f.get("id").asText().equals("TP206")) {
        ties.add(
            f.get("policy").asText()
                + "/"
                + f.at("/other/policy").asText()
                + " "
                + f.at("/example/flow/protocol").asText()
                + " "
                + f.at("/example/flow/destination/port").asInt());
      }
    }
    assertThat(ties).as(run.out()).containsExactly("b/a UDP 12345");
  }
}
