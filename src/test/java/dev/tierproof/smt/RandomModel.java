package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded generator of small random policy sets, built from model records directly, over a small
 * domain so that generated flows hit rules often: a few label keys and values, namespaces, a pool
 * of IPv4 and IPv6 addresses (some shared by endpoints, on purpose in a third of the models: {@link
 * SharedAddresses}; some owned by none), CIDRs around them, numeric and named ports, ICMP, domains
 * and globs. It covers tiers with and without order and default action (and undeclared ones),
 * GNP/NP/KNP-like and staged policies, doNotTrack/preDNAT, Allow/Deny/Pass/Log, nets/notNets,
 * selectors/notSelectors, ports/notPorts, namespace-scoped selectors, services, HTTP, host
 * endpoints with and without profiles, and profiles with rules; workload endpoints without
 * addresses are written as Deployments, StatefulSets, ..., Pods. The same seed gives the same model
 * and the same flows.
 */
public final class RandomModel {

  static final List<String> KEYS = List.of("app", "tier", "env", "role");
  static final List<String> VALUES = List.of("a", "b", "web", "web-1", "");
  static final List<String> NAMESPACES = List.of("ns1", "ns2", "ns3");

  /** A namespace the input never has, that selectors and sampled pods name (spec S5.3). */
  static final String LACKING = "web-1";

  static final List<String> DOMAINS = List.of("a.com", "*.a.com", "x.a.com", "b.org", "*.org");
  static final List<String> NAMES =
      List.of("a.com", "x.a.com", "y.x.a.com", "b.org", "c.org", "z.net", "A.COM.");
  static final List<Ip> OWNABLE =
      List.of(
          ip("10.0.0.1"),
          ip("10.0.0.2"),
          ip("10.0.0.3"),
          ip("10.0.0.5"),
          ip("192.168.1.9"),
          ip("fd00::1"),
          ip("fd00::2"),
          ip("fd00::ffff:a00:1"));
  static final List<Ip> OUTSIDE =
      List.of(
          ip("10.0.0.4"),
          ip("10.0.0.200"),
          ip("8.8.8.8"),
          ip("192.168.1.10"),
          ip("fd00::3"),
          ip("2001:db8::1"));
  static final List<Cidr> CIDRS =
      List.of(
          cidr("10.0.0.0/8"),
          cidr("10.0.0.0/30"),
          cidr("10.0.0.4/31"),
          cidr("10.0.0.5/32"),
          cidr("192.168.0.0/16"),
          cidr("8.8.8.8/32"),
          cidr("0.0.0.0/0"),
          cidr("fd00::/64"),
          cidr("fd00::1/128"),
          cidr("fd00::/16"),
          cidr("::/0"));
  static final List<Integer> PROTOCOLS =
      List.of(
          Protocols.TCP,
          Protocols.UDP,
          Protocols.ICMP,
          Protocols.ICMPV6,
          Protocols.SCTP,
          Protocols.UDPLITE,
          47);
  static final List<Integer> PORTS = List.of(22, 53, 80, 85, 179, 1500, 8080, 40000);
  static final List<NamedPort> NAMED =
      List.of(
          new NamedPort("http", Protocols.TCP, 80),
          new NamedPort("http", Protocols.TCP, 8080),
          new NamedPort("dns", Protocols.UDP, 53),
          new NamedPort("dns", Protocols.TCP, 53));

  /** How an endpoint without an address was written. */
  static final List<String> SOURCES =
      List.of(
          "Deployment",
          "Pod",
          "StatefulSet",
          "DaemonSet",
          "ReplicaSet",
          "Job",
          "CronJob",
          "WorkloadEndpoint");

  private final Random rnd;
  private final RandomReplies replies;
  private final RandomPlacement placement;
  private final RandomForwarding forwarding;
  private final RandomLocalFlows local;
  private final RandomPodPairs pods;

  /** Namespace names the input lacks, from a stream of their own: seeds keep their models. */
  private final Random lacking;

  final PolicySet set;
  private final Map<String, Map<String, String>> nsLabels = new TreeMap<>();

  public RandomModel(long seed) {
    rnd = new Random(seed);
    lacking = new Random(seed * 31 + 23);
    // all-interfaces host endpoints (S6.6) from a stream of their own: seeds keep their models
    Random interfaces = new Random(seed * 31 + 15);
    replies = new RandomReplies(seed);
    placement = new RandomPlacement(seed);
    forwarding = new RandomForwarding(seed);
    local = new RandomLocalFlows(seed);
    pods = new RandomPodPairs(seed);
    Map<String, Namespace> namespaces = new LinkedHashMap<>();
    Map<String, Profile> profiles = new LinkedHashMap<>();
    for (String ns : NAMESPACES) {
      if (ns.equals("ns3") && rnd.nextBoolean()) {
        continue; // a namespace the input does not declare
      }
      Map<String, String> labels = new TreeMap<>();
      if (rnd.nextInt(3) > 0) {
        labels.put("team", pick(List.of("x", "y")));
      }
      namespaces.put(ns, new Namespace(ns, labels, Span.NONE));
      Map<String, String> pcns = new TreeMap<>();
      labels.forEach((k, v) -> pcns.put("pcns." + k, v));
      pcns.put("pcns.projectcalico.org/name", ns);
      nsLabels.put(ns, pcns);
      profiles.put(
          "kns." + ns,
          new Profile("kns." + ns, pcns, List.of(allowAll()), List.of(allowAll()), Span.NONE));
    }
    if (rnd.nextBoolean()) {
      profiles.put(
          "hep",
          new Profile(
              "hep",
              Map.of("zone", "dmz"),
              rules(Direction.INGRESS, false, 2, true),
              rules(Direction.EGRESS, false, 2, true),
              Span.NONE));
    }
    List<Endpoint> endpoints = new ArrayList<>();
    int pods = 1 + rnd.nextInt(5);
    for (int i = 0; i < pods; i++) {
      String ns = pick(NAMESPACES);
      Endpoint e =
          pod(ns, "pod" + i, ips(), rnd.nextInt(3) == 0 ? List.of(pick(NAMED)) : List.of());
      if (e.ips()
          .isEmpty()) { // a workload's pod template or a pod without podIP (spec S5.4); no draw,
        // seeds keep their models
        String source = SOURCES.get(i % SOURCES.size());
        e =
            new Endpoint(
                e.kind(),
                e.namespace(),
                e.name(),
                source,
                e.labels(),
                e.ips(),
                e.ports(),
                e.profiles(),
                null,
                Span.NONE,
                false,
                null);
      }
      endpoints.add(e);
    }
    int heps = rnd.nextInt(3);
    for (int i = 0; i < heps; i++) {
      List<String> prof =
          switch (rnd.nextInt(3)) {
            case 0 -> List.of();
            case 1 -> List.of("hep");
            default -> List.of("projectcalico-default-allow", "hep");
          };
      Map<String, String> labels = ownLabels();
      if (prof.contains("hep") && profiles.containsKey("hep") && !labels.containsKey("zone")) {
        labels.put("zone", "dmz");
      }
      endpoints.add(
          Endpoint.host(
              "host" + i,
              "HostEndpoint",
              labels,
              ips(),
              rnd.nextBoolean() ? List.of(pick(NAMED)) : List.of(),
              prof,
              "node" + i,
              Span.NONE,
              interfaces.nextInt(3) == 0 ? "*" : null));
    }
    List<NetworkSet> netsets = new ArrayList<>();
    int nsets = rnd.nextInt(3);
    for (int i = 0; i < nsets; i++) {
      boolean global = rnd.nextBoolean();
      String ns = global ? null : pick(NAMESPACES);
      Map<String, String> labels = ownLabels();
      if (ns != null) {
        labels.put("projectcalico.org/namespace", ns);
        labels.putAll(nsLabels.getOrDefault(ns, Map.of()));
      }
      netsets.add(
          new NetworkSet(
              ns,
              "set" + i,
              labels,
              some(CIDRS, 2),
              rnd.nextBoolean() ? some(DOMAINS, 2) : List.of(),
              Span.NONE));
    }
    List<Tier> tiers = new ArrayList<>();
    int ntiers = 1 + rnd.nextInt(3);
    for (int t = 0; t < ntiers; t++) {
      String name = t == ntiers - 1 ? "default" : "tier" + t;
      Double order =
          name.equals("default")
              ? Double.valueOf(1_000_000)
              : rnd.nextInt(4) == 0 ? null : Double.valueOf(rnd.nextInt(3) * 100);
      Action def =
          name.equals("default") ? Action.DENY : rnd.nextBoolean() ? Action.PASS : Action.DENY;
      List<Policy> policies = new ArrayList<>();
      int np = rnd.nextInt(4);
      for (int p = 0; p < np; p++) {
        policies.add(policy(name, name + "-p" + p));
      }
      tiers.add(new Tier(name, order, def, rnd.nextInt(6) > 0, Span.NONE, policies));
    }
    RandomAdminPolicies.draw(seed, tiers);
    SharedAddresses.draw(seed, endpoints);
    RandomDataplane dataplane = new RandomDataplane(seed); // spec S4.6: --dataplane, profile Pass
    dataplane.draw(profiles, endpoints);
    placement.draw(endpoints);
    replies.draw(tiers, endpoints); // after the addresses are final: its flows aim at them
    forwarding.draw(tiers, endpoints); // spec S6.11
    local.draw(tiers, endpoints); // spec S6.12
    RandomInterfaces.draw(seed, endpoints); // spec S6.9, S6.10: named and several host endpoints
    RandomPools.host(seed, endpoints); // spec S6.10: a node whose addresses are said
    RandomBpfUntracked.draw(seed, dataplane.chosen(), tiers, endpoints); // spec S6.6: XDP, raw
    set =
        PolicySet.ordered(tiers, endpoints, netsets, profiles, namespaces)
            .withDataplane(dataplane.chosen())
            .withFailsafe(
                RandomFailsafe.draw( // spec S6.2: nets, and the host endpoints' nodes' own lists
                    new Random(seed * 0x9E3779B97F4A7C15L + 23),
                    RandomFailsafe.MODEL_NETS,
                    hostNodes(endpoints)))
            .withPools(RandomPools.draw(seed)); // spec S6.10: nat-outgoing
  }

  public PolicySet set() {
    return set;
  }

  /** The nodes of {@code endpoints}' host endpoints, and one the input does not name. */
  static List<String> hostNodes(List<Endpoint> endpoints) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    endpoints.stream().filter(e -> e.isHost() && e.node() != null).forEach(e -> out.add(e.node()));
    out.add("absent-node");
    return List.copyOf(out);
  }

  /** The {@code pcns.*} labels of a namespace the input declares, else empty. */
  Map<String, String> namespaceLabels(String ns) {
    return nsLabels.getOrDefault(ns, Map.of());
  }

  // ---------------------------------------------------------------------------------------------
  // flows

  /**
   * A random flow: each end an input endpoint (at one of its addresses, or an unowned one when it
   * has none), a hypothetical pod, or outside; ports and ICMP fields exactly when the protocol has
   * them; a destination name only for outside destinations.
   */
  public Flow flow() {
    int family = rnd.nextBoolean() ? 4 : 6;
    Object[] s = end(family);
    Object[] d = end(family);
    while (free(s) && free(d) && s[1].equals(d[1])) {
      d = end(family); // two ends at unowned addresses are two machines (spec S5.4)
    }
    int proto = pick(PROTOCOLS);
    boolean ports = Protocols.hasPorts(proto);
    boolean icmp = Protocols.isIcmp(proto);
    String domain = d[0] == null && rnd.nextBoolean() ? pick(NAMES) : null;
    Flow base =
        Flow.between(
            proto,
            (Ip) s[1],
            ports ? pick(PORTS) : null,
            (Ip) d[1],
            ports ? pick(PORTS) : null,
            icmp ? pick(List.of(0, 3, 8)) : null,
            icmp ? pick(List.of(0, 1)) : null,
            domain,
            (Endpoint) s[0],
            (Endpoint) d[0]);
    Flow aimed =
        forwarding.aim(
            replies.aim(placement.aim(RandomServices.aim(rnd, set, base), set, this::unowned)),
            set);
    // spec S6.10; S6.12: some at the local pre-DNAT path
    return local.aim(pods.aim(aimed, forwarding.placed(), set), forwarding.placed(), set);
  }

  /**
   * The end is at an address no input endpoint owns: outside, hypothetical or without addresses.
   */
  private boolean free(Object[] end) {
    Endpoint e = (Endpoint) end[0];
    return e == null || e.ips().isEmpty() || set.endpoints().stream().noneMatch(x -> x == e);
  }

  private Object[] end(int family) {
    int kind = rnd.nextInt(3);
    if (kind == 0) {
      List<Endpoint> ok =
          set.endpoints().stream()
              .filter(
                  e -> e.ips().isEmpty() || e.ips().stream().anyMatch(i -> i.family() == family))
              .toList();
      if (!ok.isEmpty()) {
        Endpoint e = pick(ok);
        List<Ip> mine = e.ips().stream().filter(i -> i.family() == family).toList();
        return new Object[] {e, mine.isEmpty() ? unowned(family) : pick(mine)};
      }
    }
    if (kind == 1) {
      String ns = pick(NAMESPACES);
      Endpoint e = hypothetical(lacking.nextInt(6) == 0 ? LACKING : ns, family);
      return new Object[] {e, e.ips().get(0)};
    }
    return new Object[] {null, unowned(family)};
  }

  /**
   * A pod not in the input, in {@code ns}, with random labels and named ports, at an unowned
   * address; in a namespace the input does not declare, its {@code pcns.*} labels are random too.
   */
  public Endpoint hypothetical(String ns, int family) {
    Endpoint e =
        pod(
            ns,
            "hypothetical",
            List.of(unowned(family)),
            rnd.nextBoolean() ? List.of(pick(NAMED)) : List.of());
    Map<String, String> labels = new TreeMap<>(e.labels());
    if (!nsLabels.containsKey(ns)) {
      labels.put("pcns.projectcalico.org/name", ns);
      if (rnd.nextBoolean()) {
        labels.put("pcns.team", pick(List.of("x", "y")));
      }
    }
    return new Endpoint(
        e.kind(),
        ns,
        "hypothetical-" + rnd.nextInt(1000),
        "Hypothetical",
        labels,
        e.ips(),
        e.ports(),
        e.profiles(),
        null,
        Span.NONE,
        false,
        null);
  }

  public Ip unowned(int family) {
    List<Ip> free =
        OUTSIDE.stream()
            .filter(i -> i.family() == family)
            .filter(i -> set.endpoints().stream().noneMatch(e -> e.ips().contains(i)))
            .toList();
    return pick(free);
  }

  public int nextInt(int bound) {
    return rnd.nextInt(bound);
  }

  public <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  // ---------------------------------------------------------------------------------------------
  // policy

  private Policy policy(String tier, String name) {
    PolicyKind kind =
        pick(
            java.util.Arrays.stream(PolicyKind.values()).filter(k -> k.written() == null).toList());
    String ns = kind.namespaced() ? pick(NAMESPACES) : null;
    boolean knp =
        kind == PolicyKind.KUBERNETES_NETWORK_POLICY
            || kind == PolicyKind.STAGED_KUBERNETES_NETWORK_POLICY;
    Selector sel = selector(2);
    if (ns != null && rnd.nextInt(4) > 0) {
      sel =
          Selector.and(
              sel, new Selector.Compare("projectcalico.org/namespace", Selector.Op.EQ, ns));
    }
    Set<Direction> types =
        switch (rnd.nextInt(3)) {
          case 0 -> EnumSet.of(Direction.INGRESS);
          case 1 -> EnumSet.of(Direction.EGRESS);
          default -> EnumSet.of(Direction.INGRESS, Direction.EGRESS);
        };
    boolean global = kind == PolicyKind.GLOBAL_NETWORK_POLICY;
    boolean dnt = global && rnd.nextInt(10) == 0;
    boolean preDnat = global && !dnt && rnd.nextInt(10) == 0;
    Double order =
        knp
            ? Double.valueOf(1000)
            : rnd.nextInt(3) == 0 ? null : Double.valueOf(rnd.nextInt(3) * 10);
    return new Policy(
        kind,
        name,
        ns,
        tier,
        order,
        sel,
        types,
        rules(Direction.INGRESS, knp, 3, false),
        rules(Direction.EGRESS, knp, 3, false),
        dnt,
        preDnat,
        global && rnd.nextBoolean(),
        Span.NONE);
  }

  private List<Rule> rules(Direction dir, boolean allowOnly, int max, boolean profile) {
    int n = rnd.nextInt(max + 1);
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          rule(
              allowOnly ? i / 2 : i,
              allowOnly ? Action.ALLOW : pick(List.of(Action.values())),
              profile));
    }
    return out;
  }

  private Rule rule(int index, Action action, boolean profile) {
    Integer protocol = rnd.nextInt(3) == 0 ? pick(PROTOCOLS) : null;
    Integer notProtocol = rnd.nextInt(8) == 0 ? pick(PROTOCOLS) : null;
    Icmp icmp = null;
    Icmp notIcmp = null;
    if (protocol != null && Protocols.isIcmp(protocol) || rnd.nextInt(12) == 0) {
      if (rnd.nextBoolean()) {
        icmp = new Icmp(pick(List.of(0, 3, 8)), rnd.nextBoolean() ? pick(List.of(0, 1)) : null);
      } else {
        notIcmp = new Icmp(pick(List.of(0, 3, 8)), rnd.nextBoolean() ? pick(List.of(0, 1)) : null);
      }
    }
    Integer ipVersion = rnd.nextInt(6) == 0 ? pick(List.of(4, 6)) : null;
    return new Rule(
        index,
        action,
        ipVersion,
        protocol,
        notProtocol,
        icmp,
        notIcmp,
        side(false),
        side(true),
        rnd.nextInt(15) == 0,
        Span.NONE);
  }

  private EntityMatch side(boolean destination) {
    if (rnd.nextInt(3) == 0) {
      return EntityMatch.ANY;
    }
    List<Cidr> nets = rnd.nextInt(3) == 0 ? some(CIDRS, 2) : List.of();
    List<Cidr> notNets =
        rnd.nextInt(5) == 0
            ? some(CIDRS.stream().filter(c -> !c.isCatchAll()).toList(), 2)
            : List.of();
    Selector sel = null;
    if (rnd.nextInt(2) == 0) {
      sel = selector(2);
      if (rnd.nextInt(3) == 0) {
        sel =
            Selector.and(
                rnd.nextBoolean()
                    ? new Selector.Has("projectcalico.org/namespace")
                    : new Selector.Compare("pcns.team", Selector.Op.EQ, pick(List.of("x", "y"))),
                sel);
      }
    }
    Selector notSel = rnd.nextInt(5) == 0 ? selector(1) : null;
    List<Port> ports = rnd.nextInt(4) == 0 ? ports() : List.of();
    List<Port> notPorts = rnd.nextInt(8) == 0 ? ports() : List.of();
    List<String> domains =
        (destination ? rnd.nextInt(5) == 0 : rnd.nextInt(25) == 0) ? some(DOMAINS, 2) : List.of();
    ServiceMatch service =
        rnd.nextInt(40) < 6 ? RandomServices.draw(rnd, destination, () -> selector(2)) : null;
    return new EntityMatch(nets, notNets, sel, notSel, ports, notPorts, domains, service);
  }

  private List<Port> ports() {
    List<Port> out = new ArrayList<>();
    int n = 1 + rnd.nextInt(2);
    for (int i = 0; i < n; i++) {
      out.add(
          switch (rnd.nextInt(4)) {
            case 0 -> new Port.Named(pick(List.of("http", "dns", "none")));
            case 1 -> new Port.Range(80, 90);
            default -> {
              int p = pick(PORTS);
              yield new Port.Range(p, p);
            }
          });
    }
    return out;
  }

  /** A random selector over the small vocabulary (depth-bounded). */
  public Selector selector(int depth) {
    int k = rnd.nextInt(depth > 0 ? 12 : 8);
    String key =
        rnd.nextInt(6) == 0
            ? pick(List.of("pcns.team", "projectcalico.org/namespace", "pcsa.name"))
            : pick(KEYS);
    String value =
        key.equals("projectcalico.org/namespace")
            ? pick(NAMESPACES)
            : key.equals("pcns.team") ? pick(List.of("x", "y")) : pick(VALUES);
    if (key.equals("projectcalico.org/namespace") && lacking.nextInt(3) == 0) {
      value = LACKING; // a namespace the policies name and the input lacks
    }
    return switch (k) {
      case 0 -> new Selector.All();
      case 1 -> new Selector.Has(key);
      case 2, 3 -> new Selector.Compare(key, Selector.Op.EQ, value);
      case 4 ->
          new Selector.Compare(
              key,
              pick(
                  List.of(
                      Selector.Op.NE,
                      Selector.Op.CONTAINS,
                      Selector.Op.STARTS_WITH,
                      Selector.Op.ENDS_WITH)),
              pick(List.of(value, "we", "b", "-1", "")));
      case 5 -> new Selector.InSet(key, some(VALUES, 2), rnd.nextBoolean());
      case 6 ->
          rnd.nextInt(4) == 0
              ? new Selector.Global()
              : new Selector.Compare(key, Selector.Op.EQ, value);
      case 7 -> new Selector.Not(new Selector.Has(key));
      case 8 -> new Selector.Not(selector(depth - 1));
      case 9, 10 -> new Selector.And(List.of(selector(depth - 1), selector(depth - 1)));
      default -> new Selector.Or(List.of(selector(depth - 1), selector(depth - 1)));
    };
  }

  // ---------------------------------------------------------------------------------------------
  // endpoints

  private Endpoint pod(String ns, String name, List<Ip> ips, List<NamedPort> ports) {
    Map<String, String> labels = new TreeMap<>(namespaceLabels(ns));
    labels.putAll(ownLabels());
    labels.put("projectcalico.org/namespace", ns);
    labels.put("projectcalico.org/orchestrator", "k8s");
    if (rnd.nextBoolean()) {
      labels.put("pcsa.name", pick(List.of("a", "b")));
    }
    return Endpoint.workload(
        ns, name, "Pod", labels, ips, ports, List.of("kns." + ns), null, Span.NONE);
  }

  private Map<String, String> ownLabels() {
    Map<String, String> labels = new TreeMap<>();
    for (String k : KEYS) {
      if (rnd.nextInt(3) == 0) {
        labels.put(k, pick(VALUES));
      }
    }
    return labels;
  }

  private List<Ip> ips() {
    return switch (rnd.nextInt(6)) {
      case 0 -> List.of();
      case 1 -> List.of(pick(OWNABLE), pick(OWNABLE)).stream().distinct().toList();
      default -> List.of(pick(OWNABLE));
    };
  }

  private <T> List<T> some(List<T> xs, int max) {
    int n = 1 + rnd.nextInt(max);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      T x = pick(xs);
      if (!out.contains(x)) {
        out.add(x);
      }
    }
    return out;
  }

  private static Rule allowAll() {
    return new Rule(
        0,
        Action.ALLOW,
        null,
        null,
        null,
        null,
        null,
        EntityMatch.ANY,
        EntityMatch.ANY,
        false,
        Span.NONE);
  }

  private static Ip ip(String s) {
    return Ip.parse(s).orElseThrow();
  }

  private static Cidr cidr(String s) {
    return Cidr.parse(s).orElseThrow();
  }
}
