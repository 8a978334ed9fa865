package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.DiffResult;
import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.analysis.DiffResult.InputChange;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The answer to {@code diff}: the classes of flows the change newly allows or newly denies, each
 * with a witness and what decided it before and now, whether the rest is proved unchanged, and what
 * differs in the input. Text, JSON, and Markdown for a pull-request comment.
 */
public final class DiffReport {

  public static final Set<Format> FORMATS = EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);

  private DiffReport() {}

  /** {@code base}: the base as the user named it ({@code git:main}, a path). */
  public static String render(Format format, String base, DiffResult result) {
    return render(format, base, result, new dev.tierproof.analysis.Caveat(List.of(), false));
  }

  /**
   * As {@link #render(Format, String, DiffResult)}, saying what unmodelled input could change the
   * answer.
   */
  public static String render(
      Format format, String base, DiffResult result, dev.tierproof.analysis.Caveat caveat) {
    if (format == Format.JSON) {
      com.fasterxml.jackson.databind.node.ObjectNode out = json(base, result);
      Caveats.json(out, caveat);
      return Json.write(out);
    }
    List<String> lines = Caveats.lines(caveat);
    String report = body(format, base, result, caveat);
    if (lines.isEmpty()) {
      return report;
    }
    // an inconclusive answer says so before the classes and the "proved" it cannot keep
    return caveat.inconclusive()
        ? String.join("\n", lines) + "\n\n" + report
        : report + String.join("\n", lines) + "\n";
  }

  private static String body(
      Format format, String base, DiffResult result, dev.tierproof.analysis.Caveat caveat) {
    return switch (format) {
      case TEXT -> text(base, result);
      case JSON -> Json.write(json(base, result));
      case MARKDOWN -> markdown(base, result, caveat);
      default -> throw new IllegalArgumentException("diff has no " + format.key() + " format");
    };
  }

  /** {@code 1 class of flows changed} / {@code no flow changed}, and whether that is all. */
  static String headline(DiffResult r) {
    int n = r.classes().size();
    String what =
        n == 0 ? "no flow changed" : n + " class" + (n == 1 ? "" : "es") + " of flows changed";
    String status =
        r.status() == DiffResult.Status.COMPLETE
            ? n == 0 ? "proved" : "no other flow changed (proved)"
            : "inconclusive: " + r.reason() + "; other flows may have changed";
    return what + "; " + status;
  }

  // ---------------------------------------------------------------------------------------------
  // text

  static String text(String base, DiffResult r) {
    List<String> out = new ArrayList<>();
    out.add("diff against " + base + ": " + headline(r));
    for (ChangeClass c : r.classes()) {
      out.add("");
      out.add(
          c.kind().text()
              + ": "
              + c.source().display()
              + " -> "
              + c.destination().display()
              + ", "
              + packets(c.packets())
              + c.placement());
      out.add("  e.g. " + CheckReport.flow(c.witness()));
      out.add("  before: " + verdict(c.before()));
      out.add("  now:    " + verdict(c.after()));
    }
    if (!r.changes().isEmpty()) {
      out.add("");
      out.add("changes in the input:");
      for (InputChange x : r.changes()) {
        out.add("  " + x.how() + " " + x.what() + where(x) + of(x));
      }
    }
    for (String note : r.notes()) {
      out.add("note: " + note);
    }
    out.add("");
    out.add(
        "scope: "
            + (r.scope() == dev.tierproof.model.Scope.ANY
                ? "every flow, including pods that could be deployed"
                : "flows between the input's endpoints and outside addresses (--scope any: also pods that could be deployed)"));
    out.add(
        "solver: "
            + r.stats().checks()
            + " checks in "
            + r.stats().scopes()
            + " scope"
            + (r.stats().scopes() == 1 ? "" : "s")
            + ", "
            + String.format(Locale.ROOT, "%.1f s", r.stats().millis() / 1000.0));
    return String.join("\n", out) + "\n";
  }

  /** {@code allowed: egress at a by ...; ingress at b by ...} or {@code denied at ... by ...}. */
  static String verdict(Verdict v) {
    if (v.allowed()) {
      List<String> parts = new ArrayList<>();
      for (Step s : v.steps()) {
        parts.add(
            Text.side(s)
                + " at "
                + s.endpoint().ref()
                + " by "
                + Text.decision(s.decidedBy(), s.direction()));
      }
      return "allowed" + (parts.isEmpty() ? "" : ": " + String.join("; ", parts));
    }
    Step s = v.steps().stream().filter(x -> !x.allowed()).findFirst().orElseThrow();
    return "denied at "
        + Text.side(s)
        + " of "
        + s.endpoint().ref()
        + " by "
        + Text.decision(s.decidedBy(), s.direction());
  }

  /** {@code , of service shop/web} for an EndpointSlice or Endpoints, else nothing. */
  private static String of(InputChange x) {
    return x.service() == null || x.what().equals("Service " + x.service())
        ? ""
        : ", of service " + x.service();
  }

  private static String where(InputChange x) {
    Span s = x.after().isKnown() ? x.after() : x.before();
    return s.isKnown() ? " (" + s.file() + ":" + s.line() + ")" : "";
  }

  /** {@code TCP 5432}, {@code TCP 8000-8080}, {@code any protocol}. */
  static String packets(FlowSpec p) {
    return DiffResult.packets(p);
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  /**
   * {@code {base, status, reason?, classes: [{change, source, destination, packets{protocol?,
   * ports?{min, max}, morePorts?[{min, max}], ...}, witness{<flow>, before, after}}],
   * inputChanges[{what, how, before?, after?, service?}], notes, solver{checks, millis, scopes}}};
   * ends are {@code {kind, display, ...}} with the fields of their kind.
   */
  static ObjectNode json(String base, DiffResult r) {
    ObjectNode out = Json.object();
    out.put("base", base);
    out.put("status", r.status().json());
    if (r.reason() != null) {
      out.put("reason", r.reason());
    }
    ArrayNode classes = out.putArray("classes");
    for (ChangeClass c : r.classes()) {
      ObjectNode o = classes.addObject();
      o.put("change", c.kind().json());
      o.set("source", ends(c.source()));
      o.set("destination", ends(c.destination()));
      o.set("packets", packets(Json.object(), c.packets()));
      if (c.local() != null) {
        o.put("local", c.local()); // spec S6.12: the class's placement
      } else if (c.placed() != null && c.placed().only() != null) {
        placement(o, c, c.placed().only());
      } else if (c.placed() != null) {
        // spec S6.10, S6.11: a class joined over several placements lists each
        ArrayNode each = o.putArray("placements");
        c.placed().each().forEach(p -> placement(each.addObject(), c, p));
      }
      ObjectNode w = o.putObject("witness");
      Json.fill(w, c.witness());
      w.set("before", Json.explanation(c.witness(), c.before()));
      w.set("after", Json.explanation(c.witness(), c.after()));
    }
    ArrayNode changes = out.putArray("inputChanges");
    for (InputChange x : r.changes()) {
      ObjectNode o = changes.addObject();
      o.put("what", x.what());
      o.put("how", x.how());
      if (x.before().isKnown()) {
        o.putObject("before").put("file", x.before().file()).put("line", x.before().line());
      }
      if (x.after().isKnown()) {
        o.putObject("after").put("file", x.after().file()).put("line", x.after().line());
      }
      if (x.service() != null) {
        o.put("service", x.service());
      }
    }
    ArrayNode notes = out.putArray("notes");
    r.notes().forEach(notes::add);
    out.put("scope", r.scope().json());
    ObjectNode solver = out.putObject("solver");
    solver.put("checks", r.stats().checks());
    solver.put("millis", r.stats().millis());
    solver.put("scopes", r.stats().scopes());
    return out;
  }

  /** The fields that say where {@code c}'s flows are placed, for its placement {@code p}. */
  private static void placement(ObjectNode o, ChangeClass c, dev.tierproof.model.Placement p) {
    // spec S6.11: a workload naming no node on a walked node, or on none; S6.10: of two
    // workloads, the source's and the destination's
    if (c.routed()) {
      // spec S6.11: the node a flow between two outside addresses is routed through
      o.put("routedThrough", p.node());
    } else if (c.pods()) {
      o.put("placedOn", p.source());
      o.put("destinationPlacedOn", p.destination());
    } else if (p.node() != null) {
      o.put("placedOn", p.node());
    } else {
      o.put("placedElsewhere", true);
    }
    // spec S6.10: the interface choice the class holds for, on those nodes, or the choices when
    // several (none: every choice)
    interfaces(o, "sourceInterface", p.sourceInterfaces());
    interfaces(o, "destinationInterface", p.destinationInterfaces());
  }

  /** {@code name} with the one choice, or {@code name + "s"} with several; none: nothing. */
  private static void interfaces(ObjectNode o, String name, java.util.Set<String> choices) {
    if (choices.size() == 1) {
      o.put(name, choices.iterator().next());
    } else if (!choices.isEmpty()) {
      ArrayNode a = o.putArray(name + "s");
      choices.forEach(a::add);
    }
  }

  private static ObjectNode ends(Ends e) {
    ObjectNode o = Json.object();
    o.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
    o.put("display", e.display());
    switch (e.kind()) {
      case PODS -> {
        if (e.namespaces() != null) {
          ArrayNode ns = o.putArray("namespaces");
          new TreeSet<>(e.namespaces()).forEach(ns::add);
        } else if (!e.excluded().isEmpty()) {
          ArrayNode ns = o.putArray("exceptNamespaces");
          new TreeSet<>(e.excluded()).forEach(ns::add);
        }
        o.put("unlistedNamespaces", e.unlisted());
        if (!e.existing()) {
          o.put("onlyNotYetDeployed", true);
        }
        if (e.selector() != null) {
          o.put("selector", e.selector().canonical());
        }
        if (!e.within().isEmpty()
            || !e.except().isEmpty()
            || e.ports() != null
            || e.atPort() != null) {
          ObjectNode h = o.putObject("hypothetical");
          if (!e.within().isEmpty()) {
            ArrayNode a = h.putArray("within");
            e.within().stream().map(Cidr::toString).forEach(a::add);
          }
          if (!e.except().isEmpty()) {
            ArrayNode a = h.putArray("notIn");
            e.except().stream().map(Cidr::toString).forEach(a::add);
          }
          if (e.ports() != null) {
            ArrayNode a = h.putArray("namedPorts");
            for (NamedPort p : e.ports()) {
              a.addObject()
                  .put("name", p.name())
                  .put("protocol", Protocols.name(p.protocol()))
                  .put("port", p.port());
            }
          }
          if (e.atPort()
              != null) { // spec S3.5: by name, at the flow's protocol and this end's port
            ObjectNode a = h.putObject("namedPortsAtFlowPort");
            e.atPort().forEach(a::put);
          }
        }
        if (!e.more().isEmpty()) { // the end is its own pods and those of each of more
          ArrayNode a = o.putArray("more");
          e.more().forEach(m -> a.add(ends(m)));
        }
      }
      case ENDPOINTS -> {
        ArrayNode a = o.putArray("endpoints");
        e.endpoints().stream().map(Endpoint::ref).forEach(a::add);
        if (!e.within().isEmpty() || !e.except().isEmpty()) {
          // endpoints without addresses at free addresses; else at some of their own (S5.2)
          ObjectNode h =
              o.putObject(
                  e.endpoints().stream().allMatch(x -> x.ips().isEmpty())
                      ? "addressless"
                      : "addresses");
          if (!e.within().isEmpty()) {
            ArrayNode w = h.putArray("within");
            e.within().stream().map(Cidr::toString).forEach(w::add);
          }
          if (!e.except().isEmpty()) {
            ArrayNode x = h.putArray("notIn");
            e.except().stream().map(Cidr::toString).forEach(x::add);
          }
        }
      }
      case OUTSIDE -> {
        if (!e.ranges().isEmpty()) {
          ArrayNode a = o.putArray("ranges");
          e.ranges().stream().map(Cidr::toString).forEach(a::add);
        }
        if (e.domain() != null && e.domain().isEmpty()) {
          o.put("unnamed", true); // spec S3.6: by no name the input's rules or network sets list
        } else if (e.domain() != null) {
          o.put("domain", e.domain());
        }
      }
      case ANY -> {}
    }
    return o;
  }

  private static ObjectNode packets(ObjectNode o, FlowSpec p) {
    if (!p.otherThan().isEmpty()) {
      ArrayNode a = o.putArray("protocolNot");
      new java.util.TreeSet<>(p.otherThan())
          .forEach(
              x -> {
                String name = Protocols.name(x);
                if (name.equals(Integer.toString(x))) {
                  a.add(x);
                } else {
                  a.add(name);
                }
              });
    }
    if (p.protocol() != null) {
      String name = Protocols.name(p.protocol());
      if (name.equals(Integer.toString(p.protocol()))) {
        o.put("protocol", p.protocol());
      } else {
        o.put("protocol", name);
      }
    }
    if (p.port() != null) {
      o.putObject("ports").put("min", p.port().min()).put("max", p.port().max());
    }
    if (!p.morePorts().isEmpty()) {
      ArrayNode a = o.putArray("morePorts");
      p.morePorts().forEach(r -> a.addObject().put("min", r.min()).put("max", r.max()));
    }
    if (p.sourcePort() != null) {
      o.putObject("sourcePorts").put("min", p.sourcePort().min()).put("max", p.sourcePort().max());
    }
    if (p.icmpType() != null) {
      ObjectNode i = o.putObject("icmp");
      i.put("type", p.icmpType());
      if (p.icmpCode() != null) {
        i.put("code", p.icmpCode());
      }
    }
    if (!p.icmpTypesNot().isEmpty()) {
      ArrayNode a = o.putArray("icmpTypeNot");
      new java.util.TreeSet<>(p.icmpTypesNot()).forEach(a::add);
    }
    if (p.ipVersion() != null) {
      o.put("ipVersion", p.ipVersion());
    }
    return o;
  }

  // ---------------------------------------------------------------------------------------------
  // Markdown

  /** A pull-request comment: the headline, a table of the classes, the input changes folded. */
  static String markdown(String base, DiffResult r, dev.tierproof.analysis.Caveat caveat) {
    StringBuilder out =
        new StringBuilder("### tierproof diff against `")
            .append(Markdown.cell(base))
            .append('`')
            .append(Assumed.suffix(caveat))
            .append("\n\n");
    out.append("**").append(Markdown.cell(headline(r))).append("**\n");
    if (!r.classes().isEmpty()) {
      out.append(
          "\n| change | from | to | packets | example | now | before |\n|---|---|---|---|---|---|---|\n");
      for (ChangeClass c : r.classes()) {
        out.append("| ")
            .append(c.kind() == Kind.OPENED ? "🔓 newly allowed" : "🔒 newly denied")
            .append(" | `")
            .append(Markdown.cell(c.source().display()))
            .append('`')
            .append(" | `")
            .append(Markdown.cell(c.destination().display()))
            .append('`')
            .append(" | ")
            .append(Markdown.cell(packets(c.packets()) + c.placement()))
            .append(" | ")
            .append(Markdown.cell(CheckReport.flow(c.witness())))
            .append(" | ")
            .append(Markdown.cell(verdict(c.after())))
            .append(" | ")
            .append(Markdown.cell(verdict(c.before())))
            .append(" |\n");
      }
    }
    if (!r.changes().isEmpty()) {
      out.append("\n<details><summary>")
          .append(r.changes().size())
          .append(" change")
          .append(r.changes().size() == 1 ? "" : "s")
          .append(" in the input</summary>\n\n");
      for (InputChange x : r.changes()) {
        out.append("- ")
            .append(x.how())
            .append(" `")
            .append(Markdown.cell(x.what()))
            .append('`')
            .append(Markdown.cell(where(x) + of(x)))
            .append('\n');
      }
      out.append("\n</details>\n");
    }
    for (String note : r.notes()) {
      out.append("\n> ").append(Markdown.cell(note)).append('\n');
    }
    return out.toString();
  }
}
