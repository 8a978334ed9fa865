package dev.tierproof.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tierproof.model.CalicoVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The scenario cases under {@code specs/cases/} (format: {@code specs/cases/acceptance/README.md}):
 * every folder with a {@code resources.yaml} and an {@code expect.yaml}.
 */
final class Cases {

  static final Path ROOT = Path.of("specs", "cases");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Cases() {}

  /**
   * One case: its name ({@code acceptance/quiz-1-allow-in-tier1}), resources and queries, and the
   * Calico release it is about ({@code calicoVersion} of {@code expect.yaml}, the default when
   * absent).
   */
  record Case(
      String name,
      Path resources,
      List<Query> queries,
      CalicoVersion version,
      dev.tierproof.model.Dataplane dataplane) {

    /**
     * {@code --calico-version V} when the case names a release, {@code --dataplane D} when it names
     * a dataplane ({@code dataplane} of {@code expect.yaml}), else nothing.
     */
    List<String> versionFlags() {
      List<String> out = new ArrayList<>();
      if (version != CalicoVersion.DEFAULT) {
        out.addAll(List.of("--calico-version", version.label()));
      }
      if (dataplane != null) {
        out.addAll(List.of("--dataplane", dataplane.label()));
      }
      return out;
    }
  }

  /** One query of a case, as written. */
  record Query(Case owner, int index, JsonNode node) {

    String from() {
      return node.get("from").asText();
    }

    String to() {
      return node.get("to").asText();
    }

    /**
     * The query states its flow is a pod's packets to itself ({@code loopback: true}, spec S5.6):
     * no step sees it, and it is no flow of any question (verify reachable violated, isolated
     * holds).
     */
    boolean loopback() {
      return node.path("loopback").asBoolean(false);
    }

    /** {@code quiz-1 #0 shop/podA -> tigera.io TCP 443}: names the query in reports. */
    String title() {
      return owner.name()
          + " #"
          + index
          + " "
          + from()
          + " -> "
          + to()
          + " "
          + String.join(" ", flags());
    }

    /**
     * What the query expects of its flow with the workload that names no node placed on the host
     * endpoint's node (spec S6.12): its {@code local} entry as a query of its own, or null.
     */
    Query local() {
      JsonNode local = node.get("local");
      return local == null ? null : new Query(owner, index, local);
    }

    /**
     * What the query expects of its flow with the workload that names no node placed on each node
     * whose forward chain is walked (spec S6.11): its {@code onNodes} entries, per node, as queries
     * of their own (none when it has none).
     */
    Map<String, Query> onNodes() {
      return entries("onNodes");
    }

    /**
     * What the query expects of its flow crossing each named interface of its ends' nodes (spec
     * S6.10; the query itself crosses another interface): its {@code onInterfaces} entries, per
     * interface, as queries of their own (none when it has none).
     */
    Map<String, Query> onInterfaces() {
      return entries("onInterfaces");
    }

    /**
     * What the query, between two addresses outside the cluster, expects of its flow routed through
     * a walked node (spec S6.11; the query itself is routed through none): its {@code routed}
     * entries, keyed {@code node} (a node without named host endpoints) or {@code node in out} (the
     * interfaces it comes in and leaves by, {@code *} another one), as queries of their own.
     */
    Map<String, Query> routed() {
      return entries("routed");
    }

    /** The entries of the query's mapping {@code field}, by key, as queries of their own. */
    private Map<String, Query> entries(String field) {
      Map<String, Query> out = new java.util.TreeMap<>();
      node.path(field)
          .properties()
          .forEach(e -> out.put(e.getKey(), new Query(owner, index, e.getValue())));
      return out;
    }

    /**
     * The kinds of the unmodelled elements explain must name for this query (spec S9.3), in input
     * order; empty when none may change its verdict.
     */
    List<String> unmodelled() {
      List<String> out = new ArrayList<>();
      node.path("unmodelled").forEach(k -> out.add(k.asText()));
      return out;
    }

    /** The query's flow as CLI flags: {@code --protocol}, {@code --port}, ... */
    List<String> flags() {
      List<String> out = new ArrayList<>();
      add(out, "--protocol", node.get("protocol"));
      add(out, "--port", node.get("port"));
      add(out, "--source-port", node.get("sourcePort"));
      JsonNode icmp = node.get("icmp");
      if (icmp != null) {
        add(out, "--icmp-type", icmp.get("type"));
        add(out, "--icmp-code", icmp.get("code"));
      }
      return out;
    }

    private static void add(List<String> out, String flag, JsonNode value) {
      if (value != null && !value.isNull()) {
        out.add(flag);
        out.add(value.asText());
      }
    }
  }

  /**
   * Every case, or with {@code -Dcases.only=a,b} those whose name (e.g. {@code published/x})
   * contains one of the given parts.
   */
  static List<Case> all() {
    List<String> only = List.of(System.getProperty("cases.only", "").split(","));
    try (Stream<Path> dirs = Files.walk(ROOT)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("expect.yaml")))
          .filter(
              d -> {
                String name = ROOT.relativize(d).toString().replace('\\', '/');
                return only.stream().anyMatch(name::contains);
              })
          .sorted()
          .map(Cases::read)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Case read(Path dir) {
    try {
      JsonNode expect = YAML.readTree(dir.resolve("expect.yaml").toFile());
      List<Query> queries = new ArrayList<>();
      String name = ROOT.relativize(dir).toString().replace('\\', '/');
      CalicoVersion version =
          expect.has("calicoVersion")
              ? CalicoVersion.parse(expect.get("calicoVersion").asText()).orElseThrow()
              : CalicoVersion.DEFAULT;
      dev.tierproof.model.Dataplane dataplane =
          expect.has("dataplane")
              ? dev.tierproof.model.Dataplane.parse(expect.get("dataplane").asText()).orElseThrow()
              : null;
      Case c = new Case(name, dir.resolve("resources.yaml"), queries, version, dataplane);
      int i = 0;
      for (JsonNode q : expect.get("queries")) {
        queries.add(new Query(c, i++, q));
      }
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every difference between what {@code query} expects and an explanation in the explain JSON
   * shape ({@code verdict}, {@code steps[{direction, verdict, decidedBy}]}); only the fields the
   * expectation gives are compared, and a step given as {@code none} must be absent.
   */
  static List<String> mismatches(Query query, JsonNode explanation) {
    List<String> out = new ArrayList<>();
    JsonNode q = query.node();
    same(out, "verdict", q.get("verdict"), explanation.get("verdict"));
    if (q.path("loopback").asBoolean(false) != explanation.path("loopback").asBoolean(false)) {
      out.add("loopback: expected " + q.path("loopback") + ", got " + explanation.get("loopback"));
    }
    // egress, ingress: the ends' own steps; forwardIngress, forwardEgress: the sides of the host
    // endpoint's forward chain a forwarded flow meets (spec S6.11); localPreDnat: the local
    // pre-DNAT path a workload's packet to its own host meets (S6.12)
    for (String direction :
        List.of("egress", "ingress", "forwardIngress", "forwardEgress", "localPreDnat")) {
      JsonNode expected = q.get(direction);
      if (expected == null) {
        continue;
      }
      boolean local = direction.equals("localPreDnat");
      boolean forward = direction.startsWith("forward");
      String dir =
          local
              ? "ingress"
              : forward ? direction.substring(7).toLowerCase(java.util.Locale.ROOT) : direction;
      JsonNode step = null;
      for (JsonNode s : explanation.path("steps")) {
        if (dir.equals(s.path("direction").asText())
            && forward == s.path("forward").asBoolean(false)
            && local == s.path("local").asBoolean(false)) {
          step = s;
        }
      }
      if (expected.isTextual() && expected.asText().equals("none")) {
        if (step != null) {
          out.add(direction + ": expected no step, got " + step);
        }
        continue;
      }
      if (step == null) {
        out.add(direction + ": expected a step, got none");
        continue;
      }
      same(out, direction + ".verdict", expected.get("verdict"), step.get("verdict"));
      JsonNode decided = expected.get("decidedBy");
      if (decided != null) {
        fields(out, direction + ".decidedBy", decided, step.path("decidedBy"));
      }
    }
    return out;
  }

  /**
   * The fields {@code expected} gives against {@code actual}'s; an object (a decision's {@code
   * reply}, spec S6.5) field by field.
   */
  private static void fields(List<String> out, String what, JsonNode expected, JsonNode actual) {
    for (Map.Entry<String, JsonNode> f : expected.properties()) {
      JsonNode a = actual.get(f.getKey());
      if (f.getValue().isObject()) {
        fields(
            out,
            what + "." + f.getKey(),
            f.getValue(),
            a == null ? JsonNodeFactory.instance.objectNode() : a);
      } else {
        same(out, what + "." + f.getKey(), f.getValue(), a);
      }
    }
  }

  private static void same(List<String> out, String what, JsonNode expected, JsonNode actual) {
    if (expected == null) {
      return;
    }
    String e = expected.asText();
    String a = actual == null || actual.isNull() ? null : actual.asText();
    if (!e.equals(a)) {
      out.add(what + ": expected " + e + ", got " + a);
    }
  }
}
