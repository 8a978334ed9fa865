package dev.tierproof.model;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Unmodifiable copies that iterate in a defined order, where {@link Set#copyOf} iterates in an
 * order drawn anew by every JVM: what reaches the solver or a report is then the same on every run
 * of the same input. Nulls are rejected as {@link Set#copyOf} rejects them.
 */
public final class Ordered {

  private Ordered() {}

  /** {@code items} in their natural order, without duplicates; null: the empty set. */
  public static <T extends Comparable<? super T>> Set<T> sorted(Collection<? extends T> items) {
    return items == null || items.isEmpty()
        ? Set.of()
        : Collections.unmodifiableSortedSet(new TreeSet<>(items));
  }
}
