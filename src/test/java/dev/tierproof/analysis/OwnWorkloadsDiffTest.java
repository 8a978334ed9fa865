package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * diff over a node's traffic with its own workloads (spec S6.12): a pod moving to another node
 * changes flows; a workload naming no node is placed alike in both inputs (as the current one
 * places it when it names a node there); a class holds one placement when only it changed.
 */
class OwnWorkloadsDiffTest {

  /** Host endpoint h1 on n1 (allows by profile, but its ingress denies TCP 9090). */
  private static final String HOST =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h1, labels: {node: one}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.70.0.1],
             profiles: [projectcalico-default-allow]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: host-ingress}
      spec:
        selector: node == 'one'
        types: [Ingress]
        ingress: [{action: Deny, protocol: TCP, destination: {ports: [9090]}}, {action: Allow}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny-all-ingress, namespace: app}
      spec: {podSelector: {}, policyTypes: [Ingress]}
      """;

  /** The pod p with {@code spec} and {@code labels}. */
  private static String pod(String spec, String labels) {
    return HOST
        + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: app, labels: "
        + labels
        + "}\nspec: "
        + spec
        + "\nstatus: {podIP: 10.70.1.10}\n";
  }

  /** Denies p's TCP egress when it is labelled {@code app: x}. */
  private static final String X_EGRESS =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: x-egress, namespace: app}
      spec:
        selector: app == 'x'
        types: [Egress]
        egress: [{action: Deny, protocol: TCP}, {action: Allow}]
      """;

  private static DiffResult diff(String base, String current) {
    PolicySet b = DiffTest.yaml(base);
    PolicySet c = DiffTest.yaml(current);
    return Diff.run(b, c, Scope.EXISTING, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
  }

  private static List<String> shown(DiffResult r) {
    return r.classes().stream().map(DiffTest::show).toList();
  }

  @Test
  void diff_podMovedOffTheHostNode_hostToPodClosed() {
    DiffResult r = diff(pod("{nodeName: n1}", "{app: p}"), pod("{nodeName: n9}", "{app: p}"));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // on n1 Felix did not police h1's packets to p nor h1's ingress from it; now both are walked
    assertThat(shown(r))
        .containsExactlyInAnyOrder(
            "newly denied: h1 -> app/p, any protocol", "newly denied: app/p -> h1, TCP 9090");
    assertThat(r.classes()).allSatisfy(c -> assertThat(c.local()).isNull());
    assertThat(r.classes())
        .filteredOn(c -> c.source().display().equals("h1"))
        .allSatisfy(
            c ->
                assertThat(c.before().steps())
                    .allSatisfy(
                        s ->
                            assertThat(s.decidedBy().kind())
                                .isEqualTo(dev.tierproof.eval.Decision.Kind.OWN_NODE)));
  }

  @Test
  void diff_podScheduledOnTheHostNode_placedAsNow() {
    // p named no node and is now on n1: both inputs place it on n1, nothing changed
    DiffResult r = diff(pod("{}", "{app: p}"), pod("{nodeName: n1}", "{app: p}"));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).isEmpty();
  }

  @Test
  void diff_podNamingNoNodeRelabelled_oneClassPerPlacementThatChanged() {
    DiffResult r = diff(pod("{}", "{app: p}") + X_EGRESS, pod("{}", "{app: x}") + X_EGRESS);
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // TCP 9090 to h1 was allowed only with p on n1 (elsewhere h1's ingress denied it)
    ChangeClass local =
        r.classes().stream()
            .filter(c -> c.local() != null)
            .findFirst()
            .orElseThrow(() -> new AssertionError(shown(r)));
    assertThat(local.local()).isTrue();
    assertThat(local.kind()).isEqualTo(Kind.CLOSED);
    assertThat(local.witness().local()).isTrue();
    assertThat(local.destination().display()).isEqualTo("h1");
    assertThat(
            local.packets().port() == null
                || local.packets().portRanges().stream().anyMatch(x -> x.contains(9090)))
        .isTrue();
    assertThat(r.classes().stream().filter(c -> c.local() == null).map(DiffTest::show))
        .allSatisfy(s -> assertThat(s).doesNotContain("9090"));
  }

  @Test
  void noNewReachability_podMovedOntoTheHostNode_violatedByAFlowFelixDoesNotPolice() {
    // spec S6.12: on n1, h1's packets to p meet no policy: p's deny-all ingress no longer holds
    PolicySet base = DiffTest.yaml(pod("{nodeName: n9}", "{app: p}"));
    PolicySet moved = DiffTest.yaml(pod("{nodeName: n1}", "{app: p}"));
    CheckResult r = CheckTest.check(moved, new Invariant.NoNewReachability("base", base));
    assertThat(r.status()).isEqualTo(CheckResult.Status.VIOLATED);
    assertThat(CheckTest.check(base, new Invariant.NoNewReachability("moved", moved)).status())
        .isEqualTo(CheckResult.Status.PROVEN);
  }
}
