package dev.tierproof.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "did you mean" suggestions: a case-insensitive match, else the closest option by edit distance.
 */
public final class Suggest {

  private Suggest() {}

  public static Optional<String> closest(String input, Collection<String> options) {
    String lower = input.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Math.max(1, input.length() / 4) + 1;
    for (String option : options) {
      if (option.toLowerCase(Locale.ROOT).equals(lower)) {
        return Optional.of(option);
      }
      int d = distance(lower, option.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = option;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code ": did you mean `x`?"} or the empty string. */
  public static String suffix(String input, Collection<String> options) {
    return suffix(input, options, "");
  }

  /** {@code ": did you mean `x`?"} or {@code otherwise}. */
  public static String suffix(String input, Collection<String> options, String otherwise) {
    return closest(input, options).map(s -> ": did you mean `" + s + "`?").orElse(otherwise);
  }

  /**
   * {@code ": did you mean `x`?"}, else {@code ": expected `a`, `b` or `c`"} listing the options
   * (in backticks) and then {@code more} (as is).
   */
  public static String choice(String input, List<String> options, String... more) {
    List<String> all = new ArrayList<>(options.stream().map(o -> "`" + o + "`").toList());
    all.addAll(List.of(more));
    String last = all.remove(all.size() - 1);
    String expected = all.isEmpty() ? last : String.join(", ", all) + " or " + last;
    return suffix(input, options, ": expected " + expected);
  }

  /** The Levenshtein distance between {@code a} and {@code b} (case-sensitive). */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
