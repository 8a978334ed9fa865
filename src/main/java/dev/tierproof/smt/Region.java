package dev.tierproof.smt;

import dev.tierproof.model.FlowSpec;

/**
 * The flows from an end of {@code source} to an end of {@code destination} within {@code bounds},
 * placed as {@code local} says: null any flow, else only those whose {@link
 * dev.tierproof.model.Flow#local} is {@code local} (spec S6.12).
 */
public record Region(EndSet source, EndSet destination, FlowSpec bounds, Boolean local) {

  /** The flows of the ends within the bounds, however placed. */
  public Region(EndSet source, EndSet destination, FlowSpec bounds) {
    this(source, destination, bounds, null);
  }
}
