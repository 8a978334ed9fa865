package dev.tierproof.eval;

import dev.tierproof.model.Flow;

/**
 * The reply an untracked Allow needs (spec S6.5): the {@code packet} the other end sends back, and
 * its {@code step} at the same host endpoint in the other direction.
 */
public record Reply(Flow packet, Step step) {}
