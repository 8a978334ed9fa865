package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.model.PolicySet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A diff that closes the flows of pods whose label a policy compares as a string ({@code starts
 * with}): the pods of every value the comparison treats alike are one class, not one class per
 * value the solver picks (DiffDifferentialTest seeds 12 and 42 stopped at the class cap so: {@code
 * env == "G"}, {@code env == "HIJM"}, ...).
 */
class StringLabelDiffTest {

  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: projectcalico.org/v3
      kind: WorkloadEndpoint
      metadata: {name: n1-k8s-db-eth0, namespace: shop, labels: {app: db}}
      spec:
        orchestrator: k8s
        workload: db
        node: n1
        ipNetworks: [10.0.0.5/32]
        profiles: [kns.shop]
      """;

  private static final String NO_PROD =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: no-prod}
      spec:
        selector: app == 'db'
        types: [Ingress]
        ingress:
        - action: Deny
          source: {selector: "env starts with 'prod'"}
        - action: Allow
      """;

  @Test
  void run_labelComparedAsString_oneClassOfItsAlikeValues() {
    PolicySet base = DiffTest.yaml(CLUSTER);
    PolicySet current = DiffTest.yaml(CLUSTER + NO_PROD);
    DiffResult r = DiffTest.diff(base, current);

    assertThat(r.status()).as("%s", r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).allSatisfy(c -> assertThat(c.kind()).isEqualTo(Kind.CLOSED));
    assertThat(r.classes())
        .as("%s", r.classes().stream().map(DiffTest::show).toList())
        .hasSizeLessThanOrEqualTo(3)
        .anySatisfy(
            c ->
                assertThat(
                        c.source().selector() != null
                            && c.source().selector().matches(Map.of("env", "prod-a"))
                            && c.source().selector().matches(Map.of("env", "prodB")))
                    .isTrue())
        .allSatisfy(
            c ->
                assertThat(
                        c.source().selector() != null
                            && c.source().selector().matches(Map.of("env", "staging")))
                    .isFalse());
  }
}
