package dev.tierproof.smt;

import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Placements;

/**
 * The flows from an end of {@code source} to an end of {@code destination} within {@code bounds},
 * placed as {@code placed} says: null any flow, else only those placed so ({@link Placements}, spec
 * S6.11, S6.12).
 */
public record Region(EndSet source, EndSet destination, FlowSpec bounds, Placements placed) {

  /** The flows of the ends within the bounds, however placed. */
  public Region(EndSet source, EndSet destination, FlowSpec bounds) {
    this(source, destination, bounds, null);
  }
}
