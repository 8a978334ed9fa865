package dev.tierproof.smt;

import dev.tierproof.model.FlowSpec;

/**
 * The flows from an end of {@code source} to an end of {@code destination} within {@code bounds}.
 */
public record Region(EndSet source, EndSet destination, FlowSpec bounds) {}
