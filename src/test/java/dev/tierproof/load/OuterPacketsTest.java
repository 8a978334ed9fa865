package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.OuterNodes;
import dev.tierproof.model.Input;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which pre-DNAT rules may drop an outer packet of encapsulation (specs/semantics.md S6.10, S9.2):
 * the pools' modes, the VXLAN port, protocols, ports, ICMP fields and the nodes' addresses.
 */
class OuterPacketsTest {

  /** Walked nodes n1 (10.90.0.1) and n2 (addresses {@code n2}), a pre-DNAT policy on n1. */
  private static String cluster(String n2, String rule, String more) {
    return OuterNodes.hostEndpoint(1, "[10.90.0.1]")
        + OuterNodes.hostEndpoint(2, n2)
        + """
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: pre}
        spec:
          selector: host == 'n1'
          preDNAT: true
          applyOnForward: true
          types: [Ingress]
          ingress: [%s]
        """
            .formatted(rule)
        + more;
  }

  private static final String KNOWN = "[10.90.0.2]";

  private static String pool(String spec) {
    return "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec: "
        + spec
        + "\n";
  }

  /** The outer-packet element's reach, or null when the policy can drop no outer packet. */
  private static Reach.Outer outer(String yaml) {
    Diagnostics d = new Diagnostics();
    Input in = Loader.input(List.of(new SourceText("c.yaml", yaml)), d);
    assertThat(d.errors()).as(yaml).isEmpty();
    return in.unmodelled().stream()
        .map(Unmodelled::reach)
        .filter(r -> r instanceof Reach.Outer)
        .map(r -> (Reach.Outer) r)
        .findFirst()
        .orElse(null);
  }

  @Test
  void of_poolModes_encapsulationsTheRuleCanMatch() {
    String ipip = "{action: Deny, protocol: 4}";
    assertThat(outer(cluster(KNOWN, ipip, ""))).as("no pool: any").isNotNull();
    assertThat(outer(cluster(KNOWN, ipip, pool("{cidr: 10.90.0.0/16, ipipMode: CrossSubnet}"))))
        .isNotNull();
    assertThat(outer(cluster(KNOWN, ipip, pool("{cidr: 10.90.0.0/16, vxlanMode: Always}"))))
        .isNull();
    assertThat(outer(cluster(KNOWN, ipip, pool("{cidr: 10.90.0.0/16, ipip: {mode: always}}"))))
        .as("a v1 ipip block is enabled only by enabled: true")
        .isNull();
    assertThat(
            outer(
                cluster(
                    KNOWN,
                    ipip,
                    pool("{cidr: 10.90.0.0/16, ipip: {enabled: true, mode: always}}"))))
        .isNotNull();
    String vxlan = "{action: Deny, protocol: UDP, destination: {ports: [4789]}, ipVersion: 6}";
    assertThat(outer(cluster(KNOWN, vxlan, pool("{cidr: 10.90.0.0/16, vxlanMode: Always}"))))
        .as("an IPv4 pool's VXLAN is IPv4")
        .isNull();
    assertThat(outer(cluster(KNOWN, vxlan, pool("{cidr: 'fd00:90::/64', vxlanMode: Always}"))))
        .isNotNull();
  }

  @Test
  void of_ruleFields_onlyThoseMatchingTheOuterPacket() {
    String vxlan = pool("{cidr: 10.90.0.0/16, vxlanMode: Always}");
    assertThat(outer(cluster(KNOWN, "{action: Deny, protocol: UDP}", vxlan))).isNotNull();
    assertThat(outer(cluster(KNOWN, "{action: Allow, protocol: UDP}", vxlan))).isNull();
    assertThat(outer(cluster(KNOWN, "{action: Deny, notProtocol: UDP}", vxlan))).isNull();
    assertThat(
            outer(
                cluster(KNOWN, "{action: Deny, protocol: UDP, destination: {ports: [53]}}", vxlan)))
        .isNull();
    assertThat(
            outer(
                cluster(
                    KNOWN,
                    "{action: Deny, protocol: UDP, destination: {notPorts: ['4000:5000']}}",
                    vxlan)))
        .isNull();
    assertThat(outer(cluster(KNOWN, "{action: Deny, protocol: UDP, source: {ports: [53]}}", vxlan)))
        .as("any source port")
        .isNotNull();
    assertThat(outer(cluster(KNOWN, "{action: Deny, protocol: ICMP, icmp: {type: 8}}", vxlan)))
        .isNull();
    // a FelixConfiguration may move the VXLAN port: any UDP port
    String felix =
        "---\napiVersion: projectcalico.org/v3\nkind: FelixConfiguration\n"
            + "metadata: {name: default}\nspec: {vxlanPort: 53}\n";
    assertThat(
            outer(
                cluster(
                    KNOWN,
                    "{action: Deny, protocol: UDP, destination: {ports: [53]}}",
                    vxlan + felix)))
        .isNotNull();
  }

  @Test
  void of_nets_againstTheNodesAddressesWhereKnown() {
    String vxlan = pool("{cidr: 10.90.0.0/16, vxlanMode: Always}");
    String bad = "{action: Deny, source: {nets: [192.0.2.0/24]}}";
    Reach.Outer r = outer(cluster(KNOWN, bad, vxlan));
    // n2's address is not in it; a node whose address the input does not say may be
    assertThat(r.drops("n2", "n1")).isFalse();
    assertThat(r.drops(null, "n1")).isTrue();
    assertThat(r.drops("n9", "n1")).isTrue();
    assertThat(outer(cluster("", bad, vxlan)).drops("n2", "n1")).isTrue();
    // the receiving node's own address as destination
    assertThat(outer(cluster(KNOWN, "{action: Deny, destination: {nets: [10.90.0.2/32]}}", vxlan)))
        .isNull();
    assertThat(
            outer(cluster(KNOWN, "{action: Deny, destination: {notNets: [10.90.0.1/32]}}", vxlan)))
        .isNull();
    Reach.Outer own =
        outer(cluster(KNOWN, "{action: Deny, source: {nets: [10.90.0.2/32]}}", vxlan));
    assertThat(own.drops("n2", "n1")).isTrue();
    // placements: on one node no outer packet; apart (or elsewhere) it may be dropped at n1
    assertThat(own.reaches(List.of("n1"), List.of("n1"))).isFalse();
    assertThat(own.reaches(List.of("n2"), List.of("n1"))).isTrue();
    assertThat(own.reaches(List.of("n1"), List.of("n2"))).isTrue();
    assertThat(own.reaches(java.util.Collections.singletonList(null), List.of("n2"))).isFalse();
  }
}
