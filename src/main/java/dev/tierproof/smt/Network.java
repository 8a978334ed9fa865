package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Site;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The encoding of one policy set: what every query shares (the packet's Z3 constants, the address
 * index, the domain classes, the namespaces, and per endpoint class and direction the applying
 * policies in order). Queries build their formulas lazily from it, for the endpoints they name
 * only. Cheap to create: nothing is asserted until a query is opened.
 */
public final class Network {

  static final String NAMESPACE = Endpoint.NAMESPACE_LABEL;
  static final String ORCHESTRATOR = "projectcalico.org/orchestrator";
  static final String NAMESPACE_NAME = "pcns.projectcalico.org/name";
  static final String PCNS = "pcns.";

  /**
   * The profile of a namespace the input does not have, before its name is chosen: a placeholder.
   */
  static final Profile NEW_NAMESPACE = namespaceProfile("", Map.of());

  /**
   * Endpoints that evaluate alike: same site, effective labels and profiles (spec S4.1, S4.6,
   * S6.6).
   */
  record ClassKey(Site site, Map<String, String> labels, List<String> profiles, String node) {
    /** {@code node}: a host endpoint's, whose failsafe ports are its node's (spec S6.2). */
    static ClassKey of(Endpoint e) {
      return new ClassKey(e.site(), e.labels(), e.profiles(), e.isHost() ? e.node() : null);
    }

    boolean host() {
      return site.host();
    }
  }

  /** A policy that applies (residual TRUE) or may apply (a residual over symbolic labels). */
  record Applied(Policy policy, Selector residual) {}

  /** An entered tier on one path of the step (spec S6.4) and its policies that may apply there. */
  record TierPart(Tier tier, List<Applied> policies, HostPath path) {}

  /**
   * A namespace a hypothetical endpoint can live in: a known one ({@code pcns} fixed), one named by
   * the question but absent from the input ({@code pcns} null: symbolic), or, with a null {@code
   * name}, a new one. {@code profile} is its {@code kns.} profile, null when there is none; {@code
   * assumed} when the input lacks it and it is built as Calico builds it (allow all, spec S2.8):
   * for a namespace no input object mentions, whose profile no input endpoint lists.
   */
  record NsOption(String name, Map<String, String> pcns, Profile profile, boolean assumed) {
    LabelView view() {
      Map<String, String> fixed = new LinkedHashMap<>();
      fixed.put(ORCHESTRATOR, "k8s");
      if (name == null) {
        return new LabelView(fixed, Set.of());
      }
      fixed.put(NAMESPACE, name);
      if (pcns == null) {
        fixed.put(NAMESPACE_NAME, name);
        return new LabelView(fixed, Set.of());
      }
      fixed.putAll(pcns);
      return new LabelView(fixed, Set.of(PCNS));
    }
  }

  /** The policy set encoded. */
  final PolicySet set;

  /** The set's loopback flows ({@link PolicySet#loopbacks}). */
  final dev.tierproof.model.Loopbacks own;

  /**
   * The loopback flows every query of this encoding excludes ({@link Loopback}): {@link #own}, or
   * those of both sets of a diff ({@link dev.tierproof.model.Loopbacks#both}, {@link
   * DiffEncoding}).
   */
  dev.tierproof.model.Loopbacks loopbacks;

  private final dev.tierproof.model.PolicyIndex index;

  /** The session every query of this encoding asserts in. */
  final SolverSession session;

  /** The packet's variables, shared by every query (and by both networks of a diff). */
  final FlowVars vars;

  /** The classes of destination DNS names (spec S3.6). */
  final DomainClasses domains;

  private final Map<Ip, List<Endpoint>> owners;
  private final Map<Integer, TreeMap<BigInteger, BigInteger>> runs = new TreeMap<>();
  private final Map<String, NsOption> namespaces = new LinkedHashMap<>();
  private final Map<List<Object>, List<TierPart>> skeletons = new HashMap<>();
  private final Map<Ip, List<NetworkSet>> netsetsAt = new HashMap<>();
  private final dev.tierproof.model.CidrIndex<NetworkSet> netsets;
  private final Set<String> mentioned = new java.util.TreeSet<>();

  /**
   * The nodes of the host endpoints (of this set, and of the other set of a pair): a flow between
   * one of them and a workload that can be on it may be local (spec S6.12).
   */
  final Set<String> hostNodes;

  /** {@link #hostNodes} in name order: {@link FlowVars#node} numbers them from 1. */
  final List<String> nodes;

  /**
   * The nodes whose forward chain is walked and holds policy ({@link PolicySet#walked}; of this set
   * or the other set of a pair): where a flow with outside may place a workload naming no node
   * (spec S6.11).
   */
  final Set<String> walkable;

  /**
   * Per node whose host endpoints' interfaces the input settles, its host side ({@link
   * dev.tierproof.model.Ports#of}, spec S6.9-S6.11): the forward chains a flow may meet there.
   */
  final Map<String, dev.tierproof.model.Ports> ports;

  /**
   * The interfaces named host endpoints govern on the nodes of {@link #ports} (of this set, and of
   * the other set of a pair), in name order: {@link FlowVars#iface} numbers them from 1.
   */
  final List<String> interfaces;

  /**
   * The {@code IPPool} ranges whose membership grouping keeps apart (spec S6.10, {@link
   * Masquerades#key}): this set's, or a diff's two sets' (so that both lay out their ends alike).
   */
  final List<dev.tierproof.model.Cidr> pools;

  private List<Rule> forwardRules;

  private Network(PolicySet set, SolverSession session) {
    this(
        set,
        session,
        null,
        Set.of(),
        Endpoint.hostNodes(set.endpoints()),
        Set.copyOf(set.walked()),
        interfaces(set),
        pools(set));
  }

  /** The ranges of {@code set}'s {@code IPPool}s ({@link #pools}). */
  static Set<dev.tierproof.model.Cidr> pools(PolicySet set) {
    Set<dev.tierproof.model.Cidr> out = new LinkedHashSet<>(set.pools().pools());
    out.addAll(set.pools().masquerading());
    return out;
  }

  /** The interfaces the named host endpoints of {@code set} govern ({@link #interfaces}). */
  static Set<String> interfaces(PolicySet set) {
    Set<String> out = new java.util.TreeSet<>();
    dev.tierproof.model.Ports.of(set.endpoints())
        .values()
        .forEach(p -> out.addAll(p.named().keySet()));
    return out;
  }

  /**
   * The value of {@link FlowVars#iface} that chooses interface {@code iface} (a key of {@link
   * #interfaces}; 0 for any other).
   */
  int interfaceIndex(String iface) {
    return interfaces.indexOf(iface) + 1;
  }

  /**
   * The flow's outgoing ({@code source}) or incoming interface on the node of {@code p} is choice
   * {@code c} ({@link FlowVars#iface}): its index, or for any other choice ({@link
   * dev.tierproof.model.Ports#OTHER}) none of the node's named interfaces.
   */
  com.microsoft.z3.BoolExpr chosen(Terms t, dev.tierproof.model.Ports p, String c, boolean source) {
    Choice v = source ? vars.iface : vars.diface;
    if (p.named().containsKey(c)) {
      return v.is(interfaceIndex(c));
    }
    return t.not(t.or(p.named().keySet().stream().map(k -> v.is(interfaceIndex(k))).toList()));
  }

  /**
   * The interface choice {@link FlowVars#iface}'s value {@code i} makes on {@code node}: a named
   * interface of its {@link #ports}, else {@link dev.tierproof.model.Ports#OTHER}; null when the
   * node's interfaces cannot matter (no named host endpoint there, or no node).
   */
  String interfaceOn(String node, int i) {
    dev.tierproof.model.Ports p = node == null ? null : ports.get(node);
    if (p == null || !p.chooses()) {
      return null;
    }
    String iface = i <= 0 || i > interfaces.size() ? null : interfaces.get(i - 1);
    return iface != null && p.named().containsKey(iface) ? iface : dev.tierproof.model.Ports.OTHER;
  }

  /**
   * The value of {@link FlowVars#node} that places a workload on {@code node} (null: elsewhere).
   */
  int nodeIndex(String node) {
    return node == null ? 0 : nodes.indexOf(node) + 1;
  }

  /** The node {@link FlowVars#node}'s value {@code i} places a workload on (null: elsewhere). */
  String node(int i) {
    return i <= 0 || i > nodes.size() ? null : nodes.get(i - 1);
  }

  /** {@link Endpoint#placementKey} among {@link #hostNodes}. */
  String placementKey(Endpoint e) {
    return e.placementKey(hostNodes);
  }

  /**
   * {@code patterns} (null: this set's own) are the destination DNS names' patterns, {@code
   * alsoMentioned} more namespace names to count as mentioned, {@code hostNodes} the {@link
   * #hostNodes}, {@code walkable} the {@link #walkable}, {@code interfaces} the {@link
   * #interfaces}, {@code pools} the {@link #pools}: two sets given the same of all six share their
   * packet variables, hypothetical namespaces and grouping and placement by node ({@link
   * DiffEncoding}).
   */
  private Network(
      PolicySet set,
      SolverSession session,
      Set<String> patterns,
      Set<String> alsoMentioned,
      Set<String> hostNodes,
      Set<String> walkable,
      Set<String> interfaces,
      Set<dev.tierproof.model.Cidr> pools) {
    this.set = set;
    this.own = set.loopbacks();
    this.loopbacks = own;
    this.pools = List.copyOf(pools);
    this.hostNodes = Set.copyOf(hostNodes);
    this.nodes = List.copyOf(new java.util.TreeSet<>(hostNodes));
    this.walkable = Set.copyOf(walkable);
    this.ports = dev.tierproof.model.Ports.of(set.endpoints());
    this.interfaces = List.copyOf(new java.util.TreeSet<>(interfaces));
    this.index = new dev.tierproof.model.PolicyIndex(set.tiers());
    this.netsets = new dev.tierproof.model.CidrIndex<>(set.networkSets(), NetworkSet::nets);
    this.session = session;
    Map<Integer, List<BigInteger>> values = new HashMap<>();
    owners = Endpoint.byAddress(set.endpoints());
    for (Endpoint e : set.endpoints()) {
      for (Ip ip : e.ips()) {
        values.computeIfAbsent(ip.family(), k -> new ArrayList<>()).add(ip.value());
      }
    }
    values.forEach((family, vs) -> runs.put(family, runsOf(vs)));
    if (patterns == null) {
      patterns = patterns(set);
    }
    domains = new DomainClasses(patterns);
    vars = new FlowVars(session.ctx(), domains.size(), nodes.size(), this.interfaces.size());
    mentioned.addAll(alsoMentioned);
    Set<String> known = new LinkedHashSet<>(set.namespaces().keySet());
    set.profiles().keySet().stream()
        .filter(n -> n.startsWith("kns."))
        .map(n -> n.substring(4))
        .forEach(known::add);
    mentioned.addAll(known);
    set.endpoints().stream()
        .map(Endpoint::namespace)
        .filter(n -> n != null)
        .forEach(mentioned::add);
    set.policies().stream().map(Policy::namespace).filter(n -> n != null).forEach(mentioned::add);
    set.networkSets().stream()
        .map(NetworkSet::namespace)
        .filter(n -> n != null)
        .forEach(mentioned::add);
    for (String ns : known) {
      Profile profile = set.profiles().get("kns." + ns);
      Map<String, String> pcns = new LinkedHashMap<>();
      if (profile != null) {
        profile
            .labels()
            .forEach(
                (k, v) -> {
                  if (k.startsWith(PCNS)) {
                    pcns.put(k, v);
                  }
                });
        namespaces.put(ns, new NsOption(ns, pcns, profile, false));
      } else {
        set.namespaces().get(ns).labels().forEach((k, v) -> pcns.put(PCNS + k, v));
        pcns.put(NAMESPACE_NAME, ns);
        namespaces.put(ns, new NsOption(ns, pcns, namespaceProfile(ns, pcns), true));
      }
    }
  }

  /**
   * The destination DNS name patterns of {@code set}: rules' {@code domains}, network sets' {@code
   * allowedEgressDomains}.
   */
  static Set<String> patterns(PolicySet set) {
    Set<String> patterns = new LinkedHashSet<>();
    for (Policy p : set.policies()) {
      for (Rule r : p.egress()) {
        patterns.addAll(r.destination().domains());
      }
      for (Rule r : p.ingress()) {
        patterns.addAll(r.destination().domains());
      }
    }
    for (Profile p : set.profiles().values()) {
      p.ingress().forEach(r -> patterns.addAll(r.destination().domains()));
      p.egress().forEach(r -> patterns.addAll(r.destination().domains()));
    }
    set.networkSets().forEach(n -> patterns.addAll(n.allowedEgressDomains()));
    return patterns;
  }

  /** Prepares the encoding of {@code set}; formulas are built per query, inside the session. */
  public static Network encode(PolicySet set, SolverSession session) {
    return new Network(set, session);
  }

  /** As {@link #encode(PolicySet, SolverSession)}, with the patterns and namespaces of a pair. */
  static Network encode(
      PolicySet set,
      SolverSession session,
      Set<String> patterns,
      Set<String> alsoMentioned,
      Set<String> hostNodes,
      Set<String> walkable,
      Set<String> interfaces,
      Set<dev.tierproof.model.Cidr> pools) {
    return new Network(
        set, session, patterns, alsoMentioned, hostNodes, walkable, interfaces, pools);
  }

  /**
   * Opens a query over the flows from one of {@code sources} to one of {@code destinations} within
   * {@code bounds}; close it before opening another on the same session.
   */
  public Query query(List<Side> sources, List<Side> destinations, FlowSpec bounds) {
    return new Query(this, sources, destinations, bounds);
  }

  /** The profile Calico builds for a namespace: its labels, allow all both ways (spec S2.8). */
  static Profile namespaceProfile(String ns, Map<String, String> labels) {
    Rule allow = Rule.allowAll();
    return new Profile("kns." + ns, labels, List.of(allow), List.of(allow), Span.NONE);
  }

  List<Endpoint> owners(Ip ip) {
    return owners.getOrDefault(ip, List.of());
  }

  boolean owned(Ip ip) {
    return owners.containsKey(ip);
  }

  /**
   * {@code e} and every endpoint that owns one of its addresses (spec S5.5: a rule side that
   * matches one owner's address matches a packet of any owner, so a change seen at one is seen at
   * all).
   */
  List<Endpoint> coOwners(Endpoint e) {
    List<Endpoint> out = new ArrayList<>(List.of(e));
    for (Ip ip : e.ips()) {
      for (Endpoint o : owners(ip)) {
        if (out.stream().noneMatch(x -> x == o)) {
          out.add(o);
        }
      }
    }
    return out;
  }

  /**
   * Per family (4, 6), the runs of consecutive addresses endpoints own (spec S5.3, S5.4): first to
   * last, ascending.
   */
  Map<Integer, TreeMap<BigInteger, BigInteger>> runs() {
    return runs;
  }

  /** The run of consecutive owned addresses (same family) that contains {@code ip}. */
  BigInteger[] run(Ip ip) {
    Map.Entry<BigInteger, BigInteger> e = runs.get(ip.family()).floorEntry(ip.value());
    return new BigInteger[] {e.getKey(), e.getValue()};
  }

  List<NetworkSet> netsetsAt(Ip ip) {
    return netsetsAt.computeIfAbsent(ip, a -> netsets.at(a));
  }

  /**
   * The namespaces a hypothetical endpoint in {@code ns} (null: any) can be in: for any, every
   * namespace the input mentions and a new one.
   */
  List<NsOption> namespaceOptions(String ns) {
    if (Side.Fresh.NEW_NAMESPACE.equals(ns)) {
      return List.of(new NsOption(null, null, null, true));
    }
    if (ns != null) {
      NsOption known = namespaces.get(ns);
      if (known != null) {
        return List.of(known);
      }
      boolean listed = set.endpoints().stream().anyMatch(e -> e.profiles().contains("kns." + ns));
      return List.of(
          new NsOption(ns, null, listed ? null : namespaceProfile(ns, Map.of()), !listed));
    }
    List<NsOption> all = new ArrayList<>();
    mentioned.forEach(n -> all.addAll(namespaceOptions(n)));
    all.add(new NsOption(null, null, null, true));
    return all;
  }

  /** Every namespace name the input mentions: a new namespace is none of them. */
  Set<String> namespaceNames() {
    return mentioned;
  }

  /**
   * Per path of the step (a host endpoint's untracked, pre-DNAT, normal; a workload's normal, spec
   * S6.4), per tier in order, the policies that apply or may apply at an endpoint seen through
   * {@code view} (or with {@code labels}) in {@code dir}: enforced on that path, governing {@code
   * dir}, selector not false (spec S4.1, S2.5, S6.3). Tiers where none may apply are left out (spec
   * S4.2).
   */
  List<TierPart> skeleton(LabelView view, Map<String, String> labels, Site site, Direction dir) {
    List<Object> key = List.of(view == null ? labels : view, dir, view == null, site);
    return skeletons.computeIfAbsent(
        key, k -> build(view, labels, HostPath.of(site, dir, set.dataplane()), dir));
  }

  /**
   * As {@link #skeleton}, for the forward chain of host endpoint {@code h} (its labels and site) in
   * {@code dir} (spec S6.7, S6.8, S6.7.1: {@link HostPath#forwarded(Site, Direction)}).
   */
  List<TierPart> forwardSkeleton(Endpoint h, Direction dir) {
    List<Object> key = List.of(h.labels(), dir, true, HostPath.FORWARD, h.site());
    return skeletons.computeIfAbsent(
        key, k -> build(null, h.labels(), HostPath.forwarded(h.site(), dir), dir));
  }

  /**
   * The rules but Log rules of the forward chains of {@link #ports}' host endpoints, in chain
   * order, each once: what the ends of a query must be grouped by besides their own steps' rules.
   */
  List<Rule> forwardRules() {
    if (forwardRules == null) {
      java.util.Set<Rule> seen =
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      List<Rule> out = new ArrayList<>();
      for (Endpoint h :
          ports.values().stream().flatMap(p -> p.governing().stream()).distinct().toList()) {
        for (Direction d : Direction.values()) {
          for (TierPart part : forwardSkeleton(h, d)) {
            for (Applied a : part.policies()) {
              a.policy().rules(d).stream()
                  .filter(r -> r.action() != dev.tierproof.model.Action.LOG && seen.add(r))
                  .forEach(out::add);
            }
          }
        }
      }
      forwardRules = List.copyOf(out);
    }
    return forwardRules;
  }

  /**
   * Some policy is on the untracked path of a host endpoint of {@code site} with {@code labels} in
   * {@code dir}: its untracked Allows may need replies, which the other direction decides (spec
   * S6.5). None at a workload, nor where the site has no untracked path ({@link HostPath#of(Site,
   * Direction, dev.tierproof.model.Dataplane)}).
   */
  boolean untracked(Site site, Map<String, String> labels, Direction dir) {
    return site.host()
        && skeleton(null, labels, site, dir).stream().anyMatch(p -> p.path() == HostPath.UNTRACKED);
  }

  private List<TierPart> build(
      LabelView view, Map<String, String> labels, List<HostPath> paths, Direction dir) {
    List<TierPart> out = new ArrayList<>();
    for (HostPath path : paths) {
      for (int i = 0; i < set.tiers().size(); i++) {
        Tier t = set.tiers().get(i);
        List<Applied> applied = new ArrayList<>();
        for (Policy p : view == null ? index.candidates(i, labels) : t.policies()) {
          if (!path.enforces(p, dir)) {
            continue;
          }
          if (view == null) {
            if (p.selector().matches(labels)) {
              applied.add(new Applied(p, Residual.TRUE));
            }
          } else {
            Selector r = Residual.of(p.selector(), view);
            if (!Residual.isFalse(r)) {
              applied.add(new Applied(p, r));
            }
          }
        }
        if (!applied.isEmpty()) {
          out.add(new TierPart(t, List.copyOf(applied), path));
        }
      }
    }
    return List.copyOf(out);
  }

  private static TreeMap<BigInteger, BigInteger> runsOf(List<BigInteger> values) {
    List<BigInteger> sorted = values.stream().distinct().sorted().toList();
    TreeMap<BigInteger, BigInteger> out = new TreeMap<>();
    BigInteger lo = null;
    BigInteger hi = null;
    for (BigInteger v : sorted) {
      if (hi != null && v.equals(hi.add(BigInteger.ONE))) {
        hi = v;
        continue;
      }
      if (lo != null) {
        out.put(lo, hi);
      }
      lo = v;
      hi = v;
    }
    if (lo != null) {
      out.put(lo, hi);
    }
    return out;
  }
}
