package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named host endpoints the eBPF dataplane may ignore (spec S6.9, S9.1): an interface outside
 * Felix's default {@code BPFDataIfacePattern}, or none named, is unmodelled unless a rule renderer
 * is chosen.
 */
class BpfInterfacesTest {

  private static List<Unmodelled> hostEndpoints(String iface, Dataplane dataplane) {
    String spec =
        iface == null
            ? "{node: n1, expectedIPs: [10.0.0.1]}"
            : "{node: n1, interfaceName: \"" + iface + "\", expectedIPs: [10.0.0.1]}";
    String yaml =
        "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\n"
            + "metadata: {name: h1, labels: {role: edge}}\nspec: "
            + spec
            + "\n";
    Diagnostics d = new Diagnostics();
    List<Unmodelled> out =
        Loader.input(
                List.of(new SourceText("in.yaml", yaml)), d, null, CalicoVersion.DEFAULT, dataplane)
            .unmodelled();
    assertThat(d.errors()).as(d.render()).isEmpty();
    // a host's packets to itself (spec S6.13) are LoopbackGapsTest's
    return out.stream()
        .filter(u -> u.kind().equals("HostEndpoint"))
        .filter(u -> !(u.reach() instanceof dev.tierproof.model.Reach.HostLoopback))
        .toList();
  }

  @Test
  void of_dataInterfaceOrAllInterfaces_modelledOnEveryDataplane() {
    for (String iface : List.of("eth0", "ens3", "enp0s3", "*")) {
      for (Dataplane d : new Dataplane[] {null, Dataplane.IPTABLES, Dataplane.BPF}) {
        assertThat(hostEndpoints(iface, d)).as(iface + " " + d).isEmpty();
      }
    }
  }

  @Test
  void of_otherInterface_unmodelledButOnRenderer() {
    for (String iface : List.of("br0", "bond0", "lo")) {
      assertThat(hostEndpoints(iface, Dataplane.IPTABLES)).isEmpty();
      assertThat(hostEndpoints(iface, Dataplane.NFTABLES)).isEmpty();
      List<Unmodelled> bpf = hostEndpoints(iface, Dataplane.BPF);
      assertThat(bpf).singleElement().satisfies(u -> assertThat(u.reason()).contains(iface));
      Reach.Endpoints r = (Reach.Endpoints) bpf.get(0).reach();
      assertThat(r.kinds()).containsExactly(Endpoint.Kind.HOST);
      assertThat(r.nodes()).containsExactly("n1");
      assertThat(r.selector().matches(java.util.Map.of("role", "edge"))).isTrue();
      assertThat(r.selector().matches(java.util.Map.of("role", "core"))).isFalse();
      assertThat(hostEndpoints(iface, null))
          .singleElement()
          .satisfies(u -> assertThat(u.reason()).contains("--dataplane"));
    }
  }

  @Test
  void of_noInterfaceNamed_unmodelledButOnRenderer() {
    assertThat(hostEndpoints(null, Dataplane.BPF))
        .singleElement()
        .satisfies(u -> assertThat(u.reason()).contains("names no interface"));
    assertThat(hostEndpoints(null, Dataplane.IPTABLES)).isEmpty();
  }
}
