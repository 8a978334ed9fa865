package dev.tierproof.selector;

/**
 * A selector or endpoint reference that is not well-formed. The message is lowercase, has no final
 * period and puts user text in backticks; {@link #offset()} is the 0-based index of the offending
 * character in the parsed text (its length when the text ended too early).
 */
public final class SelectorSyntaxException extends Exception {

  private final int offset;

  public SelectorSyntaxException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** 0-based char index in the parsed text where the problem is. */
  public int offset() {
    return offset;
  }
}
