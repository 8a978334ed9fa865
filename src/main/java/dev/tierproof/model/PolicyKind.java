package dev.tierproof.model;

/** The policy kinds Felix orders and evaluates (v3.32+ kind names, specs/semantics.md S7.2). */
public enum PolicyKind {
  NETWORK_POLICY("NetworkPolicy", true, false),
  GLOBAL_NETWORK_POLICY("GlobalNetworkPolicy", false, false),
  KUBERNETES_NETWORK_POLICY("KubernetesNetworkPolicy", true, false),
  STAGED_NETWORK_POLICY("StagedNetworkPolicy", true, true),
  STAGED_GLOBAL_NETWORK_POLICY("StagedGlobalNetworkPolicy", false, true),
  STAGED_KUBERNETES_NETWORK_POLICY("StagedKubernetesNetworkPolicy", true, true);

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

  public boolean namespaced() {
    return namespaced;
  }

  /** Staged policies are loaded and ordered but never enforced (S2.5). */
  public boolean staged() {
    return staged;
  }
}
