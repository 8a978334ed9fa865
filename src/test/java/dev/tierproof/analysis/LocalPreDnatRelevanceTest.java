package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload's packet to a named host endpoint of its own node first meets the local pre-DNAT path
 * of the node's all-interfaces endpoint (spec S6.12). What is unmodelled there (on eBPF, the
 * untracked policy XDP enforces, S6.6) could change every answer about such flows (S9.3), though it
 * does not act at the named endpoint itself. Found by the map differential (seed 940095): the map
 * and verify asked the named endpoint only.
 */
class LocalPreDnatRelevanceTest {

  private static final String HOSTS =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n1-all, labels: {role: worker}}
      spec: {node: n1, interfaceName: "*"}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n1-eth0, labels: {iface: eth0}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.70.0.1]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: edge-pre-dnat}
      spec:
        selector: has(role)
        preDNAT: true
        applyOnForward: true
        types: [Ingress]
        ingress: [{action: Deny, protocol: TCP, destination: {ports: [25]}}]
      """;

  private static final String UNTRACKED =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: untracked-in}
      spec:
        selector: has(role)
        doNotTrack: true
        applyOnForward: true
        types: [Ingress]
        ingress: [{action: Allow, protocol: UDP}]
      """;

  @Test
  void mapAndVerify_podToNamedHostOfItsNode_untrackedAllowAtAllInterfacesOnBpfModelled(
      @TempDir Path dir) throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.yaml"), WalkedNode.PODS + HOSTS);
    Path untracked =
        Files.writeString(dir.resolve("untracked.yaml"), WalkedNode.PODS + HOSTS + UNTRACKED);
    String[][] questions = {
      {"map", "fw/web", "n1-eth0"},
      {"verify", "isolated", "fw/web", "n1-eth0", "--protocol", "TCP", "--port", "25"}
    };
    for (String[] q : questions) {
      // the node's two host endpoints differ (S6.6): inconclusive either way, for that element
      Run without = run(plain, q);
      assertThat(without.code()).as(without.toString()).isEqualTo(3);
      assertThat(without.out()).contains("HostEndpoint `node n1`");
      // spec S6.5, S6.6: on bpf the untracked Allow (XDP) and its UDP reply are modelled, so no
      // element of its own joins that one
      Run run = run(untracked, q);
      assertThat(run.code()).as(run.toString()).isEqualTo(3);
      assertThat(run.out()).as(run.toString()).contains("HostEndpoint `node n1`");
      assertThat(run.out()).as(run.toString()).doesNotContain("doNotTrack");
    }
  }

  private static Run run(Path file, String[] question) {
    String[] all = new String[question.length + 3];
    all[0] = "-f";
    all[1] = file.toString();
    all[2] = "--dataplane=bpf";
    System.arraycopy(question, 0, all, 3, question.length);
    return Run.of(all);
  }
}
