package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --pod-cidr}: pods not yet deployed, and the pods of endpoints without an address, get
 * addresses in the range (design.md §2, spec S5.4).
 */
class PodCidrTest {

  /** The database admits TCP 5432 only from 10.48.0.0/16; namespace a has no pods yet. */
  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: b}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: b, labels: {app: db}}
      status: {podIP: 10.60.0.2}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: db}
      spec:
        selector: app == 'db'
        types: [Ingress]
        ingress:
          - action: Allow
            protocol: TCP
            source: {nets: [10.48.0.0/16]}
            destination: {ports: [5432]}
      """;

  @Test
  void reachable_podCidrInsideTheAllowedRange_witnessThere() {
    Run run =
        Run.withStdin(
            CLUSTER,
            "-f",
            "-",
            "verify",
            "reachable",
            "a/*",
            "b/db",
            "--port",
            "5432",
            "--pod-cidr",
            "10.48.0.0/16");
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
    assertThat(run.out()).contains("TCP 10.48.");
  }

  @Test
  void isolated_podCidrOutsideTheAllowedRange_holds() {
    Run free =
        Run.withStdin(CLUSTER, "-f", "-", "verify", "isolated", "a/*", "b/db", "--port", "5432");
    assertThat(free.code())
        .as("without --pod-cidr a new pod may get an address in 10.48.0.0/16: " + free)
        .isEqualTo(1);
    Run run =
        Run.withStdin(
            CLUSTER,
            "-f",
            "-",
            "verify",
            "isolated",
            "a/*",
            "b/db",
            "--port",
            "5432",
            "--pod-cidr",
            "10.60.0.0/16",
            "--pod-cidr",
            "fd00::/64");
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
  }

  /** A Deployment in namespace a: its pods have no address in the input (spec S5.4). */
  private static final String DEPLOYMENT =
      """
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: a}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: web}]}
      """;

  @Test
  void isolated_podCidrAndAWorkloadWithoutAddress_itsPodsInTheRange() {
    for (String ref : List.of("a/web", "a/{app == 'web'}")) {
      Run free =
          Run.withStdin(
              CLUSTER + DEPLOYMENT, "-f", "-", "verify", "isolated", ref, "b/db", "--port", "5432");
      assertThat(free.code())
          .as("without --pod-cidr its pods may be in 10.48.0.0/16: " + free)
          .isEqualTo(1);
      Run run =
          Run.withStdin(
              CLUSTER + DEPLOYMENT,
              "-f",
              "-",
              "verify",
              "isolated",
              ref,
              "b/db",
              "--port",
              "5432",
              "--existing",
              "--pod-cidr",
              "10.60.0.0/16",
              "--pod-cidr",
              "fd00::/64");
      assertThat(run.code()).as(ref + ": " + run).isEqualTo(0);
    }
  }

  @Test
  void reachable_podCidrAndAWorkloadWithoutAddress_witnessInTheRange() {
    Run run =
        Run.withStdin(
            CLUSTER + DEPLOYMENT,
            "-f",
            "-",
            "verify",
            "reachable",
            "a/web",
            "b/db",
            "--port",
            "5432",
            "--pod-cidr",
            "10.48.0.0/16",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
    assertThat(run.out()).contains("\"ip\": \"10.48.");
  }

  @Test
  void reachable_podCidrAndAHostEndpointWithoutAddress_hostNotInThePodRange() {
    String host =
        "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: gw}\n"
            + "spec: {node: n1, interfaceName: eth0, profiles: [projectcalico-default-allow]}\n";
    // spec S6.12: db on another node than gw's, so the flow meets db's ingress, which admits
    // only 10.48.0.0/16: gw's address, outside the pod range, is there
    String remote =
        CLUSTER.replace(
            "metadata: {name: db, namespace: b, labels: {app: db}}\n",
            "metadata: {name: db, namespace: b, labels: {app: db}}\nspec: {nodeName: n2}\n");
    Run run =
        Run.withStdin(
            remote + host,
            "-f",
            "-",
            "verify",
            "reachable",
            "gw",
            "b/db",
            "--port",
            "5432",
            "--pod-cidr",
            "10.60.0.0/16");
    assertThat(remote).isNotEqualTo(CLUSTER);
    assertThat(run.code()).as(run.toString()).isEqualTo(0);
    assertThat(run.out()).contains("TCP 10.48.");
  }

  @Test
  void podCidr_notARange_exit2WithTheArgument() {
    Run run =
        Run.withStdin(
            CLUSTER, "-f", "-", "verify", "isolated", "a/*", "b/db", "--pod-cidr", "10.60.0.0/99");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("`10.60.0.0/99` is not a CIDR range");
  }
}
