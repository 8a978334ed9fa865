package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostic;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Endpoints that own one address (spec S5.5): loaded as written, with one warning per address at
 * each later owner; a network set over a pod's address shares nothing.
 */
class SharedAddressLoadTest {

  private static final String PODS =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: a, namespace: shop}
      status: {podIP: 10.0.0.5}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b, namespace: shop}
      status: {podIP: 10.0.0.5}
      """;

  private static List<String> warnings(String text, Diagnostics d) {
    PolicySet set = Loader.load(List.of(new SourceText("test.yaml", text)), d);
    assertThat(d.errors()).isEmpty();
    assertThat(set.endpoints()).allMatch(e -> !e.ips().isEmpty());
    return d.all().stream()
        .filter(x -> x.severity() == Severity.WARNING)
        .map(Diagnostic::message)
        .filter(m -> m.contains("spec S5.5"))
        .toList();
  }

  @Test
  void load_twoPodsOneAddress_warnsAtTheSecond() {
    Diagnostics d = new Diagnostics();
    assertThat(warnings(PODS, d))
        .containsExactly(
            "address `10.0.0.5` of `shop/b` is also the address of `shop/a` (test.yaml:1:1): rules"
                + " that match either match packets of both, and a packet to it may reach either"
                + " (spec S5.5)");
    assertThat(
            d.all().stream()
                .filter(x -> x.message().contains("spec S5.5"))
                .map(x -> x.span().line()))
        .containsExactly(6);
  }

  @Test
  void load_podAndHostEndpointOneAddress_warns() {
    String text =
        PODS.substring(0, PODS.indexOf("---"))
            + """
            ---
            apiVersion: projectcalico.org/v3
            kind: HostEndpoint
            metadata: {name: node1-eth0}
            spec: {node: node1, interfaceName: eth0, expectedIPs: [10.0.0.5]}
            """;
    assertThat(warnings(text, new Diagnostics())).hasSize(1);
  }

  @Test
  void load_networkSetOverAPodAddress_noWarning() {
    String text =
        PODS.substring(0, PODS.indexOf("---"))
            + """
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkSet
            metadata: {name: office}
            spec: {nets: [10.0.0.5/32]}
            """;
    assertThat(warnings(text, new Diagnostics())).isEmpty();
  }
}
