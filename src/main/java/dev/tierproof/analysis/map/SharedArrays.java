package dev.tierproof.analysis.map;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Arrays that are never written after they are shared, held once per content: a map's steps sort
 * its thousands of groups into the same classes of peers again and again. Thread-safe.
 */
final class SharedArrays {

  private final Map<Key, int[]> ints = new ConcurrentHashMap<>();

  /** {@code a}, or the array of the same content seen first. */
  int[] of(int[] a) {
    return ints.computeIfAbsent(new Key(a), Key::a);
  }

  private record Key(int[] a) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(a, k.a);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(a);
    }

    @Override
    public String toString() {
      return Arrays.toString(a);
    }
  }
}
