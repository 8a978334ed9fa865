package dev.tierproof.smt;

import java.util.Map;
import java.util.Set;

/**
 * What is known of a hypothetical endpoint's labels: {@code fixed} keys have that value; keys
 * under a {@code closedPrefixes} entry that are not fixed are absent; every other key is symbolic.
 */
record LabelView(Map<String, String> fixed, Set<String> closedPrefixes) {

  static final LabelView OPEN = new LabelView(Map.of(), Set.of());

  LabelView {
    fixed = Map.copyOf(fixed);
    closedPrefixes = Set.copyOf(closedPrefixes);
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
