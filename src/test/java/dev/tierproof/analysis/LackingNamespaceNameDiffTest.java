package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A diff that changes the flows of pods that could be deployed in namespaces the input lacks, but
 * not in one such namespace that a policy names ({@code web-1}): the class of the namespaces the
 * input lacks leaves that name out, and the search completes (spec S5.3; dataplane diff seed
 * 1300056, which stopped with "could not group the change").
 */
class LackingNamespaceNameDiffTest {

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
    DiffResult r = DiffTest.closing(ONLY_WEB_1);
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

  /**
   * The class's source holds a pod of a namespace the input lacks with {@code labels}: the selector
   * of one of its pod sets in such namespaces does.
   */
  private static boolean holds(ChangeClass c, Map<String, String> labels) {
    return lacking(c).anyMatch(e -> e.selector() == null || e.selector().matches(labels));
  }

  /** A class from pods in namespaces the input lacks. */
  private static boolean fromLacking(ChangeClass c) {
    return lacking(c).findAny().isPresent();
  }

  /** The source's pod sets (itself, or each of a union) in namespaces the input lacks. */
  private static java.util.stream.Stream<DiffResult.Ends> lacking(ChangeClass c) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(c.source().first()), c.source().more().stream())
        .filter(e -> e.kind() == EndKind.PODS && e.unlisted());
  }
}
