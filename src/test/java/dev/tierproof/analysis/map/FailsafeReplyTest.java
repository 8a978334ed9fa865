package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map at a host endpoint with an untracked Allow: a packet from a source port failsafe in the
 * other direction skips the untracked path (spec S6.4), so the map's parts split there (found by
 * {@code MapDifferentialTest}, seed 388: the map held UDP from source port 53 as allowed by the
 * untracked rule, which eval denies). The host's profile lets the untracked Allow's reply out (spec
 * S6.5).
 */
class FailsafeReplyTest {

  private static final String YAML =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: pay}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: pay, labels: {app: db}}
      status: {podIP: 10.1.0.5}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: host0, labels: {node-role: edge}}
      spec: {node: node0, interfaceName: eth0, expectedIPs: [10.1.9.1], profiles: [host-out]}
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: host-out}
      spec: {egress: [{action: Allow}]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw}
      spec:
        selector: node-role == 'edge'
        doNotTrack: true
        applyOnForward: true
        types: [Ingress]
        ingress:
        - {action: Allow, protocol: UDP}
      """;

  @Test
  void untrackedAllow_failsafeReplySourcePort_partsAgreeWithEval() {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("raw.yaml", YAML)), d);
    assertThat(d.hasErrors()).as(d.render()).isFalse();
    MapResult map = Connectivity.run(set, Connectivity.Options.all());
    Endpoint db = set.endpoints().stream().filter(e -> !e.isHost()).findFirst().orElseThrow();
    Endpoint host = set.endpoints().stream().filter(Endpoint::isHost).findFirst().orElseThrow();
    Edge edge =
        map.edges().stream()
            .filter(e -> e.from().endpoints().contains(db) && e.to().endpoints().contains(host))
            .findFirst()
            .orElseThrow();
    Evaluator eval = new Evaluator(set);
    for (int sourcePort : new int[] {53, 40000}) {
      Flow f =
          Flow.between(
              Protocols.UDP,
              Ip.parse("10.1.0.5").orElseThrow(),
              sourcePort,
              Ip.parse("10.1.9.1").orElseThrow(),
              8500,
              null,
              null,
              null,
              db,
              host);
      boolean held = edge.allowed().stream().anyMatch(p -> covers(p, f));
      assertThat(held)
          .as("UDP from source port %d: the map holds it iff eval allows it", sourcePort)
          .isEqualTo(eval.evaluate(f).allowed())
          .isEqualTo(sourcePort != 53);
    }
  }

  private static boolean covers(Part p, Flow f) {
    return p.protocol() == f.protocol()
        && in(p.ports(), f.destinationPort())
        && in(p.sourcePorts(), f.sourcePort());
  }

  private static boolean in(List<Port.Range> ranges, int value) {
    return ranges.isEmpty() || ranges.stream().anyMatch(r -> r.contains(value));
  }
}
