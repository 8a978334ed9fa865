package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Scope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * lint judges the rules of {@code applyOnForward} and {@code preDNAT} policies at every step they
 * are on (spec S6.11): their host endpoints' own steps and the forward chain sides of walked nodes,
 * where there are no failsafe ports (but an inbound one's skip of the pre-DNAT path) and what
 * nothing drops is forwarded.
 */
class LintForwardChainsTest {

  /** Issue 14's report: n1's one host endpoint is of all interfaces, pod web runs on n1. */
  private static final String ISSUE =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n1, labels: {role: node}}
      spec: {node: n1, interfaceName: "*", expectedIPs: [10.240.0.11]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: fwd}
      spec:
        order: 10
        applyOnForward: true
        selector: role == 'node'
        ingress:
          - action: Deny
            protocol: TCP
            destination: {ports: [22]}
          - action: Allow
      """;

  private static final String POD =
      """
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: app, labels: {app: web}}
      spec: {nodeName: n1, containers: [{name: c, image: x}]}
      status: {podIP: 192.168.1.5}
      """;

  private static Lint.Result lint(String yaml, Scope scope) {
    return HostPathLintTest.lint(yaml, scope);
  }

  private static Lint.Result lintFile(String path, Scope scope) throws Exception {
    return lint(
        java.nio.file.Files.readString(java.nio.file.Path.of(path), StandardCharsets.UTF_8), scope);
  }

  private static List<String> ids(Lint.Result r) {
    return r.findings().stream()
        .map(f -> f.id() + " " + f.policy().name() + " " + f.rule().index())
        .toList();
  }

  @Test
  void lint_forwardDenyOfAFailsafePort_notShadowed() {
    // at n1's own step the failsafe ports take TCP 22, but a packet n1 forwards to web:22 meets
    // the Deny (no failsafe ports on the forward path, S6.8): the rule works
    assertThat(ids(lint(ISSUE + POD, Scope.EXISTING))).isEmpty();
    // no pod in the input can be on n1, but a packet between two outside addresses routed through
    // n1 meets its forward chain (spec S6.10, S6.11): the rule works there too
    assertThat(ids(lint(ISSUE, Scope.EXISTING))).isEmpty();
    // a pod that could be deployed on n1 meets it (the solver's forward side, replayed)
    Lint.Result any = lint(ISSUE, Scope.ANY);
    assertThat(ids(any)).isEmpty();
    assertThat(any.stats().solverQuestions()).isPositive();
  }

  @Test
  void lint_ownCase_reportsOnlyTheRuleShadowedOnEveryStep() throws Exception {
    for (Scope scope : Scope.values()) {
      Lint.Result r = lintFile("specs/cases/own/lint-forward-chains/resources.yaml", scope);
      // drop-other-ingress is redundant at n1's own step (its normal path denies without a
      // profile), not on the packets n1 forwards (nothing else drops them); fwd's Deny of TCP 22
      // works on forwarded packets; fwd's Deny of UDP is shadowed on both by its Allow (and at
      // n2's own step also by the failsafe port UDP 68)
      assertThat(ids(r)).as(scope.toString()).containsExactly("TP102 fwd 2");
      Finding.ShadowedRule s = (Finding.ShadowedRule) r.findings().get(0);
      assertThat(s.conflict()).isTrue();
      assertThat(s.coveredBy())
          .extracting(c -> c.rule() == null ? "failsafe" : "rule " + c.rule().index())
          .containsExactlyInAnyOrder("failsafe", "rule 1");
    }
  }

  @Test
  void lint_ruleLiveOnlyOnTheForwardChain_redundantThereSaysWhere() {
    // rule 0 is reached only on n1's forward chain (the failsafe ports take TCP 22 at n1's own
    // step), where deny-rest would deny what it denies: redundant, shown on the forward side
    String yaml =
        ISSUE.replace("    - action: Allow\n", "")
            + """
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: deny-rest}
            spec:
              order: 20
              applyOnForward: true
              selector: role == 'node'
              ingress: [{action: Deny}]
            """
            + POD;
    Lint.Result r = lint(yaml, Scope.EXISTING);
    // (deny-rest's Deny is redundant too: its tier's implicit deny follows it on both paths)
    assertThat(ids(r)).containsExactly("TP103 fwd 0", "TP103 deny-rest 0");
    Example e = ((Finding.RedundantRule) r.findings().get(0)).example();
    assertThat(e.step().forward()).isTrue();
    assertThat(e.at().ref()).isEqualTo("n1");
    assertThat(e.changed().allowed()).isFalse();
  }
}
