package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Site;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
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
 * other labels, named ports, profiles or node at the same addresses) and namespaces, encoded to be
 * compared flow by flow ({@link DiffQuery}): both share the packet's variables, its DNS name
 * classes and the namespaces a hypothetical endpoint can be in; flows name the second set's
 * endpoints. Every flow from or to an endpoint or namespace that differs is a scope of its own.
 *
 * <p>{@link #scopes} bounds where verdicts can differ, from the structure of the two sets ({@link
 * ChainChanges}): per direction, the endpoints whose chains differ, grouped by the peers their
 * changed rules can match.
 */
public final class DiffEncoding {

  /**
   * A suspect: flows whose verdicts may differ, from one of {@code sources} to one of {@code
   * destinations} (not {@link dev.tierproof.model.Scope}, which says which endpoints a question
   * quantifies over).
   *
   * @param direction the step where the difference is (egress at the sources, ingress at the
   *     destinations)
   * @param only {@code direction} when the other step is the same in both sets at every end of the
   *     scope (a pair then encodes that step once), else null
   * @param reason what changed there, for messages
   */
  public record Suspect(
      EndScope sources,
      EndScope destinations,
      Direction direction,
      Direction only,
      String reason) {}

  /**
   * The ends of a scope: {@code everything}, or these input endpoints, the hypothetical pods of
   * {@code namespaces} (all their pods, whatever their labels) and of namespaces the input does not
   * mention ({@code unlisted}), and addresses outside the cluster ({@code outside}).
   */
  public record EndScope(
      boolean everything,
      List<Endpoint> endpoints,
      Set<String> namespaces,
      boolean unlisted,
      boolean outside) {
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
  private final Map<Endpoint, Integer> indices = new IdentityHashMap<>();

  /**
   * Whether the ends include pods that could be deployed (else only input endpoints and outside
   * addresses).
   */
  private boolean hypothetical;

  private final ChainChanges chains;

  /**
   * Each current endpoint whose base version differs (by labels, named ports, profiles or node) →
   * that version.
   */
  private final Map<Endpoint, Endpoint> twins = new IdentityHashMap<>();

  /**
   * The changed endpoints by what both versions show of them: each group is told apart from the
   * rest.
   */
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
        classes
            .computeIfAbsent(
                List.of(ClassKey.of(b), b.ports(), ClassKey.of(a), a.ports()),
                k -> new ArrayList<>())
            .add(a);
      }
    }
    twinClasses.addAll(classes.values());
    chains = new ChainChanges(before, after, indices);
  }

  /**
   * Encodes both sets in {@code session}. They must list the same endpoints in the same order, each
   * the same object or two versions of one endpoint (kind, reference, addresses) that differ in
   * labels, named ports, profiles or node, and the same namespace names (the caller pairs the base
   * with the current input). Without {@code hypothetical}, scopes hold only the input's endpoints
   * and outside addresses.
   */
  public static DiffEncoding encode(
      PolicySet before, PolicySet after, SolverSession session, boolean hypothetical) {
    if (!twins(before.endpoints(), after.endpoints())) {
      throw new IllegalArgumentException(
          "the two policy sets of a diff must list the same endpoints, at the same addresses");
    }
    Set<String> patterns = new TreeSet<>(Network.patterns(before));
    patterns.addAll(Network.patterns(after));
    Set<String> hostNodes = new TreeSet<>(Endpoint.hostNodes(before.endpoints()));
    hostNodes.addAll(Endpoint.hostNodes(after.endpoints()));
    Set<String> walkable = new TreeSet<>(before.walked());
    walkable.addAll(after.walked());
    Set<String> mentioned = new TreeSet<>(mentioned(before));
    mentioned.addAll(mentioned(after));
    Set<String> interfaces = new TreeSet<>(Network.interfaces(before));
    interfaces.addAll(Network.interfaces(after));
    Set<dev.tierproof.model.Cidr> pools = new java.util.LinkedHashSet<>(Network.pools(before));
    pools.addAll(Network.pools(after));
    DiffEncoding d =
        new DiffEncoding(
            Network.encode(
                before, session, patterns, mentioned, hostNodes, walkable, interfaces, pools),
            Network.encode(
                after, session, patterns, mentioned, hostNodes, walkable, interfaces, pools));
    d.hypothetical = hypothetical;
    // spec S6.13: a flow one version holds as loopback and the other walks is one of both
    d.before.loopbacks = d.after.loopbacks = d.before.own.both(d.after.own);
    return d;
  }

  /**
   * The flows from {@code sources} to {@code destinations}, both sets' verdicts side by side; tests
   * of the {@code observed} regions' end sets are exact.
   */
  public DiffQuery open(List<Side> sources, List<Side> destinations, List<Region> observed) {
    return new DiffQuery(before, after, sources, destinations, observed, null, twins, twinClasses);
  }

  /** The flows of {@code scope} (see {@link #open(List, List, List)}). */
  public DiffQuery open(Suspect scope, List<Region> observed) {
    return new DiffQuery(
        before,
        after,
        sides(scope.sources()),
        sides(scope.destinations()),
        observed,
        scope.only(),
        twins,
        twinClasses);
  }

  /** Whether either input's rules or network sets name a DNS name (spec S3.6). */
  public boolean names() {
    return before.domains.size() > 1 || after.domains.size() > 1;
  }

  /**
   * The namespaces the input mentions (a hypothetical pod in another one is in a namespace not in
   * the input).
   */
  public Set<String> namespaces() {
    return Collections.unmodifiableSet(after.namespaceNames());
  }

  /**
   * Whether both versions fix the labels of namespace {@code ns}, one the input mentions: a
   * Namespace resource or its {@code kns.} profile gives them; else a hypothetical pod's {@code
   * pcns.} labels there are symbolic but for the name (spec S5.3).
   */
  public boolean labelled(String ns) {
    return before.namespaceOptions(ns).get(0).pcns() != null
        && after.namespaceOptions(ns).get(0).pcns() != null;
  }

  /** The query sides of a scope's ends. */
  public List<Side> sides(EndScope end) {
    if (end.everything()) {
      return List.of(
          new Side.Endpoints(after.set.endpoints(), null),
          new Side.Fresh(null, Selector.all(), null, null),
          Outside.in(null, null));
    }
    List<Side> out = new ArrayList<>();
    if (!end.endpoints().isEmpty()) {
      out.add(new Side.Endpoints(end.endpoints(), null));
    }
    new TreeSet<>(end.namespaces())
        .forEach(n -> out.add(new Side.Fresh(n, Selector.all(), null, null)));
    if (end.unlisted()) {
      out.add(new Side.Fresh(Side.Fresh.NEW_NAMESPACE, Selector.all(), null, null));
    }
    if (end.outside()) {
      out.add(Outside.in(null, null));
    }
    return out;
  }

  /**
   * Whether every end of {@code set} is an end of {@code end} (false when that cannot be shown): a
   * class of changes found in a scope is one only if the scope holds all of it.
   */
  public boolean contains(EndScope end, EndSet set) {
    if (end.everything()) {
      return true;
    }
    if (set instanceof EndSet.Any || set instanceof EndSet.Range) {
      return false;
    }
    if (set instanceof Outside) {
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
    Set<String> names =
        p.namespaces() != null ? p.namespaces() : new TreeSet<>(after.namespaceNames());
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
    if (set instanceof Outside) {
      return end.outside();
    }
    if (!(set instanceof EndSet.Pods p) || p.namespaces() == null) {
      return true;
    }
    return (p.unlisted() && end.unlisted())
        || p.namespaces().stream().anyMatch(end.namespaces()::contains)
        || end.endpoints().stream()
            .anyMatch(e -> !e.isHost() && p.namespaces().contains(e.namespace()));
  }

  /**
   * Where verdicts may differ (see the class comment), as few scopes as the changes allow: per
   * direction, the endpoints whose chains differ, grouped by the peers their changed rules can
   * match. Empty when no chain differs anywhere: then no verdict does.
   */
  public List<Suspect> suspects() {
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
    Map<Direction, Map<ChainChanges.Peers, At>> changes = new LinkedHashMap<>();
    List<Policy> changed = chains.changedPolicies();
    boolean sameTiers = chains.sameTiers();
    // per direction, the endpoints and hypothetical pods' namespaces whose chains differ
    Map<Direction, Set<Endpoint>> changedEndpoints = new HashMap<>();
    Map<Direction, Set<String>> changedNamespaces = new HashMap<>();
    for (Direction dir : List.of(Direction.INGRESS, Direction.EGRESS)) {
      // peers → the ends where the chain differs for changed rules matching those peers
      Map<ChainChanges.Peers, At> byPeers = new LinkedHashMap<>();
      Set<Endpoint> endpoints = Collections.newSetFromMap(new IdentityHashMap<>());
      Set<String> namespaces = new HashSet<>();
      for (Map.Entry<ClassKey, List<Endpoint>> c : classes.entrySet()) {
        ClassKey k = c.getKey();
        ChainChanges.Peers peers = peers(k, dir, changed, sameTiers);
        if (before.untracked(k.site(), k.labels(), dir)
            || after.untracked(k.site(), k.labels(), dir)) {
          // spec S6.5: the other direction decides the replies of untracked Allows
          peers = ChainChanges.Peers.union(peers, peers(k, dir.opposite(), changed, sameTiers));
        }
        if (k.host()
            && !before.set.failsafe().at(k.node()).equals(after.set.failsafe().at(k.node()))) {
          peers = ChainChanges.Peers.EVERYTHING; // spec S6.2: its node's failsafe ports differ
        }
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
        ChainChanges.Peers peers =
            chains.compare(
                before.skeleton(nb.view(), null, Site.WORKLOAD, dir),
                after.skeleton(na.view(), null, Site.WORKLOAD, dir),
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
      endpoints.addAll(
          twins.keySet()); // both their steps may differ, and how peers' rules see them
      namespaces.addAll(relabelled);
      changedEndpoints.put(dir, endpoints);
      changedNamespaces.put(dir, namespaces);
    }
    List<Suspect> out = new ArrayList<>();
    if (!twins.isEmpty() || !relabelled.isEmpty()) {
      // an endpoint or namespace that differs (spec S5.4: their labels, named ports, profiles):
      // every flow from or to it, or to another owner of its addresses (S5.5), may differ
      Set<Endpoint> shared = Collections.newSetFromMap(new IdentityHashMap<>());
      twins.keySet().forEach(e -> shared.addAll(after.coOwners(e)));
      List<Endpoint> changedEnds = after.set.endpoints().stream().filter(shared::contains).toList();
      EndScope all = scope(ChainChanges.Peers.EVERYTHING);
      for (EndScope at : split(new EndScope(false, changedEnds, relabelled, false, false))) {
        String reason = at.describe() + " (changed)";
        out.add(new Suspect(at, all, Direction.EGRESS, null, reason));
        out.add(new Suspect(all, at, Direction.INGRESS, null, reason));
      }
    }
    if (!before.set.masquerade().equals(after.set.masquerade())) {
      // spec S6.10: the pools or a node's addresses changed what host endpoints see of workloads'
      // packets: every flow to a host endpoint may differ
      List<Endpoint> hosts = after.set.endpoints().stream().filter(Endpoint::isHost).toList();
      EndScope all = scope(ChainChanges.Peers.EVERYTHING);
      for (EndScope at : split(new EndScope(false, hosts, Set.of(), false, false))) {
        out.add(new Suspect(all, at, Direction.INGRESS, null, at.describe() + " (masquerade)"));
      }
    }
    Set<String> lo = new TreeSet<>(before.own.governed());
    lo.addAll(after.own.governed());
    lo.removeIf(n -> before.own.governed().contains(n) == after.own.governed().contains(n));
    if (!lo.isEmpty()) {
      // spec S6.13: a host's flows to itself that one version walks and the other delivers
      List<Endpoint> hosts =
          after.set.endpoints().stream().filter(e -> e.isHost() && lo.contains(e.node())).toList();
      EndScope at = new EndScope(false, hosts, Set.of(), false, false);
      out.add(new Suspect(at, at, Direction.EGRESS, null, at.describe() + " (loopback)"));
    }
    forwarded(out);
    for (Map.Entry<Direction, Map<ChainChanges.Peers, At>> d : changes.entrySet()) {
      Direction dir = d.getKey();
      Direction other = dir == Direction.INGRESS ? Direction.EGRESS : Direction.INGRESS;
      for (Map.Entry<ChainChanges.Peers, At> e : d.getValue().entrySet()) {
        // per namespace when an end spans many (see split); the peers only when the ends are few,
        // lest the questions multiply
        List<EndScope> ats = split(e.getValue().scope());
        EndScope allPeers = scope(e.getKey());
        List<EndScope> peerParts = ats.size() == 1 ? split(allPeers) : List.of(allPeers);
        for (EndScope at : ats) {
          for (EndScope peers : peerParts) {
            // the peers' own step (the other direction) is the same in both sets at every peer of
            // the scope: the pair then shares its formula
            boolean same =
                peers.everything()
                    ? changedEndpoints.get(other).isEmpty()
                        && changedNamespaces.get(other).isEmpty()
                    : peers.endpoints().stream().noneMatch(changedEndpoints.get(other)::contains)
                        && (peers.unlisted()
                            ? changedNamespaces.get(other).isEmpty()
                            : peers.namespaces().stream()
                                .noneMatch(changedNamespaces.get(other)::contains));
            String reason = at.describe() + " (" + dir.json() + ")";
            out.add(
                dir == Direction.INGRESS
                    ? new Suspect(peers, at, dir, same ? dir : null, reason)
                    : new Suspect(at, peers, dir, same ? dir : null, reason));
          }
        }
      }
    }
    return out;
  }

  /**
   * The flows between the workloads on a node and outside the cluster or any endpoint, both ways,
   * where the node's forward chain of some interface choice differs (spec S6.9-S6.11): walked in
   * one version only, with other policies (the host endpoint governing an interface in one version
   * and the other compared), or on dataplanes that disagree on its failsafe ports (also on the
   * local pre-DNAT path, S6.12). The far end may be a host endpoint: of another node, the flow
   * crosses the workload's node's forward chain (S6.10); of the same node, it is local. The
   * workloads naming no node, and pods not yet deployed, may run on it too. The flows between two
   * outside addresses, which such a node may route, once.
   */
  private void forwarded(List<Suspect> out) {
    Set<String> nodes = new TreeSet<>(before.ports.keySet());
    nodes.addAll(after.ports.keySet());
    EndScope outside =
        new EndScope(
            false,
            after.set.endpoints(),
            hypothetical ? after.namespaceNames() : Set.of(),
            hypothetical,
            true);
    boolean routed = false;
    for (String n : nodes) {
      dev.tierproof.model.Ports pb = before.ports.get(n);
      dev.tierproof.model.Ports pa = after.ports.get(n);
      // spec S6.11: the dataplanes disagree on a forward chain's failsafe ports, or the ports do
      boolean differs =
          pb == null
              || pa == null
              || before.set.forwardFailsafe() != after.set.forwardFailsafe()
              || !before.set.failsafe().at(n).equals(after.set.failsafe().at(n));
      Set<String> choices = new TreeSet<>();
      if (!differs) {
        choices.addAll(pb.choices());
        choices.addAll(pa.choices());
      }
      for (String c : choices) {
        Endpoint b = pb.at(c);
        Endpoint a = pa.at(c);
        for (Direction dir : Direction.values()) {
          differs =
              differs
                  || chains.compare(
                          b == null ? List.of() : before.forwardSkeleton(b, dir),
                          a == null ? List.of() : after.forwardSkeleton(a, dir),
                          List.of(),
                          List.of(),
                          dir,
                          false)
                      != null;
        }
      }
      List<Endpoint> on =
          after.set.endpoints().stream()
              .filter(e -> !e.isHost() && (e.node() == null || n.equals(e.node())))
              .toList();
      if (differs && (!on.isEmpty() || hypothetical)) {
        EndScope at =
            new EndScope(
                false, on, hypothetical ? after.namespaceNames() : Set.of(), hypothetical, false);
        String reason = "the forward chain of node " + n + " (changed)";
        out.add(new Suspect(at, outside, Direction.EGRESS, null, reason));
        out.add(new Suspect(outside, at, Direction.INGRESS, null, reason));
      }
      if (differs && !routed) { // spec S6.11: flows between outside addresses routed through it
        routed = true;
        EndScope away = new EndScope(false, List.of(), Set.of(), false, true);
        out.add(new Suspect(away, away, Direction.EGRESS, null, "routed through node " + n));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // comparing chains

  /** The peers of the changes between the chains of class {@code k} in {@code dir}, or null. */
  private ChainChanges.Peers peers(
      ClassKey k, Direction dir, List<Policy> changed, boolean sameTiers) {
    if (sameTiers && !chains.touched(changed, k, dir)) {
      return null; // no changed policy can apply here, and the profiles are the same: equal chains
    }
    return chains.compare(
        before.skeleton(null, k.labels(), k.site(), dir),
        after.skeleton(null, k.labels(), k.site(), dir),
        ChainChanges.profiles(before, k.profiles()),
        ChainChanges.profiles(after, k.profiles()),
        dir,
        false);
  }

  /** The ends of one direction whose chains differ alike. */
  private static final class At {
    static final String NEW = Side.Fresh.NEW_NAMESPACE;
    final List<Endpoint> endpoints = new ArrayList<>();
    final Set<String> namespaces = new LinkedHashSet<>();

    EndScope scope() {
      Set<String> names = new TreeSet<>(namespaces);
      names.remove(NEW);
      return new EndScope(false, endpoints, names, namespaces.contains(NEW), false);
    }
  }

  /**
   * The ends of {@code p}: all endpoints and namespaces for {@code everything}, hypothetical pods
   * only with them in the diff.
   */
  private EndScope scope(ChainChanges.Peers p) {
    List<Endpoint> all = after.set.endpoints();
    if (!hypothetical) {
      return new EndScope(
          false,
          p.everything() ? all : p.endpoints().stream().map(all::get).toList(),
          Set.of(),
          false,
          p.everything() || p.outside());
    }
    if (p.everything()) {
      return new EndScope(true, all, after.namespaceNames(), true, true);
    }
    return new EndScope(
        false,
        p.endpoints().stream().map(all::get).toList(),
        p.namespaces(),
        p.unlisted(),
        p.outside());
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

  /** The namespace names a set mentions, as {@link Network} counts them. */
  private static Set<String> mentioned(PolicySet set) {
    Set<String> out = new TreeSet<>(set.namespaces().keySet());
    set.profiles().keySet().stream()
        .filter(n -> n.startsWith("kns."))
        .map(n -> n.substring(4))
        .forEach(out::add);
    set.endpoints().stream().map(Endpoint::namespace).filter(Objects::nonNull).forEach(out::add);
    set.policies().stream().map(Policy::namespace).filter(Objects::nonNull).forEach(out::add);
    set.networkSets().stream()
        .map(NetworkSet::namespace)
        .filter(Objects::nonNull)
        .forEach(out::add);
    return out;
  }

  /**
   * The same endpoints in the same order: each the same object, or two versions of one endpoint at
   * the same addresses.
   */
  private static boolean twins(List<Endpoint> a, List<Endpoint> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Endpoint x = a.get(i);
      Endpoint y = b.get(i);
      if (x != y
          && (x.kind() != y.kind() || !x.ref().equals(y.ref()) || !x.ips().equals(y.ips()))) {
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
