package dev.tierproof.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** An output format of {@code -o FORMAT[=FILE]}. */
public enum Format {
  TEXT,
  JSON,
  /** SARIF 2.1.0 ({@link Sarif}): lint, check, diff. */
  SARIF,
  /** GitHub Actions workflow annotations ({@link GithubAnnotations}): lint, check, diff. */
  GITHUB,
  /** A Markdown summary for pull-request comments ({@link Markdown}): lint, check, diff. */
  MARKDOWN,
  /** JUnit XML, one test case per invariant: check. */
  JUNIT,
  /** Comma-separated values, one row per allowed part: map. */
  CSV,
  /** Graphviz: map. */
  DOT,
  /** A Mermaid flowchart: map. */
  MERMAID,
  /** One self-contained HTML page: map. */
  HTML;

  /** What explain and verify write. */
  public static final java.util.Set<Format> BASIC = java.util.EnumSet.of(TEXT, JSON);

  /** The name as written after {@code -o}: {@code text}, {@code json}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Format> parse(String key) {
    return Arrays.stream(values()).filter(f -> f.key().equals(key)).findFirst();
  }

  /** {@code text, json}: for messages. */
  public static String names() {
    return names(BASIC);
  }

  /** The keys of {@code formats} in declaration order, comma-separated: for messages. */
  public static String names(java.util.Set<Format> formats) {
    return Arrays.stream(values())
        .filter(formats::contains)
        .map(Format::key)
        .collect(Collectors.joining(", "));
  }
}
