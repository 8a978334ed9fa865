package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Reach;
import dev.tierproof.source.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host's packets to its own addresses (spec S6.13): where they are unmodelled. With no dataplane
 * chosen, at a node whose {@code lo} a host endpoint governs (the dataplanes disagree on whether
 * they are flows at all); on the rule renderer, where that endpoint is of all interfaces and an
 * untracked policy selects a named one of the node (their walks differ).
 */
class LoopbackGapsTest {

  private static final String NAMED =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n1-eth0, labels: {role: worker}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.0.1]}
      """;

  private static final String STAR =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n1-auto, labels: {role: worker}}
      spec: {node: n1, interfaceName: "*", expectedIPs: [10.0.0.1]}
      """;

  private static final String UNTRACKED =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw}
      spec:
        selector: role == 'worker'
        doNotTrack: true
        applyOnForward: true
        types: [Egress]
        egress: [{action: Deny, protocol: TCP, destination: {ports: [9999]}}]
      """;

  /** The host loopback elements of {@code yaml} on {@code dataplane}: {walk} per element. */
  private static List<Boolean> elements(String yaml, Dataplane dataplane) {
    Diagnostics d = new Diagnostics();
    var input =
        Loader.input(
            List.of(new SourceText("in.yaml", yaml)), d, null, CalicoVersion.DEFAULT, dataplane);
    assertThat(d.errors()).as(d.render()).isEmpty();
    List<Boolean> out = new ArrayList<>();
    input.unmodelled().stream()
        .filter(u -> u.reach() instanceof Reach.HostLoopback)
        .forEach(
            u -> {
              Reach.HostLoopback h = (Reach.HostLoopback) u.reach();
              assertThat(h.nodes()).containsExactly("n1");
              assertThat(u.name()).isEqualTo("n1-auto"); // the endpoint governing lo
              out.add(h.walk());
            });
    return out;
  }

  @Test
  void nothingGovernsLo_noElementOnAnyDataplane() {
    for (Dataplane dp : new Dataplane[] {null, Dataplane.IPTABLES, Dataplane.BPF}) {
      assertThat(elements(NAMED + UNTRACKED, dp)).as("%s", dp).isEmpty();
    }
  }

  @Test
  void allInterfacesGovernsLo_unmodelledWithNoDataplaneOnly() {
    assertThat(elements(NAMED + STAR, null)).containsExactly(false);
    assertThat(elements(NAMED + STAR, Dataplane.IPTABLES)).isEmpty();
    assertThat(elements(NAMED + STAR, Dataplane.NFTABLES)).isEmpty();
    assertThat(elements(NAMED + STAR, Dataplane.BPF)).isEmpty();
  }

  @Test
  void untrackedPolicyOnANamedOne_walkUnmodelledOnTheRenderer() {
    assertThat(elements(NAMED + STAR + UNTRACKED, Dataplane.IPTABLES)).containsExactly(true);
    assertThat(elements(NAMED + STAR + UNTRACKED, null)).containsExactly(false, true);
    // the all-interfaces endpoint alone: its walk is lo's
    assertThat(elements(STAR.substring(4) + UNTRACKED, Dataplane.IPTABLES)).isEmpty();
  }
}
