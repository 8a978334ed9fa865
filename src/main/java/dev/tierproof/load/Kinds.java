package dev.tierproof.load;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kinds the loader knows by name: those tierproof models, with the apiVersions each accepts,
 * and well-known ones it reads past with a warning because they do not change what Calico enforces
 * or because tierproof cannot model them (specs/semantics.md S9.1; {@link FelixSettings} reads a
 * {@code FelixConfiguration}).
 */
final class Kinds {

  private static final String CALICO = "projectcalico.org/v3";
  private static final List<String> CALICO_APIS = List.of(CALICO, "crd.projectcalico.org/v1");
  static final String KUBERNETES_NETWORKING = "networking.k8s.io/v1";

  /** The kinds tierproof models and the apiVersions each accepts. */
  private static final Map<String, List<String>> KINDS =
      Map.ofEntries(
          Map.entry("Tier", CALICO_APIS),
          Map.entry("GlobalNetworkPolicy", CALICO_APIS),
          Map.entry("StagedGlobalNetworkPolicy", CALICO_APIS),
          Map.entry(
              "NetworkPolicy", List.of(CALICO, "crd.projectcalico.org/v1", KUBERNETES_NETWORKING)),
          Map.entry("StagedNetworkPolicy", CALICO_APIS),
          Map.entry("StagedKubernetesNetworkPolicy", CALICO_APIS),
          Map.entry("Namespace", List.of("v1")),
          Map.entry("ServiceAccount", List.of("v1")),
          Map.entry("Pod", List.of("v1")),
          Map.entry("Deployment", List.of("apps/v1")),
          Map.entry("StatefulSet", List.of("apps/v1")),
          Map.entry("DaemonSet", List.of("apps/v1")),
          Map.entry("ReplicaSet", List.of("apps/v1")),
          Map.entry("ReplicationController", List.of("v1")),
          Map.entry("Job", List.of("batch/v1")),
          Map.entry("CronJob", List.of("batch/v1", "batch/v1beta1")),
          Map.entry("WorkloadEndpoint", CALICO_APIS),
          Map.entry("HostEndpoint", CALICO_APIS),
          Map.entry("GlobalNetworkSet", CALICO_APIS),
          Map.entry("NetworkSet", CALICO_APIS),
          Map.entry("Profile", CALICO_APIS),
          Map.entry("Service", List.of("v1")),
          Map.entry("Endpoints", List.of("v1")),
          Map.entry("EndpointSlice", List.of("discovery.k8s.io/v1")),
          Map.entry("ClusterNetworkPolicy", ClusterPolicies.CNP_APIS),
          Map.entry("AdminNetworkPolicy", ClusterPolicies.ANP_APIS),
          Map.entry("BaselineAdminNetworkPolicy", ClusterPolicies.ANP_APIS));

  /** Well-known kinds that do not change what Calico enforces, or that tierproof cannot model. */
  private static final Set<String> NOT_MODELLED =
      Set.of(
          ("ConfigMap Secret Node Event Lease Ingress IngressClass Gateway"
                  + " HTTPRoute GatewayClass PersistentVolume"
                  + " PersistentVolumeClaim StorageClass LimitRange ResourceQuota"
                  + " HorizontalPodAutoscaler PodDisruptionBudget PriorityClass RuntimeClass Role"
                  + " RoleBinding ClusterRole ClusterRoleBinding CustomResourceDefinition"
                  + " MutatingWebhookConfiguration ValidatingWebhookConfiguration APIService"
                  + " ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding"
                  + " MutatingAdmissionPolicy MutatingAdmissionPolicyBinding PodTemplate"
                  + " ControllerRevision CSIDriver CSINode VolumeAttachment CertificateSigningRequest"
                  + " BGPConfiguration BGPPeer BGPFilter FelixConfiguration IPPool IPReservation"
                  + " IPAMConfiguration IPAMBlock IPAMHandle BlockAffinity"
                  + " KubeControllersConfiguration ClusterInformation CalicoNodeStatus Installation"
                  + " APIServer TigeraStatus Whisker Goldmane ImageSet")
              .split(" "));

  private Kinds() {}

  /** The apiVersions a modelled {@code kind} accepts; null when tierproof does not model it. */
  static List<String> apis(String kind) {
    return KINDS.get(kind);
  }

  /** A well-known kind that tierproof reads past. */
  static boolean notModelled(String kind) {
    return NOT_MODELLED.contains(kind);
  }

  /** Every kind named here, modelled or not: for suggestions. */
  static Set<String> known() {
    Set<String> out = new HashSet<>(KINDS.keySet());
    out.addAll(NOT_MODELLED);
    return out;
  }
}
