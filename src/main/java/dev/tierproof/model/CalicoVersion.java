package dev.tierproof.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Calico release whose enforcement is modelled ({@code --calico-version}): it decides which
 * admin policy kinds are enforced and in which tiers (specs/semantics.md S2.10, S2.11), whether a
 * catch-all {@code notNets} is rejected (S8) and how equal-order policies are tied (S7.2).
 */
public enum CalicoVersion {
  V3_29("3.29"),
  V3_30("3.30"),
  V3_31("3.31"),
  V3_32("3.32");

  /** The newest release modelled, used when none is chosen. */
  public static final CalicoVersion DEFAULT = V3_32;

  private final String label;

  CalicoVersion(String label) {
    this.label = label;
  }

  /** {@code 3.31}, as the user writes it. */
  public String label() {
    return label;
  }

  /** Every label, oldest first, for messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(CalicoVersion::label).toList();
  }

  /** The version labelled {@code text} ({@code 3.31}, also {@code v3.31} and {@code 3.31.2}). */
  public static Optional<CalicoVersion> parse(String text) {
    String t = text.startsWith("v") ? text.substring(1) : text;
    return Arrays.stream(values())
        .filter(
            v -> t.equals(v.label) || t.matches(java.util.regex.Pattern.quote(v.label) + "\\.\\d+"))
        .findFirst();
  }

  public boolean atLeast(CalicoVersion other) {
    return compareTo(other) >= 0;
  }

  /** ClusterNetworkPolicy is enforced (3.32+); AdminNetworkPolicy is not. */
  public boolean clusterNetworkPolicies() {
    return atLeast(V3_32);
  }

  /** AdminNetworkPolicy is enforced (3.29-3.31). */
  public boolean adminNetworkPolicies() {
    return !atLeast(V3_32);
  }

  /** BaselineAdminNetworkPolicy is enforced (3.30-3.31). */
  public boolean baselineAdminNetworkPolicies() {
    return atLeast(V3_30) && !atLeast(V3_32);
  }

  /** Policies of a tier in Felix's order for this release (S7.2). */
  public Comparator<Policy> policyOrder() {
    if (atLeast(V3_32)) {
      return PolicySet.POLICY_ORDER;
    }
    return Comparator.comparing(
            (Policy p) -> p.order() == null ? Double.POSITIVE_INFINITY : p.order())
        .thenComparing(CalicoVersion::v1Key, PolicySet::compareBytes);
  }

  /**
   * The v1 key name that broke equal-order ties up to 3.31 (specs/semantics.md S7.2): {@code
   * <ns>/<tier>.<name>} for a namespaced policy, {@code <tier>.<name>} for a global one (a name
   * already prefixed with its tier is kept), {@code <ns>/knp.default.<name>} for a Kubernetes
   * NetworkPolicy, {@code kanp.adminnetworkpolicy.<name>} and {@code
   * kbanp.baselineadminnetworkpolicy.<name>} for the admin kinds, staged ones prefixed {@code
   * staged:}.
   */
  static String v1Key(Policy p) {
    String name =
        switch (p.kind()) {
          case KUBERNETES_NETWORK_POLICY, STAGED_KUBERNETES_NETWORK_POLICY ->
              "knp.default." + p.name();
          case KUBERNETES_ADMIN_NETWORK_POLICY -> "kanp.adminnetworkpolicy." + p.name();
          case KUBERNETES_BASELINE_ADMIN_NETWORK_POLICY ->
              "kbanp.baselineadminnetworkpolicy." + p.name();
          default -> p.name().startsWith(p.tier() + ".") ? p.name() : p.tier() + "." + p.name();
        };
    String key = p.namespace() == null ? name : p.namespace() + "/" + name;
    return p.staged() ? "staged:" + key : key;
  }
}
