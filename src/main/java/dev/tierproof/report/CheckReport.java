package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.CheckResult;
import dev.tierproof.analysis.CheckResult.Status;
import dev.tierproof.analysis.Invariant;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Flow;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results of {@code check}: one entry per invariant (proven, violated with its witness and the
 * deciding rules, inconclusive, error) in text, JSON, JUnit XML (one test case per invariant),
 * SARIF, GitHub annotations and Markdown. SARIF, GitHub and Markdown findings are placed at the
 * rule that decided the witness (where a fix goes), with the invariant as a related location; text
 * and JSON list every invariant.
 */
public final class CheckReport {

  public static final Set<Format> FORMATS =
      EnumSet.of(
          Format.TEXT, Format.JSON, Format.JUNIT, Format.SARIF, Format.GITHUB, Format.MARKDOWN);

  private CheckReport() {}

  public static String render(Format format, List<CheckResult> results, String version) {
    return render(format, results, version, Caveat.NONE);
  }

  /**
   * As above; {@code caveat} holds every unmodelled element some result names (text and JSON say so
   * at the end, and per result when it made the result inconclusive).
   */
  public static String render(
      Format format, List<CheckResult> results, String version, Caveat caveat) {
    return switch (format) {
      case TEXT -> text(results, caveat);
      case JSON -> Json.write(json(results, caveat));
      case JUNIT -> junit(results, caveat);
      case SARIF ->
          Sarif.render(
              "tierproof",
              version,
              annotations(results, caveat),
              List.of(),
              Assumed.properties(caveat));
      case GITHUB -> GithubAnnotations.render(annotations(results, caveat), caveat);
      case MARKDOWN -> markdown(results, caveat);
      default -> throw new IllegalArgumentException("check writes no " + format.key());
    };
  }

  // ---------------------------------------------------------------------------------------------
  // text

  /**
   * Per invariant a line {@code <status> <id> (<severity>): <summary>} (the first two words are
   * stable for scripts), then the witness and the decisions; a count at the end.
   */
  static String text(List<CheckResult> results) {
    return text(results, Caveat.NONE);
  }

  static String text(List<CheckResult> results, Caveat caveat) {
    List<String> out = new ArrayList<>();
    for (CheckResult r : results) {
      Invariant i = r.invariant();
      out.add(
          String.format(
              Locale.ROOT,
              "%-12s %s (%s): %s",
              r.status().json(),
              i.id(),
              i.severity().label(),
              r.summary()));
      out.addAll(indent(details(r)));
    }
    out.add("");
    out.add(count(results) + " (" + seconds(results) + ")");
    out.addAll(Caveats.lines(caveat));
    return String.join("\n", out) + "\n";
  }

  /**
   * What supports a result: the witness flow, each step's decision, findings, the solver's reason.
   */
  static List<String> details(CheckResult r) {
    List<String> out = new ArrayList<>();
    if (r.uncovered() != null) {
      out.add(
          "endpoint: "
              + r.uncovered().endpoint().ref()
              + labels(r.uncovered().endpoint())
              + ", "
              + r.uncovered().direction().json());
    }
    if (r.witness() != null) {
      out.add(
          (r.invariant().assertion() instanceof Invariant.Probe ? "flow: " : "e.g. ")
              + flow(r.witness()));
      if (r.before() != null) {
        out.addAll(steps("before: ", r.before()));
        out.addAll(steps("now:    ", r.explanation()));
      } else if (r.explanation() != null) {
        out.addAll(steps("", r.explanation()));
      }
    }
    for (CheckResult.Finding f : r.findings()) {
      out.add(
          f.id()
              + " "
              + f.name()
              + " ("
              + f.severity()
              + ")"
              + (f.message().isEmpty() ? "" : ": " + f.message())
              + (f.location().isKnown()
                  ? " at " + f.location().file() + ":" + f.location().line()
                  : ""));
    }
    if (r.reason() != null) {
      out.add("solver: " + r.reason());
    }
    r.unmodelled().forEach(u -> out.add("not modelled: " + Caveats.element(u)));
    return out;
  }

  /** One line per step: {@code egress at a: allowed by ...}. */
  private static List<String> steps(String prefix, Verdict v) {
    List<String> out = new ArrayList<>();
    if (v.steps().isEmpty()) {
      out.add(prefix + "no policy applies (both ends are outside the cluster)");
    }
    for (Step s : v.steps()) {
      out.add(
          prefix
              + Text.side(s)
              + " at "
              + s.endpoint().ref()
              + ": "
              + (s.allowed() ? "allowed" : "denied")
              + " by "
              + Text.decision(s.decidedBy(), s.direction()));
    }
    return out;
  }

  /** {@code TCP 10.0.0.1:40000 -> 10.0.0.2:443 (shop/a -> shop/b)}. */
  static String flow(Flow f) {
    String from = f.source() != null ? f.source().ref() : "outside";
    String to =
        f.destination() != null
            ? f.destination().ref()
            : f.destinationDomain() != null ? f.destinationDomain() : "outside";
    return Text.packet(f) + " (" + from + f.onNode(true) + " -> " + to + f.onNode(false) + ")";
  }

  private static String labels(dev.tierproof.model.Endpoint e) {
    if (!"Hypothetical".equals(e.source())) {
      return "";
    }
    Map<String, String> own = new LinkedHashMap<>();
    e.labels()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("pcns.") && !k.startsWith("projectcalico.org/")) {
                own.put(k, v);
              }
            });
    return " (a pod not in the input" + (own.isEmpty() ? "" : " with labels " + own) + ")";
  }

  private static List<String> indent(List<String> lines) {
    return lines.stream().map(l -> "    " + l).toList();
  }

  static String count(List<CheckResult> results) {
    Map<Status, Integer> n = new LinkedHashMap<>();
    for (Status s : Status.values()) {
      n.put(s, 0);
    }
    results.forEach(r -> n.merge(r.status(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    n.forEach(
        (s, k) -> {
          if (k > 0 || s == Status.PROVEN || s == Status.VIOLATED) {
            parts.add(k + " " + s.json());
          }
        });
    return results.size()
        + " invariant"
        + (results.size() == 1 ? "" : "s")
        + ": "
        + String.join(", ", parts);
  }

  private static String seconds(List<CheckResult> results) {
    long ms = results.stream().mapToLong(CheckResult::millis).sum();
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  /**
   * {@code {results: [{id, set, severity, assertion, status, summary, file, line, witness?{<flow>,
   * explanation}, before?, uncovered?{endpoint, direction}, findings?[...], solver{status,
   * reason?}, millis}], summary{total, proven, violated, inconclusive, error}}}.
   */
  static ObjectNode json(List<CheckResult> results) {
    return json(results, Caveat.NONE);
  }

  static ObjectNode json(List<CheckResult> results, Caveat caveat) {
    ObjectNode out = Json.object();
    ArrayNode list = out.putArray("results");
    for (CheckResult r : results) {
      Invariant i = r.invariant();
      ObjectNode o = list.addObject();
      o.put("id", i.id());
      if (i.set() != null) {
        o.put("set", i.set());
      }
      o.put("severity", i.severity().label());
      o.put("assertion", i.assertion().key());
      o.put("status", r.status().json());
      o.put("summary", r.summary());
      if (i.description() != null) {
        o.put("description", i.description());
      }
      if (i.span().isKnown()) {
        o.put("file", i.span().file());
        o.put("line", i.span().line());
      }
      if (r.witness() != null) {
        ObjectNode w = o.putObject("witness");
        Json.fill(w, r.witness());
        if (r.explanation() != null) {
          w.set("explanation", Json.explanation(r.witness(), r.explanation()));
        }
        if (r.before() != null) {
          w.set("before", Json.explanation(r.witness(), r.before()));
        }
      }
      if (r.uncovered() != null) {
        ObjectNode u = o.putObject("uncovered");
        u.put("endpoint", r.uncovered().endpoint().ref());
        u.put("direction", r.uncovered().direction().json());
      }
      if (!r.findings().isEmpty()) {
        ArrayNode fs = o.putArray("findings");
        for (CheckResult.Finding f : r.findings()) {
          ObjectNode x = fs.addObject();
          x.put("id", f.id());
          x.put("name", f.name());
          x.put("severity", f.severity());
          if (!f.message().isEmpty()) {
            x.put("about", f.message());
          }
          if (f.location().isKnown()) {
            x.put("file", f.location().file());
            x.put("line", f.location().line());
          }
        }
      }
      ObjectNode solver = o.putObject("solver");
      solver.put("status", r.solver());
      if (r.reason() != null) {
        solver.put("reason", r.reason());
      }
      o.put("millis", r.millis());
      if (!r.unmodelled().isEmpty()) {
        Caveats.elements(o.putArray("unmodelled"), r.unmodelled());
      }
    }
    ObjectNode summary = out.putObject("summary");
    summary.put("total", results.size());
    for (Status s : Status.values()) {
      summary.put(s.json(), results.stream().filter(r -> r.status() == s).count());
    }
    Caveats.json(out, caveat);
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // JUnit XML

  /**
   * One {@code testsuite} per InvariantSet, one {@code testcase} per invariant ({@code classname}
   * the set, {@code name} the id): a violated invariant has a {@code failure}, an inconclusive or
   * failed check an {@code error}; the details are the text report's. What the run assumed (the
   * dataplane, the Calico release: {@link Assumed#properties}) is each suite's {@code
   * <properties>}, absent when nothing was chosen.
   */
  static String junit(List<CheckResult> results, Caveat caveat) {
    Map<String, List<CheckResult>> bySet = new LinkedHashMap<>();
    results.forEach(
        r ->
            bySet
                .computeIfAbsent(
                    r.invariant().set() == null ? "invariants" : r.invariant().set(),
                    k -> new ArrayList<>())
                .add(r));
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<testsuites name=\"tierproof check\"").append(counts(results)).append(">\n");
    bySet.forEach(
        (set, rs) -> {
          out.append("  <testsuite name=\"")
              .append(xml(set))
              .append('"')
              .append(counts(rs))
              .append(">\n");
          Map<String, String> assumed = Assumed.properties(caveat);
          if (!assumed.isEmpty()) {
            out.append("    <properties>\n");
            assumed.forEach(
                (k, v) ->
                    out.append("      <property name=\"")
                        .append(xml(k))
                        .append("\" value=\"")
                        .append(xml(v))
                        .append("\"/>\n"));
            out.append("    </properties>\n");
          }
          for (CheckResult r : rs) {
            Invariant i = r.invariant();
            out.append("    <testcase classname=\"")
                .append(xml(set))
                .append("\" name=\"")
                .append(xml(i.id()))
                .append("\" time=\"")
                .append(time(r.millis()))
                .append('"');
            if (i.span().isKnown()) {
              out.append(" file=\"")
                  .append(xml(i.span().file()))
                  .append("\" line=\"")
                  .append(i.span().line())
                  .append('"');
            }
            String body = String.join("\n", details(r));
            switch (r.status()) {
              case PROVEN -> {
                out.append(">\n      <system-out>")
                    .append(xml(r.summary() + (body.isEmpty() ? "" : "\n" + body)))
                    .append("</system-out>\n    </testcase>\n");
              }
              case VIOLATED -> {
                out.append(">\n      <failure type=\"violated\" message=\"")
                    .append(xml(r.summary()))
                    .append("\">")
                    .append(xml(body))
                    .append("</failure>\n    </testcase>\n");
              }
              default -> {
                out.append(">\n      <error type=\"")
                    .append(r.status().json())
                    .append("\" message=\"")
                    .append(xml(r.summary()))
                    .append("\">")
                    .append(xml(body))
                    .append("</error>\n    </testcase>\n");
              }
            }
          }
          out.append("  </testsuite>\n");
        });
    out.append("</testsuites>\n");
    return out.toString();
  }

  private static String counts(List<CheckResult> rs) {
    long failures = rs.stream().filter(r -> r.status() == Status.VIOLATED).count();
    long errors =
        rs.stream()
            .filter(r -> r.status() == Status.INCONCLUSIVE || r.status() == Status.ERROR)
            .count();
    long ms = rs.stream().mapToLong(CheckResult::millis).sum();
    return " tests=\""
        + rs.size()
        + "\" failures=\""
        + failures
        + "\" errors=\""
        + errors
        + "\" skipped=\"0\" time=\""
        + time(ms)
        + "\"";
  }

  private static String time(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  /** XML text and attribute escaping; characters XML 1.0 cannot hold become U+FFFD. */
  static String xml(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> {
                  boolean ok =
                      c == 0x9
                          || c == 0xA
                          || c == 0xD
                          || (c >= 0x20 && c <= 0xD7FF)
                          || (c >= 0xE000 && c <= 0xFFFD)
                          || c >= 0x10000;
                  out.appendCodePoint(ok ? c : 0xFFFD);
                }
              }
            });
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // annotations (SARIF, GitHub) and Markdown

  /** One annotation per invariant that is not proven. */
  /** The results' annotations, then the unmodelled elements' ({@code TP901}). */
  static List<Annotation> annotations(List<CheckResult> results, Caveat caveat) {
    List<Annotation> out = new ArrayList<>(annotations(results));
    out.addAll(Caveats.annotations(caveat));
    return out;
  }

  static List<Annotation> annotations(List<CheckResult> results) {
    List<Annotation> out = new ArrayList<>();
    for (CheckResult r : results) {
      if (r.status() == Status.PROVEN) {
        continue;
      }
      Invariant i = r.invariant();
      Severity level = r.status() == Status.VIOLATED ? i.severity() : Severity.WARNING;
      Decision d = r.decidedBy();
      Span at = d != null ? Text.location(d) : Span.NONE;
      List<Annotation.Related> related = new ArrayList<>();
      if (at.isKnown()) {
        related.add(new Annotation.Related(i.span(), "invariant `" + i.id() + "` is defined here"));
      } else {
        at = i.span();
      }
      if (r.explanation() != null) {
        for (Step s : r.explanation().steps()) {
          Span where = Text.location(s.decidedBy());
          if (where.isKnown() && !where.equals(at)) {
            related.add(
                new Annotation.Related(
                    where,
                    Text.side(s)
                        + " at "
                        + s.endpoint().ref()
                        + ": "
                        + (s.allowed() ? "allowed" : "denied")
                        + " here"));
          }
        }
      }
      for (CheckResult.Finding f : r.findings()) {
        if (f.location().isKnown()) {
          related.add(new Annotation.Related(f.location(), f.id() + " " + f.name()));
        }
      }
      String message =
          (r.status() == Status.VIOLATED
                  ? "invariant `" + i.id() + "` is violated: "
                  : "invariant `" + i.id() + "` is " + r.status().json() + ": ")
              + r.summary()
              + (r.witness() != null ? "; e.g. " + flow(r.witness()) : "")
              + (d != null ? "; decided by " + Text.decision(d, r.decidedAt()) : "");
      String help =
          (i.description() != null ? i.description() + " " : "")
              + "An invariant of "
              + (i.set() == null ? "an invariant file" : "InvariantSet `" + i.set() + "`")
              + " ("
              + i.assertion().key()
              + "), defined at "
              + i.span()
              + ".";
      String decisionKey =
          d == null
              ? ""
              : d.kind().json()
                  + "/"
                  + (d.policy() != null ? d.policy().displayName() : "")
                  + "/"
                  + (d.rule() != null ? d.rule().index() : "");
      out.add(
          new Annotation(
              i.id(),
              i.assertion().key(),
              help,
              level,
              message,
              at,
              related,
              fingerprint(i.id() + "|" + r.status().json() + "|" + decisionKey)));
    }
    return out;
  }

  /** A Markdown comment: a headline, then a table of every invariant. */
  static String markdown(List<CheckResult> results, Caveat caveat) {
    long bad = results.stream().filter(r -> r.status() != Status.PROVEN).count();
    StringBuilder out = new StringBuilder("### tierproof check: ");
    out.append(bad == 0 ? "all " + results.size() + " invariants proven" : count(results))
        .append(Assumed.suffix(caveat))
        .append("\n\n");
    out.append("| | invariant | severity | result |\n|---|---|---|---|\n");
    for (CheckResult r : results) {
      String icon =
          switch (r.status()) {
            case PROVEN -> "✅";
            case VIOLATED -> "❌";
            default -> "⚠️";
          };
      StringBuilder cell = new StringBuilder(Markdown.cell(r.summary()));
      for (String line : details(r)) {
        cell.append("<br>").append(Markdown.cell(line));
      }
      out.append("| ")
          .append(icon)
          .append(" | `")
          .append(r.invariant().id())
          .append("` | ")
          .append(r.invariant().severity().label())
          .append(" | ")
          .append(cell)
          .append(" |\n");
    }
    return out.toString();
  }

  private static String fingerprint(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder();
      for (int k = 0; k < 16; k++) {
        out.append(String.format(Locale.ROOT, "%02x", h[k]));
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
