package dev.tierproof.source;

import java.util.Locale;

/**
 * How much a reported problem matters, most first: an input diagnostic's, a lint finding's, an
 * invariant's. One scale for all of them because they are printed and gated alike: the lowercase
 * name is the text label ({@code file:line:col: warning: ...}), the key invariant files and {@code
 * .tierproof.yaml} write, and the SARIF level; {@code --fail-on} compares with {@link #atLeast}. An
 * input error also stops the run (exit 2); that is {@link Diagnostics}' rule, not this type's.
 */
public enum Severity {
  ERROR,
  WARNING,
  NOTE;

  /** {@code error}, {@code warning}, {@code note}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** This severity is {@code other} or a higher one. */
  public boolean atLeast(Severity other) {
    return compareTo(other) <= 0;
  }
}
