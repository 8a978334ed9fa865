package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * How every report says what it could not model (specs/semantics.md S9.4): text lines, and the JSON
 * fields {@code unmodelled} (the elements that make the answer inconclusive) or, with {@code
 * --ignore-unmodelled}, {@code ignoredUnmodelled} (always present then, possibly empty); and what
 * it assumed ({@link Assumed}: the dataplane and the Calico release, when chosen).
 */
final class Caveats {

  private Caveats() {}

  /**
   * Nothing without elements, the flag, a chosen dataplane or a chosen release; else a head line
   * and one indented line per element, then what was assumed ({@link Assumed#lines}).
   */
  static List<String> lines(Caveat c) {
    List<String> out = new ArrayList<>();
    if (c.inconclusive()) {
      out.add(
          "inconclusive: the input holds what tierproof does not model, and it could change this answer"
              + " (--ignore-unmodelled to ignore it):");
    } else if (c.ignoring()) {
      out.add(
          c.elements().isEmpty()
              ? "--ignore-unmodelled: nothing the input holds that tierproof does not model could change this answer"
              : "--ignore-unmodelled: ignored what tierproof does not model, though it could change this answer:");
    }
    c.elements().forEach(u -> out.add("  " + element(u)));
    out.addAll(Assumed.lines(c));
    return out;
  }

  /**
   * {@code ClusterNetworkPolicy `deny-egress` at a.yaml:3: admin network policies are not modelled}
   */
  static String element(Unmodelled u) {
    return u.display() + ": " + u.reason();
  }

  /** Adds {@code unmodelled} when inconclusive, {@code ignoredUnmodelled} with the flag. */
  static void json(ObjectNode out, Caveat c) {
    Assumed.json(out, c);
    elements(out, c);
  }

  /** {@link #json}'s {@code unmodelled} or {@code ignoredUnmodelled}, without what was assumed. */
  static void elements(ObjectNode out, Caveat c) {
    if (c.inconclusive()) {
      elements(out.putArray("unmodelled"), c.elements());
    } else if (c.ignoring()) {
      elements(out.putArray("ignoredUnmodelled"), c.elements());
    }
  }

  /**
   * For the review formats (SARIF, GitHub, Markdown): one {@code TP901 unmodelled} annotation per
   * element, a warning when it makes the answer inconclusive, a note when it was ignored.
   */
  static List<Annotation> annotations(Caveat c) {
    List<Annotation> out = new ArrayList<>();
    for (Unmodelled u : c.elements()) {
      String message =
          u.kind()
              + " `"
              + u.name()
              + "`: "
              + u.reason()
              + (c.inconclusive()
                  ? "; it could change this answer, which is inconclusive"
                  : "; ignored (--ignore-unmodelled)");
      out.add(
          new Annotation(
              "TP901",
              "unmodelled",
              HELP,
              c.inconclusive() ? Severity.WARNING : Severity.NOTE,
              message,
              u.span(),
              List.of(),
              fingerprint(u)));
    }
    return out;
  }

  private static final String HELP =
      "The input holds something Calico or Kubernetes enforces that tierproof does"
          + " not model; every answer it could change is inconclusive. Model it away, or pass --ignore-unmodelled"
          + " to answer as if it were absent.";

  private static String fingerprint(Unmodelled u) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  ("TP901|" + u.kind() + "|" + u.name())
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(h, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  static void elements(ArrayNode array, List<Unmodelled> elements) {
    for (Unmodelled u : elements) {
      ObjectNode o = array.addObject();
      o.put("kind", u.kind());
      o.put("name", u.name());
      o.put("file", u.span().file());
      o.put("line", u.span().line());
      o.put("reason", u.reason());
    }
  }
}
