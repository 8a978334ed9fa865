package dev.tierproof.model;

/** The policy kinds Felix orders and evaluates (v3.32+ kind names, specs/semantics.md S7.2). */
public enum PolicyKind {
  NETWORK_POLICY("NetworkPolicy", true, false),
  GLOBAL_NETWORK_POLICY("GlobalNetworkPolicy", false, false),
  KUBERNETES_NETWORK_POLICY("KubernetesNetworkPolicy", true, false),
  STAGED_NETWORK_POLICY("StagedNetworkPolicy", true, true),
  STAGED_GLOBAL_NETWORK_POLICY("StagedGlobalNetworkPolicy", false, true),
  STAGED_KUBERNETES_NETWORK_POLICY("StagedKubernetesNetworkPolicy", true, true),
  /** A Kubernetes {@code ClusterNetworkPolicy} (Calico 3.32+, spec S2.10). */
  KUBERNETES_CLUSTER_NETWORK_POLICY("KubernetesClusterNetworkPolicy", false, false),
  /** A Kubernetes {@code AdminNetworkPolicy} (Calico 3.29-3.31, spec S2.11). */
  KUBERNETES_ADMIN_NETWORK_POLICY("KubernetesAdminNetworkPolicy", false, false),
  /** A Kubernetes {@code BaselineAdminNetworkPolicy} (Calico 3.30-3.31, spec S2.11). */
  KUBERNETES_BASELINE_ADMIN_NETWORK_POLICY("KubernetesBaselineAdminNetworkPolicy", false, false);

  private final String felixName;
  private final boolean namespaced;
  private final boolean staged;

  PolicyKind(String felixName, boolean namespaced, boolean staged) {
    this.felixName = felixName;
    this.namespaced = namespaced;
    this.staged = staged;
  }

  /** The kind string Felix uses in its policy sort key. */
  public String felixName() {
    return felixName;
  }

  /**
   * The {@code kind} the user wrote for a policy of a Kubernetes API group that Calico converts
   * without a Calico resource of its own ({@code ClusterNetworkPolicy}, ...), else null.
   */
  public String written() {
    return switch (this) {
      case KUBERNETES_CLUSTER_NETWORK_POLICY -> "ClusterNetworkPolicy";
      case KUBERNETES_ADMIN_NETWORK_POLICY -> "AdminNetworkPolicy";
      case KUBERNETES_BASELINE_ADMIN_NETWORK_POLICY -> "BaselineAdminNetworkPolicy";
      default -> null;
    };
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** Staged policies are loaded and ordered but never enforced (S2.5). */
  public boolean staged() {
    return staged;
  }
}
