package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Input;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the chosen dataplane ({@code --dataplane}) settles of what the dataplanes disagree on (spec
 * S4.6, S6.6, S6.11, S9.1): each element unmodelled without the option, modelled (or not) with each
 * value.
 */
class DataplaneGapsTest {

  private static Input input(String yaml, Dataplane dataplane, Diagnostics d) {
    return Loader.input(
        List.of(new SourceText("in.yaml", yaml)), d, null, CalicoVersion.DEFAULT, dataplane);
  }

  private static List<Unmodelled> gaps(String yaml, Dataplane dataplane) {
    Diagnostics d = new Diagnostics();
    Input input = input(yaml, dataplane, d);
    assertThat(d.errors()).as(d.render()).isEmpty();
    assertThat(input.set().dataplane()).isEqualTo(dataplane);
    // a host's packets to itself (spec S6.13) are LoopbackGapsTest's
    return input.unmodelled().stream()
        .filter(u -> !(u.reach() instanceof Reach.HostLoopback))
        .toList();
  }

  private static final String PROFILE_PASS =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h1}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.0.1], profiles: [p]}
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: p}
      spec:
        ingress:
          - action: Pass
            protocol: TCP
      """;

  @Test
  void profilePass_noDataplane_unmodelled() {
    assertThat(gaps(PROFILE_PASS, null))
        .singleElement()
        .satisfies(u -> assertThat(u.kind()).isEqualTo("Pass"));
  }

  @Test
  void profilePass_eachDataplane_modelled() {
    for (Dataplane d : Dataplane.values()) {
      assertThat(gaps(PROFILE_PASS, d)).as(d.label()).isEmpty();
    }
  }

  /**
   * A host endpoint {@code name} labelled {@code role=ROLE} on node n1 at interface {@code iface},
   * and a GlobalNetworkPolicy selecting it with {@code flags} (YAML lines of its spec) that denies
   * TCP in {@code direction} ({@code ingress} or {@code egress}).
   */
  private static String hostWithPolicy(
      String name, String role, String iface, String flags, String direction) {
    String types = direction.equals("ingress") ? "Ingress" : "Egress";
    return "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: "
        + name
        + ", labels: {role: "
        + role
        + "}}\nspec: {node: n1, interfaceName: \""
        + iface
        + "\", expectedIPs: [10.0.0.1]}\n---\n"
        + "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: pol}\n"
        + "spec:\n  selector: role == '"
        + role
        + "'\n"
        + flags
        + "  types: ["
        + types
        + "]\n  "
        + direction
        + ": [{action: Deny, protocol: TCP}]\n";
  }

  private static final String WILDCARD_UNTRACKED =
      hostWithPolicy(
          "auto", "auto", "*", "  doNotTrack: true\n  applyOnForward: true\n", "ingress");

  @Test
  void wildcardUntracked_noDataplane_unmodelledAtHostsAndForwarded() {
    List<Unmodelled> out = gaps(WILDCARD_UNTRACKED, null);
    assertThat(out).extracting(Unmodelled::kind).containsExactly("doNotTrack", "doNotTrack");
    assertThat(out.get(0).reach()).isNotEqualTo(Reach.NOWHERE); // forwarded traffic
    assertThat(out.get(1).reason()).contains("eBPF");
  }

  @Test
  void wildcardUntracked_iptablesOrNftables_ignoredAsFelixDoes() {
    // spec S6.6: the renderer programs no untracked policy on a `*` endpoint, forwarded or not
    for (Dataplane d : List.of(Dataplane.IPTABLES, Dataplane.NFTABLES)) {
      assertThat(gaps(WILDCARD_UNTRACKED, d))
          .as(d.label())
          .allSatisfy(u -> assertThat(u.reach()).isEqualTo(Reach.NOWHERE));
    }
  }

  @Test
  void wildcardUntracked_bpf_denyModelledAtHostsForwardedUnmodelled() {
    List<Unmodelled> out = gaps(WILDCARD_UNTRACKED, Dataplane.BPF);
    // spec S6.6: XDP walks the all-interfaces endpoint's untracked ingress Deny (modelled); its
    // failsafe-reply skip reads the source port (S6.10: masquerade); forwarded traffic stays
    assertThat(out).extracting(Unmodelled::kind).containsExactly("doNotTrack", "natOutgoing");
    assertThat(out).allSatisfy(u -> assertThat(atHosts(u)).isEmpty());
    assertThat(out.get(0).reach())
        .isInstanceOfSatisfying(
            Reach.Endpoints.class,
            r -> assertThat(r.kinds()).containsExactly(dev.tierproof.model.Endpoint.Kind.WORKLOAD));
  }

  @Test
  void wildcardUntrackedAllow_bpf_modelledAtHosts() {
    // spec S6.5, S6.6: eBPF's untracked Allow and its reply are modelled (XDP's accept, eBPF's
    // conntrack missing the reply): no element acts at host endpoints
    List<Unmodelled> out =
        gaps(WILDCARD_UNTRACKED.replace("action: Deny", "action: Allow"), Dataplane.BPF);
    assertThat(out).allSatisfy(u -> assertThat(atHosts(u)).isEmpty());
  }

  @Test
  void namedUntrackedAllow_noDataplane_echoAndSctpRepliesUnmodelledTcpNot() {
    // spec S6.5, S9.1: the renderer drops an echo reply or an SCTP reply no untracked Allow lets
    // through (conntrack INVALID), eBPF decides it as new; a TCP reply both drop
    String named =
        hostWithPolicy(
            "eth", "edge", "eth0", "  doNotTrack: true\n  applyOnForward: true\n", "ingress");
    String rules =
        ": [{action: Allow, protocol: TCP}, {action: Allow, protocol: ICMP, icmp: {type: 8}},"
            + " {action: Allow, protocol: ICMP, icmp: {type: 3}}, {action: Allow, protocol: SCTP},"
            + " {action: Allow}]\n";
    List<Unmodelled> out = gaps(named.replace(": [{action: Deny, protocol: TCP}]\n", rules), null);
    assertThat(out)
        .filteredOn(u -> atHosts(u).equals(java.util.Set.of(Direction.INGRESS)))
        .extracting(Unmodelled::name)
        .containsExactly("ingress rule 1 of pol", "ingress rule 3 of pol", "ingress rule 4 of pol");
    assertThat(out)
        .filteredOn(u -> !atHosts(u).isEmpty())
        .allSatisfy(
            u -> {
              assertThat(u.reason()).contains("--dataplane");
              assertThat(((Reach.Endpoints) u.reach()).decider()).isNotNull();
              assertThat(((Reach.Endpoints) u.reach()).effect()).isEqualTo(Reach.Effect.ALLOWS);
            });
    for (Dataplane d : Dataplane.values()) {
      assertThat(gaps(named.replace(": [{action: Deny, protocol: TCP}]\n", rules), d))
          .as(d.label())
          .allSatisfy(u -> assertThat(atHosts(u)).isEmpty());
    }
  }

  /** The directions of an element acting at host endpoints only; empty for another reach. */
  private static java.util.Set<Direction> atHosts(Unmodelled u) {
    return u.reach() instanceof Reach.Endpoints r
            && r.kinds().equals(java.util.Set.of(dev.tierproof.model.Endpoint.Kind.HOST))
        ? r.directions()
        : java.util.Set.of();
  }

  private static final String NAMED_PRE_DNAT =
      hostWithPolicy("eth", "edge", "eth0", "  preDNAT: true\n  applyOnForward: true\n", "ingress");

  @Test
  void namedPreDnat_iptables_onlyForwardedTrafficUnmodelled() {
    List<Unmodelled> out = gaps(NAMED_PRE_DNAT, Dataplane.IPTABLES);
    assertThat(out).singleElement().satisfies(u -> assertThat(u.kind()).isEqualTo("preDNAT"));
    assertThat(out.get(0).reach())
        .isInstanceOfSatisfying(
            Reach.Endpoints.class,
            r -> assertThat(r.kinds()).containsExactly(dev.tierproof.model.Endpoint.Kind.WORKLOAD));
  }

  @Test
  void namedPreDnat_bpf_ownTrafficModelledAsOnIptables() {
    // spec S6.6: eBPF's policy program walks the pre-DNAT tiers first, their ends going on, as the
    // rule renderer does (specs/notes/bpf-host-endpoints.md, section 1): only forwarded traffic
    // through a named host endpoint stays unmodelled
    List<Unmodelled> out = gaps(NAMED_PRE_DNAT, Dataplane.BPF);
    assertThat(out).singleElement().satisfies(u -> assertThat(atHosts(u)).isEmpty());
    assertThat(out)
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(gaps(NAMED_PRE_DNAT, Dataplane.IPTABLES));
  }

  @Test
  void namedPreDnat_noDataplane_failsafeDisagreementAtWorkloadsAsDestinations() {
    // spec S6.11 (a), S9.2: a packet to a pod coming in by eth0 at TCP 22 skips eth0's pre-DNAT
    // path on iptables and nftables, not on eBPF
    List<Unmodelled> out = gaps(NAMED_PRE_DNAT, null);
    assertThat(out).extracting(Unmodelled::kind).containsExactly("preDNAT", "preDNAT");
    assertThat(out.get(1).reason()).contains("failsafe");
    Reach.Endpoints r = (Reach.Endpoints) out.get(1).reach();
    assertThat(r.directions()).containsExactly(Direction.INGRESS);
    assertThat(r.nodes()).containsExactly("n1");
    assertThat(r.walked()).isEmpty();
    assertThat(r.routes("n1")).isTrue();
  }

  @Test
  void namedForwardEgress_natOutgoingPool_unmodelledButOnRenderer() {
    // spec S6.11 (c): eBPF translates the source before the egress forward rules of the interface
    // the packet leaves by, named or not
    String named =
        hostWithPolicy("eth", "edge", "eth0", "  applyOnForward: true\n", "egress")
            + POOL_NAT.formatted("true");
    named = named.replace("protocol: TCP}", "protocol: TCP, source: {nets: [10.1.0.0/16]}}");
    for (Dataplane d : new Dataplane[] {null, Dataplane.IPTABLES, Dataplane.BPF}) {
      List<Unmodelled> out = gaps(named, d);
      assertThat(out)
          .as(String.valueOf(d))
          .filteredOn(u -> u.reason().contains("source translation"))
          .hasSize(d == Dataplane.IPTABLES ? 0 : 1)
          .allSatisfy(
              u -> {
                Reach.Endpoints r = (Reach.Endpoints) u.reach();
                assertThat(r.directions()).containsExactly(Direction.EGRESS);
                assertThat(r.nodes()).containsExactly("n1");
              });
    }
    assertThat(gaps(named.replace("natOutgoing: true", "natOutgoing: false"), null))
        .noneMatch(u -> u.reason().contains("source translation"));
    // rules that never read the source decide alike on the translated packet
    assertThat(gaps(named.replace(", source: {nets: [10.1.0.0/16]}", ""), null))
        .noneMatch(u -> u.reason().contains("source translation"));
  }

  private static final String WALKED_FORWARD =
      hostWithPolicy("auto", "auto", "*", "  applyOnForward: true\n", "egress");

  private static final String POOL_NAT =
      "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\n"
          + "spec: {cidr: 10.1.0.0/16, natOutgoing: %s}\n";

  @Test
  void walkedForwardChain_everyDataplane_walked() {
    // spec S6.11: eBPF's programs walk the same steps (specs/notes/bpf-host-endpoints.md, 2)
    for (Dataplane d : new Dataplane[] {null, Dataplane.IPTABLES, Dataplane.BPF}) {
      List<Unmodelled> out = gaps(WALKED_FORWARD + POOL_NAT.formatted("false"), d);
      assertThat(out).as(String.valueOf(d)).singleElement();
      Reach.Endpoints r = (Reach.Endpoints) out.get(0).reach();
      assertThat(r.walked()).as(String.valueOf(d)).isEqualTo(java.util.Set.of("n1"));
    }
  }

  @Test
  void walkedForwardEgress_natOutgoingPool_unmodelledButOnRenderer() {
    // spec S6.11: eBPF's egress forward rules see the nat-outgoing source (the node's address)
    String sourced =
        WALKED_FORWARD.replace("protocol: TCP}", "protocol: TCP, source: {nets: [10.1.0.0/16]}}");
    for (String pools : List.of("", POOL_NAT.formatted("true"))) {
      for (Dataplane d : new Dataplane[] {null, Dataplane.IPTABLES, Dataplane.BPF}) {
        List<Unmodelled> out = gaps(sourced + pools, d);
        assertThat(out)
            .as(d + pools)
            .extracting(Unmodelled::kind)
            .containsExactlyElementsOf(
                d == Dataplane.IPTABLES
                    ? List.of("applyOnForward")
                    : List.of("applyOnForward", "applyOnForward"));
        if (d != Dataplane.IPTABLES) {
          Reach.Endpoints r = (Reach.Endpoints) out.get(1).reach();
          assertThat(r.directions()).containsExactly(Direction.EGRESS);
          assertThat(r.walked()).isEmpty();
          assertThat(r.nodes()).containsExactly("n1");
          assertThat(r.forwardedOnly()).isTrue();
        }
      }
    }
  }

  private static final String WALKED_PRE_DNAT =
      hostWithPolicy("auto", "auto", "*", "  preDNAT: true\n  applyOnForward: true\n", "ingress");

  @Test
  void walkedPreDnat_failsafeDisagreement_unmodelledWithoutDataplane() {
    // spec S6.11: a forwarded packet to TCP 22 skips the pre-DNAT path on iptables only
    // spec S6.12: so does a pod's packet to its own node's TCP 22 on the local pre-DNAT path
    assertThat(gaps(WALKED_PRE_DNAT, null))
        .extracting(Unmodelled::kind)
        .containsExactly("preDNAT", "preDNAT", "preDNAT");
    assertThat(gaps(WALKED_PRE_DNAT, null).get(1).reason()).contains("failsafe");
    assertThat(gaps(WALKED_PRE_DNAT, null).get(2).reason()).contains("its own host");
    for (Dataplane d : Dataplane.values()) {
      assertThat(gaps(WALKED_PRE_DNAT, d)).as(d.label()).singleElement();
    }
  }

  @Test
  void walkedPreDnat_localPath_modelledSoForwardedOnly() {
    // spec S6.12, S9.2: the local pre-DNAT path of a settled node is walked, not an element's
    Reach.Endpoints r = (Reach.Endpoints) gaps(WALKED_PRE_DNAT, Dataplane.IPTABLES).get(0).reach();
    assertThat(r.forwardedOnly()).isTrue();
    // the disagreement acts at the node's pods in egress, on flows that may reach a host endpoint
    Reach.Endpoints local = (Reach.Endpoints) gaps(WALKED_PRE_DNAT, null).get(2).reach();
    assertThat(local.directions()).containsExactly(Direction.EGRESS);
    assertThat(local.nodes()).containsExactly("n1");
    assertThat(local.walked()).containsExactly("n1");
    assertThat(local.forwardedOnly()).isFalse();
  }

  @Test
  void walkedPreDnat_localPathIcmpv6Discovery_disagreement() {
    // spec S6.12: eBPF lets ICMPv6 neighbour solicitation skip the path, iptables does not
    String icmp =
        WALKED_PRE_DNAT.replace(
            "{action: Deny, protocol: TCP}", "{action: Deny, protocol: ICMPv6, icmp: {type: 135}}");
    assertThat(gaps(icmp, null))
        .extracting(Unmodelled::reason)
        .anyMatch(x -> x.contains("its own host"))
        .noneMatch(x -> x.contains("forwarded packet to an inbound failsafe port"));
    String echo = icmp.replace("type: 135", "type: 128");
    assertThat(gaps(echo, null))
        .extracting(Unmodelled::reason)
        .noneMatch(x -> x.contains("own host"));
  }

  @Test
  void walkedPreDnat_ruleMissingFailsafePorts_agreed() {
    String udp53 =
        WALKED_PRE_DNAT.replace(
            "{action: Deny, protocol: TCP}",
            "{action: Deny, protocol: UDP, destination: {ports: [53]}}");
    assertThat(gaps(udp53, null)).singleElement();
  }

  @Test
  void walkedPreDnat_outerPacket_onlyRendererExcepts() {
    // spec S6.10: eBPF lets IPIP and VXLAN between Calico hosts through before policy
    String udp = WALKED_PRE_DNAT.replace("protocol: TCP", "protocol: UDP");
    assertThat(gaps(udp, Dataplane.IPTABLES))
        .extracting(Unmodelled::reach)
        .anyMatch(Reach.Outer.class::isInstance);
    assertThat(gaps(udp, Dataplane.BPF))
        .extracting(Unmodelled::reach)
        .noneMatch(Reach.Outer.class::isInstance);
  }

  @Test
  void walkedPreDnat_hostEndpointWithoutNode_reportedNotThrown() {
    // a host endpoint missing `spec.node` is an error; the gaps of the rest are still computed
    Diagnostics d = new Diagnostics();
    Input input = input(WALKED_PRE_DNAT.replace("spec: {node: n1, ", "spec: {"), null, d);
    assertThat(d.render()).contains("missing field `spec.node`");
    assertThat(input.unmodelled()).extracting(Unmodelled::kind).contains("preDNAT");
  }
}
