package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calico policies: effective selectors (§2.1), composed rule selectors (§3.3), types defaulting.
 */
class PolicyRewritingTest {

  private static String np(String spec) {
    return """
    apiVersion: projectcalico.org/v3
    kind: NetworkPolicy
    metadata: {name: p, namespace: shop}
    spec:
    """
        + spec.indent(2);
  }

  private static String gnp(String spec) {
    return """
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: p}
    spec:
    """
        + spec.indent(2);
  }

  static Stream<Arguments> policySelectors() {
    return Stream.of(
        Arguments.of(
            np("selector: app == 'x'"),
            "shop/p",
            "(app == \"x\" && projectcalico.org/namespace == \"shop\")"),
        Arguments.of(np("types: [Ingress]"), "shop/p", "projectcalico.org/namespace == \"shop\""),
        Arguments.of(
            np("selector: app == 'x'\nserviceAccountSelector: role == 'y'"),
            "shop/p",
            "((app == \"x\" && projectcalico.org/namespace == \"shop\") && pcsa.role == \"y\")"),
        Arguments.of(
            np("serviceAccountSelector: all()"),
            "shop/p",
            "(projectcalico.org/namespace == \"shop\" && all())"),
        Arguments.of(gnp("types: [Ingress]"), "p", "all()"),
        Arguments.of(gnp("selector: app == 'x' || has(y)"), "p", "(app == \"x\" || has(y))"),
        Arguments.of(gnp("namespaceSelector: all()"), "p", "has(projectcalico.org/namespace)"),
        Arguments.of(
            gnp("selector: all()\nnamespaceSelector: team == 'a'"),
            "p",
            "(has(projectcalico.org/namespace) && pcns.team == \"a\")"),
        Arguments.of(
            gnp("selector: app == 'x'\nserviceAccountSelector: role == 'y'"),
            "p",
            "(app == \"x\" && pcsa.role == \"y\")"),
        Arguments.of(
            gnp("serviceAccountSelector: all()"), "p", "has(projectcalico.org/serviceaccount)"),
        Arguments.of(
            gnp("namespaceSelector: all()\nserviceAccountSelector: all()"),
            "p",
            "(has(projectcalico.org/namespace) && has(projectcalico.org/serviceaccount))"),
        Arguments.of(
            gnp("selector: label == 'all()'\nnamespaceSelector: all()"),
            "p",
            "(label == \"all()\" && has(projectcalico.org/namespace))"));
  }

  @ParameterizedTest
  @MethodSource("policySelectors")
  void load_policySelector_isRewrittenAsCalico(String yaml, String name, String canonical) {
    Loaded loaded = Loaded.of(yaml);
    assertThat(loaded.diagnostics().errors()).isEmpty();
    assertThat(loaded.policy(name).selector().canonical()).isEqualTo(canonical);
  }

  static Stream<Arguments> ruleSelectors() {
    return Stream.of(
        Arguments.of(
            true,
            "namespaceSelector: all()\nselector: has(label2)",
            "(has(projectcalico.org/namespace) && has(label2))"),
        Arguments.of(
            true,
            "namespaceSelector: global()\nselector: has(label3)",
            "(!has(projectcalico.org/namespace) && has(label3))"),
        Arguments.of(
            true, "selector: a == 'b'", "(projectcalico.org/namespace == \"shop\" && a == \"b\")"),
        Arguments.of(true, "notSelector: a == 'b'", "projectcalico.org/namespace == \"shop\""),
        Arguments.of(true, "nets: [10.0.0.0/8]", "-"),
        Arguments.of(true, "namespaceSelector: team == 'a'", "pcns.team == \"a\""),
        Arguments.of(
            true,
            "serviceAccounts: {names: [sa1], selector: k == 'v'}",
            "(projectcalico.org/namespace == \"shop\" && (pcsa.k == \"v\" &&"
                + " projectcalico.org/serviceaccount in {\"sa1\"}))"),
        Arguments.of(
            true,
            "serviceAccounts: {names: [b, a]}\nselector: app == 'x'",
            "(projectcalico.org/namespace == \"shop\" && (projectcalico.org/serviceaccount in"
                + " {\"a\", \"b\"} && app == \"x\"))"),
        Arguments.of(false, "selector: a == 'b'", "a == \"b\""),
        Arguments.of(false, "notSelector: a == 'b'", "-"),
        Arguments.of(
            false,
            "namespaceSelector: team == 'a'\nselector: all()",
            "(pcns.team == \"a\" && all())"),
        Arguments.of(false, "namespaceSelector: all()", "has(projectcalico.org/namespace)"),
        Arguments.of(
            false, "serviceAccounts: {names: [a]}", "projectcalico.org/serviceaccount in {\"a\"}"));
  }

  @ParameterizedTest
  @MethodSource("ruleSelectors")
  void load_ruleSource_composesPositiveSelector(
      boolean namespaced, String source, String canonical) {
    String rules = "ingress:\n  - action: Allow\n    source:\n" + source.indent(6);
    Loaded loaded = Loaded.of(namespaced ? np(rules) : gnp(rules));
    assertThat(loaded.diagnostics().errors()).isEmpty();
    Policy p = loaded.policy(namespaced ? "shop/p" : "p");
    assertThat(Loaded.sides(p.ingress().get(0))).isEqualTo(canonical + " -> -");
  }

  @Test
  void load_notSelector_keptRawAndUnscoped() {
    Loaded loaded =
        Loaded.of(np("egress:\n  - action: Deny\n    destination: {notSelector: a == 'b'}"));
    assertThat(loaded.policy("shop/p").egress().get(0).destination().notSelector().canonical())
        .isEqualTo("a == \"b\"");
  }

  static Stream<Arguments> typeDefaults() {
    return Stream.of(
        Arguments.of("selector: all()", List.of(Direction.INGRESS)),
        Arguments.of("ingress: [{action: Allow}]", List.of(Direction.INGRESS)),
        Arguments.of("egress: [{action: Allow}]", List.of(Direction.EGRESS)),
        Arguments.of(
            "ingress: [{action: Allow}]\negress: [{action: Allow}]",
            List.of(Direction.INGRESS, Direction.EGRESS)),
        Arguments.of("types: []\negress: [{action: Allow}]", List.of(Direction.EGRESS)),
        Arguments.of("types: [Egress]", List.of(Direction.EGRESS)),
        Arguments.of(
            "types: [Egress, Ingress]\ningress: [{action: Allow}]",
            List.of(Direction.INGRESS, Direction.EGRESS)));
  }

  @ParameterizedTest
  @MethodSource("typeDefaults")
  void load_types_defaultedByRuleLists(String spec, List<Direction> types) {
    assertThat(Loaded.of(gnp(spec)).policy("p").types()).containsExactlyInAnyOrderElementsOf(types);
  }

  @Test
  void load_stagedKubernetesPolicyEgressOnly_governsBothDirections() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: StagedKubernetesNetworkPolicy
            metadata: {name: s, namespace: shop}
            spec:
              stagedAction: Set
              podSelector: {}
              egress: [{}]
            """);
    Policy p = loaded.policy("shop/s");
    assertThat(p.kind()).isEqualTo(PolicyKind.STAGED_KUBERNETES_NETWORK_POLICY);
    assertThat(p.types()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
  }

  @Test
  void load_stagedPolicies_keepTheirKinds() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: StagedGlobalNetworkPolicy
            metadata: {name: g}
            spec: {stagedAction: Delete}
            ---
            apiVersion: projectcalico.org/v3
            kind: StagedNetworkPolicy
            metadata: {name: n, namespace: shop}
            spec: {stagedAction: Learn, selector: all()}
            """);
    assertThat(loaded.diagnostics().errors()).isEmpty();
    assertThat(loaded.policy("g").kind()).isEqualTo(PolicyKind.STAGED_GLOBAL_NETWORK_POLICY);
    assertThat(loaded.policy("shop/n").kind()).isEqualTo(PolicyKind.STAGED_NETWORK_POLICY);
    assertThat(loaded.policy("shop/n").staged()).isTrue();
  }

  @Test
  void load_ruleFields_readAsCalicoDoes() {
    Loaded loaded =
        Loaded.of(
            gnp(
                """
                ingress:
                  - action: Log
                    protocol: "17"
                    notProtocol: 6
                    ipVersion: 4
                    source: {nets: [10.0.0.0/8, 10.1.2.3], notNets: [10.9.0.0/16], notPorts: [53]}
                    destination: {ports: [80, "8000:8080", http]}
                    metadata: {annotations: {why: because}}
                  - action: Pass
                    protocol: ICMPv6
                    icmp: {type: 128}
                    notICMP: {type: 1, code: 3}
                """));
    assertThat(loaded.diagnostics().all()).isEmpty();
    var log = loaded.policy("p").ingress().get(0);
    assertThat(log.action()).isEqualTo(dev.tierproof.model.Action.LOG);
    assertThat(log.protocol()).isEqualTo(17);
    assertThat(log.notProtocol()).isEqualTo(6);
    assertThat(log.ipVersion()).isEqualTo(4);
    assertThat(log.source().nets()).hasToString("[10.0.0.0/8, 10.1.2.3/32]");
    assertThat(log.source().notNets()).hasToString("[10.9.0.0/16]");
    assertThat(log.source().notPorts()).hasToString("[53]");
    assertThat(log.destination().ports()).hasToString("[80, 8000:8080, http]");
    assertThat(log.span()).hasToString("test.yaml:6:7");
    var pass = loaded.policy("p").ingress().get(1);
    assertThat(pass.index()).isEqualTo(1);
    assertThat(pass.icmp()).isEqualTo(new dev.tierproof.model.Icmp(128, null));
    assertThat(pass.notIcmp()).isEqualTo(new dev.tierproof.model.Icmp(1, 3));
  }

  @Test
  void load_invalidRuleAction_dropsRuleButKeepsIndices() {
    Loaded loaded = Loaded.of(gnp("ingress:\n  - action: Allw\n  - action: Deny"));
    assertThat(loaded.diagnostics().hasErrors()).isTrue();
    assertThat(loaded.policy("p").ingress())
        .singleElement()
        .satisfies(r -> assertThat(r.index()).isEqualTo(1));
  }

  @Test
  void load_httpIngressAllow_flagsRuleAndWarns() {
    Loaded loaded =
        Loaded.of(
            gnp(
                """
                ingress:
                  - action: Allow
                    protocol: TCP
                    http: {methods: [GET], paths: [{prefix: /api}]}
                """));
    assertThat(loaded.diagnostics().errors()).isEmpty();
    assertThat(loaded.policy("p").ingress().get(0).http()).isTrue();
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:8:7: warning: `http` matches are enforced at L7 only: they are"
                + " over-approximated at L4 (the rule matches whatever its other fields match)");
  }

  @Test
  void load_servicesAndDomains_unresolvedServiceKeptWithWarning() {
    Loaded loaded =
        Loaded.of(
            np(
                """
                egress:
                  - action: Allow
                    destination: {services: {name: api}}
                  - action: Allow
                    destination: {domains: [tigera.io, "*.example.com"]}
                """));
    assertThat(loaded.diagnostics().errors()).isEmpty();
    Policy p = loaded.policy("shop/p");
    assertThat(p.egress().get(0).destination().service().ref()).isEqualTo("shop/api");
    assertThat(p.egress().get(0).destination().unresolvedService()).isTrue();
    assertThat(p.egress().get(1).destination().domains())
        .containsExactly("tigera.io", "*.example.com");
    assertThat(loaded.messages())
        .anyMatch(
            m ->
                m.contains(
                    "service `shop/api` is not in the input, nor EndpointSlices or Endpoints of it:"
                        + " the rule's `services` side matches no address"));
  }

  @Test
  void load_hostPathFlags_loadedWithWarning() {
    Loaded loaded =
        Loaded.of(
            gnp(
                """
                selector: has(host)
                doNotTrack: true
                applyOnForward: true
                ingress: [{action: Allow}]
                """));
    Policy p = loaded.policy("p");
    assertThat(p.doNotTrack()).isTrue();
    assertThat(p.applyOnForward()).isTrue();
    assertThat(p.preDnat()).isFalse();
    assertThat(loaded.diagnostics().errors()).isEmpty();
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:6:3: warning: `doNotTrack`: forwarded traffic through host endpoints is"
                + " modelled only with `--dataplane iptables` or `nftables`, at the named host"
                + " endpoints of a node whose host endpoints' interfaces are settled, and not the"
                + " reply of an untracked Allow there");
  }

  @Test
  void load_rulesOfUngovernedDirection_warn() {
    Loaded loaded = Loaded.of(gnp("types: [Ingress]\negress: [{action: Allow}]"));
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:6:3: warning: egress rules have no effect: `types` does not include"
                + " `Egress`");
  }
}
