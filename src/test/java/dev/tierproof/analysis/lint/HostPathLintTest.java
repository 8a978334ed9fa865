package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.load.Loader;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.source.Diagnostics;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lint reads a host endpoint's untracked path through the one walk (spec S6.4). */
class HostPathLintTest {

  /** Host endpoint h1 (10.70.0.1), labelled {@code role: edge}. */
  private static final String HOST =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h1, labels: {role: edge}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.70.0.1]}
      ---
      """;

  private static final String YAML =
      HOST
          + """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw}
      spec:
        selector: role == 'edge'
        doNotTrack: true
        applyOnForward: true
        types: [Ingress]
        ingress:
          - action: Deny
            protocol: SCTP
          - action: Deny
            protocol: TCP
            destination: {ports: [80]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: normal}
      spec:
        selector: role == 'edge'
        types: [Ingress]
        ingress:
          - action: Allow
            protocol: SCTP
          - action: Allow
            protocol: TCP
      """;

  private static List<String> findings() {
    return findings(YAML);
  }

  /** lint of {@code yaml} in {@code scope}. */
  static Lint.Result lint(String yaml, Scope scope) {
    Diagnostics d = new Diagnostics();
    PolicySet set =
        Loader.load(
            Loader.read(
                List.of("-"), new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), d),
            d);
    assertThat(d.hasErrors()).as(d.render()).isFalse();
    return Lint.run(set, new Lint.Options(scope, Duration.ofSeconds(30)));
  }

  private static List<String> findings(String yaml) {
    Lint.Result r = lint(yaml, Scope.EXISTING);
    return r.findings().stream()
        .map(
            f ->
                f.id()
                    + " "
                    + (f.policy() == null ? "-" : f.policy().name())
                    + " "
                    + (f.rule() == null ? "-" : f.rule().index()))
        .sorted()
        .toList();
  }

  @Test
  void lint_untrackedRules_walkedBeforeTheNormalPath() {
    assertThat(findings())
        .containsExactly(
            // at h1 the untracked Deny of SCTP takes every SCTP packet before the normal path
            // (SCTP has no failsafe reply port that would skip the untracked path); the untracked
            // Deny of TCP 80 is not redundant: the end of an untracked tier goes on (spec S6.4),
            // to the normal Allow of TCP
            "TP102 normal 0");
  }

  @Test
  void lint_untrackedRuleMatchingOnlyFailsafeReplies_shadowedByTheFailsafes() {
    // spec S6.4: every packet from TCP source port 22 at h1's egress is the reply of an inbound
    // failsafe connection, which the raw table accepts before the untracked path: never reached
    String yaml =
        HOST
            + """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: raw}
        spec:
          selector: role == 'edge'
          doNotTrack: true
          applyOnForward: true
          types: [Egress]
          egress: [{action: Allow, protocol: TCP, source: {ports: [22]}}]
        """;
    assertThat(findings(yaml)).containsExactly("TP102 raw 0");
  }

  @Test
  void lint_untrackedPolicyOnAllInterfacesOnly_deadOrUnmatchableSayingWhy() {
    // spec S6.6: Felix programs no untracked policy for an all-interfaces host endpoint
    String yaml =
        HOST.replace("interfaceName: eth0", "interfaceName: \"*\"")
            + """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: raw}
        spec:
          selector: role == 'edge'
          doNotTrack: true
          applyOnForward: true
          types: [Egress]
          egress: [{action: Deny, protocol: TCP, destination: {ports: [25]}}]
        """;
    // in scope any the policy may select host endpoints that could exist: its tier is not dead,
    // and the rule is unmatchable at the ones of the input for this reason
    Lint.Result r = lint(yaml, Scope.ANY);
    assertThat(r.findings())
        .filteredOn(Finding.UnmatchableRule.class::isInstance)
        .map(f -> ((Finding.UnmatchableRule) f).cause())
        .containsExactly(Finding.UnmatchableRule.Cause.ALL_INTERFACES);
    // in scope existing the policy is dead for that reason (not a dead tier: it selects h1)
    assertThat(lint(yaml, Scope.EXISTING).findings())
        .singleElement()
        .isInstanceOfSatisfying(
            Finding.DeadPolicy.class,
            d -> assertThat(d.reason()).isEqualTo(Finding.DeadPolicy.Reason.ALL_INTERFACES));
  }
}
