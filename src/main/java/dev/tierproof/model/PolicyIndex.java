package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per tier of a policy set, the policies that may select an endpoint of a namespace: every policy
 * but those whose selector requires another namespace (a namespaced policy's selector does, spec
 * S2.1). A scan for the policies that apply then tests a namespace's own policies and the global
 * ones, not every policy of the cluster. Computed once per tier and namespace; thread-safe.
 */
public final class PolicyIndex {

  private final List<Tier> tiers;
  private final List<Map<String, List<Policy>>> byNamespace = new ArrayList<>();

  /**
   * Per tier (by identity, shared with {@link #with}): its policies' positions by the namespace
   * their selector pins (null: none).
   */
  private final Map<Tier, Map<String, List<Integer>>> pins;

  /** Per policy (by identity, shared with {@link #with}): the namespace its selector pins. */
  private final Map<Policy, java.util.Optional<String>> pinned;

  public PolicyIndex(List<Tier> tiers) {
    this(tiers, null);
  }

  private PolicyIndex(List<Tier> tiers, PolicyIndex base) {
    this.tiers = List.copyOf(tiers);
    this.pins =
        base != null
            ? base.pins
            : java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    this.pinned =
        base != null
            ? base.pinned
            : java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    for (int i = 0; i < tiers.size(); i++) {
      boolean same = base != null && i < base.tiers.size() && base.tiers.get(i) == tiers.get(i);
      byNamespace.add(same ? base.byNamespace.get(i) : new ConcurrentHashMap<>());
    }
  }

  /**
   * The index of other tiers, sharing what it has computed for the tiers both have (the same
   * objects).
   */
  public PolicyIndex with(List<Tier> other) {
    return new PolicyIndex(other, this);
  }

  /**
   * The policies of tier {@code tier} (its position) that may select an endpoint with {@code
   * labels}, in order.
   */
  public List<Policy> candidates(int tier, Map<String, String> labels) {
    String ns = labels.getOrDefault(Endpoint.NAMESPACE_LABEL, "");
    Map<String, List<Policy>> known = byNamespace.get(tier);
    List<Policy> found = known.get(ns);
    if (found != null) {
      return found;
    }
    // one pass over the tier finds every policy's namespace; each namespace's list is then a merge
    Map<String, List<Integer>> positions = pins.computeIfAbsent(tiers.get(tier), this::pins);
    List<Integer> mine = positions.getOrDefault(ns, List.of());
    List<Integer> global = positions.getOrDefault(null, List.of());
    List<Policy> policies = tiers.get(tier).policies();
    List<Policy> out = new ArrayList<>(mine.size() + global.size());
    for (int i = 0, j = 0; i < mine.size() || j < global.size(); ) {
      boolean takeMine = j == global.size() || i < mine.size() && mine.get(i) < global.get(j);
      out.add(policies.get(takeMine ? mine.get(i++) : global.get(j++)));
    }
    List<Policy> result = List.copyOf(out);
    known.putIfAbsent(ns, result);
    return result;
  }

  private Map<String, List<Integer>> pins(Tier t) {
    Map<String, List<Integer>> out = new java.util.HashMap<>();
    for (int i = 0; i < t.policies().size(); i++) {
      Policy p = t.policies().get(i);
      // a variant of a tier (lint drops a rule) shares the other policies: each asked once
      String ns =
          pinned
              .computeIfAbsent(
                  p,
                  x ->
                      java.util.Optional.ofNullable(
                          Selector.pinned(x.selector(), Endpoint.NAMESPACE_LABEL)))
              .orElse(null);
      out.computeIfAbsent(ns, k -> new ArrayList<>()).add(i);
    }
    return out;
  }
}
