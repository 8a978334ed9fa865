package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.model.PolicySet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A diff that changes the flows of pods that could be deployed in namespaces the input lacks, but
 * not in one such namespace that a policy names ({@code web-1}): the class of the namespaces the
 * input lacks leaves that name out, and the search completes (spec S5.3; dataplane diff seed
 * 1300056, which stopped with "could not group the change").
 */
class LackingNamespaceNameDiffTest {

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

  private static final String ONLY_WEB_1 =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: only-web-1}
      spec:
        selector: app == 'db'
        types: [Ingress]
        ingress:
        - action: Allow
          source: {selector: "projectcalico.org/namespace == 'web-1'"}
      """;

  @Test
  void run_policyNamesALackingNamespace_classOfLackingNamespacesLeavesItOut() {
    PolicySet base = DiffTest.yaml(CLUSTER);
    PolicySet current = DiffTest.yaml(CLUSTER + ONLY_WEB_1);
    DiffResult r = DiffTest.diff(base, current);

    assertThat(r.status()).as("%s", r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).allSatisfy(c -> assertThat(c.kind()).isEqualTo(Kind.CLOSED));
    Map<String, String> web1 =
        Map.of(
            "projectcalico.org/namespace", "web-1",
            "projectcalico.org/orchestrator", "k8s",
            "app", "db");
    Map<String, String> other =
        Map.of(
            "projectcalico.org/namespace", "new-namespace",
            "projectcalico.org/orchestrator", "k8s",
            "app", "db");
    assertThat(r.classes().stream().filter(LackingNamespaceNameDiffTest::fromLacking))
        .as("%s", r.classes().stream().map(DiffTest::show).toList())
        .isNotEmpty()
        .allSatisfy(c -> assertThat(holds(c, web1)).isFalse())
        .anySatisfy(c -> assertThat(holds(c, other)).isTrue());
  }

  /** The class's source selector holds for a pod with {@code labels}. */
  private static boolean holds(ChangeClass c, Map<String, String> labels) {
    return c.source().selector() == null || c.source().selector().matches(labels);
  }

  /** A class from pods in namespaces the input lacks. */
  private static boolean fromLacking(ChangeClass c) {
    return c.source().kind() == EndKind.PODS && c.source().unlisted();
  }
}
