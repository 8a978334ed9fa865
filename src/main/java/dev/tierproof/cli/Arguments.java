package dev.tierproof.cli;

import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.util.List;

/**
 * The command line as a source text, so that a problem with an argument is reported like one in a
 * file: {@code <command line>:1:17: error: ...}, the line and a caret under the argument.
 */
final class Arguments {

  static final String FILE = "<command line>";

  private final List<String> args;
  private final String text;

  Arguments(String[] args) {
    this.args = List.of(args);
    this.text = "tierproof " + String.join(" ", args);
  }

  /** The command line has no argument at all. */
  boolean isEmpty() {
    return args.isEmpty();
  }

  void register(Diagnostics d) {
    d.source(FILE, text);
  }

  /** The span of the argument whose value is {@code value} ({@code --opt=value} counts). */
  Span span(String value) {
    return span(value, 0);
  }

  /**
   * The span of the {@code nth} (0-based) argument equal to {@code value}; column 1 when none is.
   */
  Span span(String value, int nth) {
    int column = "tierproof ".length() + 1;
    int seen = 0;
    for (String arg : args) {
      int at =
          arg.equals(value) ? 0 : arg.endsWith("=" + value) ? arg.length() - value.length() : -1;
      if (at >= 0 && seen++ == nth) {
        return new Span(FILE, 1, column + at);
      }
      column += arg.length() + 1;
    }
    return new Span(FILE, 1, 1);
  }
}
