package dev.tierproof.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Reachability;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.VerifyResult;
import dev.tierproof.cases.Cases.Case;
import dev.tierproof.cases.Cases.Query;
import dev.tierproof.cli.Main;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.load.Loader;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every query of every case in {@code specs/cases/} (acceptance and Felix conformance), through
 * {@code eval} directly, through the CLI's explain JSON, and through {@code Reachability} pinned to
 * the query's exact flow. Each query is its own test, named {@code case #i from -> to flags}.
 */
class CasesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicNode> eval() {
    return Cases.all().stream()
        .map(
            c -> {
              Loaded loaded = Loaded.of(c);
              return DynamicContainer.dynamicContainer(
                  c.name(),
                  c.queries().stream()
                      .map(
                          q ->
                              DynamicTest.dynamicTest(
                                  q.title(),
                                  () -> {
                                    Flow flow = loaded.flow(q);
                                    Evaluator eval = new Evaluator(loaded.set);
                                    assertThat(
                                            Cases.mismatches(
                                                q,
                                                tree(
                                                    eval.evaluate(flow),
                                                    eval.policySet().loopbacks().loopback(flow))))
                                        .as(q.title())
                                        .isEmpty();
                                    if (q.local() != null) {
                                      // spec S6.12: the workload naming no node on the host's
                                      Flow local = flow.onHostNode();
                                      assertThat(!flow.local() && local.local())
                                          .as(q.title() + ": only a flow that can be local")
                                          .isTrue();
                                      assertThat(
                                              Cases.mismatches(
                                                  q.local(), tree(eval.evaluate(local))))
                                          .as(q.title() + " (local)")
                                          .isEmpty();
                                    }
                                    // spec S6.11: each walked node it may run on
                                    List<String> placed = new ArrayList<>();
                                    for (Flow p : eval.placements(flow)) {
                                      for (boolean end : List.of(true, false)) {
                                        if (p.placedOn(end) != null && !p.local()) {
                                          placed.add(p.placedOn(end)); // spec S6.10: either end
                                        }
                                      }
                                    }
                                    assertThat(placed)
                                        .as(q.title() + ": its walked placements")
                                        .containsAll(q.onNodes().keySet());
                                    q.onNodes()
                                        .forEach(
                                            (n, expected) ->
                                                assertThat(
                                                        Cases.mismatches(
                                                            expected,
                                                            tree(eval.evaluate(flow.placed(n)))))
                                                    .as(q.title() + " (on node " + n + ")")
                                                    .isEmpty());
                                    // spec S6.11: each route through a walked node
                                    q.routed()
                                        .forEach(
                                            (k, expected) ->
                                                assertThat(
                                                        Cases.mismatches(
                                                            expected,
                                                            tree(
                                                                eval.evaluate(
                                                                    route(eval, flow, k)))))
                                                    .as(q.title() + " (routed " + k + ")")
                                                    .isEmpty());
                                    // spec S6.10: each named interface its ends' nodes may cross
                                    q.onInterfaces()
                                        .forEach(
                                            (i, expected) -> {
                                              Flow crossing = crossing(eval, flow, i);
                                              assertThat(eval.placements(flow))
                                                  .as(q.title() + ": crosses " + i)
                                                  .contains(crossing);
                                              assertThat(
                                                      Cases.mismatches(
                                                          expected, tree(eval.evaluate(crossing))))
                                                  .as(q.title() + " (by " + i + ")")
                                                  .isEmpty();
                                            });
                                  })));
            });
  }

  @TestFactory
  Stream<DynamicNode> cli() {
    return Cases.all().stream()
        .map(
            c ->
                DynamicContainer.dynamicContainer(
                    c.name(),
                    c.queries().stream()
                        .map(
                            q ->
                                DynamicTest.dynamicTest(
                                    q.title(),
                                    () -> {
                                      List<String> args =
                                          new ArrayList<>(List.of("explain", q.from(), q.to()));
                                      args.addAll(q.flags());
                                      args.addAll(
                                          List.of("-f", c.resources().toString(), "-o", "json"));
                                      args.addAll(c.versionFlags());
                                      ByteArrayOutputStream out = new ByteArrayOutputStream();
                                      ByteArrayOutputStream err = new ByteArrayOutputStream();
                                      int code =
                                          Main.run(
                                              args.toArray(String[]::new),
                                              InputStream.nullInputStream(),
                                              new PrintStream(out, true, StandardCharsets.UTF_8),
                                              new PrintStream(err, true, StandardCharsets.UTF_8));
                                      // spec S9.4: explain still answers, and exits 3 when what is
                                      // not modelled could change it or a placement's note
                                      boolean inconclusive =
                                          !q.unmodelled().isEmpty()
                                              || q.onNodes().values().stream()
                                                  .anyMatch(n -> !n.unmodelled().isEmpty());
                                      assertThat(code)
                                          .as(
                                              q.title()
                                                  + "\n"
                                                  + err.toString(StandardCharsets.UTF_8))
                                          .isEqualTo(inconclusive ? 3 : 0);
                                      JsonNode explanation =
                                          JSON.readTree(out.toString(StandardCharsets.UTF_8));
                                      assertThat(Cases.mismatches(q, explanation))
                                          .as(q.title())
                                          .isEmpty();
                                      List<String> named = new ArrayList<>();
                                      explanation
                                          .path("unmodelled")
                                          .forEach(u -> named.add(u.path("kind").asText()));
                                      assertThat(named).as(q.title()).isEqualTo(q.unmodelled());
                                      // spec S6.11: explain's verdict per walked node
                                      q.onNodes()
                                          .forEach(
                                              (n, expected) -> {
                                                JsonNode on = null;
                                                for (JsonNode x :
                                                    explanation.path("onWalkedNodes")) {
                                                  if (x.path("node").asText().equals(n)) {
                                                    on = x;
                                                  }
                                                }
                                                assertThat(on)
                                                    .as(q.title() + ": onWalkedNodes " + n)
                                                    .isNotNull();
                                                assertThat(Cases.mismatches(expected, on))
                                                    .as(q.title() + " (on node " + n + ")")
                                                    .isEmpty();
                                                // spec S9.3: each placement's own relevance
                                                List<String> there = new ArrayList<>();
                                                on.path("unmodelled")
                                                    .forEach(
                                                        u -> there.add(u.path("kind").asText()));
                                                assertThat(there)
                                                    .as(q.title() + " (on node " + n + ")")
                                                    .isEqualTo(expected.unmodelled());
                                              });
                                      // spec S6.11: a route whose verdict differs is noted
                                      q.routed()
                                          .forEach(
                                              (k, expected) ->
                                                  routeNote(c, q, explanation, k, expected));
                                      // spec S6.10: a crossing whose verdict differs is noted
                                      q.onInterfaces()
                                          .forEach(
                                              (i, expected) ->
                                                  crossingNote(c, q, explanation, i, expected));
                                    }))));
  }

  /**
   * {@code verify reachable} restricted to exactly the query's packet and ends holds iff the query
   * allows it, or its {@code local} placement does (the solver places a workload naming no node
   * either way, spec S6.12).
   */
  @TestFactory
  Stream<DynamicNode> reachability() {
    return Cases.all().stream()
        .map(
            c ->
                DynamicContainer.dynamicContainer(
                    c.name(),
                    Stream.of(
                        DynamicTest.dynamicTest(
                            c.name() + " (" + c.queries().size() + " queries)",
                            () -> {
                              Loaded loaded = Loaded.of(c);
                              List<String> mismatches = new ArrayList<>();
                              try (Reachability reachability =
                                  new Reachability(loaded.set, Duration.ofSeconds(60))) {
                                for (Query q : c.queries()) {
                                  Flow flow = loaded.flow(q);
                                  VerifyResult r =
                                      reachability.reachable(
                                          end(flow, true), end(flow, false), exact(flow));
                                  // spec S5.6: a pod's flow to itself is no flow of it
                                  boolean allow =
                                      !q.loopback() && allows(q)
                                          || q.local() != null && allows(q.local())
                                          || q.onNodes().values().stream()
                                              .anyMatch(CasesTest::allows)
                                          || q.onInterfaces().values().stream()
                                              .anyMatch(CasesTest::allows);
                                  if (r.result()
                                      != (allow
                                          ? VerifyResult.Result.HOLDS
                                          : VerifyResult.Result.VIOLATED)) {
                                    mismatches.add(
                                        q.title()
                                            + ": expected "
                                            + (allow ? "allow" : "deny")
                                            + ", verify reachable "
                                            + r.result().json()
                                            + " ("
                                            + r.solver()
                                            + ")");
                                  }
                                }
                              }
                              assertThat(mismatches).isEmpty();
                            }))));
  }

  /**
   * The query's flow crossing interface {@code iface} at each end whose node has it (the query's
   * own flow crosses another interface, spec S6.10).
   */
  private static Flow crossing(Evaluator eval, Flow flow, String iface) {
    List<String> alike = java.util.Arrays.asList(null, iface, dev.tierproof.model.Ports.OTHER);
    return eval.placements(flow).stream()
        .filter(p -> iface.equals(p.sourceInterface()) || iface.equals(p.destinationInterface()))
        .filter(
            p -> alike.contains(p.sourceInterface()) && alike.contains(p.destinationInterface()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(flow.describe() + " never crosses " + iface));
  }

  /**
   * The placement of {@code flow} (between two outside addresses) routed as {@code key} says
   * ({@link Cases.Query#routed}).
   */
  private static Flow route(Evaluator eval, Flow flow, String key) {
    String[] k = key.split(" ");
    String in = k.length > 1 ? k[1] : null;
    String out = k.length > 2 ? k[2] : null;
    return eval.placements(flow).stream()
        .filter(p -> k[0].equals(p.transit()))
        .filter(p -> java.util.Objects.equals(in, p.sourceInterface()))
        .filter(p -> java.util.Objects.equals(out, p.destinationInterface()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(flow.describe() + " is never routed " + key));
  }

  /**
   * Explain JSON's {@code onWalkedNodes} entry for the route {@code key} matches {@code expected};
   * absent only when its verdict is the answer's (explain notes the routes that differ).
   */
  private static void routeNote(Case c, Query q, JsonNode explanation, String key, Query expected) {
    Loaded loaded = Loaded.of(c);
    Flow route;
    try {
      route = route(new Evaluator(loaded.set), loaded.flow(q), key);
    } catch (Exception e) {
      throw new AssertionError(q.title(), e);
    }
    JsonNode on = null;
    for (JsonNode x : explanation.path("onWalkedNodes")) {
      if (route.transit().equals(x.path("node").asText(null))
          && java.util.Objects.equals(
              route.sourceInterface(), x.path("sourceInterface").asText(null))
          && java.util.Objects.equals(
              route.destinationInterface(), x.path("destinationInterface").asText(null))) {
        on = x;
      }
    }
    if (on == null) {
      assertThat(expected.node().get("verdict").asText())
          .as(q.title() + " (routed " + key + "): not noted, so as the answer")
          .isEqualTo(explanation.path("verdict").asText());
    } else {
      assertThat(Cases.mismatches(expected, on)).as(q.title() + " (routed " + key + ")").isEmpty();
    }
  }

  /**
   * Explain JSON's {@code onWalkedNodes} entry crossing {@code iface} matches {@code expected};
   * absent only when its verdict is the answer's (explain notes the crossings that differ).
   */
  private static void crossingNote(
      Case c, Query q, JsonNode explanation, String iface, Query expected) {
    Loaded loaded = Loaded.of(c);
    Flow crossing;
    try {
      crossing = crossing(new Evaluator(loaded.set), loaded.flow(q), iface);
    } catch (Exception e) {
      throw new AssertionError(q.title(), e);
    }
    JsonNode on = null;
    for (JsonNode x : explanation.path("onWalkedNodes")) {
      if (java.util.Objects.equals(
              crossing.sourceInterface(), x.path("sourceInterface").asText(null))
          && java.util.Objects.equals(
              crossing.destinationInterface(), x.path("destinationInterface").asText(null))) {
        on = x;
      }
    }
    if (on == null) {
      assertThat(expected.node().get("verdict").asText())
          .as(q.title() + " (by " + iface + "): not noted, so as the answer")
          .isEqualTo(explanation.path("verdict").asText());
    } else {
      assertThat(Cases.mismatches(expected, on)).as(q.title() + " (by " + iface + ")").isEmpty();
    }
  }

  private static boolean allows(Query q) {
    return q.node().get("verdict").asText().equals("allow");
  }

  /** A case's policy set, loaded once. */
  private record Loaded(Case c, PolicySet set) {

    static Loaded of(Case c) {
      Diagnostics d = new Diagnostics();
      PolicySet set =
          Loader.load(
                  Loader.read(List.of(c.resources().toString()), InputStream.nullInputStream(), d),
                  d,
                  c.version())
              .withDataplane(c.dataplane());
      assertThat(d.hasErrors()).as(d.render()).isFalse();
      return new Loaded(c, set);
    }

    /** The query's flow, as explain builds it: References and the flow builder. */
    Flow flow(Query q) throws Exception {
      Diagnostics d = new Diagnostics();
      var from = References.resolve(EndpointRef.parse(q.from()), set, false, Span.NONE, d);
      var to = References.resolve(EndpointRef.parse(q.to()), set, false, Span.NONE, d);
      assertThat(d.hasErrors()).as(q.title() + "\n" + d.render()).isFalse();
      JsonNode n = q.node();
      JsonNode icmp = n.get("icmp");
      FlowSpec spec =
          new FlowSpec(
              n.has("protocol")
                  ? dev.tierproof.model.Protocols.parseLenient(n.get("protocol").asText())
                      .orElseThrow()
                  : null,
              n.has("port") ? single(n.get("port").asInt()) : null,
              n.has("sourcePort") ? single(n.get("sourcePort").asInt()) : null,
              icmp != null && icmp.has("type") ? icmp.get("type").asInt() : null,
              icmp != null && icmp.has("code") ? icmp.get("code").asInt() : null,
              null);
      var concrete =
          References.concrete(from.orElseThrow(), to.orElseThrow(), spec, set, Span.NONE, d);
      assertThat(d.hasErrors()).as(q.title() + "\n" + d.render()).isFalse();
      return concrete.orElseThrow().flow();
    }
  }

  private static Port.Range single(int port) {
    return new Port.Range(port, port);
  }

  /** An end pinned to the flow's exact address: the endpoint, or that one address outside. */
  private static End end(Flow flow, boolean source) {
    var endpoint = source ? flow.source() : flow.destination();
    if (endpoint != null) {
      return new End.Known(endpoint);
    }
    var ip = source ? flow.sourceIp() : flow.destinationIp();
    return new End.Addresses(Cidr.host(ip), source ? null : flow.destinationDomain());
  }

  /** Every field of the flow pinned. */
  private static FlowSpec exact(Flow flow) {
    return new FlowSpec(
        flow.protocol(),
        flow.destinationPort() == null ? null : single(flow.destinationPort()),
        flow.sourcePort() == null ? null : single(flow.sourcePort()),
        flow.icmpType(),
        flow.icmpCode(),
        flow.family());
  }

  /** The fields of explain JSON that expectations check, built from eval's verdict directly. */
  private static JsonNode tree(Verdict verdict) {
    return tree(verdict, false);
  }

  /** As above, with {@code loopback} when the flow is a loopback flow (spec S5.6, S6.13). */
  private static JsonNode tree(Verdict verdict, boolean loopback) {
    ObjectNode out = JSON.createObjectNode();
    out.put("verdict", verdict.allowed() ? "allow" : "deny");
    if (loopback) {
      out.put("loopback", true);
    }
    var steps = out.putArray("steps");
    for (Step s : verdict.steps()) {
      ObjectNode step = steps.addObject();
      step.put("direction", s.direction().json());
      if (s.local()) {
        step.put("local", true); // spec S6.12
      } else if (s.forward()) {
        step.put("forward", true);
      }
      step.put("verdict", s.allowed() ? "allow" : "deny");
      step.set("decidedBy", by(s.decidedBy()));
    }
    return out;
  }

  /** A decision's fields, with its reply's verdict and decision (spec S6.5). */
  private static ObjectNode by(Decision d) {
    ObjectNode by = JSON.createObjectNode();
    by.put("kind", d.kind().json());
    if (d.tier() != null) {
      by.put("tier", d.tier().name());
    }
    if (d.policy() != null) {
      if (d.path() != HostPath.NORMAL) {
        by.put("path", d.path().json());
      }
      by.put("policy", d.policy().name());
      if (d.policy().namespace() != null) {
        by.put("namespace", d.policy().namespace());
      }
    }
    if (d.rule() != null) {
      by.put("ruleIndex", d.rule().index());
    }
    if (d.profile() != null) {
      by.put("profile", d.profile().name());
    }
    if (d.reply() != null) {
      ObjectNode reply = by.putObject("reply");
      reply.put("verdict", d.reply().step().allowed() ? "allow" : "deny");
      reply.set("decidedBy", by(d.reply().step().decidedBy()));
    }
    return by;
  }
}
