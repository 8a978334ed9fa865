package dev.tierproof.smt;

import dev.tierproof.model.FlowSpec;

/**
 * The flows from an end of {@code source} to an end of {@code destination} within {@code bounds};
 * with {@code local} non-null, only those that are (or are not) local (spec S6.12, {@link
 * dev.tierproof.model.Flow#local}).
 */
public record Region(EndSet source, EndSet destination, FlowSpec bounds, Boolean local) {

  /** The flows of every placement. */
  public Region(EndSet source, EndSet destination, FlowSpec bounds) {
    this(source, destination, bounds, null);
  }
}
