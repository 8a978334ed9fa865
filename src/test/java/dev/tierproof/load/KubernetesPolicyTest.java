package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kubernetes NetworkPolicy → Calico policy (calico-semantics.md §2.2). */
class KubernetesPolicyTest {

  private static Policy convert(String spec) {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: shop}
            spec:
            """
                + spec.indent(2));
    assertThat(loaded.diagnostics().all()).isEmpty();
    return loaded.policy("shop/web");
  }

  /**
   * Each rule as {@code protocol source-side -> destination-side}, sides as nets/notNets/S⁺/ports.
   */
  private static List<String> describe(List<Rule> rules) {
    return rules.stream()
        .map(
            r ->
                r.index()
                    + " "
                    + r.protocol()
                    + " "
                    + side(r.source())
                    + " -> "
                    + side(r.destination()))
        .toList();
  }

  private static String side(dev.tierproof.model.EntityMatch m) {
    if (m.isEmpty()) {
      return "any";
    }
    StringBuilder out = new StringBuilder();
    if (!m.nets().isEmpty()) {
      out.append("nets").append(m.nets());
    }
    if (!m.notNets().isEmpty()) {
      out.append("notNets").append(m.notNets());
    }
    if (m.selector() != null) {
      out.append(m.selector().canonical());
    }
    if (!m.ports().isEmpty()) {
      out.append("ports").append(m.ports());
    }
    return out.toString();
  }

  @Test
  void convert_policy_isDefaultTierOrder1000WithPlainName() {
    Policy p = convert("podSelector: {}");
    assertThat(p.kind()).isEqualTo(PolicyKind.KUBERNETES_NETWORK_POLICY);
    assertThat(p.tier()).isEqualTo("default");
    assertThat(p.order()).isEqualTo(1000.0);
    assertThat(p.name()).isEqualTo("web");
    assertThat(p.types()).containsExactly(Direction.INGRESS);
    assertThat(p.selector().canonical())
        .isEqualTo(
            "(projectcalico.org/orchestrator == \"k8s\" && projectcalico.org/namespace =="
                + " \"shop\")");
  }

  @Test
  void convert_matchLabelsLeftEmpty_isAnEmptyMapAsKubectlReadsIt() {
    Policy p =
        convert(
            """
            podSelector:
              matchLabels:
            ingress:
            - from:
              - podSelector:
                  matchLabels:
            """);
    assertThat(p.selector().canonical())
        .isEqualTo(
            "(projectcalico.org/orchestrator == \"k8s\" && projectcalico.org/namespace =="
                + " \"shop\")");
    assertThat(describe(p.ingress())).hasSize(1);
  }

  @Test
  void convert_podSelector_labelsSortedThenExpressions() {
    Policy p =
        convert(
            """
            podSelector:
              matchLabels: {role: web, app: shop}
              matchExpressions:
                - {key: tier, operator: In, values: [b, a]}
                - {key: env, operator: NotIn, values: [dev]}
                - {key: x, operator: Exists}
                - {key: y, operator: DoesNotExist}
            """);
    assertThat(p.selector().canonical())
        .isEqualTo(
            "((projectcalico.org/orchestrator == \"k8s\" && app == \"shop\" && role == \"web\" &&"
                + " tier in {\"a\", \"b\"} && env not in {\"dev\"} && has(x) && !has(y)) &&"
                + " projectcalico.org/namespace == \"shop\")");
  }

  @Test
  void convert_ipBlock_becomesNetsAndNotNetsWithoutSelector() {
    Policy p =
        convert(
            """
            podSelector: {}
            ingress:
              - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.0.0/16]}}]
            """);
    assertThat(describe(p.ingress()))
        .containsExactly("0 null nets[10.0.0.0/8]notNets[10.1.0.0/16, 10.2.0.0/16] -> any");
  }

  @Test
  void convert_namespaceSelector_nilIsOwnNamespaceEmptyIsAll() {
    Policy p =
        convert(
            """
            podSelector: {}
            ingress:
              - from:
                  - podSelector: {matchLabels: {app: api}}
                  - namespaceSelector: {}
                  - namespaceSelector: {matchLabels: {team: a}}
                    podSelector: {}
            """);
    assertThat(describe(p.ingress()))
        .containsExactly(
            "0 null (projectcalico.org/namespace == \"shop\" && (projectcalico.org/orchestrator =="
                + " \"k8s\" && app == \"api\")) -> any",
            "0 null (has(projectcalico.org/namespace) && projectcalico.org/orchestrator == \"k8s\")"
                + " -> any",
            "0 null (pcns.team == \"a\" && projectcalico.org/orchestrator == \"k8s\") -> any");
  }

  @Test
  void convert_peersTimesProtocols_shareTheEntryIndex() {
    Policy p =
        convert(
            """
            podSelector: {}
            ingress:
              - {}
              - from: [{podSelector: {}}, {ipBlock: {cidr: 192.168.0.0/16}}]
                ports:
                  - {port: 8080, endPort: 8090}
                  - {protocol: UDP, port: 53}
                  - {port: 80}
                  - {port: 81}
                  - {protocol: TCP, port: http}
            """);
    assertThat(describe(p.ingress()))
        .containsExactly(
            "0 null any -> any",
            "1 6 (projectcalico.org/namespace == \"shop\" && projectcalico.org/orchestrator =="
                + " \"k8s\") -> ports[http, 80:81, 8080:8090]",
            "1 6 nets[192.168.0.0/16] -> ports[http, 80:81, 8080:8090]",
            "1 17 (projectcalico.org/namespace == \"shop\" && projectcalico.org/orchestrator =="
                + " \"k8s\") -> ports[53]",
            "1 17 nets[192.168.0.0/16] -> ports[53]");
    assertThat(p.ingress()).allMatch(r -> r.action() == Action.ALLOW);
    assertThat(p.ingress().get(1).span()).hasToString("test.yaml:12:7");
  }

  @Test
  void convert_protocolOnlyEntry_allowsAllPortsOfThatProtocol() {
    Policy p =
        convert(
            """
            podSelector: {}
            ingress:
              - ports: [{protocol: UDP}, {protocol: UDP, port: 53}, {protocol: SCTP, port: 9}]
            """);
    assertThat(describe(p.ingress())).containsExactly("0 132 any -> ports[9]", "0 17 any -> any");
  }

  @Test
  void convert_egress_putsPeerAndPortsOnDestination() {
    Policy p =
        convert(
            """
            podSelector: {}
            policyTypes: [Egress]
            egress:
              - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
                ports: [{port: 443}]
            """);
    assertThat(p.types()).containsExactly(Direction.EGRESS);
    assertThat(describe(p.egress())).containsExactly("0 6 any -> nets[0.0.0.0/0]ports[443]");
  }

  @Test
  void convert_noPolicyTypesWithEgressRules_defaultsAsTheApiServer() {
    Policy p = convert("podSelector: {}\negress: [{}]");
    assertThat(p.types()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
  }

  @Test
  void convert_hostBitsInIpBlock_maskedAsCalicoDoes() {
    Policy p = convert("podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]");
    assertThat(p.ingress().get(0).source().nets()).hasToString("[10.0.0.0/8]");
  }

  @Test
  void convert_listWithoutItemKinds_takesKindAndApiVersionFromList() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicyList
            items:
              - metadata: {name: a, namespace: default}
                spec: {podSelector: {}}
            """);
    assertThat(loaded.diagnostics().errors()).isEmpty();
    assertThat(loaded.policy("default/a").kind()).isEqualTo(PolicyKind.KUBERNETES_NETWORK_POLICY);
  }

  @Test
  void convert_invalidPeer_dropsItsEntryFailingClosed() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: default}
            spec:
              podSelector: {}
              ingress:
                - from: [{}]
                - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
            """);
    assertThat(loaded.messages())
        .contains(
            "test.yaml:7:14: error: a peer needs `podSelector`, `namespaceSelector` or `ipBlock`");
    assertThat(loaded.policy("default/web").ingress())
        .singleElement()
        .satisfies(r -> assertThat(r.index()).isEqualTo(1));
  }
}
