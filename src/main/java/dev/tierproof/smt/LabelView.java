package dev.tierproof.smt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is known of a hypothetical endpoint's labels: {@code fixed} keys have that value; keys under
 * a {@code closedPrefixes} entry that are not fixed are absent; every other key is symbolic.
 */
record LabelView(Map<String, String> fixed, Set<String> closedPrefixes) {

  static final LabelView OPEN = new LabelView(Map.of(), Set.of());

  LabelView {
    fixed = Map.copyOf(fixed);
    closedPrefixes = Set.copyOf(closedPrefixes);
  }

  /**
   * What every one of {@code views} (at least one) knows alike: the one view when they are all
   * equal, else the fixed labels they agree on, with no key known absent.
   */
  static LabelView common(List<LabelView> views) {
    LabelView common = views.get(0);
    for (LabelView v : views) {
      Map<String, String> both = new LinkedHashMap<>(common.fixed());
      both.entrySet().removeIf(e -> !e.getValue().equals(v.fixed().get(e.getKey())));
      common = v.equals(common) ? common : new LabelView(both, Set.of());
    }
    return common;
  }

  boolean isFixed(String key) {
    return fixed.containsKey(key);
  }

  /** True when the key is known to be absent. */
  boolean isAbsent(String key) {
    return !fixed.containsKey(key) && closedPrefixes.stream().anyMatch(key::startsWith);
  }

  boolean isSymbolic(String key) {
    return !isFixed(key) && !isAbsent(key);
  }
}
