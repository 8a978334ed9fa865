package dev.tierproof.analysis.map;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Classes of peer groups (sets of {@link Groups.Member#index}) that a step sees alike, made finer
 * by what else tells them apart. Empty classes are dropped; the order is stable.
 */
final class Classes {

  private Classes() {}

  /** Each class split into the members {@code held} holds and the others. */
  static List<BitSet> split(List<BitSet> classes, BitSet held) {
    List<BitSet> next = new ArrayList<>(classes.size() + 1);
    for (BitSet c : classes) {
      BitSet in = (BitSet) c.clone();
      in.and(held);
      BitSet out = (BitSet) c.clone();
      out.andNot(held);
      if (!in.isEmpty()) {
        next.add(in);
      }
      if (!out.isEmpty()) {
        next.add(out);
      }
    }
    return next;
  }

  /** Each class split by {@code key} of its members (equal keys: one class). */
  static List<BitSet> split(List<BitSet> classes, IntFunction<Object> key) {
    List<BitSet> next = new ArrayList<>(classes.size());
    for (BitSet c : classes) {
      Map<Object, BitSet> byKey = new LinkedHashMap<>();
      c.stream().forEach(i -> byKey.computeIfAbsent(key.apply(i), k -> new BitSet()).set(i));
      next.addAll(byKey.values());
    }
    return next;
  }
}
