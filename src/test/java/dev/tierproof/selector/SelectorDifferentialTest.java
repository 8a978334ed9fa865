package dev.tierproof.selector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random texts through both the ANTLR parser and {@link CalicoReference}: the same texts
 * must be accepted, into the same trees; nothing but {@link SelectorSyntaxException} may escape;
 * the canonical form must re-parse to a selector that matches the same label maps.
 */
class SelectorDifferentialTest {

  private static final List<String> LABELS =
      List.of(
          "a",
          "b",
          "k8s-app",
          "x.y/z_1",
          "contains",
          "in",
          "not",
          "has",
          "all",
          "global",
          "startswith",
          "ends",
          "with",
          "notin");

  private static final List<String> VALUES =
      List.of("", "x", "web", "it's", "say \"hi\"", "a b", "()", "{,}", "&&");

  private static final List<String> OPERATORS =
      List.of(
          "==",
          "!=",
          "contains",
          "starts with",
          "startswith",
          "starts \t with",
          "ends with",
          "endswith",
          "in",
          "not in",
          "notin",
          "not  in");

  private static final List<String> FRAGMENTS =
      List.of(
          "a",
          "b",
          "contains",
          "in",
          "not",
          "starts",
          "ends",
          "with",
          "has(",
          "all(",
          "global(",
          "has",
          "all()",
          "global()",
          "(",
          ")",
          "{",
          "}",
          ",",
          "==",
          "!=",
          "!",
          "&&",
          "||",
          "=",
          "&",
          "|",
          " ",
          " ",
          " ",
          "\t",
          "'x'",
          "\"y\"",
          "'",
          "\"",
          "%",
          "\n",
          ":",
          "inx");

  @Test
  void parse_randomFragments_agreeWithCalicoModel() {
    Random random = new Random(7);
    int accepted = 0;
    for (int i = 0; i < 10000; i++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(8);
      for (int k = 0; k < length; k++) {
        text.append(pick(random, FRAGMENTS));
      }
      accepted += compare(text.toString(), random) ? 1 : 0;
    }
    assertThat(accepted).as("accepted texts").isGreaterThan(100);
  }

  @Test
  void parse_generatedSelectorsAndOneCharEdits_agreeWithCalicoModel() {
    Random random = new Random(11);
    int accepted = 0;
    for (int i = 0; i < 3000; i++) {
      String text = expression(random, 3);
      accepted += compare(text, random) ? 1 : 0;
      int at = random.nextInt(text.length() + 1);
      String edited =
          random.nextBoolean() && at < text.length()
              ? text.substring(0, at) + text.substring(at + 1)
              : text.substring(0, at) + pick(random, FRAGMENTS) + text.substring(at);
      compare(edited, random);
    }
    assertThat(accepted).as("accepted generated selectors").isGreaterThan(2500);
  }

  /** Whether both accepted {@code text}; fails the test on any disagreement. */
  private static boolean compare(String text, Random random) {
    Selector expected;
    try {
      expected = CalicoReference.parse(text);
    } catch (CalicoReference.Rejected rejected) {
      expected = null;
    }
    Selector actual;
    try {
      actual = Selector.parse(text);
    } catch (SelectorSyntaxException e) {
      assertThat(e.offset()).as("offset for %s", text).isBetween(0, text.length());
      actual = null;
    }
    assertThat(actual).as("parse of `%s`", text).isEqualTo(expected);
    if (actual == null) {
      return false;
    }
    Selector reparsed;
    try {
      reparsed = Selector.parse(actual.canonical());
    } catch (SelectorSyntaxException e) {
      throw new AssertionError("canonical form of `" + text + "` does not parse", e);
    }
    for (int k = 0; k < 20; k++) {
      Map<String, String> labels = labels(random);
      assertThat(reparsed.matches(labels))
          .as("`%s` on %s", text, labels)
          .isEqualTo(actual.matches(labels));
    }
    return true;
  }

  private static Map<String, String> labels(Random random) {
    Map<String, String> labels = new HashMap<>();
    for (String key : LABELS) {
      if (random.nextInt(3) > 0) {
        labels.put(key, pick(random, VALUES));
      }
    }
    return labels;
  }

  private static String expression(Random random, int depth) {
    int choice = random.nextInt(depth > 0 ? 9 : 5);
    return switch (choice) {
      case 0 -> "has(" + blanks(random) + pick(random, LABELS) + blanks(random) + ")";
      case 1 -> random.nextBoolean() ? "all(" + blanks(random) + ")" : "global()";
      case 2 ->
          pick(random, LABELS)
              + " "
              + pick(random, OPERATORS.subList(0, 8))
              + blanks(random)
              + quote(random, pick(random, VALUES));
      case 3, 4 -> {
        StringBuilder set =
            new StringBuilder(
                pick(random, LABELS)
                    + " "
                    + pick(random, OPERATORS.subList(8, 12))
                    + blanks(random)
                    + "{");
        int size = random.nextInt(4);
        for (int k = 0; k < size; k++) {
          set.append(k > 0 ? "," + blanks(random) : "").append(quote(random, pick(random, VALUES)));
        }
        yield set.append(random.nextInt(4) == 0 && size > 0 ? "," : "").append("}").toString();
      }
      case 5 -> "(" + blanks(random) + expression(random, depth - 1) + blanks(random) + ")";
      case 6 -> "!" + blanks(random) + expression(random, depth - 1);
      case 7 ->
          expression(random, depth - 1)
              + blanks(random)
              + "&&"
              + blanks(random)
              + expression(random, depth - 1);
      default ->
          expression(random, depth - 1)
              + blanks(random)
              + "||"
              + blanks(random)
              + expression(random, depth - 1);
    };
  }

  private static String quote(Random random, String value) {
    char quote = value.contains("\"") || !value.contains("'") && random.nextBoolean() ? '\'' : '"';
    return quote + value + quote;
  }

  private static String blanks(Random random) {
    return List.of("", "", " ", "\t", "  ").get(random.nextInt(5));
  }

  private static <T> T pick(Random random, List<T> items) {
    return items.get(random.nextInt(items.size()));
  }
}
