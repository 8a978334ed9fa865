package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.NatOutgoing;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which source another node's host endpoint sees ({@link Masquerade#seen}, spec S6.10): pods on n2
 * (both families, in a nat-outgoing pool of each family), on n1 and naming no node; n2's
 * all-interfaces endpoint lists only an IPv4 address (its named IPv6 one is not said for the
 * family), n3's lists none.
 */
class MasqueradeSeenTest {

  private static final String YAML =
      OuterNodes.NAMESPACE
          + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: op}\nspec: {nodeName:"
          + " n2}\nstatus: {podIPs: [{ip: 10.244.1.10}, {ip: 'fd00:244::10'}]}\n"
          + OuterNodes.pod("b", "n1", "10.244.1.20")
          + OuterNodes.pod("f", null, "10.244.1.30")
          + OuterNodes.pod("g", "n3", "10.244.1.40")
          + OuterNodes.pod("p", "n2", "10.244.2.10")
          + "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h1}\n"
          + "spec: {node: n1, interfaceName: eth0, expectedIPs: [10.80.0.1, 'fd00:80::1']}\n"
          + OuterNodes.hostEndpoint(2, "[10.80.0.2]")
          + "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: n2-eth1}\n"
          + "spec: {node: n2, interfaceName: eth1, expectedIPs: [10.80.1.2, 'fd00:80::2']}\n"
          + OuterNodes.hostEndpoint(3, "");

  private static final NatOutgoing POOLS =
      new NatOutgoing(
          true,
          List.of(cidr("10.244.1.0/24"), cidr("fd00:244::/64")),
          List.of(cidr("10.244.1.0/24"), cidr("fd00:244::/64"), cidr("10.244.2.0/24")));

  @Test
  void seen_settledOrNot_asSpecSays() {
    Diagnostics d = new Diagnostics();
    Input in = Loader.input(List.of(new SourceText("s.yaml", YAML)), d);
    assertThat(d.errors()).isEmpty();
    Masquerade m = Masquerade.of(POOLS, in.set().endpoints());
    Endpoint h1 = endpoint(in, "h1");

    Masquerade.Seen a4 = m.seen(flow(endpoint(in, "a"), "10.244.1.10", h1, "10.80.0.1"));
    assertThat(a4.kind()).isEqualTo(Masquerade.Kind.TRANSLATED);
    assertThat(a4.as()).containsExactly(ip("10.80.0.2"), ip("10.80.1.2"));
    // IPv6: n2's all-interfaces endpoint lists no IPv6 address, so the family's are not said
    assertThat(m.seen(flow(endpoint(in, "a"), "fd00:244::10", h1, "fd00:80::1")).kind())
        .isEqualTo(Masquerade.Kind.UNSETTLED);
    // n3's all-interfaces endpoint lists nothing; f names no node
    assertThat(m.seen(flow(endpoint(in, "g"), "10.244.1.40", h1, "10.80.0.1")).kind())
        .isEqualTo(Masquerade.Kind.UNSETTLED);
    assertThat(m.seen(flow(endpoint(in, "f"), "10.244.1.30", h1, "10.80.0.1")).kind())
        .isEqualTo(Masquerade.Kind.UNSETTLED);
    // not masqueraded: on h1's node, a pool without natOutgoing, to a pool's address, h1's own
    assertThat(m.seen(flow(endpoint(in, "b"), "10.244.1.20", h1, "10.80.0.1")).kind())
        .isEqualTo(Masquerade.Kind.KEPT);
    assertThat(m.seen(flow(endpoint(in, "p"), "10.244.2.10", h1, "10.80.0.1")).kind())
        .isEqualTo(Masquerade.Kind.KEPT);
    assertThat(m.seen(flow(endpoint(in, "a"), "10.244.1.10", h1, "10.244.2.99")).kind())
        .isEqualTo(Masquerade.Kind.KEPT);
    assertThat(m.seen(flow(h1, "10.80.0.1", endpoint(in, "a"), "10.244.1.10")).kind())
        .isEqualTo(Masquerade.Kind.KEPT);
    // no IPPool in the input: every such packet may be masqueraded, to a source not settled
    assertThat(
            Masquerade.of(NatOutgoing.UNSAID, in.set().endpoints())
                .seen(flow(endpoint(in, "a"), "10.244.1.10", h1, "10.80.0.1"))
                .kind())
        .isEqualTo(Masquerade.Kind.UNSETTLED);
  }

  private static Flow flow(Endpoint s, String from, Endpoint t, String to) {
    return Flow.between(Protocols.TCP, ip(from), 40000, ip(to), 10250, null, null, null, s, t);
  }

  private static Ip ip(String text) {
    return Ip.parse(text).orElseThrow();
  }

  private static Cidr cidr(String text) {
    return Cidr.parse(text).orElseThrow();
  }

  private static Endpoint endpoint(Input in, String name) {
    return in.set().endpoints().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
