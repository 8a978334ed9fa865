package dev.tierproof.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects diagnostics of one run in report order, and the text of each input file so that a
 * diagnostic can be rendered with its source line and a caret. Not thread-safe.
 */
public final class Diagnostics {

  private final List<Diagnostic> all = new ArrayList<>();
  private final Map<String, String> sources = new HashMap<>();

  /** Registers the text of {@code file} for rendering. */
  public void source(String file, String text) {
    sources.put(file, text);
  }

  public void add(Diagnostic diagnostic) {
    all.add(diagnostic);
  }

  public void error(Span span, String message) {
    add(Diagnostic.error(span, message));
  }

  public void warning(Span span, String message) {
    add(Diagnostic.warning(span, message));
  }

  public void note(Span span, String message) {
    add(Diagnostic.note(span, message));
  }

  public boolean hasErrors() {
    return all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  public List<Diagnostic> all() {
    return List.copyOf(all);
  }

  public List<Diagnostic> errors() {
    return all.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
  }

  /** The most diagnostics {@link #render} prints; a count stands for the rest. */
  public static final int SHOWN = 100;

  /**
   * Every diagnostic as {@code file:line:col: severity: message}, the source line and a caret; past
   * {@link #SHOWN} of them, one line says how many more there are.
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    Map<String, String[]> split = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      Diagnostic d = all.get(i);
      if (i == SHOWN) {
        long errors = all.subList(i, all.size()).stream().filter(x -> x.severity() == Diagnostic.Severity.ERROR).count();
        out.append("and ").append(all.size() - i).append(" more (").append(errors).append(errors == 1 ? " error" : " errors")
            .append(")\n");
        break;
      }
      out.append(d).append('\n');
      String[] lines =
          split.computeIfAbsent(
              d.span().file(), f -> sources.getOrDefault(f, "").split("\r?\n", -1));
      if (d.span().isKnown() && sources.containsKey(d.span().file()) && d.span().line() <= lines.length) {
        String line = lines[d.span().line() - 1];
        out.append("  ").append(line).append('\n');
        out.append("  ").append(" ".repeat(Math.max(0, d.span().column() - 1))).append("^\n");
      }
    }
    return out.toString();
  }
}
