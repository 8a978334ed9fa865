package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check narrows the unmodelled elements of an invariant with lists of ends pair by pair of ends, as
 * verify does for each pair (spec S9.3): a forward policy of web's node reaches none of web's flows
 * with the world (walked, S6.11) or with its own host (local, S6.12), so an invariant over both is
 * proved; one that also covers web's flows with another pod is not.
 */
class CheckEndListsRelevanceTest {

  private static String invariants(String assertion) {
    return """
        apiVersion: tierproof.dev/v1alpha1
        kind: InvariantSet
        metadata: {name: lists}
        invariants:
          - id: it
        """
        + assertion;
  }

  private static Run check(Path dir, String assertion) throws Exception {
    Path cluster = Files.writeString(dir.resolve("cluster.yaml"), WalkedNode.YAML);
    Path inv = Files.writeString(dir.resolve("inv.yaml"), invariants(assertion));
    // the rule renderer: with no dataplane chosen the dataplanes disagree on the walked chain
    return Run.of("-f", cluster.toString(), "--dataplane=iptables", "check", inv.toString());
  }

  @Test
  void check_reachableAllToWorldAndOwnHost_provedThoughAForwardPolicyActsAtWeb(@TempDir Path dir)
      throws Exception {
    Run run =
        check(
            dir, "    reachable: {from: fw/web, to: [world, n1-all], all: true, protocol: UDP}\n");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain("inconclusive");
    // verify says the same of each pair
    Path cluster = dir.resolve("cluster.yaml");
    for (String to : new String[] {"world", "n1-all"}) {
      Run v =
          Run.of(
              "-f",
              cluster.toString(),
              "--dataplane=iptables",
              "verify",
              "isolated",
              "fw/web",
              to,
              "--protocol",
              "UDP");
      assertThat(v.code()).as(v.toString()).isEqualTo(1);
    }
  }

  @Test
  void check_isolatedFromWorldAndOwnHost_proved(@TempDir Path dir) throws Exception {
    Run run =
        check(dir, "    isolated: {from: [world, n1-all], to: fw/web, protocol: TCP, port: 25}\n");
    // world -> web TCP 25 is allowed (the forward policy denies egress only); so is n1-all's
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    Run denied = check(dir, "    isolated: {from: fw/web, to: [world], protocol: TCP, port: 25}\n");
    assertThat(denied.code()).as(denied.toString()).isZero();
  }

  @Test
  void check_listWithAnotherPod_provedThroughTheWalkedChain(@TempDir Path dir) throws Exception {
    // web -> api meets n1-all's forward chain, walked between pods too (spec S6.10, S6.11)
    Run run =
        check(
            dir,
            "    reachable: {from: fw/web, to: [world, n1-all, fw/api], all: true, protocol: UDP}\n");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("proven").doesNotContain("forward-no-smtp");
  }
}
