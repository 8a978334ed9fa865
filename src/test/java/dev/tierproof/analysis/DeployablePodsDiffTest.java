package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.model.PolicySet;
import org.junit.jupiter.api.Test;

/**
 * A diff whose only changed flows are those of pods that could be deployed (spec S5.3), while an
 * input pod with their labels did not change because of what no label says (its own profile): the
 * class holds the pods that could be deployed alone, and the search completes (DiffDifferentialTest
 * seed 5067, which stopped with "could not group the change").
 */
class DeployablePodsDiffTest {

  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: lockdown}
      spec:
        ingress: [{action: Deny}]
        egress: [{action: Allow}]
      ---
      apiVersion: projectcalico.org/v3
      kind: WorkloadEndpoint
      metadata: {name: n1-k8s-locked-eth0, namespace: shop, labels: {app: web}}
      spec:
        orchestrator: k8s
        workload: locked
        node: n1
        ipNetworks: [10.0.0.5/32]
        profiles: [lockdown, kns.shop]
      """;

  private static final String BLOCK =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: block}
      spec:
        selector: app == 'web'
        types: [Ingress]
        ingress:
        - action: Deny
          protocol: TCP
          source: {nets: [198.51.100.0/24]}
          destination: {ports: [443]}
      """;

  @Test
  void run_inputPodUnchangedByItsProfile_classOfPodsThatCouldBeDeployedOnly() {
    PolicySet base = DiffTest.yaml(CLUSTER + BLOCK);
    PolicySet current = DiffTest.yaml(CLUSTER);
    DiffResult r = DiffTest.diff(base, current);

    assertThat(r.status()).as("%s", r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes())
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.kind()).isEqualTo(Kind.OPENED));
    // locked's own ingress (its profile's Deny) did not change: no class reaches it (its flows to
    // the pods that could be deployed did, and its packets to itself are no flow, spec S5.6)
    assertThat(r.classes())
        .noneSatisfy(c -> assertThat(c.destination().display()).contains("locked"));
    // in shop the pods that could be deployed alone, joined with the other namespaces' (spec S5.3)
    assertThat(r.classes().stream().map(DiffTest::show))
        .contains(
            "newly allowed: anything -> not yet deployed pods shop/{app == \"web\"} or {app =="
                + " \"web\"} except in shop, any protocol");
  }
}
