package dev.tierproof.load;

import java.util.regex.Pattern;

/**
 * Label keys and values as Kubernetes validates them (and Calico's validator with it): a key is a
 * qualified name, an optional DNS-subdomain prefix and {@code /}, then 1-63 letters, digits, {@code
 * -}, {@code _} and {@code .} beginning and ending with a letter or digit; a value is empty or such
 * a name.
 */
final class LabelRules {

  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private LabelRules() {}

  /** What is wrong with {@code key} as a label key, or null. */
  static String keyProblem(String key) {
    int slash = key.lastIndexOf('/');
    String prefix = slash < 0 ? null : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (prefix != null
        && (prefix.isEmpty() || prefix.length() > 253 || !SUBDOMAIN.matcher(prefix).matches())) {
      return "its prefix must be a DNS subdomain (lower case letters, digits, `-` and `.`, at most 253 characters)";
    }
    return nameProblem(name, "its name");
  }

  /** What is wrong with {@code value} as a label value, or null. */
  static String valueProblem(String value) {
    if (value.length() > 63) {
      return "it must be at most 63 characters";
    }
    return value.isEmpty() ? null : nameProblem(value, "it");
  }

  private static String nameProblem(String name, String what) {
    if (name.isEmpty() || name.length() > 63) {
      return what + " must be 1-63 characters";
    }
    if (!NAME.matcher(name).matches()) {
      return what
          + " must be letters, digits, `-`, `_` and `.`, beginning and ending with a letter or digit";
    }
    return null;
  }

  /** {@code s} with control characters written as {@code \\uXXXX}, for messages. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
