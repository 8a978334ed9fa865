package dev.tierproof.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    return all.stream().anyMatch(d -> d.severity() == Severity.ERROR);
  }

  public List<Diagnostic> all() {
    return List.copyOf(all);
  }

  public List<Diagnostic> errors() {
    return all.stream().filter(d -> d.severity() == Severity.ERROR).toList();
  }

  /** The most diagnostics {@link #render} prints; a count stands for the rest. */
  public static final int SHOWN = 100;

  /** How much {@link #render(Detail)} prints. */
  public enum Detail {
    /** Errors only. */
    QUIET,
    /**
     * Errors and notes; warnings of one kind (the same message but for its quoted parts) once, with
     * a count and the first places.
     */
    SUMMARY,
    /** Everything. */
    FULL
  }

  /** Every diagnostic ({@link Detail#FULL}). */
  public String render() {
    return render(Detail.FULL);
  }

  /**
   * The diagnostics as {@code file:line:col: severity: message}, the source line and a caret; past
   * {@link #SHOWN} of them, one line says how many more there are.
   */
  public String render(Detail detail) {
    List<Diagnostic> shown = new ArrayList<>();
    Map<String, List<Diagnostic>> alike = new LinkedHashMap<>();
    for (Diagnostic d : all) {
      if (d.severity() == Severity.ERROR || detail == Detail.FULL) {
        shown.add(d);
      } else if (detail == Detail.SUMMARY) {
        List<Diagnostic> same =
            alike.computeIfAbsent(
                d.severity() + ":" + KIND.matcher(d.message()).replaceAll("`…`"),
                k -> new ArrayList<>());
        if (same.isEmpty()) {
          shown.add(d);
        }
        same.add(d);
      }
    }
    Map<Diagnostic, List<Diagnostic>> more = new java.util.IdentityHashMap<>();
    alike.values().forEach(same -> more.put(same.get(0), same.subList(1, same.size())));
    StringBuilder out = new StringBuilder();
    Map<String, String[]> split = new HashMap<>();
    for (int i = 0; i < shown.size(); i++) {
      Diagnostic d = shown.get(i);
      if (i == SHOWN) {
        long errors =
            shown.subList(i, shown.size()).stream()
                .filter(x -> x.severity() == Severity.ERROR)
                .count();
        out.append("and ")
            .append(shown.size() - i)
            .append(" more (")
            .append(errors)
            .append(errors == 1 ? " error" : " errors")
            .append(")\n");
        break;
      }
      out.append(d).append('\n');
      String[] lines =
          split.computeIfAbsent(
              d.span().file(), f -> sources.getOrDefault(f, "").split("\r?\n", -1));
      if (d.span().isKnown()
          && sources.containsKey(d.span().file())
          && d.span().line() <= lines.length) {
        String line = lines[d.span().line() - 1];
        out.append("  ").append(line).append('\n');
        out.append("  ").append(" ".repeat(Math.max(0, d.span().column() - 1))).append("^\n");
      }
      List<Diagnostic> others = more.getOrDefault(d, List.of());
      if (!others.isEmpty()) {
        out.append("  and ").append(others.size()).append(" more like it at ");
        for (int j = 0; j < Math.min(3, others.size()); j++) {
          out.append(j == 0 ? "" : ", ").append(others.get(j).span());
        }
        out.append(others.size() > 3 ? ", ..." : "").append(" (`-v` lists them)\n");
      }
    }
    return out.toString();
  }

  /** A quoted part of a message: what differs between warnings of one kind. */
  private static final java.util.regex.Pattern KIND = java.util.regex.Pattern.compile("`[^`]*`");
}
