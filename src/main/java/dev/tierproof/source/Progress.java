package dev.tierproof.source;

/**
 * Where a long analysis is, for a person watching (stderr on a terminal); never part of an answer.
 * Analyses call it as they go, from any of their threads.
 */
@FunctionalInterface
public interface Progress {

  /** Nobody is watching. */
  Progress NONE = (what, done, total) -> {};

  /** {@code done} of {@code total} {@code what} (e.g. {@code "rules"}) are finished. */
  void at(String what, int done, int total);
}
