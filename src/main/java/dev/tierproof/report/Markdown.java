package dev.tierproof.report;

import dev.tierproof.source.Severity;
import java.util.List;

/**
 * Markdown for pull-request comments: a heading, a one-line summary by level, and a table of
 * findings ({@code level | id | where | message}). Cells escape {@code |} and newlines.
 */
public final class Markdown {

  private Markdown() {}

  /** The whole comment: {@code ### title}, the counts, the table (or "No findings."). */
  public static String render(String title, List<Annotation> annotations) {
    StringBuilder out = new StringBuilder();
    out.append("### ").append(title).append("\n\n");
    out.append(summary(annotations)).append("\n");
    if (annotations.isEmpty()) {
      return out.toString();
    }
    out.append('\n').append(table(annotations));
    return out.toString();
  }

  /** {@code 2 errors, 1 warning, 0 notes} or {@code No findings.} */
  public static String summary(List<Annotation> annotations) {
    if (annotations.isEmpty()) {
      return "No findings.";
    }
    long e = annotations.stream().filter(a -> a.level() == Severity.ERROR).count();
    long w = annotations.stream().filter(a -> a.level() == Severity.WARNING).count();
    long n = annotations.stream().filter(a -> a.level() == Severity.NOTE).count();
    return plural(e, "error") + ", " + plural(w, "warning") + ", " + plural(n, "note") + ".";
  }

  /** The table: one row per annotation, related places as a list inside the message cell. */
  public static String table(List<Annotation> annotations) {
    StringBuilder out = new StringBuilder();
    out.append("| level | rule | where | message |\n");
    out.append("|---|---|---|---|\n");
    for (Annotation a : annotations) {
      StringBuilder message = new StringBuilder(cell(a.message()));
      for (Annotation.Related r : a.related()) {
        message.append("<br>• ").append(cell(r.message()));
        if (r.location().isKnown()) {
          message
              .append(" (`")
              .append(cell(r.location().file() + ":" + r.location().line()))
              .append("`)");
        }
      }
      out.append("| ")
          .append(icon(a.level()))
          .append(' ')
          .append(a.level().label())
          .append(" | `")
          .append(a.ruleId())
          .append("` ")
          .append(a.ruleName())
          .append(" | ")
          .append(
              a.location().isKnown()
                  ? "`" + cell(a.location().file() + ":" + a.location().line()) + "`"
                  : "")
          .append(" | ")
          .append(message)
          .append(" |\n");
    }
    return out.toString();
  }

  /** Text safe inside a table cell: {@code |} escaped, newlines as {@code <br>}. */
  public static String cell(String s) {
    return s.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
  }

  private static String icon(Severity level) {
    return switch (level) {
      case ERROR -> "❌";
      case WARNING -> "⚠️";
      case NOTE -> "ℹ️";
    };
  }

  private static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
