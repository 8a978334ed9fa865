package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.ProfileEntry;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code map -o html}: one self-contained page (no network: styles, script and data are inline, and
 * its content security policy forbids fetching anything) with a namespace-by-namespace matrix
 * coloured by how open each pair is, drill-down to workloads, a click on a cell showing the allowed
 * packets with the deciding tier, policy and rule of each step and the walk of its witness, filters
 * by namespace and label, and a legend of tiers.
 *
 * <p>The page carries the map compactly: each deciding point and each step's walk once, in tables
 * the parts index, so that a 10,000-pod cluster's page stays small.
 */
final class MapHtml {

  private MapHtml() {}

  /**
   * The page of {@code map}; its summary names what the map assumed ({@link Assumed#brief}: the
   * dataplane and the Calico release, when chosen).
   */
  static String render(String scope, MapResult map, dev.tierproof.analysis.Caveat caveat) {
    String page;
    try (InputStream in = MapHtml.class.getResourceAsStream("map.html")) {
      page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // inside <script>: no `</` that could end it, no line separators JavaScript reads as line ends
    ObjectNode data = data(scope, map);
    String assumed = Assumed.brief(caveat);
    if (!assumed.isEmpty()) {
      data.put("assumed", assumed);
    }
    String json = data.toString();
    String safe =
        json.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    int at = page.indexOf("/*DATA*/");
    return page.substring(0, at) + safe + page.substring(at + "/*DATA*/".length());
  }

  /**
   * {@code {scope, assumed?, groups: [{id, namespace?, labels?, name, endpoints: [first 50], size}
   * | {id, name, cidrs: [first 20], size}], edges: [{f, t, a: [{p: packets, d: [decision], s:
   * [walk], w: witness packet}]}], decisions: [decidedBy + direction], walks: [[tier, policy,
   * outcome, rule?] | [null, profile, outcome, rule?]] (names as indices into names; the profiles
   * walked when more than one was, as explain's {@code profiles}), names: [string]}}.
   */
  private static ObjectNode data(String scope, MapResult map) {
    ObjectNode out = Json.object();
    out.put("scope", scope);
    ArrayNode groups = out.putArray("groups");
    for (Group g : map.groups()) { // the JSON report's group, with its name and its lists cut short
      ObjectNode o = MapReport.group(g, map);
      o.put("name", g.display());
      String list = g.outside() ? "cidrs" : "endpoints";
      ArrayNode all = (ArrayNode) o.get(list);
      if (all != null) { // DNS names and pods that could be deployed have neither list
        ArrayNode shown = o.putArray(list);
        for (int i = 0; i < Math.min(all.size(), g.outside() ? 20 : 50); i++) {
          shown.add(all.get(i));
        }
        o.put("size", all.size());
      }
      groups.add(o);
    }
    ArrayNode decisions = out.putArray("decisions");
    ArrayNode walks = out.putArray("walks");
    ArrayNode names = out.putArray("names");
    Map<String, Integer> decisionIndex = new HashMap<>();
    Map<String, Integer> walkIndex = new HashMap<>();
    Map<String, Integer> nameIndex = new HashMap<>();
    ArrayNode edges = out.putArray("edges");
    for (Edge e : map.edges()) {
      ObjectNode o = edges.addObject();
      o.put("f", e.from().id());
      o.put("t", e.to().id());
      ArrayNode parts = o.putArray("a");
      for (Part p : e.allowed()) {
        ObjectNode a = parts.addObject();
        a.put("p", MapReport.packets(p));
        ArrayNode d = a.putArray("d");
        ArrayNode s = a.putArray("s");
        for (Step step : p.verdict().steps()) {
          ObjectNode decision = Json.decision(step.decidedBy());
          decision.put("direction", Text.side(step)); // "forward egress" on a forward chain
          d.add(index(decisions, decisionIndex, decision));
          ArrayNode walk = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
          for (TraceEntry t :
              step.trace()) { // [tier, policy, outcome] as indices into names, then the rule
            ArrayNode entry = walk.addArray();
            entry
                .add(name(names, nameIndex, t.tier().name()))
                .add(name(names, nameIndex, t.policy().displayName()))
                .add(name(names, nameIndex, t.outcome().json()));
            if (t.ruleIndex() != null) {
              entry.add(t.ruleIndex());
            }
          }
          if (step.profiles().size()
              > 1) { // spec S4.6: as explain, [null, profile, outcome, rule?]
            for (ProfileEntry pe : step.profiles()) {
              ArrayNode entry = walk.addArray();
              entry
                  .addNull()
                  .add(name(names, nameIndex, pe.profile().name()))
                  .add(name(names, nameIndex, pe.outcome().json()));
              if (pe.ruleIndex() != null) {
                entry.add(pe.ruleIndex());
              }
            }
          }
          s.add(index(walks, walkIndex, walk));
        }
        a.put("w", p.witness().packet()); // its ends are the pair's
      }
    }
    return out;
  }

  private static int name(ArrayNode names, Map<String, Integer> index, String name) {
    return index.computeIfAbsent(
        name,
        k -> {
          names.add(name);
          return names.size() - 1;
        });
  }

  /** The index of {@code node} in {@code table}, added when new. */
  private static int index(
      ArrayNode table, Map<String, Integer> index, com.fasterxml.jackson.databind.JsonNode node) {
    return index.computeIfAbsent(
        node.toString(),
        k -> {
          table.add(node);
          return table.size() - 1;
        });
  }
}
