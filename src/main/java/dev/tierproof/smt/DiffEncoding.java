package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
import dev.tierproof.smt.Network.TierPart;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two policy sets over the same endpoints (the inventory, each endpoint possibly in two versions:
 * other labels, named ports or profiles at the same addresses) and namespaces, encoded to be
 * compared flow by flow ({@link DiffQuery}): both share the packet's variables, its DNS name
 * classes and the namespaces a hypothetical endpoint can be in; flows name the second set's
 * endpoints. Every flow from or to an endpoint or namespace that differs is a scope of its own.
 *
 * <p>{@link #scopes} bounds where verdicts can differ, from the structure of the two sets: at an
 * endpoint and direction, the two chains (the entered tiers with their rules in order, then the
 * profiles' rules) either enter different tiers (any flow there may change), or differ only by
 * the rules outside a longest common subsequence of each tier's rules. A packet that matches none
 * of those rules meets the same first matching rule in both chains (the common rules keep their
 * order), so its verdict there is the same: only packets from or to a peer a changed rule can
 * match may change. Rules that select a network set that changed count as changed everywhere.
 */
public final class DiffEncoding {

  /**
   * Flows whose verdicts may differ: from one of {@code sources} to one of {@code destinations}.
   *
   * @param direction the step where the difference is (egress at the sources, ingress at the
   *     destinations)
   * @param only {@code direction} when the other step is the same in both sets at every end of
   *     the scope (a pair then encodes that step once), else null
   * @param reason what changed there, for messages
   */
  public record Scope(EndScope sources, EndScope destinations, Direction direction, Direction only, String reason) {}

  /**
   * The ends of a scope: {@code everything}, or these input endpoints, the hypothetical pods of
   * {@code namespaces} (all their pods, whatever their labels) and of namespaces the input does
   * not mention ({@code unlisted}), and addresses outside the cluster ({@code outside}).
   */
  public record EndScope(
      boolean everything, List<Endpoint> endpoints, Set<String> namespaces, boolean unlisted, boolean outside) {
    public EndScope {
      endpoints = List.copyOf(endpoints);
      namespaces = Set.copyOf(namespaces);
    }

    /** For messages: {@code 18 endpoints and outside addresses}. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      int n = endpoints.size();
      if (n > 0) {
        parts.add(n + " endpoint" + (n == 1 ? "" : "s"));
      }
      int f = namespaces.size() + (unlisted ? 1 : 0);
      if (f > 0) {
        parts.add("hypothetical pods of " + f + " namespace" + (f == 1 ? "" : "s"));
      }
      if (outside) {
        parts.add("outside addresses");
      }
      return String.join(" and ", parts);
    }
  }

  private final Network before;
  private final Network after;
  private final Set<NetworkSet> changedSets = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Endpoint, Integer> indices = new IdentityHashMap<>();
  /** Whether the ends include pods that could be deployed (else only input endpoints and outside addresses). */
  private boolean hypothetical;
  /** The peers of a direction's list of changed rules. */
  private final Map<List<Object>, Peers> peersOf = new HashMap<>();

  /** Each current endpoint whose base version differs (by labels, named ports or profiles) → that version. */
  private final Map<Endpoint, Endpoint> twins = new IdentityHashMap<>();
  /** The changed endpoints by what both versions show of them: each group is told apart from the rest. */
  private final List<List<Endpoint>> twinClasses = new ArrayList<>();

  private DiffEncoding(Network before, Network after) {
    this.before = before;
    this.after = after;
    List<Endpoint> all = after.set.endpoints();
    Map<List<Object>, List<Endpoint>> classes = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      Endpoint a = all.get(i);
      Endpoint b = before.set.endpoints().get(i);
      indices.put(a, i);
      if (a != b) {
        twins.put(a, b);
        classes.computeIfAbsent(List.of(ClassKey.of(b), b.ports(), ClassKey.of(a), a.ports()), k -> new ArrayList<>()).add(a);
      }
    }
    twinClasses.addAll(classes.values());
  }

  /**
   * Encodes both sets in {@code session}. They must list the same endpoints in the same order,
   * each the same object or two versions of one endpoint (kind, reference, addresses) that differ
   * in labels, named ports or profiles, and the same namespace names (the caller pairs the base
   * with the current input). Without {@code hypothetical}, scopes hold only the input's endpoints and
   * outside addresses.
   */
  public static DiffEncoding encode(PolicySet before, PolicySet after, SolverSession session, boolean hypothetical) {
    if (!twins(before.endpoints(), after.endpoints())) {
      throw new IllegalArgumentException("the two policy sets of a diff must list the same endpoints, at the same addresses");
    }
    Set<String> patterns = new TreeSet<>(Network.patterns(before));
    patterns.addAll(Network.patterns(after));
    Set<String> mentioned = new TreeSet<>(mentioned(before));
    mentioned.addAll(mentioned(after));
    DiffEncoding d =
        new DiffEncoding(
            Network.encode(before, session, patterns, mentioned),
            Network.encode(after, session, patterns, mentioned));
    d.hypothetical = hypothetical;
    d.networkSets();
    return d;
  }

  /**
   * The flows from {@code sources} to {@code destinations}, both sets' verdicts side by side;
   * tests of the {@code observed} regions' end sets are exact.
   */
  public DiffQuery open(List<Side> sources, List<Side> destinations, List<Region> observed) {
    return new DiffQuery(before, after, sources, destinations, observed, null, twins, twinClasses);
  }

  /** The flows of {@code scope} (see {@link #open(List, List, List)}). */
  public DiffQuery open(Scope scope, List<Region> observed) {
    return new DiffQuery(before, after, sides(scope.sources()), sides(scope.destinations()), observed, scope.only(), twins, twinClasses);
  }

  /** The namespaces the input mentions (a hypothetical pod in another one is in a namespace not in the input). */
  public Set<String> namespaces() {
    return Collections.unmodifiableSet(after.namespaceNames());
  }

  /** The query sides of a scope's ends. */
  public List<Side> sides(EndScope end) {
    if (end.everything()) {
      return List.of(
          new Side.Endpoints(after.set.endpoints(), null),
          new Side.Fresh(null, Selector.all(), null, null),
          new Side.Outside(null, null));
    }
    List<Side> out = new ArrayList<>();
    if (!end.endpoints().isEmpty()) {
      out.add(new Side.Endpoints(end.endpoints(), null));
    }
    new TreeSet<>(end.namespaces()).forEach(n -> out.add(new Side.Fresh(n, Selector.all(), null, null)));
    if (end.unlisted()) {
      out.add(new Side.Fresh(Side.Fresh.NEW_NAMESPACE, Selector.all(), null, null));
    }
    if (end.outside()) {
      out.add(new Side.Outside(null, null));
    }
    return out;
  }

  /**
   * Whether every end of {@code set} is an end of {@code end} (false when that cannot be shown):
   * a class of changes found in a scope is one only if the scope holds all of it.
   */
  public boolean contains(EndScope end, EndSet set) {
    if (end.everything()) {
      return true;
    }
    if (set instanceof EndSet.Any || set instanceof EndSet.Range) {
      return false;
    }
    if (set instanceof EndSet.Outside) {
      return end.outside();
    }
    Set<Endpoint> listed = Collections.newSetFromMap(new IdentityHashMap<>());
    listed.addAll(end.endpoints());
    if (set instanceof EndSet.Endpoints e) {
      return listed.containsAll(e.endpoints());
    }
    EndSet.Pods p = (EndSet.Pods) set;
    if (p.unlisted() && !end.unlisted()) {
      return false;
    }
    Set<String> names = p.namespaces() != null ? p.namespaces() : new TreeSet<>(after.namespaceNames());
    for (String n : names) {
      if (!p.excluded().contains(n) && !end.namespaces().contains(n)) {
        return false;
      }
    }
    for (Endpoint e : after.set.endpoints()) {
      if (p.existing()
          && !e.isHost()
          && p.includes(e.namespace())
          && (p.selector() == null || p.selector().matches(e.labels()))
          && !listed.contains(e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an end of {@code set} may be an end of {@code end} (true when that cannot be ruled
   * out): a class found in another scope is excluded from this one's questions only then.
   */
  public boolean mayMeet(EndScope end, EndSet set) {
    if (end.everything()) {
      return true;
    }
    if (set instanceof EndSet.Endpoints e) {
      Set<Endpoint> listed = Collections.newSetFromMap(new IdentityHashMap<>());
      listed.addAll(end.endpoints());
      return e.endpoints().stream().anyMatch(listed::contains);
    }
    if (set instanceof EndSet.Outside) {
      return end.outside();
    }
    if (!(set instanceof EndSet.Pods p) || p.namespaces() == null) {
      return true;
    }
    return (p.unlisted() && end.unlisted())
        || p.namespaces().stream().anyMatch(end.namespaces()::contains)
        || end.endpoints().stream().anyMatch(e -> !e.isHost() && p.namespaces().contains(e.namespace()));
  }

  /**
   * Where verdicts may differ (see the class comment), as few scopes as the changes allow: per
   * direction, the endpoints whose chains differ, grouped by the peers their changed rules can
   * match. Empty when no chain differs anywhere: then no verdict does.
   */
  public List<Scope> scopes() {
    Map<ClassKey, List<Endpoint>> classes = new LinkedHashMap<>();
    for (Endpoint e : after.set.endpoints()) {
      if (!twins.containsKey(e)) {
        classes.computeIfAbsent(ClassKey.of(e), k -> new ArrayList<>()).add(e);
      }
    }
    Set<String> relabelled = new TreeSet<>();
    if (hypothetical) {
      for (String n : after.namespaceNames()) {
        Namespace x = before.set.namespaces().get(n);
        Namespace y = after.set.namespaces().get(n);
        if (x != null && y != null && !x.labels().equals(y.labels())) {
          relabelled.add(n);
        }
      }
    }
    List<NsOption> optionsBefore = before.namespaceOptions(null);
    List<NsOption> optionsAfter = after.namespaceOptions(null);
    Map<Direction, Map<Peers, At>> changes = new LinkedHashMap<>();
    List<Policy> changed = changedPolicies();
    boolean sameTiers =
        before.set.tiers().stream().map(DiffEncoding::tierKey).toList()
            .equals(after.set.tiers().stream().map(DiffEncoding::tierKey).toList());
    // per direction, the endpoints and hypothetical pods' namespaces whose chains differ
    Map<Direction, Set<Endpoint>> changedEndpoints = new HashMap<>();
    Map<Direction, Set<String>> changedNamespaces = new HashMap<>();
    for (Direction dir : List.of(Direction.INGRESS, Direction.EGRESS)) {
      // peers → the ends where the chain differs for changed rules matching those peers
      Map<Peers, At> byPeers = new LinkedHashMap<>();
      Set<Endpoint> endpoints = Collections.newSetFromMap(new IdentityHashMap<>());
      Set<String> namespaces = new HashSet<>();
      for (Map.Entry<ClassKey, List<Endpoint>> c : classes.entrySet()) {
        ClassKey k = c.getKey();
        if (sameTiers && !touched(changed, k, dir)) {
          continue; // no changed policy can apply here, and the profiles are the same: equal chains
        }
        Peers peers =
            compare(
                before.skeleton(null, k.labels(), dir),
                after.skeleton(null, k.labels(), dir),
                profiles(before, k.profiles()),
                profiles(after, k.profiles()),
                dir,
                false);
        if (peers != null) {
          byPeers.computeIfAbsent(peers, p -> new At()).endpoints.addAll(c.getValue());
          endpoints.addAll(c.getValue());
        }
      }
      for (int i = 0; hypothetical && i < optionsAfter.size(); i++) {
        NsOption nb = optionsBefore.get(i);
        NsOption na = optionsAfter.get(i);
        Profile pa = na.name() == null ? Network.NEW_NAMESPACE : na.profile();
        Profile pb = nb.name() == null ? Network.NEW_NAMESPACE : nb.profile();
        Peers peers =
            compare(
                before.skeleton(nb.view(), null, dir),
                after.skeleton(na.view(), null, dir),
                pb == null ? List.of() : List.of(pb),
                pa == null ? List.of() : List.of(pa),
                dir,
                true);
        if (peers != null) {
          String name = na.name() == null ? At.NEW : na.name();
          byPeers.computeIfAbsent(peers, p -> new At()).namespaces.add(name);
          namespaces.add(name);
        }
      }
      changes.put(dir, byPeers);
      endpoints.addAll(twins.keySet()); // both their steps may differ, and how peers' rules see them
      namespaces.addAll(relabelled);
      changedEndpoints.put(dir, endpoints);
      changedNamespaces.put(dir, namespaces);
    }
    List<Scope> out = new ArrayList<>();
    if (!twins.isEmpty() || !relabelled.isEmpty()) {
      // an endpoint or namespace that differs (spec S5.4: their labels, named ports, profiles):
      // every flow from or to it may differ, at either step
      List<Endpoint> changedEnds = after.set.endpoints().stream().filter(twins::containsKey).toList();
      EndScope all = Peers.EVERYTHING.scope(this);
      for (EndScope at : split(new EndScope(false, changedEnds, relabelled, false, false))) {
        String reason = at.describe() + " (changed)";
        out.add(new Scope(at, all, Direction.EGRESS, null, reason));
        out.add(new Scope(all, at, Direction.INGRESS, null, reason));
      }
    }
    for (Map.Entry<Direction, Map<Peers, At>> d : changes.entrySet()) {
      Direction dir = d.getKey();
      Direction other = dir == Direction.INGRESS ? Direction.EGRESS : Direction.INGRESS;
      for (Map.Entry<Peers, At> e : d.getValue().entrySet()) {
        // per namespace when an end spans many (see split); the peers only when the ends are few,
        // lest the questions multiply
        List<EndScope> ats = split(e.getValue().scope(this));
        EndScope allPeers = e.getKey().scope(this);
        List<EndScope> peerParts = ats.size() == 1 ? split(allPeers) : List.of(allPeers);
        for (EndScope at : ats) {
          for (EndScope peers : peerParts) {
            // the peers' own step (the other direction) is the same in both sets at every peer of
            // the scope: the pair then shares its formula
            boolean same =
                peers.everything()
                    ? changedEndpoints.get(other).isEmpty() && changedNamespaces.get(other).isEmpty()
                    : peers.endpoints().stream().noneMatch(changedEndpoints.get(other)::contains)
                        && (peers.unlisted()
                            ? changedNamespaces.get(other).isEmpty()
                            : peers.namespaces().stream().noneMatch(changedNamespaces.get(other)::contains));
            String reason = at.describe() + " (" + dir.json() + ")";
            out.add(
                dir == Direction.INGRESS
                    ? new Scope(peers, at, dir, same ? dir : null, reason)
                    : new Scope(at, peers, dir, same ? dir : null, reason));
          }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // comparing chains

  /** The ends of one direction whose chains differ alike. */
  private static final class At {
    static final String NEW = Side.Fresh.NEW_NAMESPACE;
    final List<Endpoint> endpoints = new ArrayList<>();
    final Set<String> namespaces = new LinkedHashSet<>();

    EndScope scope(DiffEncoding d) {
      Set<String> names = new TreeSet<>(namespaces);
      names.remove(NEW);
      return new EndScope(false, endpoints, names, namespaces.contains(NEW), false);
    }
  }

  /** More namespaces than this at one end of a scope and it is split per namespace. */
  private static final int SPLIT = 8;

  /**
   * Per namespace (host endpoints, new namespaces and outside addresses apart) when the ends span
   * more than {@link #SPLIT} namespaces: an end's chain only holds its own namespace's policies
   * besides the global ones, so small questions are much cheaper than one that holds every chain.
   */
  private static List<EndScope> split(EndScope end) {
    String host = "\u0000host";
    Map<String, List<Endpoint>> byNamespace = new TreeMap<>();
    for (Endpoint e : end.endpoints()) {
      byNamespace.computeIfAbsent(e.isHost() ? host : e.namespace(), k -> new ArrayList<>()).add(e);
    }
    Set<String> names = new TreeSet<>(byNamespace.keySet());
    names.addAll(end.namespaces());
    if (names.size() <= SPLIT) {
      return List.of(end);
    }
    List<EndScope> out = new ArrayList<>();
    for (String n : names) {
      Set<String> fresh = end.namespaces().contains(n) ? Set.of(n) : Set.of();
      out.add(new EndScope(false, byNamespace.getOrDefault(n, List.of()), fresh, false, false));
    }
    if (end.unlisted()) {
      out.add(new EndScope(false, List.of(), Set.of(), true, false));
    }
    if (end.outside()) {
      out.add(new EndScope(false, List.of(), Set.of(), false, true));
    }
    return out;
  }


  /**
   * The peers changed rules can match ({@code everything}, or endpoints, hypothetical pods by
   * selector and outside addresses); a value: equal peers share a scope.
   */
  private record Peers(boolean everything, Set<Integer> endpoints, Set<String> namespaces, boolean unlisted, boolean outside) {

    static final Peers EVERYTHING = new Peers(true, Set.of(), Set.of(), true, true);

    EndScope scope(DiffEncoding d) {
      List<Endpoint> all = d.after.set.endpoints();
      if (!d.hypothetical) {
        return new EndScope(false, everything ? all : endpoints.stream().map(all::get).toList(), Set.of(), false, everything || outside);
      }
      if (everything) {
        return new EndScope(true, all, d.after.namespaceNames(), true, true);
      }
      return new EndScope(false, endpoints.stream().map(all::get).toList(), namespaces, unlisted, outside);
    }
  }

  /** Accumulates peers; {@link #done} makes the value. */
  private final class PeerSet {
    boolean everything;
    final Set<Integer> endpoints = new TreeSet<>();
    final Set<Selector> pods = new LinkedHashSet<>();
    boolean allPods;
    boolean outside;

    /** The ends that rule side {@code m} can match (more is fine, never fewer). */
    void add(EntityMatch m) {
      if (m.service() != null) {
        return; // matches no address (spec S3.4)
      }
      if (m.selector() == null && m.nets().isEmpty() && m.domains().isEmpty()) {
        everything = true;
        return;
      }
      if (m.selector() == null && !m.nets().isEmpty()) {
        for (Endpoint e : after.set.endpoints()) {
          // spec S5.4: one without addresses is at any free address, which the nets may hold
          if (e.ips().isEmpty() || e.ips().stream().anyMatch(ip -> m.nets().stream().anyMatch(c -> c.contains(ip)))) {
            endpoints.add(index(e));
          }
        }
        allPods = true; // a hypothetical pod's address is any free one
        outside = true;
        return;
      }
      if (m.selector() == null) {
        outside = true; // domains only: a destination reached by name
        return;
      }
      Selector pos = m.selector();
      Selector neg = m.notSelector();
      for (Endpoint e : after.set.endpoints()) {
        if (pos.matches(e.labels()) && (neg == null || !neg.matches(e.labels()))) {
          endpoints.add(index(e));
        }
      }
      pods.add(neg == null ? pos : Selector.and(pos, new Selector.Not(neg)));
      for (Network n : List.of(before, after)) {
        for (NetworkSet s : n.set.networkSets()) {
          if (pos.matches(s.labels()) && (neg == null || !neg.matches(s.labels()))) {
            outside = true;
            if (!s.nets().isEmpty()) {
              allPods = true;
              for (Endpoint e : after.set.endpoints()) {
                if (e.ips().isEmpty() || e.ips().stream().anyMatch(ip -> s.nets().stream().anyMatch(c -> c.contains(ip)))) {
                  endpoints.add(index(e));
                }
              }
            }
          }
        }
      }
    }

    /**
     * The labels known of a pod in {@code ns} as far as {@code p} can tell: a new namespace's
     * name is none of the mentioned ones, so when {@code p} only tests that name for equality
     * with mentioned names (or its presence), any unmentioned value stands for it.
     */
    private LabelView view(NsOption ns, Selector p) {
      if (ns.name() != null || !namesOnlyMentioned(p)) {
        return ns.view();
      }
      Map<String, String> fixed = new LinkedHashMap<>(ns.view().fixed());
      fixed.put(Network.NAMESPACE_NAME, At.NEW);
      return new LabelView(fixed, ns.view().closedPrefixes());
    }

    private boolean namesOnlyMentioned(Selector s) {
      Set<String> names = after.namespaceNames();
      if (s instanceof Selector.Compare c) {
        return !c.key().equals(Network.NAMESPACE_NAME)
            || ((c.op() == Selector.Op.EQ || c.op() == Selector.Op.NE) && names.contains(c.value()));
      }
      if (s instanceof Selector.InSet i) {
        return !i.key().equals(Network.NAMESPACE_NAME) || names.containsAll(i.values());
      }
      if (s instanceof Selector.Not n) {
        return namesOnlyMentioned(n.operand());
      }
      if (s instanceof Selector.And a) {
        return a.operands().stream().allMatch(this::namesOnlyMentioned);
      }
      if (s instanceof Selector.Or o) {
        return o.operands().stream().allMatch(this::namesOnlyMentioned);
      }
      return true; // all(), global(), has(key)
    }

    Peers done() {
      if (everything) {
        return Peers.EVERYTHING;
      }
      Set<String> names = new TreeSet<>();
      boolean unlisted = allPods;
      if (allPods) {
        names.addAll(after.namespaceNames());
      } else {
        for (NsOption ns : after.namespaceOptions(null)) {
          if (pods.stream().anyMatch(p -> !Residual.isFalse(Residual.of(p, view(ns, p))))) {
            if (ns.name() == null) {
              unlisted = true;
            } else {
              names.add(ns.name());
            }
          }
        }
        if (unlisted) {
          names.addAll(after.namespaceNames());
        }
      }
      return new Peers(false, Set.copyOf(endpoints), Set.copyOf(names), unlisted, outside);
    }
  }

  /**
   * The peers of the changes between two chains of one direction (see the class comment); null
   * when they are equal. {@code symbolic}: the chains of hypothetical endpoints, where policies
   * may apply depending on labels, so any difference in which policies may apply changes entry.
   */
  private Peers compare(
      List<TierPart> b, List<TierPart> a, List<Profile> pb, List<Profile> pa, Direction dir, boolean symbolic) {
    // tiers entered in either version, in order; a tier whose order or default differs between
    // the versions changes where it sits or how it ends, so anything may change
    Map<String, TierPart> byB = new LinkedHashMap<>();
    b.forEach(t -> byB.put(t.tier().name(), t));
    Map<String, TierPart> byA = new LinkedHashMap<>();
    a.forEach(t -> byA.put(t.tier().name(), t));
    List<String> order = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < b.size() || j < a.size()) {
      TierPart x = i < b.size() ? b.get(i) : null;
      TierPart y = j < a.size() ? a.get(j) : null;
      if (x != null && y != null && x.tier().name().equals(y.tier().name())) {
        if (!tierKey(x.tier()).equals(tierKey(y.tier()))) {
          return Peers.EVERYTHING;
        }
        order.add(x.tier().name());
        i++;
        j++;
      } else if (x != null && !byA.containsKey(x.tier().name())) {
        order.add(x.tier().name());
        i++;
      } else if (y != null && !byB.containsKey(y.tier().name())) {
        order.add(y.tier().name());
        j++;
      } else {
        return Peers.EVERYTHING; // the same tiers in another order
      }
    }
    List<Rule> changed = new ArrayList<>();
    for (String name : order) {
      TierPart x = byB.get(name);
      TierPart y = byA.get(name);
      Tier tier = (x != null ? x : y).tier();
      // entering a Deny tier decides what no rule takes; entering a Pass tier changes nothing by
      // itself, only through its rules
      boolean deny = tier.defaultAction() != Action.PASS;
      if (deny && (x == null || y == null || (symbolic && !appliedKeys(x).equals(appliedKeys(y))))) {
        return Peers.EVERYTHING;
      }
      changedRules(x == null ? List.of() : rules(x, dir), y == null ? List.of() : rules(y, dir), changed);
    }
    List<Rule> rb = new ArrayList<>();
    pb.forEach(p -> rb.addAll(p.rules(dir)));
    List<Rule> ra = new ArrayList<>();
    pa.forEach(p -> ra.addAll(p.rules(dir)));
    changedRules(nonLog(rb), nonLog(ra), changed);
    if (changed.isEmpty()) {
      return null;
    }
    // many ends share their changed rules (a changed GlobalNetworkPolicy): their peers once
    return peersOf.computeIfAbsent(
        List.of(dir, changed),
        k -> {
          PeerSet peers = new PeerSet();
          changed.forEach(r -> peers.add(dir == Direction.INGRESS ? r.source() : r.destination()));
          return peers.done();
        });
  }

  /**
   * The policies of either version that the other lacks or has with other content (by kind,
   * namespace and name): an endpoint none of them can apply to has equal chains in both versions
   * when the tiers and its profiles are the same.
   */
  private List<Policy> changedPolicies() {
    Map<List<Object>, Policy> b = new HashMap<>();
    before.set.policies().forEach(p -> b.put(java.util.Arrays.asList(p.kind(), p.namespace(), p.name()), p));
    Map<List<Object>, Policy> a = new HashMap<>();
    after.set.policies().forEach(p -> a.put(java.util.Arrays.asList(p.kind(), p.namespace(), p.name()), p));
    List<Policy> out = new ArrayList<>();
    b.forEach((k, p) -> {
      Policy q = a.get(k);
      if (q == null || !content(p).equals(content(q))) {
        out.add(p);
        if (q != null) {
          out.add(q);
        }
      }
    });
    a.forEach((k, q) -> {
      if (!b.containsKey(k)) {
        out.add(q);
      }
    });
    return out;
  }

  private List<Object> content(Policy p) {
    return java.util.Arrays.asList(
        p.tier(), p.order(), p.selector(), p.types(), p.doNotTrack(), p.preDnat(), p.applyOnForward(), p.kind(),
        p.ingress().stream().map(this::ruleKey).toList(), p.egress().stream().map(this::ruleKey).toList());
  }

  /** Some changed policy may apply at endpoints of class {@code k} in {@code dir}, or their profiles differ. */
  private boolean touched(List<Policy> changed, ClassKey k, Direction dir) {
    for (Policy p : changed) {
      if (!p.staged() && !p.doNotTrack() && !p.preDnat() && p.governs(dir) && p.selector().matches(k.labels())) {
        return true;
      }
    }
    List<Object> pb = profiles(before, k.profiles()).stream().map(x -> (Object) x.rules(dir).stream().map(this::ruleKey).toList()).toList();
    List<Object> pa = profiles(after, k.profiles()).stream().map(x -> (Object) x.rules(dir).stream().map(this::ruleKey).toList()).toList();
    return !pb.equals(pa);
  }

  /** Adds the rules outside a longest common subsequence of {@code b} and {@code a} to {@code out}. */
  private void changedRules(List<Rule> b, List<Rule> a, List<Rule> out) {
    List<Object> kb = b.stream().map(this::ruleKey).toList();
    List<Object> ka = a.stream().map(this::ruleKey).toList();
    if (kb.equals(ka)) {
      return;
    }
    int[][] len = new int[kb.size() + 1][ka.size() + 1];
    for (int i = kb.size() - 1; i >= 0; i--) {
      for (int j = ka.size() - 1; j >= 0; j--) {
        len[i][j] = kb.get(i).equals(ka.get(j)) ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < kb.size() || j < ka.size()) {
      if (i < kb.size() && j < ka.size() && kb.get(i).equals(ka.get(j))) {
        i++;
        j++;
      } else if (j >= ka.size() || (i < kb.size() && len[i + 1][j] >= len[i][j + 1])) {
        out.add(b.get(i++));
      } else {
        out.add(a.get(j++));
      }
    }
  }

  private static List<Rule> rules(TierPart t, Direction dir) {
    List<Rule> out = new ArrayList<>();
    for (Applied a : t.policies()) {
      out.addAll(a.policy().rules(dir));
    }
    return nonLog(out);
  }

  private static List<Rule> nonLog(List<Rule> rules) {
    return rules.stream().filter(r -> r.action() != Action.LOG).toList();
  }

  private static List<Object> tierKey(Tier t) {
    return java.util.Arrays.asList(t.name(), t.order(), t.defaultAction(), t.declared());
  }

  private static List<Object> appliedKeys(TierPart t) {
    List<Object> out = new ArrayList<>();
    for (Applied a : t.policies()) {
      Policy p = a.policy();
      out.add(java.util.Arrays.asList(p.kind(), p.namespace(), p.name(), a.residual()));
    }
    return out;
  }

  /**
   * A rule's content without its position; a rule that can select a changed network set is never
   * equal to another (it is unique by identity).
   */
  private Object ruleKey(Rule r) {
    if (selectsChangedSet(r.source()) || selectsChangedSet(r.destination())) {
      return new Object();
    }
    return new Rule(
        0, r.action(), r.ipVersion(), r.protocol(), r.notProtocol(), r.icmp(), r.notIcmp(), r.source(),
        r.destination(), r.http(), Span.NONE);
  }

  private boolean selectsChangedSet(EntityMatch m) {
    if (changedSets.isEmpty()) {
      return false;
    }
    for (NetworkSet s : changedSets) {
      if ((m.selector() != null && m.selector().matches(s.labels()))
          || (m.notSelector() != null && m.notSelector().matches(s.labels()))) {
        return true;
      }
    }
    return false;
  }

  /** The network sets that differ between the two sets (by name and content), both versions. */
  private void networkSets() {
    Map<List<String>, NetworkSet> b = new LinkedHashMap<>();
    before.set.networkSets().forEach(s -> b.put(java.util.Arrays.asList(s.namespace(), s.name()), s));
    Map<List<String>, NetworkSet> a = new LinkedHashMap<>();
    after.set.networkSets().forEach(s -> a.put(java.util.Arrays.asList(s.namespace(), s.name()), s));
    Set<List<String>> names = new HashSet<>(b.keySet());
    names.addAll(a.keySet());
    for (List<String> n : names) {
      NetworkSet x = b.get(n);
      NetworkSet y = a.get(n);
      if (x == null || y == null || !content(x).equals(content(y))) {
        if (x != null) {
          changedSets.add(x);
        }
        if (y != null) {
          changedSets.add(y);
        }
      }
    }
  }

  private static List<Object> content(NetworkSet s) {
    return List.of(s.labels(), s.nets(), s.allowedEgressDomains());
  }

  private static List<Profile> profiles(Network n, List<String> names) {
    List<Profile> out = new ArrayList<>();
    for (String name : names) {
      Profile p = n.set.profiles().get(name);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private int index(Endpoint e) {
    return indices.get(e);
  }

  /** The namespace names a set mentions, as {@link Network} counts them. */
  private static Set<String> mentioned(PolicySet set) {
    Set<String> out = new TreeSet<>(set.namespaces().keySet());
    set.profiles().keySet().stream().filter(n -> n.startsWith("kns.")).map(n -> n.substring(4)).forEach(out::add);
    set.endpoints().stream().map(Endpoint::namespace).filter(Objects::nonNull).forEach(out::add);
    set.policies().stream().map(Policy::namespace).filter(Objects::nonNull).forEach(out::add);
    set.networkSets().stream().map(NetworkSet::namespace).filter(Objects::nonNull).forEach(out::add);
    return out;
  }

  /** The same endpoints in the same order: each the same object, or two versions of one endpoint at the same addresses. */
  private static boolean twins(List<Endpoint> a, List<Endpoint> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Endpoint x = a.get(i);
      Endpoint y = b.get(i);
      if (x != y && (x.kind() != y.kind() || !x.ref().equals(y.ref()) || !x.ips().equals(y.ips()))) {
        return false;
      }
    }
    return true;
  }

  /** The base's version of a current endpoint (itself when both versions are one object). */
  public Endpoint before(Endpoint e) {
    return e == null ? null : twins.getOrDefault(e, e);
  }
}
