package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.analysis.map.Unproved;
import dev.tierproof.eval.Step;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code map}'s reports: text, CSV, Markdown, Graphviz, Mermaid, JSON (the contract of the README)
 * and HTML ({@link MapHtml}).
 */
public final class MapReport {

  public static final Set<Format> FORMATS =
      EnumSet.of(
          Format.TEXT,
          Format.JSON,
          Format.CSV,
          Format.MARKDOWN,
          Format.DOT,
          Format.MERMAID,
          Format.HTML);

  /** The pairs text names when an element could change some but not all. */
  private static final int UNPROVED_SHOWN = 12;

  private MapReport() {}

  /**
   * The map in {@code format}; {@code caveat} and {@code unproved} (text and JSON) say which pairs
   * an unmodelled element could change (spec S9.4).
   */
  public static String render(
      Format format, PolicySet set, String scope, MapResult map, Caveat caveat, Unproved unproved) {
    return switch (format) {
      case JSON -> json(scope, map, caveat, unproved, notes(set, scope));
      case CSV -> csv(map);
      case MARKDOWN -> markdown(map, caveat);
      case DOT -> dot(map, caveat);
      case MERMAID -> mermaid(map, caveat);
      case HTML -> MapHtml.render(scope, map, caveat);
      default -> text(scope, map, caveat, unproved, notes(set, scope));
    };
  }

  /** What the reader should know about what the map leaves out. */
  private static List<String> notes(PolicySet set, String scope) {
    return scope.equals("any") && dev.tierproof.analysis.map.Hypotheticals.namedPorts(set)
        ? List.of(
            "rules name ports by name: the pods that could be deployed are mapped without named ports;"
                + " pods that declare one may be allowed more or less")
        : List.of();
  }

  // ---------------------------------------------------------------------------------------------
  // what a part and a group are called

  /**
   * {@code TCP 80, 8000-8080}, {@code UDP 53 from 1024-65535}, {@code ICMP type 8}, {@code any
   * except TCP}.
   */
  static String packets(Part p) {
    return protocols(p) + placed(p);
  }

  /**
   * {@code " (ops/web on node n1)"} for a part whose flows place a workload naming no node on a
   * node: its host end's (spec S6.12) or a walked one (S6.11), else {@code ""}; {@code " (app/web
   * on node n3 -> app/db on node n3)"} for a pair of workloads (S6.10).
   */
  private static String placed(Part p) {
    Flow f = p.witness();
    if (f == null) {
      return "";
    }
    if (Flow.betweenWorkloads(f.source(), f.destination())) {
      // spec S6.10: each end naming no node on its own node, or elsewhere
      String s = f.onNode(true);
      String d = f.onNode(false);
      return s.isEmpty() && d.isEmpty()
          ? ""
          : " (" + f.source().ref() + s + " -> " + f.destination().ref() + d + ")";
    }
    Endpoint floating = f.floating();
    if (floating == null) {
      // spec S6.10: a workload on a node crossing one of its interface choices
      floating =
          f.interfaceOf(true) != null
              ? f.source()
              : f.interfaceOf(false) != null ? f.destination() : null;
    }
    if (floating == null) {
      return "";
    }
    String where = f.onNode(floating);
    return where.isEmpty() ? "" : " (" + floating.ref() + where + ")";
  }

  private static String protocols(Part p) {
    String family = p.ipVersion() == null ? "" : "IPv" + p.ipVersion() + " ";
    if (p.protocol() == Part.ANY) {
      return family
          + (p.exceptProtocols().isEmpty()
              ? "any"
              : "any but "
                  + p.exceptProtocols().stream()
                      .map(Protocols::name)
                      .collect(Collectors.joining(", ")));
    }
    String out = family + Protocols.name(p.protocol());
    if (!p.ports().isEmpty()) {
      out += " " + ranges(p.ports(), "-");
    }
    if (!p.sourcePorts().isEmpty()) {
      out += " from " + ranges(p.sourcePorts(), "-");
    }
    if (!p.icmpTypes().isEmpty()) {
      out += " type " + ranges(p.icmpTypes(), "-");
    }
    if (!p.icmpCodes().isEmpty()) {
      out += " code " + ranges(p.icmpCodes(), "-");
    }
    return out;
  }

  private static String ranges(List<Port.Range> rs, String dash) {
    return rs.stream()
        .map(r -> r.min() == r.max() ? Integer.toString(r.min()) : r.min() + dash + r.max())
        .collect(Collectors.joining(", "));
  }

  private static List<String> rangeList(List<Port.Range> rs) {
    return rs.stream()
        .map(r -> r.min() == r.max() ? Integer.toString(r.min()) : r.min() + ":" + r.max())
        .toList();
  }

  /** The deciding point of each step, as a noun phrase. */
  static String decided(Part p) {
    return p.verdict().steps().stream()
        .map(
            s ->
                (s.forward() ? Text.side(s) + " at " + s.endpoint().ref() + ": " : "")
                    + Text.decision(s.decidedBy(), s.direction()))
        .distinct()
        .collect(Collectors.joining("; "));
  }

  // ---------------------------------------------------------------------------------------------
  // text

  private static String text(
      String scope, MapResult map, Caveat caveat, Unproved unproved, List<String> notes) {
    StringBuilder out = new StringBuilder();
    long inside = map.groups().stream().filter(g -> !g.endpoints().isEmpty()).count();
    long pods = map.groups().stream().filter(Group::hypothetical).count();
    long names = map.groups().stream().filter(g -> !g.domains().isEmpty()).count();
    out.append("map: ")
        .append(map.groups().size())
        .append(" groups (")
        .append(inside)
        .append(" of endpoints, ")
        .append(pods > 0 ? pods + " of pods that could be deployed, " : "")
        .append(names > 0 ? names + " of DNS names, " : "")
        .append(map.groups().size() - inside - pods - names)
        .append(" outside), ")
        .append(map.edges().size())
        .append(map.edges().size() == 1 ? " pair" : " pairs")
        .append(" with allowed flows (scope: ")
        .append(scope)
        .append("); every other pair allows nothing\n");
    Caveats.lines(caveat).forEach(l -> out.append(l).append('\n'));
    if (caveat.inconclusive() && !unproved.everyPair() && !unproved.pairs().isEmpty()) {
      List<String> pairs =
          unproved.pairs().stream().map(p -> p.from().id() + " -> " + p.to().id()).toList();
      out.append("  it could change ")
          .append(pairs.size() == 1 ? "this pair" : "these " + pairs.size() + " pairs")
          .append(" only (every other pair is proved): ")
          .append(String.join(", ", pairs.subList(0, Math.min(pairs.size(), UNPROVED_SHOWN))))
          .append(pairs.size() > UNPROVED_SHOWN ? ", … (JSON lists them all)" : "")
          .append('\n');
    }
    notes.forEach(n -> out.append("note: ").append(n).append('\n'));
    out.append("\ngroups:\n");
    for (Group g : map.groups()) {
      out.append("  ").append(g.id()).append("  ").append(g.display());
      if (g.hypothetical()) {
        String sets = selectors(g);
        out.append(sets.isEmpty() ? "" : ": " + sets);
      } else if (!g.domains().isEmpty()) {
        out.append(": reached by that DNS name");
      } else if (g.outside()) {
        out.append(": ").append(cidrs(g.cidrs(), 4));
      } else if (g.endpoints().size() > 1) {
        out.append(": ").append(endpoints(g.endpoints(), 6));
      }
      out.append('\n');
    }
    out.append("\nallowed:\n");
    for (Edge e : map.edges()) {
      out.append("  ")
          .append(e.from().display())
          .append(" -> ")
          .append(e.to().display())
          .append(": ")
          .append(
              e.allowed().stream()
                  .map(MapReport::packets)
                  .distinct()
                  .collect(Collectors.joining(", ")))
          .append('\n');
      for (Part p : e.allowed()) {
        out.append("    ").append(packets(p)).append(": ").append(decided(p)).append('\n');
      }
    }
    return out.toString();
  }

  /** What sets a hypothetical group apart: the selectors its pods satisfy and those they do not. */
  private static String selectors(Group g) {
    List<String> all = new java.util.ArrayList<>();
    g.matches().forEach(m -> all.add("{" + m + "}"));
    g.notMatches().forEach(m -> all.add("not {" + m + "}"));
    return String.join(", ", all);
  }

  private static String cidrs(List<Cidr> cidrs, int most) {
    String shown = cidrs.stream().limit(most).map(Cidr::toString).collect(Collectors.joining(", "));
    return cidrs.size() > most ? shown + ", … (" + cidrs.size() + " ranges)" : shown;
  }

  private static String endpoints(List<Endpoint> es, int most) {
    String shown = es.stream().limit(most).map(Endpoint::ref).collect(Collectors.joining(", "));
    return es.size() > most ? shown + ", … (" + es.size() + ")" : shown;
  }

  // ---------------------------------------------------------------------------------------------
  // tables and graphs

  private static String csv(MapResult map) {
    StringBuilder out =
        new StringBuilder("from,from_group,to,to_group,packets,decided_by,witness\n");
    for (Edge e : map.edges()) {
      for (Part p : e.allowed()) {
        out.append(cell(e.from().display()))
            .append(',')
            .append(e.from().id())
            .append(',')
            .append(cell(e.to().display()))
            .append(',')
            .append(e.to().id())
            .append(',')
            .append(cell(packets(p)))
            .append(',')
            .append(cell(decided(p)))
            .append(',')
            .append(cell(p.witness().describe()))
            .append('\n');
      }
    }
    return out.toString();
  }

  private static String cell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  private static String markdown(MapResult map, Caveat caveat) {
    StringBuilder out =
        new StringBuilder("### tierproof map: ")
            .append(map.edges().size())
            .append(map.edges().size() == 1 ? " pair" : " pairs")
            .append(" of groups with allowed flows")
            .append(Assumed.suffix(caveat))
            .append("\n\n")
            .append("| from | to | allowed | decided by |\n|---|---|---|---|\n");
    for (Edge e : map.edges()) {
      for (Part p : e.allowed()) {
        out.append("| `")
            .append(e.from().display())
            .append("` | `")
            .append(e.to().display())
            .append("` | ")
            .append(packets(p))
            .append(" | ")
            .append(decided(p).replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return out.toString();
  }

  private static String dot(MapResult map, Caveat caveat) {
    StringBuilder out =
        new StringBuilder(
            "digraph tierproof {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n");
    if (!Assumed.brief(caveat).isEmpty()) { // the graph's title: what the map assumed
      out.append("  label=\"").append(quote(Assumed.brief(caveat))).append("\";\n  labelloc=t;\n");
    }
    for (Group g : map.groups()) {
      out.append("  ")
          .append(g.id())
          .append(" [label=\"")
          .append(quote(g.display()))
          .append('"')
          .append(g.outside() ? ", shape=ellipse" : g.hypothetical() ? ", style=dashed" : "")
          .append("];\n");
    }
    for (Edge e : map.edges()) {
      out.append("  ")
          .append(e.from().id())
          .append(" -> ")
          .append(e.to().id())
          .append(" [label=\"")
          .append(
              quote(
                  e.allowed().stream()
                      .map(MapReport::packets)
                      .distinct()
                      .collect(Collectors.joining("\\n"))))
          .append("\"];\n");
    }
    return out.append("}\n").toString();
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\\\\n", "\\n");
  }

  private static String mermaid(MapResult map, Caveat caveat) {
    StringBuilder out = new StringBuilder();
    if (!Assumed.brief(caveat).isEmpty()) { // the diagram's title: what the map assumed
      out.append("---\ntitle: ").append(Assumed.brief(caveat)).append("\n---\n");
    }
    out.append("flowchart LR\n");
    for (Group g : map.groups()) {
      String label = g.display().replace("\"", "#quot;");
      out.append("  ")
          .append(g.id())
          .append(g.outside() ? "([\"" : g.hypothetical() ? "[/\"" : "[\"")
          .append(label)
          .append(g.outside() ? "\"])" : g.hypothetical() ? "\"/]" : "\"]")
          .append('\n');
    }
    for (Edge e : map.edges()) {
      String label =
          e.allowed().stream()
              .map(MapReport::packets)
              .distinct()
              .collect(Collectors.joining(", "))
              .replace("\"", "#quot;");
      out.append("  ")
          .append(e.from().id())
          .append(" -->|\"")
          .append(label)
          .append("\"| ")
          .append(e.to().id())
          .append('\n');
    }
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  /** The JSON contract of the README, written edge by edge. */
  static String json(
      String scope, MapResult map, Caveat caveat, Unproved unproved, List<String> notes) {
    return Json.stream(
        g -> {
          try {
            g.writeStartObject();
            g.writeStringField("scope", scope);
            ObjectNode caveats = Json.object();
            Caveats.json(caveats, caveat);
            for (String key :
                List.of("dataplane", "calicoVersion", "unmodelled", "ignoredUnmodelled")) {
              if (caveats.has(key)) {
                g.writeFieldName(key);
                Json.tree(g, caveats.get(key));
              }
            }
            if (caveat.inconclusive()) {
              g.writeArrayFieldStart("inconclusivePairs");
              for (Unproved.Pair p : unproved.pairs()) {
                ObjectNode o = Json.object().put("from", p.from().id()).put("to", p.to().id());
                ArrayNode by = o.putArray("unmodelled");
                p.elements()
                    .forEach(u -> by.addObject().put("kind", u.kind()).put("name", u.name()));
                Json.tree(g, o);
              }
              g.writeEndArray();
            }
            if (!notes.isEmpty()) {
              g.writeArrayFieldStart("notes");
              for (String n : notes) {
                g.writeString(n);
              }
              g.writeEndArray();
            }
            g.writeArrayFieldStart("groups");
            map.groups().forEach(x -> Json.tree(g, group(x, map)));
            g.writeEndArray();
            g.writeArrayFieldStart("edges");
            map.edges().forEach(e -> Json.tree(g, edge(e)));
            g.writeEndArray();
            g.writeEndObject();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  static ObjectNode group(Group g, MapResult map) {
    ObjectNode o = Json.object();
    o.put("id", g.id());
    if (!g.domains().isEmpty()) {
      o.put("name", g.display());
      ArrayNode ds = o.putArray("domains");
      g.domains().forEach(ds::add);
      at(o, g, map);
      return o;
    }
    if (g.hypothetical()) {
      o.put("name", g.display());
      o.put("namespace", g.namespace());
      o.put("hypothetical", true);
      ObjectNode ls = o.putObject("labels");
      g.labels().forEach(ls::put);
      ArrayNode ms = o.putArray("matches");
      g.matches().forEach(ms::add);
      ArrayNode ns = o.putArray("notMatches");
      g.notMatches().forEach(ns::add);
      at(o, g, map);
      return o;
    }
    if (g.outside()) {
      o.put("name", g.display());
      ArrayNode cs = o.putArray("cidrs");
      g.cidrs().forEach(c -> cs.add(c.toString()));
      return o;
    }
    if (g.namespace() != null) {
      o.put("namespace", g.namespace());
    }
    if (!g.labels().isEmpty()) {
      ObjectNode ls = o.putObject("labels");
      g.labels().forEach(ls::put);
    }
    ArrayNode es = o.putArray("endpoints");
    g.endpoints().forEach(e -> es.add(e.ref()));
    return o;
  }

  /**
   * {@code at}: the outside groups whose addresses a DNS-name or hypothetical group stands at (only
   * those that no endpoint owns), when not all of them.
   */
  private static void at(ObjectNode o, Group g, MapResult map) {
    if (!g.cidrs().isEmpty()) {
      ArrayNode at = o.putArray("at");
      map.groups().stream()
          .filter(
              x ->
                  x.outside()
                      && x.domains().isEmpty()
                      && x.cidrs().stream().anyMatch(g.cidrs()::contains))
          .forEach(x -> at.add(x.id()));
    }
  }

  private static ObjectNode edge(Edge e) {
    ObjectNode o = Json.object();
    o.put("from", e.from().id());
    o.put("to", e.to().id());
    ArrayNode allowed = o.putArray("allowed");
    for (Part p : e.allowed()) {
      ObjectNode a = allowed.addObject();
      if (p.ipVersion() != null) {
        a.put("ipVersion", p.ipVersion());
      }
      if (p.protocol() == Part.ANY) {
        a.put("protocol", "any");
        if (!p.exceptProtocols().isEmpty()) {
          ArrayNode ex = a.putArray("exceptProtocols");
          p.exceptProtocols().forEach(x -> protocol(ex, x));
        }
      } else {
        String name = Protocols.name(p.protocol());
        if (name.equals(Integer.toString(p.protocol()))) {
          a.put("protocol", p.protocol());
        } else {
          a.put("protocol", name);
        }
      }
      if (!p.ports().isEmpty()) {
        ArrayNode ps = a.putArray("ports");
        rangeList(p.ports()).forEach(ps::add);
      }
      if (!p.sourcePorts().isEmpty()) {
        ArrayNode ps = a.putArray("sourcePorts");
        rangeList(p.sourcePorts()).forEach(ps::add);
      }
      if (!p.icmpTypes().isEmpty() || !p.icmpCodes().isEmpty()) {
        ObjectNode icmp = a.putObject("icmp");
        single(icmp, "type", p.icmpTypes());
        single(icmp, "code", p.icmpCodes());
      }
      ArrayNode decided = a.putArray("decidedBy");
      for (Step s : p.verdict().steps()) {
        ObjectNode d = Json.decision(s.decidedBy());
        d.put("endpoint", s.endpoint().ref());
        d.put("direction", s.direction().json());
        if (s.local()) {
          d.put("local", true); // spec S6.12: the local pre-DNAT path
        } else if (s.forward()) {
          d.put("forward", true); // spec S6.11: a side of a host endpoint's forward chain
        }
        decided.add(d);
      }
      a.set("witness", Json.flow(p.witness()));
    }
    return o;
  }

  private static void protocol(ArrayNode into, int p) {
    String name = Protocols.name(p);
    if (name.equals(Integer.toString(p))) {
      into.add(p);
    } else {
      into.add(name);
    }
  }

  /** {@code "type": 8} for one value, {@code "types": ["9:255"]} for ranges. */
  private static void single(ObjectNode icmp, String key, List<Port.Range> rs) {
    if (rs.isEmpty()) {
      return;
    }
    if (rs.size() == 1 && rs.get(0).min() == rs.get(0).max()) {
      icmp.put(key, rs.get(0).min());
    } else {
      ArrayNode a = icmp.putArray(key + "s");
      rangeList(rs).forEach(a::add);
    }
  }
}
