package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Ordered;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
import dev.tierproof.smt.Network.TierPart;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the chains (spec S4) of two versions of a policy set over the same endpoints differ, from
 * their structure alone, for {@link DiffEncoding#scopes}: at an endpoint and direction, the two
 * chains (the entered tiers with their rules in order, then the profiles' rules) either enter
 * different tiers (any flow there may change), or differ only by the rules outside a longest common
 * subsequence of each tier's rules. A packet that matches none of those rules meets the same first
 * matching rule in both chains (the common rules keep their order), so its verdict there is the
 * same: only packets from or to a peer a changed rule can match ({@link Peers}) may change. Rules
 * that select a network set that changed count as changed everywhere.
 */
final class ChainChanges {

  /**
   * The peers changed rules can match ({@code everything}, or endpoints, hypothetical pods by
   * selector and outside addresses); a value: equal peers share a scope.
   */
  record Peers(
      boolean everything,
      Set<Integer> endpoints,
      Set<String> namespaces,
      boolean unlisted,
      boolean outside) {

    static final Peers EVERYTHING = new Peers(true, Set.of(), Set.of(), true, true);

    /** The peers of either (null: none). */
    static Peers union(Peers a, Peers b) {
      if (a == null || b == null) {
        return a == null ? b : a;
      }
      if (a.everything || b.everything) {
        return EVERYTHING;
      }
      Set<Integer> endpoints = new TreeSet<>(a.endpoints);
      endpoints.addAll(b.endpoints);
      Set<String> namespaces = new TreeSet<>(a.namespaces);
      namespaces.addAll(b.namespaces);
      return new Peers(
          false,
          Ordered.sorted(endpoints),
          Ordered.sorted(namespaces),
          a.unlisted || b.unlisted,
          a.outside || b.outside);
    }
  }

  private final Network before;
  private final Network after;
  private final Map<Endpoint, Integer> indices;
  private final Set<NetworkSet> changedSets = Collections.newSetFromMap(new IdentityHashMap<>());

  /** The peers of a direction's list of changed rules. */
  private final Map<List<Object>, Peers> peersOf = new HashMap<>();

  /** {@code indices}: each current endpoint's position in the input. */
  ChainChanges(Network before, Network after, Map<Endpoint, Integer> indices) {
    this.before = before;
    this.after = after;
    this.indices = indices;
    networkSets();
  }

  /** The two versions declare the same tiers, in the same order and with the same defaults. */
  boolean sameTiers() {
    return before.set.tiers().stream()
        .map(ChainChanges::tierKey)
        .toList()
        .equals(after.set.tiers().stream().map(ChainChanges::tierKey).toList());
  }

  private int index(Endpoint e) {
    return indices.get(e);
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
        everything |= m.service().resolved(); // spec S3.9: not narrowed (an unresolved one: none)
        return;
      }
      if (m.selector() == null && m.nets().isEmpty() && m.domains().isEmpty()) {
        everything = true;
        return;
      }
      if (m.selector() == null && !m.nets().isEmpty()) {
        for (Endpoint e : after.set.endpoints()) {
          // spec S5.4: one without addresses is at any free address, which the nets may hold
          if (e.ips().isEmpty()
              || e.ips().stream().anyMatch(ip -> m.nets().stream().anyMatch(c -> c.contains(ip)))) {
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
                if (e.ips().isEmpty()
                    || e.ips().stream()
                        .anyMatch(ip -> s.nets().stream().anyMatch(c -> c.contains(ip)))) {
                  endpoints.add(index(e));
                }
              }
            }
          }
        }
      }
    }

    /**
     * The labels known of a pod in {@code ns} as far as {@code p} can tell: a new namespace's name
     * is none of the mentioned ones, so when {@code p} only tests that name for equality with
     * mentioned names (or its presence), any unmentioned value stands for it.
     */
    private LabelView view(NsOption ns, Selector p) {
      if (ns.name() != null || !namesOnlyMentioned(p)) {
        return ns.view();
      }
      Map<String, String> fixed = new LinkedHashMap<>(ns.view().fixed());
      fixed.put(Network.NAMESPACE_NAME, Side.Fresh.NEW_NAMESPACE);
      return new LabelView(fixed, ns.view().closedPrefixes());
    }

    private boolean namesOnlyMentioned(Selector s) {
      Set<String> names = after.namespaceNames();
      if (s instanceof Selector.Compare c) {
        return !c.key().equals(Network.NAMESPACE_NAME)
            || ((c.op() == Selector.Op.EQ || c.op() == Selector.Op.NE)
                && names.contains(c.value()));
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
      // spec S5.5: the rules see every owner at a matched endpoint's address
      Set<Integer> shared = new TreeSet<>();
      for (int i : endpoints) {
        after.coOwners(after.set.endpoints().get(i)).forEach(o -> shared.add(index(o)));
      }
      return new Peers(false, Ordered.sorted(shared), Ordered.sorted(names), unlisted, outside);
    }
  }

  /**
   * The peers of the changes between two chains of one direction (see the class comment); null when
   * they are equal. {@code symbolic}: the chains of hypothetical endpoints, where policies may
   * apply depending on labels, so any difference in which policies may apply changes entry.
   */
  Peers compare(
      List<TierPart> b,
      List<TierPart> a,
      List<Profile> pb,
      List<Profile> pa,
      Direction dir,
      boolean symbolic) {
    // tiers entered in either version, in order; a tier whose order or default differs between
    // the versions changes where it sits or how it ends, so anything may change
    Map<String, TierPart> byB = new LinkedHashMap<>();
    b.forEach(t -> byB.put(name(t), t));
    Map<String, TierPart> byA = new LinkedHashMap<>();
    a.forEach(t -> byA.put(name(t), t));
    List<String> order = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < b.size() || j < a.size()) {
      TierPart x = i < b.size() ? b.get(i) : null;
      TierPart y = j < a.size() ? a.get(j) : null;
      if (x != null && y != null && name(x).equals(name(y))) {
        if (!tierKey(x.tier()).equals(tierKey(y.tier()))) {
          return Peers.EVERYTHING;
        }
        order.add(name(x));
        i++;
        j++;
      } else if (x != null && !byA.containsKey(name(x))) {
        order.add(name(x));
        i++;
      } else if (y != null && !byB.containsKey(name(y))) {
        order.add(name(y));
        j++;
      } else {
        return Peers.EVERYTHING; // the same tiers in another order
      }
    }
    List<Rule> changed = new ArrayList<>();
    for (String name : order) {
      TierPart x = byB.get(name);
      TierPart y = byA.get(name);
      TierPart either = x != null ? x : y;
      // entering a Deny tier decides what no rule takes; entering a Pass tier (or any tier on a
      // host endpoint's untracked or pre-DNAT path, spec S6.4) changes nothing by itself, only
      // through its rules
      boolean deny = either.path().endsInDefault() && either.tier().defaultAction() != Action.PASS;
      if (deny
          && (x == null || y == null || (symbolic && !appliedKeys(x).equals(appliedKeys(y))))) {
        return Peers.EVERYTHING;
      }
      changedRules(
          x == null ? List.of() : rules(x, dir), y == null ? List.of() : rules(y, dir), changed);
    }
    List<Rule> rb = new ArrayList<>();
    pb.forEach(p -> rb.addAll(p.rules(dir)));
    List<Rule> ra = new ArrayList<>();
    pa.forEach(p -> ra.addAll(p.rules(dir)));
    changedRules(nonLog(rb), nonLog(ra), changed);
    changed.addAll(passes(pa, dir));
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
  List<Policy> changedPolicies() {
    Map<List<Object>, Policy> b = new HashMap<>();
    before
        .set
        .policies()
        .forEach(p -> b.put(java.util.Arrays.asList(p.kind(), p.namespace(), p.name()), p));
    Map<List<Object>, Policy> a = new HashMap<>();
    after
        .set
        .policies()
        .forEach(p -> a.put(java.util.Arrays.asList(p.kind(), p.namespace(), p.name()), p));
    List<Policy> out = new ArrayList<>();
    b.forEach(
        (k, p) -> {
          Policy q = a.get(k);
          if (q == null || !content(p).equals(content(q))) {
            out.add(p);
            if (q != null) {
              out.add(q);
            }
          }
        });
    a.forEach(
        (k, q) -> {
          if (!b.containsKey(k)) {
            out.add(q);
          }
        });
    return out;
  }

  private List<Object> content(Policy p) {
    return java.util.Arrays.asList(
        p.tier(),
        p.order(),
        p.selector(),
        p.types(),
        p.doNotTrack(),
        p.preDnat(),
        p.applyOnForward(),
        p.kind(),
        p.ingress().stream().map(this::ruleKey).toList(),
        p.egress().stream().map(this::ruleKey).toList());
  }

  /**
   * Some changed policy may apply at endpoints of class {@code k} in {@code dir}, or their profiles
   * differ, or the two versions' dataplanes walk other paths there.
   */
  boolean touched(List<Policy> changed, ClassKey k, Direction dir) {
    List<dev.tierproof.model.HostPath> paths =
        dev.tierproof.model.HostPath.of(k.site(), dir, after.set.dataplane());
    if (!paths.equals(dev.tierproof.model.HostPath.of(k.site(), dir, before.set.dataplane()))) {
      return true; // spec S6.6: the dataplanes walk other paths here (eBPF's XDP at `*`)
    }
    for (Policy p : changed) {
      if (dev.tierproof.model.HostPath.enforced(p, k.site(), dir, after.set.dataplane())
          && p.selector().matches(k.labels())) {
        return true;
      }
    }
    List<Object> pb =
        profiles(before, k.profiles()).stream()
            .map(x -> (Object) x.rules(dir).stream().map(this::ruleKey).toList())
            .toList();
    List<Object> pa =
        profiles(after, k.profiles()).stream()
            .map(x -> (Object) x.rules(dir).stream().map(this::ruleKey).toList())
            .toList();
    return !pb.equals(pa) || !passes(profiles(after, k.profiles()), dir).isEmpty();
  }

  /**
   * The Pass rules of {@code profiles} in {@code dir} when the two versions' dataplanes disagree on
   * them (spec S4.6: one goes on to the next profile, the other denies), else none.
   */
  private List<Rule> passes(List<Profile> profiles, Direction dir) {
    if (before.set.profilePassGoesOn() == after.set.profilePassGoesOn()) {
      return List.of();
    }
    List<Rule> out = new ArrayList<>();
    profiles.forEach(
        p -> p.rules(dir).stream().filter(r -> r.action() == Action.PASS).forEach(out::add));
    return out;
  }

  /**
   * Adds the rules outside a longest common subsequence of {@code b} and {@code a} to {@code out}.
   */
  private void changedRules(List<Rule> b, List<Rule> a, List<Rule> out) {
    List<Object> kb = b.stream().map(this::ruleKey).toList();
    List<Object> ka = a.stream().map(this::ruleKey).toList();
    if (kb.equals(ka)) {
      return;
    }
    int[][] len = new int[kb.size() + 1][ka.size() + 1];
    for (int i = kb.size() - 1; i >= 0; i--) {
      for (int j = ka.size() - 1; j >= 0; j--) {
        len[i][j] =
            kb.get(i).equals(ka.get(j))
                ? len[i + 1][j + 1] + 1
                : Math.max(len[i + 1][j], len[i][j + 1]);
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

  /** A tier on one path of a step: {@code tier1}, {@code untracked tier1}. */
  private static String name(TierPart t) {
    return t.path().endsInDefault() ? t.tier().name() : t.path().json() + " " + t.tier().name();
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
    return r.content();
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
    before
        .set
        .networkSets()
        .forEach(s -> b.put(java.util.Arrays.asList(s.namespace(), s.name()), s));
    Map<List<String>, NetworkSet> a = new LinkedHashMap<>();
    after
        .set
        .networkSets()
        .forEach(s -> a.put(java.util.Arrays.asList(s.namespace(), s.name()), s));
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

  static List<Profile> profiles(Network n, List<String> names) {
    List<Profile> out = new ArrayList<>();
    for (String name : names) {
      Profile p = n.set.profiles().get(name);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }
}
