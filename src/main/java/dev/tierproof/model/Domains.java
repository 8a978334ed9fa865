package dev.tierproof.model;

import java.util.Locale;

/**
 * DNS name matching for Enterprise {@code domains} and {@code allowedEgressDomains} (spec S3.6).
 */
public final class Domains {

  private Domains() {}

  /**
   * True when {@code name} matches {@code pattern}: equal ignoring case and a final dot, or, for a
   * pattern {@code *.suffix}, a name with one or more labels before {@code .suffix}.
   */
  public static boolean matches(String pattern, String name) {
    String p = normalize(pattern);
    String n = normalize(name);
    if (p.startsWith("*.")) {
      String suffix = p.substring(1);
      return n.endsWith(suffix) && n.length() > suffix.length();
    }
    return p.equals(n);
  }

  /** Lowercase, without a final dot: the form in which names compare. */
  public static String normalize(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
