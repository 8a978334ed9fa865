package dev.tierproof.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Where a class of flows may be placed (specs/semantics.md S6.10-S6.12): the union of {@code each}
 * (one or more {@link Placement}s, in a fixed order), so a diff class that changed alike on several
 * nodes or interface choices is one class.
 */
public record Placements(List<Placement> each) {

  private static final Comparator<Placement> ORDER =
      Comparator.comparing((Placement p) -> String.valueOf(p.source()))
          .thenComparing(p -> String.valueOf(p.destination()))
          .thenComparing(p -> p.sourceInterfaces().toString())
          .thenComparing(p -> p.destinationInterfaces().toString());

  public Placements {
    if (each.isEmpty()) {
      throw new IllegalArgumentException("no placement");
    }
    List<Placement> sorted = new ArrayList<>(each);
    sorted.sort(ORDER);
    each = List.copyOf(sorted);
  }

  /** The one placement {@code p}. */
  public static Placements of(Placement p) {
    return new Placements(List.of(p));
  }

  /** The placement when there is one, else null. */
  public Placement only() {
    return each.size() == 1 ? each.get(0) : null;
  }

  /** Whether {@code f} is placed as one of {@link #each} says, given the {@code walked} nodes. */
  public boolean holds(Flow f, Collection<String> walked) {
    return each.stream().anyMatch(p -> p.holds(f, walked));
  }

  /** Both unions. */
  public Placements and(Placements other) {
    List<Placement> all = new ArrayList<>(each);
    all.addAll(other.each);
    return new Placements(all);
  }
}
