package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two endpoints that own one address (spec S5.5): a change that a rule sees at one owner changes
 * flows of the other owner too, and diff must list them rather than prove that nothing else changed
 * (the soundness bug found with model seed 71).
 */
class SharedAddressDiffTest {

  /** {@code shop/a} and {@code shop/b} both at 10.0.0.5; {@code shop/a} closed to ingress. */
  private static String pods(String aLabels) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: shop, labels: {app: client}}
        spec: {nodeName: n1}
        status: {podIP: 10.0.0.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: shop, labels: %s}
        spec: {nodeName: n1}
        status: {podIP: 10.0.0.5}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: shop, labels: {app: b}}
        spec: {nodeName: n2}
        status: {podIP: 10.0.0.5}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: a-closed, namespace: shop}
        spec:
          selector: app == 'a'
          types: [Ingress]
        """
        .formatted(aLabels);
  }

  private static String clientEgress(String rules) {
    return """
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: client-out, namespace: shop}
        spec:
          selector: app == 'client'
          types: [Egress]
          egress:
        """
        + rules;
  }

  private static final String DENY_A =
      """
          - action: Deny
            destination: {selector: app == 'a'}
      """;

  private static final String DENY_BLOCKED =
      """
          - action: Deny
            destination: {selector: blocked == 'yes'}
      """;

  private static final String ALLOW = "    - action: Allow\n";

  @Test
  void run_ruleMatchingOneOwner_listsTheOtherOwnersFlows() {
    PolicySet base = DiffTest.yaml(pods("{app: a}") + clientEgress(ALLOW));
    PolicySet current = DiffTest.yaml(pods("{app: a}") + clientEgress(DENY_A + ALLOW));
    assertChangedToB(base, current);
  }

  @Test
  void run_relabelledOwner_listsTheOtherOwnersFlows() {
    PolicySet base = DiffTest.yaml(pods("{app: a}") + clientEgress(DENY_BLOCKED + ALLOW));
    PolicySet current =
        DiffTest.yaml(pods("{app: a, blocked: 'yes'}") + clientEgress(DENY_BLOCKED + ALLOW));
    assertChangedToB(base, current);
  }

  /**
   * The flow shop/client → shop/b (TCP 80) is allowed in {@code base}, denied in {@code current}
   * (the evaluator says so), and diff's complete result lists it in a closed class.
   */
  private static void assertChangedToB(PolicySet base, PolicySet current) {
    Flow f = flow(current);
    Flow old = flow(base);
    assertThat(new Evaluator(base).evaluate(old).allowed()).isTrue();
    assertThat(new Evaluator(current).evaluate(f).allowed()).isFalse();
    DiffResult r =
        Diff.run(base, current, Scope.EXISTING, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes())
        .extracting(DiffTest::show)
        .anyMatch(s -> s.matches("newly denied: shop/client -> (shop/a, )?shop/b, any protocol"));
  }

  private static Flow flow(PolicySet set) {
    Ip client = Ip.parse("10.0.0.1").orElseThrow();
    Ip shared = Ip.parse("10.0.0.5").orElseThrow();
    return Flow.between(
        6, client, 40000, shared, 80, null, null, null, ref(set, "client"), ref(set, "b"));
  }

  private static Endpoint ref(PolicySet set, String name) {
    return set.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
  }
}
