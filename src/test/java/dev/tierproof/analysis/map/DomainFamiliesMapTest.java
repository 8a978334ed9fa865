package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A DNS name's group stands per family at the region of explain's outside address of that family
 * (spec S3.6; MapDifferentialTest seed 3518): when a rule's range holds the IPv4 address
 * (203.0.113.7) but not the IPv6 one, the name's group holds that range's IPv4 addresses and the
 * other region's IPv6 addresses only, never the other region's IPv4 addresses, where the verdict
 * differs.
 */
class DomainFamiliesMapTest {

  private static final String INPUT =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: pay}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: pay, labels: {app: client}}
      status:
        podIP: 192.168.5.1
        podIPs: [{ip: 192.168.5.1}, {ip: "fd00:1::a"}]
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkSet
      metadata: {name: partners, labels: {set: partner}}
      spec:
        nets: [10.1.0.8/30]
        allowedEgressDomains: [api.example.com]
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: out}
      spec:
        selector: app == 'client'
        types: [Egress]
        egress:
        - action: Allow
          destination: {notNets: [203.0.113.0/24]}
      """;

  @Test
  void run_rangeHoldsTheIpv4PlaceholderOnly_nameGroupHoldsEachFamilysRegionOnly() {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("test.yaml", INPUT)), d);
    assertThat(d.errors()).isEmpty();
    MapResult map = Connectivity.run(set, Connectivity.Options.all());
    Group name =
        map.groups().stream()
            .filter(g -> g.domains().contains("api.example.com"))
            .findFirst()
            .get();
    Ip elsewhere = Ip.parse("192.168.7.99").orElseThrow();
    Ip range = Ip.parse("203.0.113.9").orElseThrow();
    Ip v6 = Ip.parse("2001:db8::1").orElseThrow();
    Evaluator eval = new Evaluator(set);
    assertThat(eval.evaluate(flow(set, elsewhere)).allowed()).isTrue();
    assertThat(eval.evaluate(flow(set, range)).allowed()).isFalse();
    assertThat(held(name, elsewhere)).as("an IPv4 address of the other region").isFalse();
    assertThat(held(name, range)).isTrue();
    assertThat(held(name, v6)).isTrue();
    assertThat(name.names()).isEqualTo("api.example.com at 203.0.113.0/24 (IPv4), world (IPv6)");
  }

  private static boolean held(Group g, Ip ip) {
    return g.cidrs().stream().anyMatch((Cidr c) -> c.contains(ip));
  }

  private static Flow flow(PolicySet set, Ip to) {
    Endpoint client = set.endpoints().get(0);
    Ip from = client.ips().stream().filter(i -> i.family() == to.family()).findFirst().get();
    return Flow.between(1, from, null, to, null, 8, 0, "api.example.com", client, null);
  }
}
