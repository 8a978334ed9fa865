package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.Site;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import dev.tierproof.smt.Alternative.External;
import dev.tierproof.smt.Alternative.Hypothetical;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
import dev.tierproof.smt.Network.TierPart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The alternatives of one end of a flow, before any formula: the sides a question names, grouped by
 * everything the involved rules (and the tests the query will make) can observe of them. Built in
 * this order: {@link #expand} the sides, {@link #collect} what rule sides observe (also through
 * {@link #involve} and {@link #observe}), then {@link #group}; read only after that.
 *
 * <p>Input (endpoint, address) pairs that agree on endpoint class, family, CIDR memberships,
 * selector coverage, named ports and observed end sets form one {@link Concrete} alternative;
 * endpoints without an address one {@link Addressless} per class; then the hypothetical and
 * external alternatives as the sides give them.
 */
final class EndLayout {

  /**
   * A selector test on a rule side: {@code pos}∧¬{@code neg} (pos non-null), or {@code neg} alone
   * (spec S3.4); {@code pods}: a Service's selector, which selects workload endpoints only, never a
   * network set or host endpoint (S3.9).
   */
  record SelKey(Selector pos, Selector neg, boolean pods) {
    SelKey(Selector pos, Selector neg) {
      this(pos, neg, false);
    }

    boolean matches(Map<String, String> labels) {
      if (pos == null) {
        return neg.matches(labels);
      }
      return pos.matches(labels) && (neg == null || !neg.matches(labels));
    }

    /** The endpoint satisfies the test and is of a kind it selects. */
    boolean admits(Endpoint e) {
      return (!pods || !e.isHost()) && matches(e.labels());
    }

    /** The side's selector test, or null when it has none. */
    static SelKey of(EntityMatch m) {
      if (m.selector() != null) {
        return new SelKey(m.selector(), m.notSelector());
      }
      return m.notSelector() != null ? new SelKey(null, m.notSelector()) : null;
    }
  }

  /**
   * A named port test: name, and the selector filtering the entities (null: every entity) (spec
   * S3.5).
   */
  record NpKey(String name, SelKey filter) {
    static NpKey of(EntityMatch m, Port.Named n) {
      return new NpKey(
          n.name(), m.selector() == null ? null : new SelKey(m.selector(), m.notSelector()));
    }
  }

  /** The selector test of a {@code services} side without listed endpoints, or null (S3.9). */
  static SelKey serviceKey(ServiceMatch s) {
    return s.selector() == null ? null : new SelKey(s.selector(), null, true);
  }

  /**
   * At one address: which selector keys some entity satisfies, and the named ports per port key.
   */
  private record Observed(BitSet covered, List<Set<Long>> ports) {}

  private final Network net;
  private final boolean source;
  private final Direction dir;

  /** The one step a query encodes (lint), else null. */
  private final Direction step;

  private final Set<Ip> apart;

  private final List<Alternative> options = new ArrayList<>();
  private final List<Map.Entry<Endpoint, Ip>> candidates = new ArrayList<>();
  private final List<Map.Entry<Endpoint, Optional<Cidr>>> addressless = new ArrayList<>();
  private final List<Hypothetical> hypothetical = new ArrayList<>();
  private LabelView common;
  private final List<Cidr> cidrs = new ArrayList<>();
  private final Map<SelKey, Integer> selKeys = new LinkedHashMap<>();
  private final Map<NpKey, Integer> npKeys = new LinkedHashMap<>();

  /** Named ports that end sets tested here pin at the flow's port ({@link EndSet.Pods#atPort}). */
  private final Set<String> atPortNames = new java.util.TreeSet<>();

  /** The endpoints each concrete or address-less alternative stands for. */
  private final Map<Alternative, List<Endpoint>> members = new IdentityHashMap<>();

  /** Of a concrete alternative, the address of each of its {@link #members}, in their order. */
  private final Map<Alternative, List<Ip>> at = new IdentityHashMap<>();

  /** Observed endpoint sets: grouping keeps their members apart from the rest. */
  private final List<Set<Endpoint>> marks = new ArrayList<>();

  /**
   * The source end (egress step) or the destination end (ingress step); {@code step}: the one step
   * the query encodes (null: both); {@code apart}: addresses whose pairs are grouped alone.
   */
  EndLayout(Network net, boolean source, Direction step, Set<Ip> apart) {
    this.net = net;
    this.source = source;
    this.dir = source ? Direction.EGRESS : Direction.INGRESS;
    this.step = step;
    this.apart = apart;
  }

  boolean source() {
    return source;
  }

  Direction direction() {
    return dir;
  }

  /** The alternatives, in the order the solver numbers them. */
  List<Alternative> options() {
    return Collections.unmodifiableList(options);
  }

  /** The labels every hypothetical alternative has (null: there is none). */
  LabelView common() {
    return common;
  }

  boolean hasHypothetical() {
    return !hypothetical.isEmpty();
  }

  /** The bit of {@code key} in {@link Concrete#covered}. */
  int bit(SelKey key) {
    return selKeys.get(key);
  }

  /** The index of {@code key} in {@link Concrete#ports}. */
  int index(NpKey key) {
    return npKeys.get(key);
  }

  /** The names of the named-port keys, in registration order. */
  List<String> portNames() {
    List<String> out = new ArrayList<>(npKeys.keySet().stream().map(NpKey::name).toList());
    out.addAll(atPortNames);
    return out;
  }

  /**
   * The input endpoints {@code o} stands for (empty for hypothetical and external alternatives).
   */
  List<Endpoint> members(Alternative o) {
    return members.getOrDefault(o, List.of());
  }

  /**
   * The address of the {@code i}th of {@link #members}{@code (o)}: of a concrete alternative its
   * own, else null (a free address).
   */
  Ip memberAddress(Alternative o, int i) {
    List<Ip> a = at.get(o);
    return a == null ? null : a.get(i);
  }

  void expand(List<Side> sides) {
    Map<Endpoint, Set<Ip>> seen = new IdentityHashMap<>();
    for (Side s : sides) {
      if (s instanceof Side.Endpoints e) {
        for (Endpoint ep : e.endpoints()) {
          if (ep.ips().isEmpty()) {
            addressless.add(Map.entry(ep, Optional.ofNullable(e.range())));
            continue;
          }
          for (Ip ip : ep.ips()) {
            if ((e.range() == null || e.range().contains(ip))
                && seen.computeIfAbsent(ep, k -> new HashSet<>()).add(ip)) {
              candidates.add(Map.entry(ep, ip));
            }
          }
        }
      } else if (s instanceof Side.Fresh f) {
        for (NsOption ns : net.namespaceOptions(f.namespace())) {
          LabelView view = ns.view();
          Selector residual = Residual.of(f.selector(), view);
          if (!Residual.isFalse(residual)) {
            hypothetical.add(new Hypothetical(ns, view, residual, f.ports(), f.range()));
          }
        }
      } else if (s instanceof Outside o) {
        String domain = source ? null : o.domain();
        if (o.ranges().isEmpty()) {
          options.add(new External(null, domain));
        }
        o.ranges().forEach(r -> options.add(new External(r, domain))); // alternatives, one a range
      }
    }
    if (!hypothetical.isEmpty()) {
      common = LabelView.common(views());
    }
  }

  /** Adds the rules of every chain this end may need (Log rules too when one step is encoded). */
  void involve(Set<Rule> out) {
    for (ClassKey k : classes()) {
      addRules(k, dir, out);
    }
    if (common != null) {
      addRules(net.skeleton(common, null, Site.WORKLOAD, dir), dir, out);
      for (Hypothetical f : hypothetical) {
        f.profiles()
            .forEach(
                p -> p.rules(dir).stream().filter(r -> r.action() != Action.LOG).forEach(out::add));
      }
    }
  }

  /**
   * Adds the rules that decide the replies of untracked Allows at this end's host endpoints: their
   * other direction's policies and profiles (spec S6.5).
   */
  void involveReplies(Set<Rule> out) {
    for (ClassKey k : classes()) {
      if (net.untracked(k.site(), k.labels(), dir)) {
        addRules(k, dir.opposite(), out);
      }
    }
  }

  /** The classes of the input endpoints at this end. */
  private Set<ClassKey> classes() {
    Set<ClassKey> classes = new LinkedHashSet<>();
    candidates.forEach(c -> classes.add(ClassKey.of(c.getKey())));
    addressless.forEach(f -> classes.add(ClassKey.of(f.getKey())));
    return classes;
  }

  /** The rules of the step at endpoints of class {@code k} in {@code d}: policies', profiles'. */
  private void addRules(ClassKey k, Direction d, Set<Rule> out) {
    addRules(net.skeleton(null, k.labels(), k.site(), d), d, out);
    for (String name : k.profiles()) {
      Profile p = net.set.profiles().get(name);
      if (p != null) {
        p.rules(d).stream().filter(r -> r.action() != Action.LOG).forEach(out::add);
      }
    }
  }

  private void addRules(List<TierPart> parts, Direction d, Set<Rule> out) {
    for (TierPart t : parts) {
      for (Applied a : t.policies()) {
        a.policy().rules(d).stream()
            .filter(r -> r.action() != Action.LOG || step != null)
            .forEach(out::add);
      }
    }
  }

  /** Registers what a rule side observes of this end's address and peer. */
  void collect(EntityMatch m) {
    if (m.isEmpty()) {
      return;
    }
    if (m.service() != null) {
      ServiceMatch s = m.service();
      s.hosts().forEach(this::addCidr);
      SelKey key = serviceKey(s);
      if (key != null) {
        selKeys.putIfAbsent(key, selKeys.size());
        s.targetNames().forEach(n -> npKeys.putIfAbsent(new NpKey(n, key), npKeys.size()));
      }
    }
    m.nets().forEach(this::addCidr);
    m.notNets().forEach(this::addCidr);
    SelKey key = SelKey.of(m);
    if (key != null) {
      selKeys.putIfAbsent(key, selKeys.size());
    }
    for (List<Port> list : List.of(m.ports(), m.notPorts())) {
      for (Port p : list) {
        if (p instanceof Port.Named n) {
          npKeys.putIfAbsent(NpKey.of(m, n), npKeys.size());
        }
      }
    }
  }

  /** Registers end sets that tests will ask about, so that grouping keeps them exact. */
  void observe(List<EndSet> sets) {
    for (EndSet s : sets) {
      if (s instanceof EndSet.Range r) {
        addCidr(r.range());
      } else if (s instanceof EndSet.Pods p && p.atPort() != null) {
        atPortNames.addAll(p.atPort().keySet()); // so that a test of them is exact
      } else if (s instanceof EndSet.Endpoints e) {
        Set<Endpoint> in = Collections.newSetFromMap(new IdentityHashMap<>());
        in.addAll(e.endpoints());
        marks.add(in);
        e.within().forEach(this::addCidr);
        e.except().forEach(this::addCidr);
      }
    }
  }

  /** Registers ranges a step tests this end's address against besides rules' (failsafe nets). */
  void cut(List<Cidr> ranges) {
    ranges.forEach(this::addCidr);
  }

  private void addCidr(Cidr c) {
    if (!cidrs.contains(c)) {
      cidrs.add(c);
    }
  }

  /**
   * Groups the candidates and lays out the alternatives: groups, address-less, hypothetical,
   * external.
   */
  void group() {
    Map<List<Object>, Concrete> groups = new LinkedHashMap<>();
    List<SelKey> keys = new ArrayList<>(selKeys.keySet());
    List<NpKey> nps = new ArrayList<>(npKeys.keySet());
    Map<List<Object>, Observed> cache = new HashMap<>();
    for (Map.Entry<Endpoint, Ip> c : candidates) {
      Ip a = c.getValue();
      BitSet in = new BitSet();
      for (int i = 0; i < cidrs.size(); i++) {
        in.set(i, cidrs.get(i).contains(a));
      }
      Observed seen = observed(net.owners(a), net.netsetsAt(a), keys, nps, cache);
      BitSet covered = seen.covered();
      List<Set<Long>> ports = seen.ports();
      ClassKey cls = ClassKey.of(c.getKey());
      BitSet marked = marked(c.getKey());
      List<Object> sig =
          apart.contains(a)
              ? List.of(c.getKey(), a)
              : List.of(
                  step != null && step != dir ? "peer" : cls,
                  a.family(),
                  in,
                  covered,
                  ports,
                  marked,
                  Objects.toString(net.placementKey(c.getKey()), "-"),
                  Masquerades.key(net, a));
      Concrete g =
          groups.computeIfAbsent(sig, x -> new Concrete(c.getKey(), a, cls, covered, ports));
      members.computeIfAbsent(g, x -> new ArrayList<>()).add(c.getKey());
      at.computeIfAbsent(g, x -> new ArrayList<>()).add(a);
    }
    options.addAll(0, groups.values());
    Map<List<Object>, Addressless> free = new LinkedHashMap<>();
    for (Map.Entry<Endpoint, Optional<Cidr>> x : addressless) {
      Endpoint ep = x.getKey();
      Cidr range = x.getValue().orElse(null);
      ClassKey k = ClassKey.of(ep);
      Addressless fe =
          free.computeIfAbsent(
              Arrays.asList(k, ep.ports(), range, marked(ep), net.placementKey(ep)),
              y -> new Addressless(ep, k, range));
      members.computeIfAbsent(fe, y -> new ArrayList<>()).add(ep);
    }
    options.addAll(free.values());
    options.addAll(hypothetical);
  }

  private BitSet marked(Endpoint e) {
    BitSet marked = new BitSet();
    for (int i = 0; i < marks.size(); i++) {
      marked.set(i, marks.get(i).contains(e));
    }
    return marked;
  }

  /**
   * What the keys observe at an address with these owners and network sets; cached by the owners'
   * labels, ports and kinds (a Service selects pods only) and the sets, which is all it depends on.
   */
  private static Observed observed(
      List<Endpoint> owners,
      List<NetworkSet> sets,
      List<SelKey> keys,
      List<NpKey> nps,
      Map<List<Object>, Observed> cache) {
    List<Object> key = new ArrayList<>();
    owners.forEach(o -> key.add(List.of(o.labels(), o.ports(), o.isHost())));
    key.add(sets);
    return cache.computeIfAbsent(
        key,
        x -> {
          BitSet covered = new BitSet();
          for (int i = 0; i < keys.size(); i++) {
            SelKey k = keys.get(i);
            covered.set(
                i,
                owners.stream().anyMatch(k::admits)
                    || !k.pods() && sets.stream().anyMatch(n -> k.matches(n.labels())));
          }
          List<Set<Long>> ports = new ArrayList<>();
          for (NpKey k : nps) {
            Set<Long> found = new TreeSet<>();
            for (Endpoint o : owners) {
              if (k.filter() == null || k.filter().admits(o)) {
                for (NamedPort np : o.ports()) {
                  if (np.name().equals(k.name())) {
                    found.add(((long) np.protocol() << 16) | np.port());
                  }
                }
              }
            }
            ports.add(found);
          }
          return new Observed(covered, ports);
        });
  }

  /**
   * The selectors over hypothetical endpoints' symbolic labels this end may encode: the applying
   * policies' residuals, the rule sides' keys, the sides' own, and {@code observed}, each over
   * {@link #common}; empty without hypothetical alternatives.
   */
  List<Selector> symbolic(List<Selector> observed) {
    List<Selector> out = new ArrayList<>();
    if (hypothetical.isEmpty()) {
      return out;
    }
    for (TierPart t : net.skeleton(common, null, Site.WORKLOAD, dir)) {
      t.policies().forEach(a -> out.add(a.residual()));
    }
    for (SelKey k : selKeys.keySet()) {
      if (k.pos() != null) {
        out.add(Residual.of(k.pos(), common));
      }
      if (k.neg() != null) {
        out.add(Residual.of(k.neg(), common));
      }
    }
    hypothetical.forEach(f -> out.add(f.residual()));
    observed.forEach(s -> out.add(Residual.of(s, common)));
    return out;
  }

  /** Whether some hypothetical alternative may be in a new namespace. */
  boolean anyNamespace() {
    return hypothetical.stream().anyMatch(f -> f.ns().name() == null);
  }

  /** The views of the hypothetical alternatives. */
  List<LabelView> views() {
    return hypothetical.stream().map(Hypothetical::view).toList();
  }

  /** The input endpoints of the alternative that stands for {@code e}, or null. */
  List<Endpoint> membersOf(Endpoint e) {
    for (List<Endpoint> m : members.values()) {
      if (m.stream().anyMatch(x -> x == e)) {
        List<Endpoint> out = new ArrayList<>();
        m.forEach(
            x -> {
              if (out.stream().noneMatch(y -> y == x)) {
                out.add(x);
              }
            });
        return out;
      }
    }
    return null;
  }

  /** The alternatives, each with the endpoints it stands for. */
  String describe() {
    StringBuilder out = new StringBuilder(source ? "src" : "dst");
    for (Alternative o : options) {
      out.append("\n  ");
      if (o instanceof Concrete k) {
        out.append("endpoint ").append(k.endpoint().ref()).append(" at ").append(k.address());
      } else if (o instanceof Addressless f) {
        out.append("endpoint ").append(f.endpoint().ref()).append(" at a free address");
      } else if (o instanceof Hypothetical f) {
        out.append("hypothetical in ")
            .append(f.ns().name())
            .append(" {")
            .append(f.residual().canonical())
            .append('}');
      } else if (o instanceof External x) {
        out.append("outside ").append(x.range()).append(' ').append(x.domain());
      }
      for (Endpoint e : members(o)) {
        out.append(' ').append(e.ref());
      }
    }
    return out.toString();
  }
}
