package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Input;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The loader records what it warns about and Calico enforces, with what each could change (spec
 * S9.1, S9.2).
 */
class GapsTest {

  private static Input load(String yaml) {
    Diagnostics d = new Diagnostics();
    Input input = Loader.input(List.of(new SourceText("in.yaml", yaml)), d);
    assertThat(d.errors()).as(d.render()).isEmpty();
    return input;
  }

  private static final Map<String, String> SHOP_POD =
      Map.of(
          "app",
          "web",
          Endpoint.NAMESPACE_LABEL,
          "shop",
          "pcns.kubernetes.io/metadata.name",
          "shop");
  private static final Endpoint WEB =
      Endpoint.workload(
          "shop",
          "web",
          "Pod",
          SHOP_POD,
          List.of(),
          List.of(),
          List.of("kns.shop"),
          null,
          dev.tierproof.source.Span.NONE);

  @Test
  void input_clusterAndAdminNetworkPolicies_modelledNotRecorded() {
    // spec S9.1: Calico 3.32 enforces ClusterNetworkPolicy (modelled) and ignores the admin kinds
    Input in =
        load(
            """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: web-out}
        spec:
          priority: 3
          subject: {namespaces: {}}
          egress:
            - {name: deny, action: Deny, to: [{namespaces: {}}]}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: odd}
        spec:
          tier: Baseline
          priority: 4
          subject: {namespaces: {}}
          ingress: [{name: x, action: Deny, from: [{namespaces: {}}]}]
        """);
    assertThat(in.unmodelled()).isEmpty();
    assertThat(in.set().policies()).extracting(p -> p.name()).containsExactly("odd");
  }

  @Test
  void input_serviceAndThirdPartyKinds_notRecorded() {
    Input in =
        load(
            """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: c}
        """);
    assertThat(in.unmodelled()).isEmpty();
  }

  @Test
  void input_resolvedServicesRules_notRecorded() {
    // spec S3.9: the Service's selector or its EndpointSlices say which endpoints it has
    Input in =
        load(
            """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: api, namespace: shop}
        spec:
          selector: app == 'api'
          egress:
            - action: Allow
              destination: {services: {name: db}}
            - action: Allow
              destination: {services: {name: cache}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {selector: {app: db}, ports: [{port: 5432}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: cache-1, namespace: shop, labels: {kubernetes.io/service-name: cache}}
        addressType: IPv4
        endpoints: [{addresses: ["10.0.0.9"]}]
        ports: [{port: 6379}]
        """);
    assertThat(in.unmodelled()).isEmpty();
  }

  @Test
  void input_rulesWithHttpAndServices_recordedAtTheirPolicysEndpointsStagedSkipped() {
    Input in =
        load(
            """
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: api, namespace: shop}
        spec:
          selector: app == 'api'
          ingress:
            - action: Allow
              protocol: TCP
              http: {methods: [GET]}
          egress:
            - action: Allow
              destination: {services: {name: db}}
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedNetworkPolicy
        metadata: {name: staged, namespace: shop}
        spec:
          selector: app == 'api'
          ingress:
            - action: Allow
              http: {methods: [GET]}
        """);
    assertThat(in.unmodelled())
        .extracting(Unmodelled::kind, Unmodelled::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("http", "ingress rule 0 of shop/api"),
            org.assertj.core.groups.Tuple.tuple("services", "egress rule 0 of shop/api"));
    Reach.Endpoints http = (Reach.Endpoints) in.unmodelled().get(0).reach();
    assertThat(http.directions()).containsExactly(Direction.INGRESS);
    assertThat(http.decider()).isNotNull();
    assertThat(((Reach.Endpoints) in.unmodelled().get(1).reach()).decider()).isNull();
  }

  @Test
  void input_hostPathPolicies_forwardedTrafficOnlyWhenSelectingAHostEndpoint() {
    String policies =
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: raw}
        spec: {selector: role == 'edge', doNotTrack: true, applyOnForward: true, ingress: [{action: Deny}, {action: Allow}]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: fwd}
        spec: {selector: role == 'edge', applyOnForward: true, ingress: [{action: Deny}]}
        """;
    List<Unmodelled> without = load(policies).unmodelled();
    // spec S6.5: the untracked Allow's reply is modelled, so it is no element of its own
    assertThat(without)
        .extracting(Unmodelled::kind)
        .containsExactly("doNotTrack", "applyOnForward");
    assertThat(without.get(0).reach()).isEqualTo(Reach.NOWHERE);
    assertThat(without.get(1).reach()).isEqualTo(Reach.NOWHERE);
    Input with =
        load(
            policies
                + """
        ---
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: edge-1, labels: {role: edge}}
        spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.9.1]}
        """);
    // spec S6.5, S9.1: with no dataplane chosen, the untracked Allow of any protocol (rule 1) may
    // let in an echo request or an SCTP packet, whose reply the dataplanes decide apart
    assertThat(with.unmodelled())
        .extracting(Unmodelled::kind)
        .containsExactly("doNotTrack", "natOutgoing", "doNotTrack", "applyOnForward");
    assertThat(with.unmodelled().get(2).name()).isEqualTo("ingress rule 1 of raw");
    // spec S6.4, S6.10: without an IPPool a workload's packet to edge-1 may be masqueraded, and the
    // untracked path's failsafe-reply skip reads its source port
    assertThat(with.unmodelled().get(1).name()).isEqualTo("raw");
    assertThat(((Reach.Masqueraded) with.unmodelled().get(1).reach()).hosts())
        .containsExactly("edge-1");
    // spec S6.6: untracked and forward policies alike act on forwarded traffic (a workload end)
    for (int i : new int[] {0, 3}) {
      Reach.Endpoints forward = (Reach.Endpoints) with.unmodelled().get(i).reach();
      assertThat(forward.kinds()).isEqualTo(Set.of(Endpoint.Kind.WORKLOAD));
      assertThat(forward.nodes()).isEqualTo(Set.of("n1")); // the selected host endpoint's node
    }
  }

  @Test
  void input_passInProfileAndFelixConfiguration_recorded() {
    Input in =
        load(
            """
        apiVersion: projectcalico.org/v3
        kind: Profile
        metadata: {name: p}
        spec: {ingress: [{action: Pass}]}
        ---
        apiVersion: projectcalico.org/v3
        kind: FelixConfiguration
        metadata: {name: default}
        spec: {failsafeInboundHostPorts: [{protocol: ICMP, port: 22}]}
        """);
    assertThat(in.unmodelled())
        .extracting(Unmodelled::kind)
        .containsExactly("Pass", "FelixConfiguration");
    assertThat(((Reach.Endpoints) in.unmodelled().get(0).reach()).profile()).isEqualTo("p");
    assertThat(((Reach.Endpoints) in.unmodelled().get(1).reach()).kinds())
        .containsExactly(Endpoint.Kind.HOST);
  }

  @Test
  void input_workloadEndpointWithAddressRange_everywhere() {
    Input in =
        load(
            """
        apiVersion: projectcalico.org/v3
        kind: WorkloadEndpoint
        metadata: {name: n1-k8s-web-eth0, namespace: shop}
        spec: {pod: web, ipNetworks: [10.0.5.0/24, 10.0.6.1/32]}
        """);
    assertThat(in.unmodelled())
        .extracting(Unmodelled::kind, Unmodelled::name, Unmodelled::reach)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ipNetworks", "shop/web", Reach.EVERYWHERE));
    assertThat(in.unmodelled().get(0).span().line()).isEqualTo(4);
  }

  @Test
  void input_hostEndpointsOfOneNode_unmodelledOnlyWhenTheyDiffer() {
    String alike =
        """
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: a, labels: {zone: z}}
        spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.9.1]}
        ---
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: b, labels: {zone: z}}
        spec: {node: n1, interfaceName: eth1, expectedIPs: [10.0.9.2]}
        """;
    // spec S6.12: a node's traffic with its own workloads is modelled, no element stands for it
    assertThat(load(alike).unmodelled()).isEmpty();
    Input differ = load(alike.replace("name: b, labels: {zone: z}", "name: b, labels: {zone: y}"));
    assertThat(differ.unmodelled())
        .extracting(Unmodelled::kind, Unmodelled::name)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("HostEndpoint", "node n1"));
    Reach.Endpoints at = (Reach.Endpoints) differ.unmodelled().get(0).reach();
    assertThat(at.kinds()).isEqualTo(Set.of(Endpoint.Kind.HOST));
    assertThat(at.nodes()).isEqualTo(Set.of("n1"));
  }

  @Test
  void input_untrackedPolicyOnAllInterfacesEndpoint_unmodelledThere() {
    Input in =
        load(
            """
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: auto, labels: {kind: auto, zone: z}}
        spec: {node: n1, interfaceName: "*", expectedIPs: [10.0.9.1]}
        ---
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: named, labels: {zone: z}}
        spec: {node: n2, interfaceName: eth0, expectedIPs: [10.0.9.2]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: raw}
        spec: {selector: has(zone), doNotTrack: true, applyOnForward: true, ingress: [{action: Deny}]}
        """);
    Unmodelled wildcard =
        in.unmodelled().stream()
            .filter(u -> u.reason().contains("all-interfaces"))
            .findFirst()
            .orElseThrow();
    Reach.Endpoints at = (Reach.Endpoints) wildcard.reach();
    assertThat(at.kinds()).isEqualTo(Set.of(Endpoint.Kind.HOST));
    assertThat(at.directions()).isEqualTo(Set.of(Direction.INGRESS));
    assertThat(at.selector().matches(java.util.Map.of("kind", "auto", "zone", "z"))).isTrue();
    assertThat(at.selector().matches(java.util.Map.of("zone", "z"))).isFalse(); // the named one
  }

  @Test
  void input_untrackedEgressPolicyOnAllInterfacesEndpoint_modelledNotRecorded() {
    // spec S6.6: no dataplane enforces a `*` endpoint's untracked egress policy
    Input in =
        load(
            """
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: auto, labels: {zone: z}}
        spec: {node: n1, interfaceName: "*", expectedIPs: [10.0.9.1]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: raw-out}
        spec: {selector: has(zone), doNotTrack: true, applyOnForward: true, types: [Egress],
               egress: [{action: Deny}]}
        """);
    assertThat(in.unmodelled()).noneMatch(u -> u.reason().contains("all-interfaces"));
    // nor on forwarded traffic: the policy acts nowhere
    assertThat(in.unmodelled())
        .filteredOn(u -> u.kind().equals("doNotTrack"))
        .extracting(Unmodelled::reach)
        .containsOnly(Reach.NOWHERE);
    assertThat(in.set().endpoints().get(0).site())
        .isEqualTo(dev.tierproof.model.Site.ALL_INTERFACES);
  }

  @Test
  void input_forwardPoliciesOnNamedInterfaces_actOnlyInTheirDirectionAtWorkloads() {
    // spec S6.9, S6.11, S9.2: a named host endpoint's ingress forward rules meet only packets
    // coming in by its interface (to a workload), its egress forward rules only packets leaving by
    // it (from a workload); an all-interfaces endpoint, pre-DNAT and untracked policy (which also
    // see the outer packets of encapsulated flows between nodes, replies too) act both ways
    String gnp =
        "{apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: {name: %s},"
            + " spec: {selector: has(zone), applyOnForward: true, %s}}\n---\n";
    String hosts =
        "{apiVersion: projectcalico.org/v3, kind: HostEndpoint, metadata: {name: h, labels: {zone: z}},"
            + " spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.9.1]}}\n---\n"
            + gnp.formatted("in", "types: [Ingress], ingress: [{action: Deny}]")
            + gnp.formatted("out", "types: [Egress], egress: [{action: Deny}]")
            + gnp.formatted("pre", "preDNAT: true, ingress: [{action: Deny}]")
            + gnp.formatted("raw", "doNotTrack: true, ingress: [{action: Deny}]");
    Map<String, Set<Direction>> named = forwardDirections(load(hosts));
    assertThat(named)
        .isEqualTo(
            Map.of(
                "in", Set.of(Direction.INGRESS),
                "out", Set.of(Direction.EGRESS),
                "pre", Set.of(Direction.INGRESS, Direction.EGRESS),
                "raw", Set.of(Direction.INGRESS, Direction.EGRESS)));
    Map<String, Set<Direction>> wildcard =
        forwardDirections(load(hosts.replace("interfaceName: eth0", "interfaceName: \"*\"")));
    assertThat(wildcard.values()).containsOnly(Set.of(Direction.INGRESS, Direction.EGRESS));
    assertThat(wildcard.keySet()).containsExactlyInAnyOrder("in", "out", "pre", "raw");
  }

  /** Per policy, the directions of its element standing for forwarded traffic (at workloads). */
  private static Map<String, Set<Direction>> forwardDirections(Input in) {
    Map<String, Set<Direction>> out = new java.util.HashMap<>();
    for (Unmodelled u : in.unmodelled()) {
      if (u.reach() instanceof Reach.Endpoints r
          && r.kinds().equals(Set.of(Endpoint.Kind.WORKLOAD))
          && !u.reason().contains("eBPF")) { // not where the dataplanes disagree (spec S6.11)
        assertThat(out.put(u.name(), r.directions())).as(u.name()).isNull();
      }
    }
    return out;
  }

  @Test
  void flowLocal_hostOfNodeWithWorkloadOnItOrUnnamed() {
    // spec S6.12: the pairs whose flows may be (or always are) between a node and its workload
    Endpoint host =
        Endpoint.host(
            "h",
            "HostEndpoint",
            Map.of(),
            List.of(),
            List.of(),
            List.of(),
            "n1",
            dev.tierproof.source.Span.NONE,
            null);
    Endpoint onN1 = WEB.withNode("n1");
    Endpoint onN2 = WEB.withNode("n2");
    assertThat(dev.tierproof.model.Flow.canBeLocal(host, WEB)).isTrue();
    assertThat(dev.tierproof.model.Flow.canBeLocal(WEB, host)).isTrue();
    assertThat(dev.tierproof.model.Flow.mustBeLocal(host, WEB)).isFalse();
    assertThat(dev.tierproof.model.Flow.canBeLocal(host, onN2)).isFalse();
    assertThat(dev.tierproof.model.Flow.mustBeLocal(onN1, host)).isTrue();
    assertThat(dev.tierproof.model.Flow.canBeLocal(WEB, WEB)).isFalse();
  }
}
