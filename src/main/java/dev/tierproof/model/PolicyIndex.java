package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per tier of a policy set, the policies that may select an endpoint of a namespace: every policy
 * but those whose selector requires another namespace (a namespaced policy's selector does, spec
 * §2.1). A scan for the policies that apply then tests a namespace's own policies and the global
 * ones, not every policy of the cluster. Computed once per tier and namespace; thread-safe.
 */
public final class PolicyIndex {

  private final List<Tier> tiers;
  private final List<Map<String, List<Policy>>> byNamespace = new ArrayList<>();

  public PolicyIndex(List<Tier> tiers) {
    this(tiers, null);
  }

  private PolicyIndex(List<Tier> tiers, PolicyIndex base) {
    this.tiers = List.copyOf(tiers);
    for (int i = 0; i < tiers.size(); i++) {
      boolean same = base != null && i < base.tiers.size() && base.tiers.get(i) == tiers.get(i);
      byNamespace.add(same ? base.byNamespace.get(i) : new ConcurrentHashMap<>());
    }
  }

  /** The index of other tiers, sharing what it has computed for the tiers both have (the same objects). */
  public PolicyIndex with(List<Tier> other) {
    return new PolicyIndex(other, this);
  }

  /** The policies of tier {@code tier} (its position) that may select an endpoint with {@code labels}, in order. */
  public List<Policy> candidates(int tier, Map<String, String> labels) {
    String ns = labels.getOrDefault(Endpoint.NAMESPACE_LABEL, "");
    return byNamespace.get(tier).computeIfAbsent(ns, n -> {
      List<Policy> out = new ArrayList<>();
      for (Policy p : tiers.get(tier).policies()) {
        String pinned = Selector.pinned(p.selector(), Endpoint.NAMESPACE_LABEL);
        if (pinned == null || pinned.equals(n)) {
          out.add(p);
        }
      }
      return List.copyOf(out);
    });
  }
}
