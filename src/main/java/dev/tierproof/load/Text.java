package dev.tierproof.load;

import dev.tierproof.source.Span;

/** The lines of one input text: maps a character of a scalar's value back to its file position. */
final class Text {

  private final String file;
  private final String text;

  /**
   * Where each line starts in {@code text}: a text ending in a line break ends in an empty line.
   */
  private final int[] starts;

  Text(String file, String text) {
    this.file = file;
    this.text = text;
    int[] at = new int[64];
    int n = 1;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (n == at.length) {
        at = java.util.Arrays.copyOf(at, n * 2);
      }
      at[n++] = i + 1;
    }
    this.starts = java.util.Arrays.copyOf(at, n);
  }

  /** Line {@code n}, from 1, without its line break ({@code \n} or {@code \r\n}). */
  private String line(int n) {
    int from = starts[n - 1];
    int to = n < starts.length ? starts[n] - 1 : text.length();
    if (n < starts.length && to > from && text.charAt(to - 1) == '\r') {
      to--;
    }
    return text.substring(from, to);
  }

  /** How many lines come before the one starting at character {@code lineStart}. */
  int linesBefore(int lineStart) {
    int i = java.util.Arrays.binarySearch(starts, lineStart);
    if (i < 0) {
      throw new IllegalArgumentException("not a line start: " + lineStart);
    }
    return i;
  }

  String file() {
    return file;
  }

  /** The scalar starting at {@code start} is written quoted ({@code '...'} or {@code "..."}). */
  boolean quoted(Span start) {
    if (!start.isKnown() || start.line() > starts.length) {
      return false;
    }
    String line = line(start.line());
    int i = start.column() - 1;
    return i < line.length() && (line.charAt(i) == '\'' || line.charAt(i) == '"');
  }

  /**
   * The position of the value's character {@code offset} for the scalar starting at {@code start}:
   * plain and quoted scalars (YAML escapes and {@code ''} counted, line folding followed) and block
   * scalars ({@code |}, {@code >}: content from the next line at its indentation; an offset on a
   * line break lands just after that line's last character).
   */
  Span locate(Span start, int offset) {
    if (!start.isKnown() || start.line() > starts.length) {
      return start;
    }
    String line = line(start.line());
    int i = start.column() - 1;
    while (i < line.length() && (line.charAt(i) == '&' || line.charAt(i) == '!')) {
      while (i < line.length() && line.charAt(i) != ' ') {
        i++;
      }
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
    }
    char c = i < line.length() ? line.charAt(i) : ' ';
    return c == '|' || c == '>'
        ? block(start.line() + 1, offset)
        : flow(start.line(), i, c, offset);
  }

  private Span flow(int lineNo, int first, char opening, int offset) {
    char quote = opening == '\'' || opening == '"' ? opening : 0;
    int ln = lineNo;
    int pos = quote == 0 ? first : first + 1;
    int remaining = offset;
    while (remaining > 0) {
      String line = line(ln);
      int end = line.stripTrailing().length();
      if (quote == '"' && pos == end - 1 && line.charAt(pos) == '\\' && ln < starts.length) {
        ln++;
        pos = indentation(line(ln));
        continue;
      }
      if (pos >= end) {
        int next = ln + 1;
        while (next < starts.length && line(next).isBlank()) {
          next++;
        }
        int folded = Math.max(1, next - ln - 1);
        if (next > starts.length || remaining < folded) {
          return new Span(file, ln, end + 1);
        }
        remaining -= folded;
        ln = next;
        pos = indentation(line(ln));
        continue;
      }
      pos += step(line, pos, quote);
      remaining--;
    }
    return new Span(file, ln, pos + 1);
  }

  /** Source characters that make one value character at {@code pos}. */
  private static int step(String line, int pos, char quote) {
    char c = line.charAt(pos);
    if (quote == '\'' && c == '\'' && pos + 1 < line.length() && line.charAt(pos + 1) == '\'') {
      return 2;
    }
    if (quote == '"' && c == '\\' && pos + 1 < line.length()) {
      return switch (line.charAt(pos + 1)) {
        case 'x' -> 4;
        case 'u' -> 6;
        case 'U' -> 10;
        default -> 2;
      };
    }
    return 1;
  }

  private Span block(int firstLine, int offset) {
    int ln = firstLine;
    while (ln <= starts.length && line(ln).isBlank()) {
      ln++;
    }
    int indent = ln <= starts.length ? indentation(line(ln)) : 0;
    int remaining = offset;
    for (ln = firstLine; ln <= starts.length; ln++) {
      int length = Math.max(0, line(ln).length() - indent);
      if (remaining <= length) {
        return new Span(file, ln, indent + remaining + 1);
      }
      remaining -= length + 1;
    }
    return new Span(file, starts.length, 1);
  }

  private static int indentation(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
