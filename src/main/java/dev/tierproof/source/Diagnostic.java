package dev.tierproof.source;

/** One problem found in the input: lowercase message, no final period, user text in backticks. */
public record Diagnostic(Severity severity, Span span, String message) {

  public static Diagnostic error(Span span, String message) {
    return new Diagnostic(Severity.ERROR, span, message);
  }

  public static Diagnostic warning(Span span, String message) {
    return new Diagnostic(Severity.WARNING, span, message);
  }

  public static Diagnostic note(Span span, String message) {
    return new Diagnostic(Severity.NOTE, span, message);
  }

  /** {@code file:line:col: error: message} */
  @Override
  public String toString() {
    return span + ": " + severity.label() + ": " + message;
  }
}
