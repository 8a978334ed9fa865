package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Calico v3 rules (of policies and profiles) → {@link Rule}: fields of specs/semantics.md S3,
 * composed selectors of S3.8, and the validator's rule constraints of S8. A rule whose action is
 * invalid is dropped (after its other problems are reported); the others are kept as read.
 */
final class Rules {

  private static final int MAX_RULES = 1024;
  private static final List<String> PROTOCOL_NAMES =
      List.of("TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite");

  /** Beyond any port: bounds numbers before they are compared. */
  private static final BigInteger LIMIT = BigInteger.valueOf(1 << 20);

  /**
   * A port name (Calico's validator, Kubernetes' IANA_SVC_NAME): 1-15 of a-z, 0-9, `-`, a letter,
   * no `-` at the ends.
   */
  private static final Pattern PORT_NAME =
      Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

  /** What is wrong with {@code name} as a port name, or null. */
  static String portNameProblem(String name) {
    return PORT_NAME.matcher(name).matches()
        ? null
        : "a port name has 1-15 lower case letters, digits and `-`, at least one letter, and no `-` at either end";
  }

  private static final List<String> ACTIONS = List.of("Allow", "Deny", "Log", "Pass");

  private Rules() {}

  /**
   * What a rule side needs to know about its rule.
   *
   * @param protocol null when absent or invalid
   * @param protocolKnown false when a protocol was written but is invalid (checks that depend on it
   *     are skipped rather than reported twice)
   */
  private record Context(
      Direction direction,
      Integer protocol,
      boolean protocolKnown,
      String namespace,
      CalicoVersion version) {}

  /**
   * The rules under {@code key} ({@code ingress}/{@code egress}) of a policy or profile spec.
   *
   * @param namespace the policy's namespace; null for global policies and profiles
   * @param version the Calico release whose validation applies (a catch-all {@code notNets} is an
   *     error from 3.31, S8)
   */
  static List<Rule> read(
      Fields spec, Direction direction, String namespace, CalicoVersion version) {
    String key = direction.json();
    List<Fields> items = spec.objects(key);
    if (items.size() > MAX_RULES) {
      spec.diagnostics()
          .error(
              spec.keySpan(key),
              "at most " + MAX_RULES + " " + key + " rules are allowed, found " + items.size());
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Rule r = rule(items.get(i), i, direction, namespace, version);
      if (r != null) {
        rules.add(r);
      }
    }
    return rules;
  }

  private static Rule rule(
      Fields r, int index, Direction direction, String namespace, CalicoVersion version) {
    Diagnostics d = r.diagnostics();
    Action action = action(r);
    Integer ipVersion = r.integer("ipVersion");
    if (ipVersion != null && ipVersion != 4 && ipVersion != 6) {
      d.error(r.node("ipVersion").span(), "invalid ipVersion `" + ipVersion + "`: expected 4 or 6");
      ipVersion = null;
    }
    Integer protocol = protocol(r, "protocol");
    boolean protocolKnown = protocol != null || !r.has("protocol");
    Integer notProtocol = protocol(r, "notProtocol");
    if (protocol != null
        && ipVersion != null
        && (protocol == Protocols.ICMP && ipVersion == 6
            || protocol == Protocols.ICMPV6 && ipVersion == 4)) {
      d.error(
          r.node("protocol").span(),
          "protocol `"
              + Protocols.name(protocol)
              + "` cannot match `ipVersion: "
              + ipVersion
              + "`: use `"
              + (ipVersion == 6 ? "ICMPv6" : "ICMP")
              + "`");
    }
    Icmp icmp = icmp(r, "icmp", protocol, protocolKnown);
    Icmp notIcmp = icmp(r, "notICMP", protocol, protocolKnown);
    boolean http = http(r, direction, action, protocol);
    r.ignore("metadata");
    Context c = new Context(direction, protocol, protocolKnown, namespace, version);
    List<Net> nets = new ArrayList<>();
    EntityMatch source = side(r.object("source"), true, c, nets);
    EntityMatch destination = side(r.object("destination"), false, c, nets);
    families(nets, ipVersion, d);
    r.done();
    return action == null
        ? null
        : new Rule(
            index,
            action,
            ipVersion,
            protocol,
            notProtocol,
            icmp,
            notIcmp,
            source,
            destination,
            http,
            r.span());
  }

  private static Action action(Fields r) {
    Node.Scalar s = r.scalar("action");
    if (s == null) {
      if (!r.has("action")) {
        r.diagnostics().error(r.span(), "rule has no `action`");
      }
      return null;
    }
    Action a = Action.parse(s.text()).orElse(null);
    if (a == null) {
      r.diagnostics()
          .error(s.span(), "invalid action `" + s.text() + "`" + Suggest.choice(s.text(), ACTIONS));
    }
    return a;
  }

  /**
   * A Calico protocol: exact-case name, number 1-255, or a numeric string; null when absent or bad.
   */
  static Integer protocol(Fields r, String key) {
    Node n = r.node(key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof Node.Scalar s)
        || s.type() != Node.Scalar.Type.STRING && s.type() != Node.Scalar.Type.INTEGER) {
      r.diagnostics()
          .error(
              n.span(),
              "`" + r.path(key) + "` must be a protocol name or number, found " + n.describe());
      return null;
    }
    Integer p = Protocols.parse(s.text()).orElse(null);
    if (p == null) {
      r.diagnostics()
          .error(
              s.span(),
              "invalid protocol `"
                  + s.text()
                  + "`"
                  + (s.text().matches("-?\\d+")
                      ? ": a protocol number must be 1-255"
                      : Suggest.choice(s.text(), PROTOCOL_NAMES, "a number 1-255")));
    }
    return p;
  }

  private static Icmp icmp(Fields r, String key, Integer protocol, boolean protocolKnown) {
    Fields f = r.object(key);
    if (f == null) {
      return null;
    }
    Diagnostics d = r.diagnostics();
    Integer type = f.integer("type");
    Integer code = f.integer("code");
    f.done();
    if (protocolKnown && (protocol == null || !Protocols.isIcmp(protocol))) {
      d.error(r.keySpan(key), "`" + key + "` needs protocol `ICMP` or `ICMPv6`");
    }
    if (type != null && (type < 0 || type > 254)) {
      d.error(f.node("type").span(), "invalid icmp type `" + type + "`: must be 0-254");
    }
    if (code != null && (code < 0 || code > 255)) {
      d.error(f.node("code").span(), "invalid icmp code `" + code + "`: must be 0-255");
    }
    if (code != null && type == null) {
      d.error(f.keySpan("code"), "`" + key + ".code` needs `" + key + ".type`");
    }
    return type == null ? null : new Icmp(type, code);
  }

  private static boolean http(Fields r, Direction direction, Action action, Integer protocol) {
    Fields f = r.object("http");
    if (f == null) {
      return false;
    }
    f.strings("methods");
    for (Fields path : f.objects("paths")) {
      path.string("exact");
      path.string("prefix");
      path.done();
    }
    f.done();
    Diagnostics d = r.diagnostics();
    Span at = r.keySpan("http");
    if (direction != Direction.INGRESS || action != null && action != Action.ALLOW) {
      d.error(at, "`http` is only valid in ingress Allow rules");
    } else if (protocol != null && protocol != Protocols.TCP) {
      d.error(at, "`http` needs protocol `TCP` or none");
    } else {
      d.warning(
          at,
          "`http` matches are enforced at L7 only: they are over-approximated at L4 (the rule"
              + " matches whatever its other fields match)");
    }
    return true;
  }

  /** A CIDR of one rule and where it was written, for the family checks. */
  private record Net(Cidr cidr, Span span) {}

  private static EntityMatch side(Fields f, boolean source, Context c, List<Net> nets) {
    // spec S3.8, S8
    if (f == null) {
      return EntityMatch.ANY;
    }
    Diagnostics d = f.diagnostics();
    List<Cidr> positive = cidrs(f, "nets", nets, c.version());
    List<Cidr> negative = cidrs(f, "notNets", nets, c.version());
    Selector selector = Selectors.read(f, "selector", Selectors.Use.PLAIN);
    Selector notSelector = Selectors.read(f, "notSelector", Selectors.Use.PLAIN);
    Selector namespaces =
        Selectors.read(f, "namespaceSelector", Selectors.Use.RULE_NAMESPACE_SELECTOR);
    List<Port> ports = ports(f, "ports", c);
    List<Port> notPorts = ports(f, "notPorts", c);
    List<String> saNames = new ArrayList<>();
    Selector saSelector = null;
    Fields sa = f.object("serviceAccounts");
    if (sa != null) {
      sa.strings("names").forEach(s -> saNames.add(s.text()));
      saSelector = Selectors.read(sa, "selector", Selectors.Use.PLAIN);
      sa.done();
    }
    ServiceMatch service = service(f, source, c);
    List<String> domains = domains(f, "domains", d);
    if (f.has("domains") && (source || c.direction() != Direction.EGRESS)) {
      d.error(f.keySpan("domains"), "`domains` is only valid in the destination of an egress rule");
    }
    f.done();
    Selector composed =
        Selectors.positive(selector, namespaces, notSelector, saNames, saSelector, c.namespace());
    return new EntityMatch(
        positive, negative, composed, notSelector, ports, notPorts, domains, service);
  }

  private static ServiceMatch service(Fields f, boolean source, Context c) {
    Fields svc = f.object("services");
    if (svc == null) {
      return null;
    }
    Diagnostics d = f.diagnostics();
    int errors = d.errors().size();
    Span at = f.keySpan("services");
    String name = svc.string("name");
    String namespace = svc.string("namespace");
    svc.done();
    if (source != (c.direction() == Direction.INGRESS)) {
      d.error(
          at,
          "`services` is only valid in the destination of an egress rule or the source of an"
              + " ingress rule");
    }
    for (String other :
        List.of(
            "selector", "notSelector", "namespaceSelector", "nets", "notNets", "serviceAccounts")) {
      if (f.has(other)) {
        d.error(at, "`services` cannot be combined with `" + other + "`");
      }
    }
    if (!source && f.has("ports")) {
      d.error(
          f.keySpan("ports"),
          "`ports` cannot be combined with `services` in an egress rule: the service's ports"
              + " apply");
    }
    if (name == null) {
      d.error(svc.span(), "`services` needs a `name`");
    }
    if ((namespace == null || namespace.isEmpty()) && c.namespace() == null) {
      d.error(svc.span(), "`services` needs a `namespace` outside a namespaced policy");
    }
    if (d.errors().size() > errors) {
      return null;
    }
    // spec S3.9: an empty namespace in a namespaced policy is the policy's own (the API's reading)
    String ns = namespace != null && !namespace.isEmpty() ? namespace : c.namespace();
    return ServiceMatch.pending(ns + "/" + name, !source);
  }

  private static List<Cidr> cidrs(Fields f, String key, List<Net> nets, CalicoVersion version) {
    List<Cidr> out = new ArrayList<>();
    for (Node.Scalar s : f.strings(key)) {
      Cidr cidr = cidr(s, f.diagnostics());
      // spec S8: rejected from 3.31; earlier releases accept it and lint reports it
      if (cidr != null
          && cidr.isCatchAll()
          && key.equals("notNets")
          && version.atLeast(CalicoVersion.V3_31)) {
        f.diagnostics().error(s.span(), "`notNets` must not contain the catch-all `" + cidr + "`");
      }
      if (cidr != null) {
        out.add(cidr);
        nets.add(new Net(cidr, s.span()));
      }
    }
    return out;
  }

  /** A rule CIDR; a bare address is a host network; host bits set are an error (S8). */
  private static Cidr cidr(Node.Scalar s, Diagnostics d) {
    Cidr cidr = Cidr.parse(s.text()).orElse(null);
    if (cidr == null) {
      d.error(s.span(), "invalid CIDR `" + s.text() + "`");
      return null;
    }
    if (cidr.hasHostBits()) {
      d.error(s.span(), "CIDR `" + s.text() + "` has host bits set: did you mean `" + cidr + "`?");
    }
    return cidr;
  }

  private static void families(List<Net> nets, Integer ipVersion, Diagnostics d) {
    Net first = null;
    for (Net n : nets) {
      if (ipVersion != null && n.cidr().family() != ipVersion) {
        d.error(
            n.span(),
            "CIDR `"
                + n.cidr()
                + "` is IPv"
                + n.cidr().family()
                + " but the rule has `ipVersion: "
                + ipVersion
                + "`");
      } else if (ipVersion == null && first != null && n.cidr().family() != first.cidr().family()) {
        d.error(
            n.span(),
            "rule mixes IPv4 and IPv6 CIDRs: `"
                + n.cidr()
                + "` is IPv"
                + n.cidr().family()
                + ", `"
                + first.cidr()
                + "` is IPv"
                + first.cidr().family());
        return;
      } else if (first == null) {
        first = n;
      }
    }
  }

  private static List<Port> ports(Fields f, String key, Context c) {
    Integer protocol = c.protocol();
    List<Port> out = new ArrayList<>();
    List<Node> items = f.list(key);
    boolean reported = !c.protocolKnown();
    for (int i = 0; i < items.size(); i++) {
      Port p = port(items.get(i), f.path(key) + "[" + i + "]", f.diagnostics());
      if (p == null) {
        continue;
      }
      if (p instanceof Port.Range && !reported && (protocol == null || !carriesPorts(protocol))) {
        reported = true;
        f.diagnostics()
            .error(
                items.get(i).span(),
                "port `"
                    + p
                    + "` needs protocol `TCP`, `UDP` or `SCTP`"
                    + (protocol == null ? "" : ", not `" + Protocols.name(protocol) + "`"));
      }
      out.add(p);
    }
    return out;
  }

  private static boolean carriesPorts(int protocol) {
    return protocol == Protocols.TCP || protocol == Protocols.UDP || protocol == Protocols.SCTP;
  }

  /** A Calico port: integer, {@code "min:max"}, a numeric string, or a name (S3.5). */
  /**
   * A DNS name, or {@code *.} and one: labels of 1-63 letters, digits and {@code -} (not at their
   * ends), at most 253 characters.
   */
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(\\*\\.)?([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\\.?");

  /**
   * The list of domain names under {@code key}; a malformed one is an error at its position and
   * left out.
   */
  static List<String> domains(Fields f, String key, Diagnostics d) {
    List<String> out = new java.util.ArrayList<>();
    for (Node.Scalar s : f.strings(key)) {
      if (s.text().length() > 253 || !DOMAIN.matcher(s.text()).matches()) {
        d.error(
            s.span(),
            "invalid domain name `"
                + s.text()
                + "`: dot-separated labels of letters, digits and `-` (not at"
                + " their ends), optionally after `*.`");
      } else {
        out.add(s.text());
      }
    }
    return out;
  }

  static Port port(Node n, String at, Diagnostics d) {
    if (!(n instanceof Node.Scalar s)
        || s.type() != Node.Scalar.Type.STRING && s.type() != Node.Scalar.Type.INTEGER) {
      d.error(n.span(), "`" + at + "` must be a port number, range or name, found " + n.describe());
      return null;
    }
    String text = s.type() == Node.Scalar.Type.INTEGER ? s.number().toString() : s.text();
    if (text.matches("-?\\d+")) {
      return range(s, text, text, d);
    }
    int colon = text.indexOf(':');
    if (colon >= 0) {
      return range(s, text.substring(0, colon), text.substring(colon + 1), d);
    }
    String problem = portNameProblem(text);
    if (problem != null) {
      d.error(s.span(), "invalid port `" + s.text() + "`: " + problem);
      return null;
    }
    return new Port.Named(text);
  }

  private static Port range(Node.Scalar s, String min, String max, Diagnostics d) {
    if (!min.matches("-?\\d+") || !max.matches("-?\\d+")) {
      d.error(
          s.span(),
          "invalid port range `" + s.text() + "`: expected `min:max` with numbers 1-65535");
      return null;
    }
    long lo = new BigInteger(min).max(LIMIT.negate()).min(LIMIT).longValue();
    long hi = new BigInteger(max).max(LIMIT.negate()).min(LIMIT).longValue();
    if (lo < 1 || hi > 65535 || hi < 1 || lo > 65535) {
      d.error(s.span(), "invalid port `" + s.text() + "`: ports must be 1-65535");
      return null;
    }
    if (lo > hi) {
      d.error(s.span(), "invalid port range `" + s.text() + "`: " + lo + " is greater than " + hi);
      return null;
    }
    return new Port.Range((int) lo, (int) hi);
  }
}
