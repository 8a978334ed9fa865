package dev.tierproof.load;

import dev.tierproof.model.Direction;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.InvariantSet;
import dev.tierproof.model.InvariantSet.Assertion;
import dev.tierproof.model.InvariantSet.Covered;
import dev.tierproof.model.InvariantSet.DecidedBy;
import dev.tierproof.model.InvariantSet.Except;
import dev.tierproof.model.InvariantSet.Invariant;
import dev.tierproof.model.InvariantSet.Isolated;
import dev.tierproof.model.InvariantSet.NoFindings;
import dev.tierproof.model.InvariantSet.NoNewReachability;
import dev.tierproof.model.InvariantSet.Peer;
import dev.tierproof.model.InvariantSet.Probe;
import dev.tierproof.model.InvariantSet.Reachable;
import dev.tierproof.model.InvariantSet.Ref;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Invariant files ({@code apiVersion: tierproof.dev/v1alpha1}, {@code kind: InvariantSet}) → {@link
 * InvariantSet}s: the schema (documents, ids, severities, the one assertion of each invariant) read
 * here, peers, terms and packets by {@link InvariantFields}; not yet resolved against a policy set
 * (that is {@code analysis.InvariantResolver}'s). The format is documented in the README
 * ("Invariant files") and in {@code specs/invariant-schema.json}. Every problem is an error with
 * {@code file:line:col} (unknown fields included, with a suggestion); bad input never throws.
 */
public final class Invariants {

  public static final String API_VERSION = "tierproof.dev/v1alpha1";
  public static final String KIND = "InvariantSet";

  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?");
  private static final List<String> ASSERTIONS =
      List.of(
          "isolated",
          "reachable",
          "allowed",
          "denied",
          "covered",
          "no-new-reachability",
          "no-findings");

  private Invariants() {}

  /**
   * Parses every text; ids must be unique across all of them. Texts that are not invariant files
   * (another {@code kind}) are errors. Registers each text with {@code diagnostics}.
   */
  public static List<InvariantSet> parse(List<SourceText> sources, Diagnostics diagnostics) {
    List<InvariantSet> out = new ArrayList<>();
    Map<String, Span> ids = new HashMap<>();
    for (SourceText source : sources) {
      diagnostics.source(source.file(), source.text());
      Diagnostics found = new Diagnostics();
      for (Node doc : Documents.parse(source, found)) {
        InvariantSet set = new Reader(found).document(doc);
        if (set == null) {
          continue;
        }
        for (Invariant i : set.invariants()) {
          Span first = ids.putIfAbsent(i.id(), i.idSpan());
          if (first != null) {
            found.error(
                i.idSpan(), "duplicate invariant id `" + i.id() + "`: first defined at " + first);
          }
        }
        out.add(set);
      }
      // in the order of the file, as the loader reports
      found.all().stream()
          .sorted(
              java.util.Comparator.comparingInt(
                      (dev.tierproof.source.Diagnostic x) -> x.span().line())
                  .thenComparingInt(x -> x.span().column()))
          .forEach(diagnostics::add);
    }
    return out;
  }

  /**
   * The schema: documents, invariants and their assertions, over the fields {@link InvariantFields}
   * reads.
   */
  private static final class Reader extends InvariantFields {

    Reader(Diagnostics d) {
      super(d);
    }

    InvariantSet document(Node doc) {
      if (!(doc instanceof Node.Mapping root)) {
        d.error(
            doc.span(),
            "an invariant file holds mappings with `apiVersion`, `kind` and `invariants`, found "
                + doc.describe());
        return null;
      }
      Keys m = new Keys(root, "");
      Node.Scalar api = string(m, "apiVersion");
      Node.Scalar kind = string(m, "kind");
      boolean ok = true;
      if (api == null) {
        d.error(root.span(), "missing `apiVersion`: write `apiVersion: " + API_VERSION + "`");
        ok = false;
      } else if (!api.text().equals(API_VERSION)) {
        d.error(
            api.span(), "unknown apiVersion `" + api.text() + "`: expected `" + API_VERSION + "`");
        ok = false;
      }
      if (kind == null) {
        d.error(root.span(), "missing `kind`: write `kind: " + KIND + "`");
        ok = false;
      } else if (!kind.text().equals(KIND)) {
        d.error(
            kind.span(),
            "unknown kind `" + kind.text() + "`: an invariant file holds `" + KIND + "` documents");
        ok = false;
      }
      if (!ok) {
        return null;
      }
      Keys meta = mapping(m, "metadata");
      String name = null;
      String description = null;
      if (meta == null) {
        d.error(root.span(), "missing `metadata.name`");
      } else {
        Node.Scalar n = string(meta, "name");
        if (n == null) {
          d.error(meta.node.span(), "missing `metadata.name`");
        } else {
          name = n.text();
        }
        Node.Scalar desc = string(meta, "description");
        description = desc == null ? null : desc.text();
        done(meta, List.of());
      }
      List<Invariant> invariants = new ArrayList<>();
      Node list = m.get("invariants");
      if (list == null) {
        d.error(
            root.span(),
            "missing `invariants`: a list of invariants, each with an `id` and one assertion");
      } else if (!(list instanceof Node.Sequence seq)) {
        typeError(list, "invariants", "a list");
      } else {
        for (int i = 0; i < seq.items().size(); i++) {
          Node item = seq.items().get(i);
          if (!(item instanceof Node.Mapping im)) {
            typeError(item, "invariants[" + i + "]", "a mapping");
            continue;
          }
          Invariant inv = invariant(new Keys(im, "invariants[" + i + "]"), name);
          if (inv != null) {
            invariants.add(inv);
          }
        }
      }
      done(m, List.of());
      return new InvariantSet(name, description, root.span(), invariants);
    }

    Invariant invariant(Keys m, String set) {
      Node.Scalar id = string(m, "id");
      if (id == null) {
        d.error(
            m.node.span(),
            "missing `id`: every invariant has a stable id, e.g. `id: red-isolated-from-blue`");
      } else if (!ID.matcher(id.text()).matches()) {
        d.error(
            id.span(),
            "invalid id `"
                + id.text()
                + "`: lowercase letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit");
      }
      Node.Scalar description = string(m, "description");
      Severity severity = Severity.ERROR;
      Node.Scalar sev = string(m, "severity");
      if (sev != null) {
        severity = null;
        for (Severity s : Severity.values()) {
          if (s.label().equals(sev.text())) {
            severity = s;
          }
        }
        if (severity == null) {
          d.error(
              sev.span(),
              "unknown severity `"
                  + sev.text()
                  + "`"
                  + Suggest.choice(sev.text(), List.of("error", "warning", "note")));
          severity = Severity.ERROR;
        }
      }
      List<String> present = ASSERTIONS.stream().filter(a -> m.node.entry(a) != null).toList();
      Assertion assertion = null;
      if (present.isEmpty()) {
        d.error(
            m.node.span(),
            "invariant"
                + (id == null ? "" : " `" + id.text() + "`")
                + " has no assertion: add one of "
                + String.join(", ", ASSERTIONS.stream().map(a -> "`" + a + "`").toList()));
      } else if (present.size() > 1) {
        d.error(
            m.keySpan(present.get(1)),
            "an invariant has one assertion, but this one also has `"
                + present.get(0)
                + "`: split it into two invariants");
      } else {
        String key = present.get(0);
        Node value = m.get(key);
        Span span = m.keySpan(key);
        Keys a = value == null ? new Keys(new Node.Mapping(List.of(), span), m.path(key)) : null;
        if (value != null) {
          if (value instanceof Node.Mapping am) {
            a = new Keys(am, m.path(key));
          } else {
            typeError(value, m.path(key), "a mapping");
          }
        }
        if (a != null) {
          assertion =
              switch (key) {
                case "isolated" -> isolated(a, span);
                case "reachable" -> reachable(a, span);
                case "allowed" -> probe(a, true, span);
                case "denied" -> probe(a, false, span);
                case "covered" -> covered(a, span);
                case "no-new-reachability" -> noNew(a, span);
                default -> noFindings(a, span);
              };
        }
      }
      done(m, ASSERTIONS);
      if (id == null || assertion == null) {
        return null;
      }
      return new Invariant(
          id.text(),
          id.span(),
          set,
          description == null ? null : description.text(),
          severity,
          assertion,
          m.node.span());
    }

    // -------------------------------------------------------------------------------------------
    // assertions

    Isolated isolated(Keys m, Span span) {
      Peer from = required(m, "from", span);
      Peer to = required(m, "to", span);
      List<FlowSpec> scope = scope(m, true);
      List<Except> except = new ArrayList<>();
      Node list = m.get("except");
      if (list != null) {
        if (!(list instanceof Node.Sequence seq)) {
          typeError(list, m.path("except"), "a list");
        } else {
          for (int i = 0; i < seq.items().size(); i++) {
            Node item = seq.items().get(i);
            if (!(item instanceof Node.Mapping em)) {
              typeError(item, m.path("except") + "[" + i + "]", "a mapping");
              continue;
            }
            Keys e = new Keys(em, m.path("except") + "[" + i + "]");
            Peer ef = optionalPeer(e, "from");
            Peer et = optionalPeer(e, "to");
            List<FlowSpec> es = scope(e, true);
            if (ef == null
                && et == null
                && es.isEmpty()
                && em.entries().stream().allMatch(x -> e.known.contains(x.key().text()))) {
              d.error(
                  em.span(),
                  "this carve-out excuses every flow: give `protocol`, `ports`, `from` or `to`");
            }
            done(e, List.of());
            except.add(new Except(es, ef, et, em.span()));
          }
        }
      }
      done(m, List.of());
      return from == null || to == null ? null : new Isolated(from, to, scope, except, span);
    }

    Reachable reachable(Keys m, Span span) {
      Peer from = required(m, "from", span);
      Peer to = required(m, "to", span);
      List<FlowSpec> scope = scope(m, true);
      boolean all = flag(m, "all");
      done(m, List.of());
      return from == null || to == null ? null : new Reachable(from, to, scope, all, span);
    }

    Probe probe(Keys m, boolean allowed, Span span) {
      Ref from = singleRef(m, "from", span);
      Ref to = singleRef(m, "to", span);
      Integer protocol = protocol(m);
      Port.Range port = portRange(m, "port", false);
      Port.Range sourcePort = portRange(m, "sourcePort", false);
      Integer[] icmp = icmp(m);
      Integer ipVersion = ipVersion(m);
      Node.Scalar ip = string(m, "destinationIP");
      DecidedBy decided = null;
      Node dn = m.get("decidedBy");
      if (dn != null) {
        if (dn instanceof Node.Mapping dm) {
          decided = decidedBy(new Keys(dm, m.path("decidedBy")));
        } else {
          typeError(dn, m.path("decidedBy"), "a mapping");
        }
      }
      if (protocol != null
          && (port != null || sourcePort != null)
          && !Protocols.hasPorts(protocol)) {
        d.error(
            m.keySpan(port != null ? "port" : "sourcePort"),
            "ports need a protocol with ports (TCP, UDP, SCTP, UDPLite), not `"
                + Protocols.name(protocol)
                + "`");
      }
      done(m, List.of());
      if (from == null || to == null) {
        return null;
      }
      return new Probe(
          allowed,
          from,
          to,
          new FlowSpec(protocol, port, sourcePort, icmp[0], icmp[1], ipVersion),
          ip == null ? null : ip.text(),
          ip == null ? null : ip.span(),
          decided,
          span);
    }

    DecidedBy decidedBy(Keys m) {
      Direction direction = null;
      Node.Scalar dir = string(m, "direction");
      if (dir != null) {
        String t = dir.text().toLowerCase(java.util.Locale.ROOT);
        direction =
            t.equals("ingress") ? Direction.INGRESS : t.equals("egress") ? Direction.EGRESS : null;
        if (direction == null) {
          d.error(
              dir.span(), "unknown direction `" + dir.text() + "`: expected `ingress` or `egress`");
        }
      }
      Node.Scalar kind = string(m, "kind");
      List<String> kinds = List.of("rule", "tier-default", "profile", "no-profile", "failsafe");
      if (kind != null && !kinds.contains(kind.text())) {
        d.error(
            kind.span(),
            "unknown decision kind `" + kind.text() + "`" + Suggest.choice(kind.text(), kinds));
      }
      Node.Scalar tier = string(m, "tier");
      Node.Scalar policy = string(m, "policy");
      Integer rule = integer(m, "rule");
      if (rule != null && rule < 0) {
        d.error(m.keySpan("rule"), "`" + m.path("rule") + "` is a 0-based rule index, not " + rule);
      }
      Node.Scalar profile = string(m, "profile");
      done(m, List.of());
      return new DecidedBy(
          direction,
          kind == null ? null : kind.text(),
          tier == null ? null : tier.text(),
          policy == null ? null : policy.text(),
          rule,
          profile == null ? null : profile.text(),
          m.node.span());
    }

    Covered covered(Keys m, Span span) {
      Peer endpoints = required(m, "selector", span);
      Set<Direction> directions = EnumSet.noneOf(Direction.class);
      Node list = m.get("directions");
      if (list == null) {
        directions = EnumSet.allOf(Direction.class);
      } else if (!(list instanceof Node.Sequence seq)) {
        typeError(list, m.path("directions"), "a list");
      } else {
        for (Node item : seq.items()) {
          if (item instanceof Node.Scalar s
              && s.type() == Node.Scalar.Type.STRING
              && (s.text().equals("Ingress") || s.text().equals("Egress"))) {
            directions.add(s.text().equals("Ingress") ? Direction.INGRESS : Direction.EGRESS);
          } else {
            String text = item instanceof Node.Scalar s ? s.text() : item.describe();
            d.error(
                item.span(),
                "unknown direction `"
                    + text
                    + "`"
                    + Suggest.choice(text, List.of("Ingress", "Egress")));
          }
        }
        if (seq.items().isEmpty()) {
          d.error(
              list.span(),
              "`" + m.path("directions") + "` is empty: list `Ingress`, `Egress` or both");
        }
      }
      done(m, List.of());
      return endpoints == null ? null : new Covered(endpoints, directions, span);
    }

    NoNewReachability noNew(Keys m, Span span) {
      Node.Scalar baseline = string(m, "baseline");
      if (baseline == null && m.node.entry("baseline") == null) {
        d.error(
            span, "`no-new-reachability` needs a `baseline`: a directory or file, or `git:REF`");
      } else if (baseline != null
          && (baseline.text().isBlank() || baseline.text().equals("git:"))) {
        d.error(baseline.span(), "empty baseline: give a directory or file, or `git:REF`");
        baseline = null;
      }
      done(m, List.of());
      return baseline == null
          ? null
          : new NoNewReachability(baseline.text(), baseline.span(), span);
    }

    NoFindings noFindings(Keys m, Span span) {
      List<String> rules = new ArrayList<>();
      List<Span> spans = new ArrayList<>();
      Node list = m.get("rules");
      if (list != null) {
        if (!(list instanceof Node.Sequence seq)) {
          typeError(list, m.path("rules"), "a list");
        } else {
          for (Node item : seq.items()) {
            if (item instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING) {
              rules.add(s.text());
              spans.add(s.span());
            } else {
              typeError(item, m.path("rules") + "[]", "a string");
            }
          }
        }
      }
      done(m, List.of());
      return new NoFindings(rules, spans, span);
    }
  }
}
