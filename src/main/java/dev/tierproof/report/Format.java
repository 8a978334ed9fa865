package dev.tierproof.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** An output format of {@code -o FORMAT[=FILE]}. */
public enum Format {
  TEXT,
  JSON;

  /** The name as written after {@code -o}: {@code text}, {@code json}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Format> parse(String key) {
    return Arrays.stream(values()).filter(f -> f.key().equals(key)).findFirst();
  }

  /** {@code text, json}: for messages. */
  public static String names() {
    return Arrays.stream(values()).map(Format::key).collect(Collectors.joining(", "));
  }
}
