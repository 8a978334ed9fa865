package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow between a workload on a node whose forward chain is walked and an address outside the
 * cluster meets that node's all-interfaces host endpoint on its forward steps (spec S6.11): what is
 * not modelled there (a FelixConfiguration's failsafe ports, which the forward ingress step
 * honours) could change every answer about such flows (S9.3), as it does for one concrete flow.
 */
class ForwardStepRelevanceTest {

  private static final String FELIX =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec: {failsafeInboundHostPorts: [{protocol: ICMP, port: 22}]}
      """;

  @Test
  void verifyAndMap_podOnWalkedNodeWithWorld_felixConfigurationAtItsHostMakesThemInconclusive(
      @TempDir Path dir) throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.yaml"), WalkedNode.YAML);
    Path felix = Files.writeString(dir.resolve("felix.yaml"), WalkedNode.YAML + FELIX);
    // without it, the walked flows are proved (spec S6.11)
    // (on the rule renderer: with no dataplane chosen the dataplanes disagree there, S6.11)
    String renderer = "--dataplane=iptables";
    assertThat(
            Run.of("-f", plain.toString(), renderer, "verify", "isolated", "world", "fw/web")
                .code())
        .isEqualTo(1);
    assertThat(Run.of("-f", plain.toString(), renderer, "map", "fw/web", "world").code()).isZero();
    for (String[] args :
        new String[][] {
          {"verify", "isolated", "world", "fw/web"},
          {"verify", "reachable", "fw/web", "world", "--protocol", "TCP", "--port", "25"},
          {"map", "fw/web", "world"},
          {"map", "world", "fw/web"}
        }) {
      String[] all = new String[args.length + 3];
      all[0] = "-f";
      all[1] = felix.toString();
      all[2] = renderer;
      System.arraycopy(args, 0, all, 3, args.length);
      Run run = Run.of(all);
      assertThat(run.code()).as(String.join(" ", args) + "\n" + run).isEqualTo(3);
      assertThat(run.out() + run.err()).contains("FelixConfiguration");
    }
  }

  @Test
  void verifyAndMap_operatorDefaultFelixConfiguration_answersAsWithout(@TempDir Path dir)
      throws Exception {
    // spec S9.1: settings that change nothing modelled or equal what tierproof assumes
    Path settled =
        Files.writeString(
            dir.resolve("settled.yaml"),
            WalkedNode.YAML + "---\n" + dev.tierproof.load.FelixSettingsTest.OPERATOR_DEFAULT);
    String renderer = "--dataplane=iptables";
    Run verify =
        Run.of("-f", settled.toString(), renderer, "verify", "isolated", "world", "fw/web");
    assertThat(verify.code()).as(verify.toString()).isEqualTo(1);
    Run map = Run.of("-f", settled.toString(), renderer, "map", "fw/web", "world");
    assertThat(map.code()).as(map.toString()).isZero();
    assertThat(map.err()).contains("its settings change nothing tierproof models");
  }

  @Test
  void verifyAndMap_walkedNodeWithoutForwardPolicy_felixConfigurationChangesNothing(
      @TempDir Path dir) throws Exception {
    // n1-all's forward chain holds no policy: it forwards every packet, no step is walked there
    String hep =
        """
        ---
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: n1-all, labels: {host: n1}}
        spec: {node: n1, interfaceName: "*", expectedIPs: [10.70.0.1]}
        """;
    Path file = Files.writeString(dir.resolve("c.yaml"), WalkedNode.PODS + hep + FELIX);
    Run map = Run.of("-f", file.toString(), "map", "fw/web", "world");
    assertThat(map.code()).as(map.toString()).isZero();
    Run verify = Run.of("-f", file.toString(), "verify", "isolated", "world", "fw/web");
    assertThat(verify.code()).as(verify.toString()).isEqualTo(1);
  }

  @Test
  void verify_rangeThatMayHoldAPodAndOutside_namesWhatActsAtTheWalkedHost(@TempDir Path dir)
      throws Exception {
    // a pod without an address (on n2) may be in any range: the range's flows to web may come from
    // outside, through n1-all's forward chain, or from that pod; web admits none (a proof)
    String pending =
        """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: pending, namespace: fw, labels: {app: batch}}
        spec: {nodeName: n2}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-closed, namespace: fw}
        spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}
        """;
    Path file = Files.writeString(dir.resolve("c.yaml"), WalkedNode.YAML + pending + FELIX);
    Run run =
        Run.of(
            "-f", file.toString(), "verify", "isolated", "203.0.113.0/24", "fw/web", "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(3);
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run.out())
                .get("unmodelled")
                .findValuesAsText("kind"))
        // spec S6.10: the pod's flows to web meet n1's walked chain too, as the outside's do
        .contains("FelixConfiguration")
        .doesNotContain("applyOnForward");
    Run ignoring =
        Run.of(
            "-f",
            file.toString(),
            "--ignore-unmodelled",
            "verify",
            "isolated",
            "203.0.113.0/24",
            "fw/web");
    assertThat(ignoring.code()).as(ignoring.toString()).isZero();
  }
}
