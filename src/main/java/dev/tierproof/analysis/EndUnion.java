package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.Ends;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The union of two pod ends (diff classes): their pod ends ({@link Ends#first} and {@link
 * Ends#more} of each), those that one pod end holds joined into it, ordered by their text. Classes
 * alike but in one pod end were each proved, so their union changed alike: a change whose classes
 * are a product (each source class, in its namespaces, with each destination class) is one class
 * per destination class, where it was one per pair.
 */
final class EndUnion {

  private EndUnion() {}

  /**
   * The pod ends of {@code a} and {@code b}, each two that {@code one} joins into one pod end
   * (null: none) replaced by that end, as one end: the first by text with the others as {@link
   * Ends#more}.
   */
  static Ends of(Ends a, Ends b, BinaryOperator<Ends> one) {
    List<Ends> parts = new ArrayList<>();
    for (Ends e : List.of(a, b)) {
      parts.add(e.first());
      parts.addAll(e.more());
    }
    for (boolean joined = true; joined; ) {
      joined = false;
      search:
      for (int i = 0; i < parts.size(); i++) {
        for (int j = i + 1; j < parts.size(); j++) {
          Ends u =
              parts.get(i).equals(parts.get(j))
                  ? parts.get(i)
                  : one.apply(parts.get(i), parts.get(j));
          if (u != null) {
            parts.set(i, u);
            parts.remove(j);
            joined = true;
            break search;
          }
        }
      }
    }
    parts.sort(Comparator.comparing(Ends::display));
    return parts.get(0).withMore(parts.subList(1, parts.size()));
  }
}
