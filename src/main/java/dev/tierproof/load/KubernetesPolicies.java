package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kubernetes {@code networking.k8s.io/v1} NetworkPolicy (and StagedKubernetesNetworkPolicy) →
 * Calico policy exactly as Calico converts it (specs/semantics.md S2.4), after the defaulting and
 * validation the Kubernetes API server applies (port protocol TCP, {@code policyTypes}).
 */
final class KubernetesPolicies {

  private static final double ORDER = 1000;
  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private KubernetesPolicies() {}

  static Policy convert(PolicyKind kind, Meta meta, Fields spec) {
    Fields podSelector = spec.object("podSelector");
    List<Selector> terms = new ArrayList<>();
    terms.add(Selectors.equal(Selectors.ORCHESTRATOR, "k8s"));
    terms.addAll(labelSelector(podSelector));
    Set<Direction> written = Policies.types(spec, "policyTypes");
    List<Rule> ingress = rules(spec, Direction.INGRESS, meta.namespace());
    List<Rule> egress = rules(spec, Direction.EGRESS, meta.namespace());
    if (kind.staged()) {
      Policies.stagedAction(spec);
    }
    Set<Direction> types =
        written.isEmpty() ? Policies.kubernetesDefaultTypes(!egress.isEmpty()) : written;
    spec.done();
    Selector selector = Selectors.namespacedPolicy(Selectors.all(terms), meta.namespace(), null);
    return policy(kind, meta, Policies.DEFAULT_TIER, ORDER, selector, types, ingress, egress);
  }

  /** A converted policy of a Kubernetes kind: on the normal path only (no host-path flags). */
  static Policy policy(
      PolicyKind kind,
      Meta meta,
      String tier,
      Double order,
      Selector selector,
      Set<Direction> types,
      List<Rule> ingress,
      List<Rule> egress) {
    return new Policy(
        kind,
        meta.name(),
        meta.namespace(),
        tier,
        order,
        selector,
        types,
        ingress,
        egress,
        false,
        false,
        false,
        meta.span());
  }

  /**
   * The terms of a LabelSelector: {@code matchLabels} by sorted key, then {@code matchExpressions}.
   */
  static List<Selector> labelSelector(Fields f) {
    // spec S2.4
    List<Selector> terms = new ArrayList<>();
    if (f == null) {
      return terms;
    }
    new TreeMap<>(f.labels("matchLabels")).forEach((k, v) -> terms.add(Selectors.equal(k, v)));
    for (Fields e : f.objects("matchExpressions")) {
      Node.Scalar keyAt = e.scalar("key");
      String key = keyAt == null ? null : keyAt.text();
      Node.Scalar operator = e.scalar("operator");
      List<Node.Scalar> valuesAt = e.strings("values");
      List<String> values = valuesAt.stream().map(Node.Scalar::text).toList();
      // label keys and values as Kubernetes checks them
      if (keyAt != null && LabelRules.keyProblem(key) != null) {
        e.diagnostics()
            .error(
                keyAt.span(),
                "invalid label key `"
                    + LabelRules.printable(key)
                    + "`: "
                    + LabelRules.keyProblem(key));
      }
      for (Node.Scalar v : valuesAt) {
        if (LabelRules.valueProblem(v.text()) != null) {
          e.diagnostics()
              .error(
                  v.span(),
                  "invalid label value `"
                      + LabelRules.printable(v.text())
                      + "`: "
                      + LabelRules.valueProblem(v.text()));
        }
      }
      e.done();
      if (key == null || operator == null) {
        e.diagnostics().error(e.span(), "a match expression needs `key` and `operator`");
        continue;
      }
      Selector term =
          switch (operator.text()) {
            case "In" -> new Selector.InSet(key, values, false);
            case "NotIn" -> new Selector.InSet(key, values, true);
            case "Exists" -> new Selector.Has(key);
            case "DoesNotExist" -> new Selector.Not(new Selector.Has(key));
            default -> null;
          };
      boolean set = operator.text().equals("In") || operator.text().equals("NotIn");
      if (term == null) {
        e.diagnostics()
            .error(
                operator.span(),
                "invalid operator `"
                    + operator.text()
                    + "`"
                    + Suggest.choice(operator.text(), OPERATORS));
      } else if (set == values.isEmpty()) {
        e.diagnostics()
            .error(
                operator.span(),
                "operator `"
                    + operator.text()
                    + "` "
                    + (set ? "needs `values`" : "takes no `values`"));
      } else {
        terms.add(term);
      }
    }
    f.done();
    return terms;
  }

  /** A peer as Calico fields: the pod selector (raw), namespace selector, nets and notNets. */
  private record Peer(Selector selector, Selector namespaces, List<Cidr> nets, List<Cidr> notNets) {
    static final Peer ANY = new Peer(null, null, List.of(), List.of());
  }

  private static List<Rule> rules(Fields spec, Direction direction, String namespace) {
    // spec S2.4
    boolean ingress = direction == Direction.INGRESS;
    List<Rule> out = new ArrayList<>();
    List<Fields> entries = spec.objects(direction.json());
    for (int index = 0; index < entries.size(); index++) {
      Fields entry = entries.get(index);
      List<Peer> peers = new ArrayList<>();
      boolean valid = true;
      for (Fields p : entry.objects(ingress ? "from" : "to")) {
        Peer peer = peer(p);
        valid &= peer != null;
        peers.add(peer);
      }
      if (peers.isEmpty()) {
        peers.add(Peer.ANY);
      }
      Map<String, List<Port>> byProtocol = ports(entry);
      entry.done();
      if (!valid || byProtocol == null) {
        continue; // a rule that fails conversion is dropped: KNP rules only allow
      }
      List<Far> far = new ArrayList<>();
      for (Peer peer : peers) {
        Selector composed =
            Selectors.positive(
                peer.selector(), peer.namespaces(), null, List.of(), null, namespace);
        far.add(new Far(composed, peer.nets(), peer.notNets()));
      }
      out.addAll(new Converted(index, Action.ALLOW, ingress, entry.span()).rules(byProtocol, far));
    }
    return out;
  }

  /** One peer of a converted rule entry as its rules' far side: selector, nets and notNets. */
  record Far(Selector composed, List<Cidr> nets, List<Cidr> notNets) {}

  /**
   * What the Calico rules of one converted Kubernetes rule entry share (spec S2.4, S2.10): its
   * index as written, its action, its direction and place; {@link #rule} makes one per protocol ×
   * peer.
   */
  record Converted(int index, Action action, boolean ingress, dev.tierproof.source.Span span) {

    /**
     * The entry's rules: one per protocol of {@code byProtocol} (by name, {@code ""} for no
     * protocol constraint; a null list for all its ports) × far side, in that order.
     */
    List<Rule> rules(Map<String, List<Port>> byProtocol, List<Far> far) {
      List<Rule> out = new ArrayList<>();
      byProtocol.forEach(
          (name, ports) -> {
            Integer protocol = name.isEmpty() ? null : Protocols.parse(name).orElseThrow();
            List<Port> list = ports == null ? List.of() : simplify(ports);
            far.forEach(f -> out.add(rule(protocol, list, f.composed(), f.nets(), f.notNets())));
          });
      return out;
    }

    /**
     * The rule for one protocol's destination {@code ports} and one peer ({@code composed}
     * selector, nets) on the far side.
     */
    Rule rule(
        Integer protocol,
        List<Port> ports,
        Selector composed,
        List<Cidr> nets,
        List<Cidr> notNets) {
      EntityMatch far =
          new EntityMatch(
              nets,
              notNets,
              composed,
              null,
              ingress ? List.of() : ports,
              List.of(),
              List.of(),
              null);
      EntityMatch local =
          new EntityMatch(List.of(), List.of(), null, null, ports, List.of(), List.of(), null);
      return new Rule(
          index,
          action,
          null,
          protocol,
          null,
          null,
          null,
          ingress ? far : EntityMatch.ANY,
          ingress ? local : far,
          false,
          span);
    }
  }

  private static Peer peer(Fields p) {
    Fields pods = p.object("podSelector");
    Fields namespaces = p.object("namespaceSelector");
    Fields block = p.object("ipBlock");
    p.done();
    Diagnostics d = p.diagnostics();
    if (block != null) {
      if (pods != null || namespaces != null) {
        d.error(
            p.keySpan("ipBlock"),
            "`ipBlock` cannot be combined with `podSelector` or `namespaceSelector`");
      }
      return ipBlock(block);
    }
    if (pods == null && namespaces == null) {
      d.error(p.span(), "a peer needs `podSelector`, `namespaceSelector` or `ipBlock`");
      return null;
    }
    List<Selector> podTerms = new ArrayList<>();
    podTerms.add(Selectors.equal(Selectors.ORCHESTRATOR, "k8s"));
    podTerms.addAll(labelSelector(pods));
    Selector nsSelector = null;
    if (namespaces != null) {
      List<Selector> nsTerms = labelSelector(namespaces);
      nsSelector = nsTerms.isEmpty() ? Selector.all() : Selectors.all(nsTerms);
    }
    return new Peer(Selectors.all(podTerms), nsSelector, List.of(), List.of());
  }

  private static Peer ipBlock(Fields block) {
    Node.Scalar cidrText = block.scalar("cidr");
    List<Node.Scalar> exceptTexts = block.strings("except");
    block.done();
    Diagnostics d = block.diagnostics();
    if (cidrText == null) {
      d.error(block.span(), "`ipBlock` needs a `cidr`");
      return null;
    }
    Cidr cidr = network(cidrText, d);
    if (cidr == null) {
      return null;
    }
    List<Cidr> except = new ArrayList<>();
    for (Node.Scalar s : exceptTexts) {
      Cidr e = network(s, d);
      if (e == null) {
        continue;
      }
      if (e.family() != cidr.family()
          || e.prefix() <= cidr.prefix()
          || !cidr.contains(e.address())) {
        d.error(
            s.span(), "`except` entry `" + s.text() + "` is not strictly inside `" + cidr + "`");
      }
      except.add(e);
    }
    return new Peer(null, null, List.of(cidr), except);
  }

  /** A Kubernetes CIDR: host bits are allowed and masked, as Go's {@code ParseCIDR} does. */
  static Cidr network(Node.Scalar s, Diagnostics d) {
    Cidr c = s.text().contains("/") ? Cidr.parse(s.text()).orElse(null) : null;
    if (c == null) {
      d.error(s.span(), "invalid CIDR `" + s.text() + "`");
      return null;
    }
    return new Cidr(new Ip(c.family(), c.low()), c.prefix());
  }

  /**
   * Ports per protocol name ({@code ""} for "no ports at all": no protocol constraint), a null list
   * meaning all ports of that protocol; null when an entry is invalid.
   */
  private static Map<String, List<Port>> ports(Fields entry) {
    List<Node> items = entry.list("ports");
    if (items.isEmpty()) {
      Map<String, List<Port>> any = new TreeMap<>();
      any.put("", null);
      return any;
    }
    Map<String, List<Port>> byName = new TreeMap<>();
    boolean valid = true;
    for (int i = 0; i < items.size(); i++) {
      Fields item = entry.object(items.get(i), entry.path("ports") + "[" + i + "]");
      if (item == null) {
        valid = false;
        continue;
      }
      Node.Scalar protocolText = item.scalar("protocol");
      String protocol = protocolText == null ? "TCP" : protocolText.text();
      if (!PROTOCOLS.contains(protocol)) {
        item.diagnostics()
            .error(
                protocolText.span(),
                "invalid protocol `" + protocol + "`" + Suggest.choice(protocol, PROTOCOLS));
        valid = false;
      }
      Node portNode = item.node("port");
      Integer endPort = item.integer("endPort");
      item.done();
      Port port = portNode == null ? null : port(item, portNode, endPort);
      if (portNode == null && endPort != null) {
        item.diagnostics().error(item.keySpan("endPort"), "`endPort` needs a numeric `port`");
        valid = false;
      }
      if (portNode != null && port == null) {
        valid = false;
      } else if (port == null) {
        byName.put(protocol, null);
      } else if (!byName.containsKey(protocol) || byName.get(protocol) != null) {
        byName.computeIfAbsent(protocol, k -> new ArrayList<>()).add(port);
      }
    }
    return valid ? byName : null;
  }

  private static Port port(Fields item, Node node, Integer endPort) {
    Diagnostics d = item.diagnostics();
    if (node instanceof Node.Scalar s && s.type() == Node.Scalar.Type.INTEGER) {
      Integer n = item.integer(node, item.path("port"));
      if (n == null || n < 1 || n > 65535) {
        d.error(node.span(), "invalid port `" + s.text() + "`: ports must be 1-65535");
        return null;
      }
      if (endPort == null) {
        return new Port.Range(n, n);
      }
      if (endPort < n || endPort > 65535) {
        d.error(
            item.valueSpan("endPort"),
            "invalid `endPort` `" + endPort + "`: must be " + n + "-65535");
        return null;
      }
      return new Port.Range(n, endPort);
    }
    Node.Scalar name = item.string(node, item.path("port"));
    if (name == null) {
      return null;
    }
    if (name.text().length() > 15
        || !SERVICE_NAME.matcher(name.text()).matches()
        || name.text().contains("--")
        || !name.text().matches(".*[a-z].*")) {
      d.error(
          name.span(),
          "invalid port `"
              + name.text()
              + "`: a port name has at most 15 lowercase letters, digits and `-`, with a letter and"
              + " no `--`");
      return null;
    }
    if (endPort != null) {
      d.error(item.keySpan("endPort"), "`endPort` needs a numeric `port`");
      return null;
    }
    return new Port.Named(name.text());
  }

  /** Calico's {@code SimplifyPorts}: named ports first, then numeric ranges sorted and merged. */
  static List<Port> simplify(List<Port> ports) {
    List<Port> out = new ArrayList<>(ports.stream().filter(p -> p instanceof Port.Named).toList());
    List<Port.Range> ranges =
        new ArrayList<>(
            ports.stream()
                .filter(p -> p instanceof Port.Range)
                .map(p -> (Port.Range) p)
                .sorted(Comparator.comparingInt(Port.Range::min))
                .toList());
    Port.Range last = null;
    for (Port.Range r : ranges) {
      if (last != null && r.min() <= last.max() + 1) {
        last = new Port.Range(last.min(), Math.max(last.max(), r.max()));
        out.set(out.size() - 1, last);
      } else {
        last = r;
        out.add(r);
      }
    }
    return out;
  }
}
