package dev.tierproof.load;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.InvariantSet.Domain;
import dev.tierproof.model.InvariantSet.Net;
import dev.tierproof.model.InvariantSet.Peer;
import dev.tierproof.model.InvariantSet.Ref;
import dev.tierproof.model.InvariantSet.Selection;
import dev.tierproof.model.InvariantSet.Term;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.selector.Selector;
import dev.tierproof.selector.SelectorSyntaxException;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of an invariant file below the schema that {@link Invariants} reads: peers and their
 * terms (references, selector mappings, ranges, domains), the packets a claim is about, and typed
 * scalars. A mapping is read through {@link Keys}; every key nobody asked for is an error with a
 * suggestion ({@link #done}). Problems go to the diagnostics at the value's position.
 */
class InvariantFields {

  private static final Pattern PORTS = Pattern.compile("(\\d{1,5})(?::(\\d{1,5}))?");

  /** A mapping being read: the keys asked for are known, the others are errors. */
  static final class Keys {
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

  final Diagnostics d;

  InvariantFields(Diagnostics d) {
    this.d = d;
  }

  // -------------------------------------------------------------------------------------------
  // peers

  Peer required(Keys m, String key, Span owner) {
    if (m.node.entry(key) == null) {
      m.get(key);
      d.error(
          owner,
          "`"
              + m.path(key)
              + "` is missing: an endpoint reference such as `ns/*`, `ns/name` or `{app == 'web'}`");
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
        d.error(
            n.span(),
            "`" + m.path(key) + "` is an empty list: it would stand for no endpoint at all");
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
      typeError(
          n,
          path,
          "an endpoint reference (a string) or a mapping with `namespace`, `selector`, `nets`, ...");
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
      d.error(
          mm.span(),
          "a peer is either endpoints (`namespace`, `namespaceSelector`, `selector`, `serviceAccount`) or addresses (`nets`, `domains`), not both: use a list of two peers");
      return;
    }
    if (!selection && nets.isEmpty() && domains.isEmpty()) {
      d.error(
          mm.span(),
          "empty peer: give `namespace`, `namespaceSelector`, `selector`, `serviceAccount`, `nets` or `domains`");
      return;
    }
    for (Node.Scalar c : nets) {
      java.util.Optional<Cidr> cidr = Cidr.parse(c.text());
      if (cidr.isEmpty()) {
        d.error(c.span(), "`" + c.text() + "` is not a CIDR");
      } else if (cidr.get().hasHostBits()) {
        d.error(
            c.span(), "`" + c.text() + "` has host bits set; did you mean `" + cidr.get() + "`?");
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
        // the namespace's labels, as an endpoint inherits them from its namespace profile (spec
        // S2.7)
        Selector scoped =
            p.prefixed("pcns.")
                .replaceAll(new Selector.Has(dev.tierproof.model.Endpoint.NAMESPACE_LABEL));
        s = s == null ? scoped : Selector.and(s, scoped);
      }
    }
    if (sa != null) {
      Selector p =
          new Selector.Compare("projectcalico.org/serviceaccount", Selector.Op.EQ, sa.text());
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
      d.error(
          owner,
          "`"
              + m.path(key)
              + "` is missing: one endpoint, e.g. `shop/cart-0`, an address or a domain");
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
        d.error(
            s.at(Math.max(0, s.text().indexOf("global("))),
            "`global()` does not select endpoints here");
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

  /**
   * {@code protocol}, {@code port}/{@code ports}, {@code icmp}, {@code ipVersion}: one bound per
   * port range (their union), one without ports when none is given, none when nothing is.
   */
  List<FlowSpec> scope(Keys m, boolean ranges) {
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
      d.error(
          m.keySpan(one != null ? "port" : "ports"),
          "ports need a protocol with ports (TCP, UDP, SCTP, UDPLite), not `"
              + Protocols.name(protocol)
              + "`");
    }
    if (!ports.isEmpty() && icmp[0] != null) {
      d.error(m.keySpan("icmp"), "ports and `icmp` exclude each other");
    }
    if (ports.isEmpty()) {
      FlowSpec bound = new FlowSpec(protocol, null, null, icmp[0], icmp[1], ipVersion);
      return bound.equals(FlowSpec.ANY) ? List.of() : List.of(bound);
    }
    return ports.stream()
        .map(p -> new FlowSpec(protocol, p, null, icmp[0], icmp[1], ipVersion))
        .toList();
  }

  Integer protocol(Keys m) {
    Node n = m.get("protocol");
    if (n == null) {
      return null;
    }
    if (n instanceof Node.Scalar s
        && (s.type() == Node.Scalar.Type.STRING || s.type() == Node.Scalar.Type.INTEGER)) {
      java.util.Optional<Integer> p = Protocols.parseLenient(s.text());
      if (p.isPresent()) {
        return p.get();
      }
      d.error(
          s.span(),
          "`"
              + s.text()
              + "` is not a protocol; use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or a number 1-255");
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
    if (n instanceof Node.Scalar s
        && (s.type() == Node.Scalar.Type.STRING || s.type() == Node.Scalar.Type.INTEGER)) {
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
      d.error(
          s.span(),
          "`"
              + path
              + "` takes a port 1-65535"
              + (ranges ? " or a range `N:M` with N <= M" : "")
              + ", not `"
              + s.text()
              + "`");
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
    if (n instanceof Node.Scalar s
        && s.type() == Node.Scalar.Type.INTEGER
        && s.text().matches("-?\\d{1,9}")) {
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

  /**
   * Every key nobody asked for is an error, with a suggestion ({@code also} are known elsewhere).
   */
  void done(Keys m, List<String> also) {
    for (Node.Entry e : m.node.entries()) {
      String key = e.key().text();
      if (!m.known.contains(key) && !also.contains(key)) {
        String where = m.path.isEmpty() ? "an InvariantSet" : "`" + m.path + "`";
        d.error(
            e.key().span(),
            "unknown field `" + key + "` in " + where + Suggest.suffix(key, pool(m, also)));
      }
    }
  }
}
