package dev.tierproof.analysis.lint;

import java.util.Locale;

/** How much a finding matters; {@code --fail-on} compares against it. */
public enum Severity {
  NOTE,
  WARNING,
  ERROR;

  /** {@code error}, {@code warning}, {@code note}: SARIF levels and the text label. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
