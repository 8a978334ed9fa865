package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A first policy that lets in pods of namespaces labelled {@code team: x} only, over a set that
 * names namespace {@code web} (a network set there) but declares neither it nor its {@code kns.}
 * profile (spec S5.3: the labels of {@code web} are then unknown, a pod that could be deployed
 * there may be in either case; a loaded input always declares the namespaces it names, with their
 * name labels, so the set is built from one): the classes of {@code web}'s pods that lost their
 * access pin the namespace's labels, and the search completes (DiffDifferentialTest seeds 3009 and
 * 3021 stopped with "could not group the change").
 */
class UndeclaredNamespaceLabelsDiffTest {

  private static final String WEB_NETS =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata: {name: partners, namespace: web, labels: {role: partners}}
      spec: {nets: [198.51.100.0/24]}
      """;

  private static final String TEAM_X_ONLY =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: team-x-only}
      spec:
        selector: app == 'db'
        types: [Ingress]
        ingress:
        - action: Allow
          source: {namespaceSelector: "team == 'x'"}
      """;

  @Test
  void run_firstPolicyOnTheLabelsOfAnUndeclaredNamespace_classPinsThemAndCompletes() {
    DiffResult r =
        DiffTest.diff(
            undeclared(DiffTest.yaml(DiffTest.SHOP_DB + WEB_NETS)),
            undeclared(DiffTest.yaml(DiffTest.SHOP_DB + WEB_NETS + TEAM_X_ONLY)));
    assertThat(r.status()).as("%s", r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes().stream().filter(UndeclaredNamespaceLabelsDiffTest::fromWebPods))
        .as("%s", r.classes().stream().map(DiffTest::show).toList())
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.kind()).isEqualTo(DiffResult.Kind.CLOSED);
              assertThat(holds(c, pod("x"))).isFalse();
            })
        .anySatisfy(c -> assertThat(holds(c, pod("y"))).isTrue());
  }

  /** {@code set} without namespace {@code web} and its {@code kns.} profile. */
  private static PolicySet undeclared(PolicySet set) {
    Map<String, Namespace> namespaces = new LinkedHashMap<>(set.namespaces());
    Map<String, Profile> profiles = new LinkedHashMap<>(set.profiles());
    assertThat(namespaces.remove("web")).isNotNull();
    assertThat(profiles.remove("kns.web")).isNotNull();
    return new PolicySet(
        set.tiers(),
        set.endpoints(),
        set.networkSets(),
        profiles,
        namespaces,
        set.dataplane(),
        set.failsafe(),
        set.pools());
  }

  /** The labels of a pod of {@code web} when the namespace is labelled {@code team}. */
  private static Map<String, String> pod(String team) {
    return Map.of(
        "projectcalico.org/namespace", "web",
        "projectcalico.org/orchestrator", "k8s",
        "pcns.projectcalico.org/name", "web",
        "pcns.team", team);
  }

  /**
   * The class's source holds a pod of {@code web} with {@code labels}: the selector of one of its
   * pod sets in {@code web} does.
   */
  private static boolean holds(ChangeClass c, Map<String, String> labels) {
    return webPods(c).anyMatch(e -> e.selector() == null || e.selector().matches(labels));
  }

  /** A class from pods of {@code web}. */
  private static boolean fromWebPods(ChangeClass c) {
    return webPods(c).findAny().isPresent();
  }

  /** The source's pod sets (itself, or each of a union) in {@code web}. */
  private static java.util.stream.Stream<DiffResult.Ends> webPods(ChangeClass c) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(c.source().first()), c.source().more().stream())
        .filter(
            s ->
                s.kind() == EndKind.PODS
                    && (s.namespaces() == null
                        ? !s.excluded().contains("web")
                        : s.namespaces().contains("web")));
  }
}
