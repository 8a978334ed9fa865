package dev.tierproof.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.ProfileEntry;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Span;
import java.io.IOException;

/** The JSON shapes of design.md §2 ("explain JSON"), shared by the explain and verify reports. */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter WRITER = MAPPER.writer(new Printer());

  /**
   * Two-space indent, {@code "key": value}, and empty arrays and objects as {@code []}, {@code {}}.
   */
  private static final class Printer extends DefaultPrettyPrinter {

    Printer() {
      super(
          Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      indentArraysWith(new DefaultIndenter("  ", "\n"));
      indentObjectsWith(new DefaultIndenter("  ", "\n"));
    }

    private Printer(Printer base) {
      super(base);
    }

    @Override
    public Printer createInstance() {
      return new Printer(this);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      if (values > 0) {
        super.writeEndArray(g, values);
        return;
      }
      _nesting--;
      g.writeRaw(']');
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      if (entries > 0) {
        super.writeEndObject(g, entries);
        return;
      }
      _nesting--;
      g.writeRaw('}');
    }
  }

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * A document written piece by piece (a map of a large cluster does not fit a tree): {@code body}
   * writes into a generator printing as {@link #write} does; {@link #tree} puts a subtree there.
   */
  static String stream(java.util.function.Consumer<JsonGenerator> body) {
    java.io.StringWriter out = new java.io.StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.setPrettyPrinter(new Printer());
      body.accept(g);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.write('\n'); // a StringWriter stays open; the text is copied once (a map's is 100 MB)
    return out.toString();
  }

  /** Writes {@code node} at the generator's position. */
  static void tree(JsonGenerator g, JsonNode node) {
    try {
      MAPPER.writeTree(g, node);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Pretty-printed, two-space indent, with a final newline. */
  static String write(JsonNode node) {
    try {
      return WRITER.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serializes", e);
    }
  }

  /** {@code {verdict, flow, steps}}. */
  static ObjectNode explanation(Flow flow, Verdict verdict) {
    ObjectNode out = object();
    out.put("verdict", verdict.allowed() ? "allow" : "deny");
    out.set("flow", flow(flow));
    var steps = out.putArray("steps");
    for (Step step : verdict.steps()) {
      steps.add(step(step));
    }
    return out;
  }

  /**
   * {@code {endpoint, direction, forward?, verdict, decidedBy, trace, profiles?}}; {@code
   * "forward": true} for a side of a host endpoint's forward chain (spec S6.7); {@code profiles}
   * when the walk went on past a profile (a Pass, or no rule matching): each one walked, in order,
   * with its {@code outcome} ({@code no-match}, {@code allow}, {@code deny}, {@code pass}) and
   * {@code ruleIndex}.
   */
  private static ObjectNode step(Step step) {
    ObjectNode s = object();
    s.put("endpoint", step.endpoint().ref());
    s.put("direction", step.direction().json());
    if (step.local()) {
      s.put("local", true); // spec S6.12: the local pre-DNAT path
    } else if (step.forward()) {
      s.put("forward", true);
    }
    s.put("verdict", step.allowed() ? "allow" : "deny");
    s.set("decidedBy", decision(step.decidedBy()));
    var trace = s.putArray("trace");
    for (TraceEntry t : step.trace()) {
      ObjectNode e = trace.addObject();
      e.put("tier", t.tier().name());
      if (t.path() != HostPath.NORMAL) {
        e.put("path", t.path().json());
      }
      e.put("policy", t.policy().name());
      if (t.policy().namespace() != null) {
        e.put("namespace", t.policy().namespace());
      }
      e.put("outcome", t.outcome().json());
      if (t.ruleIndex() != null) {
        e.put("ruleIndex", t.ruleIndex());
      }
    }
    if (step.profiles().size() > 1) {
      // spec S4.6: the profiles walked after the tiers, in order, up to the one that decided
      var profiles = s.putArray("profiles");
      for (ProfileEntry p : step.profiles()) {
        ObjectNode e = profiles.addObject();
        e.put("profile", p.profile().name());
        e.put("outcome", p.outcome().json());
        if (p.ruleIndex() != null) {
          e.put("ruleIndex", p.ruleIndex());
        }
      }
    }
    return s;
  }

  /**
   * {@code {protocol, source{endpoint?, ip, port?}, destination{endpoint?|domain?, ip, port?},
   * icmp?}}.
   */
  static ObjectNode flow(Flow flow) {
    ObjectNode out = object();
    fill(out, flow);
    return out;
  }

  /** Puts the flow's fields into {@code out} (the verify witness shares its object with them). */
  static void fill(ObjectNode out, Flow flow) {
    String name = Protocols.name(flow.protocol());
    if (name.equals(Integer.toString(flow.protocol()))) {
      out.put("protocol", flow.protocol());
    } else {
      out.put("protocol", name);
    }
    if (flow.transit() != null) {
      // spec S6.11: the node a flow between two addresses outside the cluster is routed through
      out.put("routedThrough", flow.transit());
    }
    ObjectNode source = out.putObject("source");
    if (flow.source() == null) {
      transit(source, flow, true);
    } else {
      source.put("endpoint", flow.source().ref());
      placedOn(source, flow, true);
    }
    source.put("ip", flow.sourceIp().toString());
    if (flow.sourcePort() != null) {
      source.put("port", flow.sourcePort());
    }
    ObjectNode destination = out.putObject("destination");
    if (flow.destination() == null) {
      transit(destination, flow, false);
    }
    if (flow.destination() != null) {
      destination.put("endpoint", flow.destination().ref());
      placedOn(destination, flow, false);
    } else if (flow.destinationDomain() != null) {
      destination.put("domain", flow.destinationDomain());
    }
    destination.put("ip", flow.destinationIp().toString());
    if (flow.destinationPort() != null) {
      destination.put("port", flow.destinationPort());
    }
    if (flow.icmpType() != null) {
      ObjectNode icmp = out.putObject("icmp");
      icmp.put("type", flow.icmpType());
      if (flow.icmpCode() != null) {
        icmp.put("code", flow.icmpCode());
      }
    }
  }

  /**
   * {@code decidedBy}: {@code kind}, then what applies of {@code tier}, {@code policy}, {@code
   * namespace}, {@code ruleIndex}, {@code action}, {@code file}, {@code line}, {@code profile};
   * {@code path} ({@code untracked}, {@code pre-dnat}, {@code forward}) for a rule or tier default
   * off the normal path (spec S6.4, S6.8). {@code file}/{@code line} locate the deciding rule, for
   * a tier default the policy named. {@code reply}: for an untracked Allow whose packet needs a
   * reply (spec S6.5), the reply's {@code flow} and its step ({@code endpoint}, {@code direction},
   * {@code verdict}, {@code decidedBy}, {@code trace}).
   */
  static ObjectNode decision(Decision d) {
    ObjectNode out = object();
    out.put("kind", d.kind().json());
    if (d.tier() != null) {
      out.put("tier", d.tier().name());
    }
    Policy p = d.policy();
    if (p != null) {
      if (d.path() != HostPath.NORMAL) {
        out.put("path", d.path().json());
      }
      out.put("policy", p.name());
      if (p.namespace() != null) {
        out.put("namespace", p.namespace());
      }
    }
    if (d.rule() != null) {
      out.put("ruleIndex", d.rule().index());
      out.put("action", d.rule().action().calico());
    } else if (d.kind() == Decision.Kind.TIER_DEFAULT) {
      out.put("action", "Deny");
    }
    Span at = Text.location(d);
    if (at.isKnown()) {
      out.put("file", at.file());
      out.put("line", at.line());
    }
    if (d.profile() != null) {
      out.put("profile", d.profile().name());
    }
    if (d.reply() != null) {
      // spec S6.5: the reply an untracked Allow needed, and its step
      ObjectNode reply = step(d.reply().step());
      reply.set("flow", flow(d.reply().packet()));
      out.set("reply", reply);
    }
    return out;
  }

  /**
   * {@code "interface": "eth0"} on an end of a flow routed through a node ({@link Flow#transit}):
   * the interface it comes in by (the source end) or leaves by (the destination end).
   */
  private static void transit(ObjectNode end, Flow flow, boolean source) {
    if (flow.transit() != null && flow.interfaceOf(source) != null) {
      // spec S6.11: the interface a routed flow comes in by (source end) or leaves by
      end.put("interface", flow.interfaceOf(source));
    }
  }

  /**
   * {@code "placedOn": "n1"} for a workload naming no node that the flow places on a node: its host
   * end's (spec S6.12), or for a flow with outside, another workload or another node's host
   * endpoint a walked one (S6.10, S6.11): of the source end ({@code source}) or the destination
   * end; and {@code "interface": "eth0"} when the flow chooses the interface the end's packets
   * cross there ({@link Flow#interfaceOf}).
   */
  private static void placedOn(ObjectNode end, Flow flow, boolean source) {
    if (flow.placedOn(source) != null) {
      end.put("placedOn", flow.placedOn(source));
    }
    if (flow.interfaceOf(source) != null) {
      // spec S6.10: the interface the end's packets cross on its node ("*": one without a host
      // endpoint of its own)
      end.put("interface", flow.interfaceOf(source));
    }
  }
}
