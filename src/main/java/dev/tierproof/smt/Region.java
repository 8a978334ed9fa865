package dev.tierproof.smt;

/**
 * The flows from an end of {@code source} to an end of {@code destination} within {@code bounds}.
 */
public record Region(EndSet source, EndSet destination, FlowBounds bounds) {}
