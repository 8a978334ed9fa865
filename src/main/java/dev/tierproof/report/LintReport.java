package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.lint.Example;
import dev.tierproof.analysis.lint.Finding;
import dev.tierproof.analysis.lint.Lint;
import dev.tierproof.analysis.lint.RuleRef;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Suppression;
import dev.tierproof.model.Tier;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The lint report: text grouped by file with each rule's YAML, JSON, SARIF 2.1.0, GitHub workflow
 * annotations and Markdown. Every format says the same: per finding its id, name, severity,
 * location, a message, the elements it refers to (a shadowed rule's cover) and an example packet
 * replayed through eval.
 */
public final class LintReport {

  /** The formats lint writes. */
  public static final java.util.Set<Format> FORMATS =
      java.util.EnumSet.of(Format.TEXT, Format.JSON, Format.SARIF, Format.GITHUB, Format.MARKDOWN);

  private LintReport() {}

  /**
   * The lint result in {@code format}. {@code result} holds the findings that count, {@code
   * suppressed} those a {@code tierproof.dev/ignore} annotation suppresses: SARIF lists them as
   * suppressed in source, the other formats count them. {@code caveat} is what the input holds that
   * tierproof does not model, for the whole answer; {@code byFinding} the elements that could
   * change each finding (text and JSON name them when the caveat is inconclusive).
   *
   * @param source the text of an input file by name, or null when unknown (quoted in text output)
   */
  public static String render(
      Format format,
      Lint.Result result,
      Function<String, String> source,
      String version,
      Caveat caveat,
      Map<Finding, List<Unmodelled>> byFinding,
      Map<Finding, Suppression> suppressed) {
    String ignored =
        suppressed.isEmpty()
            ? ""
            : suppressed.size()
                + (suppressed.size() == 1 ? " finding" : " findings")
                + " suppressed by `"
                + Suppression.KEY
                + "` annotations\n";
    return switch (format) {
      case TEXT -> text(result, source, caveat, byFinding) + ignored;
      case JSON -> {
        com.fasterxml.jackson.databind.node.ObjectNode out = json(result, caveat, byFinding);
        if (!suppressed.isEmpty()) {
          out.put("suppressed", suppressed.size());
        }
        yield Json.write(out);
      }
      case SARIF -> {
        List<Finding> hidden =
            suppressed.keySet().stream()
                .sorted(
                    java.util.Comparator.comparing((Finding f) -> f.location().toString())
                        .thenComparing(Finding::id))
                .toList();
        List<Annotation> shown =
            annotations(new Lint.Result(result.scope(), hidden, result.stats(), result.grades()));
        List<Annotation.Suppressed> off = new ArrayList<>();
        for (int i = 0; i < hidden.size(); i++) {
          off.add(new Annotation.Suppressed(shown.get(i), suppressed.get(hidden.get(i)).at()));
        }
        yield Sarif.render(
            "tierproof", version, annotations(result, caveat), off, Assumed.properties(caveat));
      }
      case GITHUB -> GithubAnnotations.render(annotations(result, caveat), caveat);
      case MARKDOWN ->
          Markdown.render("tierproof lint" + Assumed.suffix(caveat), annotations(result, caveat));
      default -> throw new IllegalArgumentException("lint has no " + format.key() + " format");
    };
  }

  // ---------------------------------------------------------------------------------------------
  // text

  static String text(
      Lint.Result result,
      Function<String, String> source,
      Caveat caveat,
      Map<Finding, List<Unmodelled>> byFinding) {
    StringBuilder out = new StringBuilder();
    Map<String, List<Finding>> byFile = new LinkedHashMap<>();
    for (Finding f : result.findings()) {
      byFile
          .computeIfAbsent(
              f.location().isKnown() ? f.location().file() : "", k -> new ArrayList<>())
          .add(f);
    }
    byFile
        .values()
        .forEach(
            l ->
                l.sort(
                    java.util.Comparator.comparingInt((Finding f) -> f.location().line())
                        .thenComparingInt(f -> f.location().column())));
    Map<String, String[]> lines = new LinkedHashMap<>();
    for (Map.Entry<String, List<Finding>> e : byFile.entrySet()) {
      out.append(e.getKey().isEmpty() ? "(no location)" : e.getKey()).append('\n');
      for (Finding f : e.getValue()) {
        Span s = f.location();
        out.append("  ")
            .append(s.isKnown() ? s.line() + ":" + s.column() : "-")
            .append(": ")
            .append(result.severity(f).label())
            .append(": ")
            .append(LintMessages.message(f, result.scope()))
            .append(" [")
            .append(f.id())
            .append(' ')
            .append(f.name())
            .append("]\n");
        String text = s.isKnown() && isRule(f) ? source.apply(s.file()) : null;
        if (text != null) {
          String[] ls = lines.computeIfAbsent(s.file(), k -> text.split("\r?\n", -1));
          for (String l : snippet(ls, s, isRule(f))) {
            out.append("    | ").append(l).append('\n');
          }
        }
        for (String d : LintMessages.details(f)) {
          out.append("    ").append(d).append('\n');
        }
        if (caveat.inconclusive()) {
          for (Unmodelled u : byFinding.getOrDefault(f, List.of())) {
            out.append("    may be wrong: ").append(Caveats.element(u)).append('\n');
          }
        }
      }
      out.append('\n');
    }
    out.append(summary(result)).append('\n');
    Caveats.lines(caveat).forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }

  private static boolean isRule(Finding f) {
    return f instanceof Finding.UnmatchableRule
        || f instanceof Finding.ShadowedRule
        || f instanceof Finding.RedundantRule
        || f instanceof Finding.PassToProfile
        || f instanceof Finding.NegationMatchesOutside
        || (f instanceof Finding.Inconclusive i && i.rule() != null);
  }

  /**
   * The YAML of a rule: its line and the following lines indented deeper than its item (at most 8);
   * for a policy or tier, just its line.
   */
  static List<String> snippet(String[] lines, Span s, boolean rule) {
    List<String> out = new ArrayList<>();
    if (s.line() < 1 || s.line() > lines.length) {
      return out;
    }
    String first = lines[s.line() - 1];
    out.add(first);
    if (!rule) {
      return out;
    }
    int base = first.trim().startsWith("-") ? first.indexOf('-') : indent(first);
    for (int i = s.line(); i < lines.length && out.size() < 10; i++) {
      String l = lines[i];
      if (l.isBlank() || indent(l) <= base) {
        break;
      }
      out.add(l);
    }
    return out;
  }

  private static int indent(String l) {
    int i = 0;
    while (i < l.length() && l.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  static String summary(Lint.Result r) {
    Map<Severity, Long> n = new LinkedHashMap<>();
    for (Severity s : List.of(Severity.ERROR, Severity.WARNING, Severity.NOTE)) {
      n.put(s, r.findings().stream().filter(f -> r.severity(f) == s).count());
    }
    Lint.Stats st = r.stats();
    return n.get(Severity.ERROR)
        + " error"
        + (n.get(Severity.ERROR) == 1 ? "" : "s")
        + ", "
        + n.get(Severity.WARNING)
        + " warning"
        + (n.get(Severity.WARNING) == 1 ? "" : "s")
        + ", "
        + n.get(Severity.NOTE)
        + " note"
        + (n.get(Severity.NOTE) == 1 ? "" : "s")
        + " (scope: "
        + (r.scope() == Scope.EXISTING ? "the input's endpoints" : "any endpoint that could exist")
        + "; "
        + st.rules()
        + " rules in "
        + st.policies()
        + " policies, "
        + st.liveBySampling()
        + " shown live by sampled packets, "
        + st.solverQuestions()
        + " solver questions)";
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  static ObjectNode json(Lint.Result result) {
    return json(result, Caveat.NONE, Map.of());
  }

  static ObjectNode json(
      Lint.Result result, Caveat caveat, Map<Finding, List<Unmodelled>> byFinding) {
    ObjectNode out = Json.object();
    out.put("scope", result.scope().json());
    ObjectNode summary = out.putObject("summary");
    for (Severity s : List.of(Severity.ERROR, Severity.WARNING, Severity.NOTE)) {
      summary.put(
          s.label(), result.findings().stream().filter(f -> result.severity(f) == s).count());
    }
    ObjectNode stats = out.putObject("stats");
    stats.put("policies", result.stats().policies());
    stats.put("rules", result.stats().rules());
    stats.put("liveBySampling", result.stats().liveBySampling());
    stats.put("solverQuestions", result.stats().solverQuestions());
    ArrayNode list = out.putArray("findings");
    for (Finding f : result.findings()) {
      ObjectNode o = list.addObject();
      o.put("id", f.id());
      o.put("name", f.name());
      o.put("severity", result.severity(f).label());
      o.put("message", LintMessages.message(f, result.scope()));
      location(o, f.location());
      subject(o, f);
      if (f instanceof Finding.UnmatchableRule u) {
        o.put("cause", u.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      } else if (f instanceof Finding.ShadowedRule s) {
        o.put("conflict", s.conflict());
        ArrayNode covers = o.putArray("coveredBy");
        for (Finding.Cover c : s.coveredBy()) {
          ObjectNode co = covers.addObject();
          if (c.rule() != null) {
            co.put("kind", "rule");
            rule(co, c.rule());
          } else if (c.tierDefault() != null) {
            co.put("kind", "tier-default");
            co.put("tier", c.tierDefault().name());
          } else {
            co.put("kind", "failsafe");
          }
          location(co, c.location());
          if (c.example() != null) {
            co.set("example", exampleJson(c.example()));
          }
        }
        o.set("example", exampleJson(s.example()));
      } else if (f instanceof Finding.RedundantRule r) {
        o.set("example", exampleJson(r.example()));
      } else if (f instanceof Finding.PassToProfile p) {
        o.set("example", exampleJson(p.example()));
      } else if (f instanceof Finding.LogOnlyDenies l) {
        o.set("example", exampleJson(l.example()));
      } else if (f instanceof Finding.NegationMatchesOutside n) {
        o.set("example", exampleJson(n.example()));
      } else if (f instanceof Finding.EqualPriorityOverlap e) {
        rule(o.putObject("other"), e.other());
        o.set("example", exampleJson(e.example()));
      } else if (f instanceof Finding.CatchAllNotNets c) {
        o.put("cidr", c.cidr().toString());
      } else if (f instanceof Finding.StagedWouldChange s) {
        ArrayNode ex = o.putArray("examples");
        s.changes().forEach(e -> ex.add(exampleJson(e)));
      } else if (f instanceof Finding.GnpSelectsHosts g) {
        ArrayNode hosts = o.putArray("hosts");
        g.hosts().forEach(h -> hosts.add(h.ref()));
      } else if (f instanceof Finding.DeadPolicy d) {
        o.put("reason", d.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      } else if (f instanceof Finding.Inconclusive i) {
        o.put("question", i.question());
        o.put("reason", i.reason());
      }
      List<Unmodelled> elements = byFinding.getOrDefault(f, List.of());
      if (caveat.inconclusive() && !elements.isEmpty()) {
        Caveats.elements(o.putArray("unmodelled"), elements);
      }
    }
    Caveats.json(out, caveat);
    return out;
  }

  private static void location(ObjectNode o, Span s) {
    if (s.isKnown()) {
      o.put("file", s.file());
      o.put("line", s.line());
      o.put("column", s.column());
    }
  }

  private static void subject(ObjectNode o, Finding f) {
    RuleRef r = f.rule();
    if (r != null) {
      rule(o, r);
      return;
    }
    Policy p = f.policy();
    Tier t = f.tier();
    if (t != null) {
      o.put("tier", t.name());
    }
    if (p != null) {
      policy(o, p);
    }
    if (f instanceof Finding.DirectionNotGoverned g) {
      o.put("direction", g.direction().json());
    } else if (f instanceof Finding.LogOnlyDenies l) {
      o.put("direction", l.direction().json());
    }
  }

  private static void rule(ObjectNode o, RuleRef r) {
    o.put("tier", r.tier().name());
    policy(o, r.policy());
    o.put("direction", r.direction().json());
    o.put("ruleIndex", r.index());
    o.put("action", r.action().calico());
  }

  private static void policy(ObjectNode o, Policy p) {
    o.put("policy", p.name());
    if (p.namespace() != null) {
      o.put("namespace", p.namespace());
    }
    o.put("kind", p.kind().felixName());
  }

  private static ObjectNode exampleJson(Example e) {
    ObjectNode o = Json.object();
    o.put("endpoint", e.at().ref());
    o.put("direction", e.direction().json());
    if (e.step().local()) {
      o.put("local", true); // spec S6.12: the local pre-DNAT path
    } else if (e.step().forward()) {
      o.put("forward", true); // spec S6.11: a side of the host endpoint's forward chain
    }
    o.set("flow", Json.flow(e.flow()));
    o.put("verdict", Text.verdict(e.step().allowed()));
    o.set("decidedBy", Json.decision(e.step().decidedBy()));
    if (e.changed() != null) {
      ObjectNode c = o.putObject("changed");
      c.put("verdict", Text.verdict(e.changed().allowed()));
      c.set("decidedBy", Json.decision(e.changed().decidedBy()));
    }
    return o;
  }

  // ---------------------------------------------------------------------------------------------
  // annotations (SARIF, GitHub, Markdown)

  /** The findings' annotations, then the unmodelled elements' ({@code TP901}). */
  static List<Annotation> annotations(Lint.Result result, Caveat caveat) {
    List<Annotation> out = new ArrayList<>(annotations(result));
    out.addAll(Caveats.annotations(caveat));
    return out;
  }

  /** One annotation per finding: message with its first example, related places for covers. */
  public static List<Annotation> annotations(Lint.Result result) {
    List<Annotation> out = new ArrayList<>();
    for (Finding f : result.findings()) {
      String message = LintMessages.message(f, result.scope());
      List<String> d = LintMessages.details(f);
      if (!d.isEmpty()) {
        message += "; " + d.get(0);
      }
      List<Annotation.Related> related = new ArrayList<>();
      if (f instanceof Finding.ShadowedRule s) {
        for (Finding.Cover c : s.coveredBy()) {
          related.add(
              new Annotation.Related(
                  c.location(),
                  "covered by "
                      + LintMessages.cover(c)
                      + (c.example() != null
                          ? ", e.g. " + LintMessages.example(c.example())
                          : "")));
        }
      }
      if (f instanceof Finding.RedundantRule r && r.example().changed() != null) {
        Span at = Text.location(r.example().changed().decidedBy());
        if (at.isKnown()) {
          related.add(
              new Annotation.Related(
                  at,
                  "without it, decided by "
                      + Text.decision(r.example().changed().decidedBy(), r.example().direction())));
        }
      }
      out.add(
          new Annotation(
              f.id(),
              f.name(),
              f.kind().help(),
              result.severity(f),
              message,
              f.location(),
              related,
              fingerprint(f)));
    }
    return out;
  }

  /** Stable across runs and line moves: the id and the names of what the finding is about. */
  static String fingerprint(Finding f) {
    StringBuilder key = new StringBuilder(f.id());
    RuleRef r = f.rule();
    Policy p = f.policy();
    Tier t = f.tier();
    if (t != null) {
      key.append('|').append(t.name());
    }
    if (p != null) {
      key.append('|').append(p.sortKey());
    }
    if (r != null) {
      key.append('|').append(r.direction().json()).append('|').append(r.index());
    }
    if (f instanceof Finding.DirectionNotGoverned g) {
      key.append('|').append(g.direction().json());
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(key.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        hex.append(String.format("%02x", h[i] & 0xff));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
