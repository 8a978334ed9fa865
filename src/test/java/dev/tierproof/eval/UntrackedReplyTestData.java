package dev.tierproof.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.util.List;

/** The input of the untracked-reply unit tests of eval and smt (specs/semantics.md S6.5). */
public final class UntrackedReplyTestData {

  private UntrackedReplyTestData() {}

  /** Host endpoint h (10.9.0.1): untracked Allows both ways, a normal ingress path. */
  private static final String HOST =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h, labels: {role: edge}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.9.0.1]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw}
      spec:
        selector: role == 'edge'
        doNotTrack: true
        applyOnForward: true
        order: 10
        types: [Ingress, Egress]
        egress:
          - {action: Allow, protocol: TCP, destination: {ports: [443]}}
          - {action: Allow, protocol: UDP, destination: {ports: [5353]}}
          - {action: Allow, protocol: ICMP}
          - {action: Allow, protocol: TCP, destination: {ports: [8080]}}
          - {action: Allow, protocol: SCTP, destination: {ports: [9899]}}
        ingress:
          - {action: Allow, protocol: TCP, source: {ports: [443]}}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: normal}
      spec:
        selector: role == 'edge'
        order: 20
        types: [Ingress]
        ingress:
          - {action: Deny, protocol: UDP}
          - {action: Allow}
      """;

  /** The loaded set: host endpoint {@code h} first. */
  public static PolicySet set() {
    return load(HOST);
  }

  private static PolicySet load(String yaml) {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("test.yaml", yaml)), d);
    assertThat(d.errors()).isEmpty();
    return set;
  }
}
