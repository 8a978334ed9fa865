package dev.tierproof.source;

/**
 * A position in an input file: 1-based line and column. {@link #NONE} stands for "no position"
 * (built-in objects, command-line arguments).
 */
public record Span(String file, int line, int column) {

  public static final Span NONE = new Span("", 0, 0);

  public boolean isKnown() {
    return line > 0;
  }

  /** The span {@code columns} characters to the right on the same line. */
  public Span shift(int columns) {
    return isKnown() ? new Span(file, line, column + columns) : this;
  }

  @Override
  public String toString() {
    return isKnown() ? file + ":" + line + ":" + column : file.isEmpty() ? "<built-in>" : file;
  }
}
