package dev.tierproof.load;

import dev.tierproof.source.Suggest;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.selector.Selector;
import dev.tierproof.selector.SelectorSyntaxException;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Invariant files ({@code apiVersion: tierproof.dev/v1alpha1}, {@code kind: InvariantSet}) →
 * invariants with positions, not yet resolved against a policy set (that needs {@code analysis}).
 * The format is documented in the README ("Invariant files") and in {@code
 * specs/invariant-schema.json}. Every problem is an error with {@code file:line:col} (unknown
 * fields included, with a suggestion); bad input never throws.
 */
public final class Invariants {

  public static final String API_VERSION = "tierproof.dev/v1alpha1";
  public static final String KIND = "InvariantSet";

  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?");
  private static final Pattern PORTS = Pattern.compile("(\\d{1,5})(?::(\\d{1,5}))?");
  private static final List<String> ASSERTIONS =
      List.of("isolated", "reachable", "allowed", "denied", "covered", "no-new-reachability", "no-findings");

  private Invariants() {}

  /** One {@code InvariantSet} document. */
  public record InvariantSet(String name, String description, Span span, List<Invariant> invariants) {
    public InvariantSet {
      invariants = List.copyOf(invariants);
    }
  }

  /**
   * One invariant.
   *
   * @param span where its list item starts; {@code idSpan} the id's value
   * @param set the name of the InvariantSet it belongs to
   */
  public record Invariant(
      String id, Span idSpan, String set, String description, Severity severity, Assertion assertion, Span span) {}

  /** The one claim of an invariant. */
  public sealed interface Assertion
      permits Isolated, Reachable, Probe, Covered, NoNewReachability, NoFindings {
    /** The key it is written under: {@code isolated}, {@code reachable}, ... */
    String key();

    Span span();
  }

  /**
   * Which packets a claim is about; null fields are unconstrained.
   *
   * @param ports destination port ranges (any of them); empty: any port
   */
  public record Scope(Integer protocol, List<Port.Range> ports, Integer icmpType, Integer icmpCode, Integer ipVersion) {
    public static final Scope ANY = new Scope(null, List.of(), null, null, null);

    public Scope {
      ports = List.copyOf(ports);
    }
  }

  /** A set of ends: the union of its terms. */
  public record Peer(List<Term> terms, Span span) {
    public Peer {
      terms = List.copyOf(terms);
    }
  }

  /** One term of a peer. */
  public sealed interface Term permits Ref, Selection, Net, Domain {
    Span span();
  }

  /** An endpoint reference as on the command line (design.md §2); {@code existing} as {@code --existing}. */
  public record Ref(EndpointRef ref, String text, boolean existing, Span span) implements Term {}

  /**
   * Workload endpoints, existing or hypothetical, in {@code namespace} (null: any) whose labels
   * satisfy {@code selector}: the mapping form's {@code selector}, {@code namespaceSelector}
   * ({@code pcns.}-prefixed) and {@code serviceAccount} composed as Calico composes a rule peer.
   */
  public record Selection(String namespace, Selector selector, String text, boolean existing, Span span)
      implements Term {}

  /** Any address in the range: endpoints that own one, or outside the cluster. */
  public record Net(Cidr cidr, Span span) implements Term {}

  /** A destination outside the cluster reached by this DNS name. */
  public record Domain(String name, Span span) implements Term {}

  /** {@code isolated}: no flow from {@code from} to {@code to} within {@code scope} is allowed, except the carve-outs. */
  public record Isolated(Peer from, Peer to, Scope scope, List<Except> except, Span span) implements Assertion {
    public Isolated {
      except = List.copyOf(except);
    }

    @Override
    public String key() {
      return "isolated";
    }
  }

  /** A carve-out: flows within {@code scope} from {@code from} (null: any) to {@code to} (null: any). */
  public record Except(Scope scope, Peer from, Peer to, Span span) {}

  /**
   * {@code reachable}: some flow from {@code from} to {@code to} within {@code scope} is allowed;
   * with {@code all}, every one is.
   */
  public record Reachable(Peer from, Peer to, Scope scope, boolean all, Span span) implements Assertion {
    @Override
    public String key() {
      return "reachable";
    }
  }

  /**
   * {@code allowed} / {@code denied}: one concrete flow (explain's defaults for what is left
   * open) has that verdict, decided by {@code decidedBy} when given.
   */
  public record Probe(
      boolean allowed,
      Ref from,
      Ref to,
      Integer protocol,
      Port.Range port,
      Port.Range sourcePort,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion,
      String destinationIp,
      Span destinationIpSpan,
      DecidedBy decidedBy,
      Span span)
      implements Assertion {
    @Override
    public String key() {
      return allowed ? "allowed" : "denied";
    }
  }

  /**
   * What must decide a probe; null fields match anything.
   *
   * @param kind {@code rule}, {@code tier-default}, {@code profile}, {@code no-profile}, {@code failsafe}
   * @param policy {@code name} or {@code namespace/name}
   * @param rule the rule's 0-based index as written
   */
  public record DecidedBy(
      Direction direction, String kind, String tier, String policy, Integer rule, String profile, Span span) {}

  /** {@code covered}: every endpoint of {@code endpoints} is selected by some policy in each direction. */
  public record Covered(Peer endpoints, Set<Direction> directions, Span span) implements Assertion {
    public Covered {
      directions = Set.copyOf(directions);
    }

    @Override
    public String key() {
      return "covered";
    }
  }

  /** {@code no-new-reachability}: nothing is allowed that {@code baseline} ({@code git:REF} or a path) did not allow. */
  public record NoNewReachability(String baseline, Span baselineSpan, Span span) implements Assertion {
    @Override
    public String key() {
      return "no-new-reachability";
    }
  }

  /** {@code no-findings}: lint reports nothing for these rule ids or names (empty: any rule). */
  public record NoFindings(List<String> rules, List<Span> ruleSpans, Span span) implements Assertion {
    public NoFindings {
      rules = List.copyOf(rules);
      ruleSpans = List.copyOf(ruleSpans);
    }

    @Override
    public String key() {
      return "no-findings";
    }
  }

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
            found.error(i.idSpan(), "duplicate invariant id `" + i.id() + "`: first defined at " + first);
          }
        }
        out.add(set);
      }
      // in the order of the file, as the loader reports
      found.all().stream()
          .sorted(
              java.util.Comparator.comparingInt((dev.tierproof.source.Diagnostic x) -> x.span().line())
                  .thenComparingInt(x -> x.span().column()))
          .forEach(diagnostics::add);
    }
    return out;
  }

  /** A mapping being read: the keys asked for are known, the others are errors. */
  private static final class Keys {
    final Node.Mapping node;
    final String path;
    final Set<String> known = new LinkedHashSet<>();

    Keys(Node.Mapping node, String path) {
      this.node = node;
      this.path = path;
    }

    Node get(String key) {
      known.add(key);
      Node.Entry e = node.entry(key);
      return e == null || e.value() instanceof Node.Scalar s && s.isNull() ? null : e.value();
    }

    Span keySpan(String key) {
      Node.Entry e = node.entry(key);
      return e == null ? node.span() : e.key().span();
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }
  }

  private static final class Reader {
    private final Diagnostics d;

    Reader(Diagnostics d) {
      this.d = d;
    }

    InvariantSet document(Node doc) {
      if (!(doc instanceof Node.Mapping root)) {
        d.error(doc.span(), "an invariant file holds mappings with `apiVersion`, `kind` and `invariants`, found " + doc.describe());
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
        d.error(api.span(), "unknown apiVersion `" + api.text() + "`: expected `" + API_VERSION + "`");
        ok = false;
      }
      if (kind == null) {
        d.error(root.span(), "missing `kind`: write `kind: " + KIND + "`");
        ok = false;
      } else if (!kind.text().equals(KIND)) {
        d.error(kind.span(), "unknown kind `" + kind.text() + "`: an invariant file holds `" + KIND + "` documents");
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
        d.error(root.span(), "missing `invariants`: a list of invariants, each with an `id` and one assertion");
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
        d.error(m.node.span(), "missing `id`: every invariant has a stable id, e.g. `id: red-isolated-from-blue`");
      } else if (!ID.matcher(id.text()).matches()) {
        d.error(id.span(), "invalid id `" + id.text() + "`: lowercase letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit");
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
          d.error(sev.span(), "unknown severity `" + sev.text() + "`" + Suggest.choice(sev.text(), List.of("error", "warning", "note")));
          severity = Severity.ERROR;
        }
      }
      List<String> present = ASSERTIONS.stream().filter(a -> m.node.entry(a) != null).toList();
      Assertion assertion = null;
      if (present.isEmpty()) {
        d.error(
            m.node.span(),
            "invariant" + (id == null ? "" : " `" + id.text() + "`") + " has no assertion: add one of "
                + String.join(", ", ASSERTIONS.stream().map(a -> "`" + a + "`").toList()));
      } else if (present.size() > 1) {
        d.error(m.keySpan(present.get(1)), "an invariant has one assertion, but this one also has `" + present.get(0) + "`: split it into two invariants");
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
          id.text(), id.span(), set, description == null ? null : description.text(), severity, assertion, m.node.span());
    }

    // -------------------------------------------------------------------------------------------
    // assertions

    Isolated isolated(Keys m, Span span) {
      Peer from = required(m, "from", span);
      Peer to = required(m, "to", span);
      Scope scope = scope(m, true);
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
            Scope es = scope(e, true);
            if (ef == null && et == null && es.equals(Scope.ANY) && em.entries().stream().allMatch(x -> e.known.contains(x.key().text()))) {
              d.error(em.span(), "this carve-out excuses every flow: give `protocol`, `ports`, `from` or `to`");
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
      Scope scope = scope(m, true);
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
      if (protocol != null && (port != null || sourcePort != null) && !Protocols.hasPorts(protocol)) {
        d.error(m.keySpan(port != null ? "port" : "sourcePort"), "ports need a protocol with ports (TCP, UDP, SCTP, UDPLite), not `" + Protocols.name(protocol) + "`");
      }
      done(m, List.of());
      if (from == null || to == null) {
        return null;
      }
      return new Probe(
          allowed, from, to, protocol, port, sourcePort, icmp[0], icmp[1], ipVersion,
          ip == null ? null : ip.text(), ip == null ? null : ip.span(), decided, span);
    }

    DecidedBy decidedBy(Keys m) {
      Direction direction = null;
      Node.Scalar dir = string(m, "direction");
      if (dir != null) {
        String t = dir.text().toLowerCase(java.util.Locale.ROOT);
        direction = t.equals("ingress") ? Direction.INGRESS : t.equals("egress") ? Direction.EGRESS : null;
        if (direction == null) {
          d.error(dir.span(), "unknown direction `" + dir.text() + "`: expected `ingress` or `egress`");
        }
      }
      Node.Scalar kind = string(m, "kind");
      List<String> kinds = List.of("rule", "tier-default", "profile", "no-profile", "failsafe");
      if (kind != null && !kinds.contains(kind.text())) {
        d.error(kind.span(), "unknown decision kind `" + kind.text() + "`" + Suggest.choice(kind.text(), kinds));
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
          if (item instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING
              && (s.text().equals("Ingress") || s.text().equals("Egress"))) {
            directions.add(s.text().equals("Ingress") ? Direction.INGRESS : Direction.EGRESS);
          } else {
            String text = item instanceof Node.Scalar s ? s.text() : item.describe();
            d.error(item.span(), "unknown direction `" + text + "`" + Suggest.choice(text, List.of("Ingress", "Egress")));
          }
        }
        if (seq.items().isEmpty()) {
          d.error(list.span(), "`" + m.path("directions") + "` is empty: list `Ingress`, `Egress` or both");
        }
      }
      done(m, List.of());
      return endpoints == null ? null : new Covered(endpoints, directions, span);
    }

    NoNewReachability noNew(Keys m, Span span) {
      Node.Scalar baseline = string(m, "baseline");
      if (baseline == null && m.node.entry("baseline") == null) {
        d.error(span, "`no-new-reachability` needs a `baseline`: a directory or file, or `git:REF`");
      } else if (baseline != null && (baseline.text().isBlank() || baseline.text().equals("git:"))) {
        d.error(baseline.span(), "empty baseline: give a directory or file, or `git:REF`");
        baseline = null;
      }
      done(m, List.of());
      return baseline == null ? null : new NoNewReachability(baseline.text(), baseline.span(), span);
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

    // -------------------------------------------------------------------------------------------
    // peers

    Peer required(Keys m, String key, Span owner) {
      if (m.node.entry(key) == null) {
        m.get(key);
        d.error(owner, "`" + m.path(key) + "` is missing: an endpoint reference such as `ns/*`, `ns/name` or `{app == 'web'}`");
        return null;
      }
      return optionalPeer(m, key);
    }

    Peer optionalPeer(Keys m, String key) {
      Node n = m.get(key);
      if (n == null) {
        if (m.node.entry(key) != null) {
          d.error(m.keySpan(key), "`" + m.path(key) + "` is empty");
        }
        return null;
      }
      List<Term> terms = new ArrayList<>();
      if (n instanceof Node.Sequence seq) {
        if (seq.items().isEmpty()) {
          d.error(n.span(), "`" + m.path(key) + "` is an empty list: it would stand for no endpoint at all");
          return null;
        }
        for (int i = 0; i < seq.items().size(); i++) {
          term(seq.items().get(i), m.path(key) + "[" + i + "]", terms);
        }
      } else {
        term(n, m.path(key), terms);
      }
      return terms.isEmpty() ? null : new Peer(terms, n.span());
    }

    void term(Node n, String path, List<Term> out) {
      if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING) {
        Ref r = ref(s, false);
        if (r != null) {
          out.add(r);
        }
        return;
      }
      if (!(n instanceof Node.Mapping mm)) {
        typeError(n, path, "an endpoint reference (a string) or a mapping with `namespace`, `selector`, `nets`, ...");
        return;
      }
      Keys m = new Keys(mm, path);
      Node.Scalar ns = string(m, "namespace");
      Node.Scalar nsSel = string(m, "namespaceSelector");
      Node.Scalar sel = string(m, "selector");
      Node.Scalar sa = string(m, "serviceAccount");
      List<Node.Scalar> nets = strings(m, "nets");
      List<Node.Scalar> domains = strings(m, "domains");
      boolean existing = flag(m, "existing");
      boolean selection = ns != null || nsSel != null || sel != null || sa != null;
      done(m, List.of());
      if (selection && (!nets.isEmpty() || !domains.isEmpty())) {
        d.error(mm.span(), "a peer is either endpoints (`namespace`, `namespaceSelector`, `selector`, `serviceAccount`) or addresses (`nets`, `domains`), not both: use a list of two peers");
        return;
      }
      if (!selection && nets.isEmpty() && domains.isEmpty()) {
        d.error(mm.span(), "empty peer: give `namespace`, `namespaceSelector`, `selector`, `serviceAccount`, `nets` or `domains`");
        return;
      }
      for (Node.Scalar c : nets) {
        java.util.Optional<Cidr> cidr = Cidr.parse(c.text());
        if (cidr.isEmpty()) {
          d.error(c.span(), "`" + c.text() + "` is not a CIDR");
        } else if (cidr.get().hasHostBits()) {
          d.error(c.span(), "`" + c.text() + "` has host bits set; did you mean `" + cidr.get() + "`?");
        } else {
          out.add(new Net(cidr.get(), c.span()));
        }
      }
      for (Node.Scalar dn : domains) {
        if (!dn.text().matches("(\\*\\.)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+\\.?")) {
          d.error(dn.span(), "`" + dn.text() + "` is not a DNS name");
        } else {
          out.add(new Domain(dn.text(), dn.span()));
        }
      }
      if (!selection) {
        return;
      }
      Selector s = null;
      boolean bad = false;
      if (sel != null) {
        Selector p = selector(sel);
        bad |= p == null;
        s = p;
      }
      if (nsSel != null) {
        Selector p = selector(nsSel);
        bad |= p == null;
        if (p != null) {
          // the namespace's labels, as an endpoint inherits them from its namespace profile (spec S2.7)
          Selector scoped = p.prefixed("pcns.").replaceAll(new Selector.Has(dev.tierproof.model.Endpoint.NAMESPACE_LABEL));
          s = s == null ? scoped : Selector.and(s, scoped);
        }
      }
      if (sa != null) {
        Selector p = new Selector.Compare("projectcalico.org/serviceaccount", Selector.Op.EQ, sa.text());
        s = s == null ? p : Selector.and(s, p);
      }
      if (bad) {
        return;
      }
      if (s == null) {
        s = Selector.all();
      }
      String text = (ns == null ? "" : ns.text() + "/") + "{" + s.canonical() + "}";
      out.add(new Selection(ns == null ? null : ns.text(), s, text, existing, mm.span()));
    }

    Ref singleRef(Keys m, String key, Span owner) {
      Node n = m.get(key);
      if (n == null) {
        d.error(owner, "`" + m.path(key) + "` is missing: one endpoint, e.g. `shop/cart-0`, an address or a domain");
        return null;
      }
      if (!(n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING)) {
        typeError(n, m.path(key), "one endpoint reference (a string)");
        return null;
      }
      return ref(s, false);
    }

    Ref ref(Node.Scalar s, boolean existing) {
      try {
        return new Ref(EndpointRef.parse(s.text()), s.text(), existing, s.span());
      } catch (SelectorSyntaxException e) {
        d.error(s.at(e.offset()), "invalid endpoint reference: " + e.getMessage());
        return null;
      }
    }

    Selector selector(Node.Scalar s) {
      try {
        Selector sel = Selector.parse(s.text());
        if (!sel.replaceGlobal(Selector.all()).equals(sel)) {
          d.error(s.at(Math.max(0, s.text().indexOf("global("))), "`global()` does not select endpoints here");
          return null;
        }
        return sel;
      } catch (SelectorSyntaxException e) {
        d.error(s.at(e.offset()), "invalid selector: " + e.getMessage());
        return null;
      }
    }

    // -------------------------------------------------------------------------------------------
    // packets

    /** {@code protocol}, {@code port}/{@code ports}, {@code icmp}, {@code ipVersion}. */
    Scope scope(Keys m, boolean ranges) {
      Integer protocol = protocol(m);
      List<Port.Range> ports = new ArrayList<>();
      Port.Range one = portRange(m, "port", ranges);
      if (one != null) {
        ports.add(one);
      }
      Node list = m.get("ports");
      if (list != null) {
        if (one != null) {
          d.error(m.keySpan("ports"), "give `port` or `ports`, not both");
        }
        if (!(list instanceof Node.Sequence seq)) {
          typeError(list, m.path("ports"), "a list");
        } else {
          for (Node item : seq.items()) {
            Port.Range r = port(item, m.path("ports") + "[]", ranges);
            if (r != null) {
              ports.add(r);
            }
          }
        }
      }
      Integer[] icmp = icmp(m);
      Integer ipVersion = ipVersion(m);
      if (!ports.isEmpty() && protocol != null && !Protocols.hasPorts(protocol)) {
        d.error(m.keySpan(one != null ? "port" : "ports"), "ports need a protocol with ports (TCP, UDP, SCTP, UDPLite), not `" + Protocols.name(protocol) + "`");
      }
      if (!ports.isEmpty() && icmp[0] != null) {
        d.error(m.keySpan("icmp"), "ports and `icmp` exclude each other");
      }
      return new Scope(protocol, ports, icmp[0], icmp[1], ipVersion);
    }

    Integer protocol(Keys m) {
      Node n = m.get("protocol");
      if (n == null) {
        return null;
      }
      if (n instanceof Node.Scalar s && (s.type() == Node.Scalar.Type.STRING || s.type() == Node.Scalar.Type.INTEGER)) {
        java.util.Optional<Integer> p = Protocols.parseLenient(s.text());
        if (p.isPresent()) {
          return p.get();
        }
        d.error(s.span(), "`" + s.text() + "` is not a protocol; use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or a number 1-255");
        return null;
      }
      typeError(n, m.path("protocol"), "a protocol name or number");
      return null;
    }

    Port.Range portRange(Keys m, String key, boolean ranges) {
      Node n = m.get(key);
      return n == null ? null : port(n, m.path(key), ranges);
    }

    Port.Range port(Node n, String path, boolean ranges) {
      if (n instanceof Node.Scalar s && (s.type() == Node.Scalar.Type.STRING || s.type() == Node.Scalar.Type.INTEGER)) {
        Matcher x = PORTS.matcher(s.text());
        if (x.matches()) {
          int min = Integer.parseInt(x.group(1));
          int max = x.group(2) == null ? min : Integer.parseInt(x.group(2));
          if (min >= 1 && max <= 65535 && min <= max) {
            if (!ranges && min != max) {
              d.error(s.span(), "`" + path + "` is one port here: a probe is one concrete flow");
              return null;
            }
            return new Port.Range(min, max);
          }
        }
        d.error(s.span(), "`" + path + "` takes a port 1-65535" + (ranges ? " or a range `N:M` with N <= M" : "") + ", not `" + s.text() + "`");
        return null;
      }
      typeError(n, path, "a port");
      return null;
    }

    Integer[] icmp(Keys m) {
      Node n = m.get("icmp");
      if (n == null) {
        return new Integer[2];
      }
      if (!(n instanceof Node.Mapping im)) {
        typeError(n, m.path("icmp"), "a mapping with `type` and `code`");
        return new Integer[2];
      }
      Keys i = new Keys(im, m.path("icmp"));
      Integer type = integer(i, "type");
      Integer code = integer(i, "code");
      for (Integer v : new Integer[] {type, code}) {
        if (v != null && (v < 0 || v > 255)) {
          d.error(im.span(), "ICMP type and code are 0-255, not " + v);
        }
      }
      if (type == null) {
        d.error(im.span(), "`" + m.path("icmp") + "` needs a `type`");
      }
      done(i, List.of());
      return new Integer[] {type, code};
    }

    Integer ipVersion(Keys m) {
      Integer v = integer(m, "ipVersion");
      if (v != null && v != 4 && v != 6) {
        d.error(m.keySpan("ipVersion"), "`" + m.path("ipVersion") + "` is 4 or 6, not " + v);
        return null;
      }
      return v;
    }

    // -------------------------------------------------------------------------------------------
    // scalars

    Keys mapping(Keys m, String key) {
      Node n = m.get(key);
      if (n == null) {
        return null;
      }
      if (n instanceof Node.Mapping mm) {
        return new Keys(mm, m.path(key));
      }
      typeError(n, m.path(key), "a mapping");
      return null;
    }

    Node.Scalar string(Keys m, String key) {
      Node n = m.get(key);
      if (n == null) {
        return null;
      }
      if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING) {
        return s;
      }
      typeError(n, m.path(key), "a string");
      return null;
    }

    List<Node.Scalar> strings(Keys m, String key) {
      Node n = m.get(key);
      List<Node.Scalar> out = new ArrayList<>();
      if (n == null) {
        return out;
      }
      if (!(n instanceof Node.Sequence seq)) {
        typeError(n, m.path(key), "a list");
        return out;
      }
      for (Node item : seq.items()) {
        if (item instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING) {
          out.add(s);
        } else {
          typeError(item, m.path(key) + "[]", "a string");
        }
      }
      return out;
    }

    Integer integer(Keys m, String key) {
      Node n = m.get(key);
      if (n == null) {
        return null;
      }
      if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.INTEGER && s.text().matches("-?\\d{1,9}")) {
        return Integer.parseInt(s.text());
      }
      typeError(n, m.path(key), "a small integer");
      return null;
    }

    boolean flag(Keys m, String key) {
      Node n = m.get(key);
      if (n == null) {
        return false;
      }
      if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.BOOLEAN) {
        return Boolean.parseBoolean(s.text().toLowerCase(java.util.Locale.ROOT));
      }
      typeError(n, m.path(key), "a boolean");
      return false;
    }

    void typeError(Node n, String path, String expected) {
      d.error(n.span(), "`" + path + "` must be " + expected + ", found " + n.describe());
    }

    private static List<String> pool(Keys m, List<String> also) {
      List<String> out = new ArrayList<>(m.known);
      out.addAll(also);
      return out;
    }

    /** Every key nobody asked for is an error, with a suggestion ({@code also} are known elsewhere). */
    void done(Keys m, List<String> also) {
      for (Node.Entry e : m.node.entries()) {
        String key = e.key().text();
        if (!m.known.contains(key) && !also.contains(key)) {
          String where = m.path.isEmpty() ? "an InvariantSet" : "`" + m.path + "`";
          d.error(e.key().span(), "unknown field `" + key + "` in " + where + Suggest.suffix(key, pool(m, also)));
        }
      }
    }
  }
}
