package dev.tierproof.analysis.lint;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The input endpoints a step's rules can tell apart as the packet's far end. A far end is observed
 * only through its address: the family, which of the rules' CIDRs contain it, which of their
 * selectors match an entity at it (the endpoint's labels, the network sets there), and the named
 * ports of the endpoint there (spec S3.4, S3.5); a {@code services} side through the addresses it
 * lists, its selector and its named target ports (S3.9). Endpoints that agree on all of that for
 * every rule of the step are interchangeable, so one representative per kind is exact; the solver
 * then groups far ends among a few hundred endpoints instead of every one.
 */
final class Peers {

  private final PolicySet set;
  private final Steps steps;
  private final Samples samples;
  private final Map<Integer, TreeMap<BigInteger, Ip>> sorted = new HashMap<>();
  private final Set<Ip> shared = new java.util.HashSet<>();
  private final Map<Ip, List<Integer>> netsetsAt = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Endpoint> withoutAddress = new ArrayList<>();
  private final dev.tierproof.model.CidrIndex<Integer> netsetIndex;

  Peers(PolicySet set, Steps steps, Samples samples) {
    this.set = set;
    this.steps = steps;
    this.samples = samples;
    this.netsetIndex =
        new dev.tierproof.model.CidrIndex<>(
            java.util.stream.IntStream.range(0, set.networkSets().size()).boxed().toList(),
            i -> set.networkSets().get(i).nets());
    Set<Ip> seen = new java.util.HashSet<>();
    for (Endpoint e : set.endpoints()) {
      if (e.ips().isEmpty()) {
        withoutAddress.add(e);
      }
      for (Ip ip : new LinkedHashSet<>(e.ips())) {
        if (!seen.add(ip)) {
          shared.add(ip);
        }
        sorted.computeIfAbsent(ip.family(), k -> new TreeMap<>()).put(ip.value(), ip);
      }
    }
  }

  /**
   * One endpoint per kind the far sides of {@code rules} (in direction {@code d}) can tell apart.
   */
  List<Endpoint> representatives(Iterable<Rule> rules, Direction d) {
    return representatives(
        rules, List.of(d == Direction.INGRESS ? Rule::source : Rule::destination), e -> "");
  }

  /**
   * For a forward side (spec S6.10, S6.11), whose rules see both ends of a flow between a workload
   * that can be on one of its nodes and outside or another workload: one workload endpoint per kind
   * both sides of {@code rules} can tell apart, kept apart by whether it can be on one of the
   * side's nodes (on one, or naming no node) or not.
   */
  List<Endpoint> workloads(Iterable<Rule> rules, Steps.ForwardSide side) {
    return representatives(
        rules,
        List.of(Rule::source, Rule::destination),
        e -> e.isHost() ? null : e.node() == null ? "" : side.near(e.node()) ? "near" : "far");
  }

  /**
   * One endpoint per kind the {@code sides} of {@code rules} can tell apart, among the endpoints
   * {@code kind} names (null: left out), each kind of its own.
   */
  private List<Endpoint> representatives(
      Iterable<Rule> rules,
      List<java.util.function.Function<Rule, EntityMatch>> sides,
      java.util.function.Function<Endpoint, String> kind) {
    List<List<Selector>> keys = new ArrayList<>();
    Set<List<Selector>> seenKeys = new java.util.HashSet<>();
    List<Cidr> cidrs = new ArrayList<>();
    Set<String> portNames = new java.util.TreeSet<>();
    List<EntityMatch> matches = new ArrayList<>();
    rules.forEach(r -> sides.forEach(side -> matches.add(side.apply(r))));
    for (EntityMatch m : matches) {
      if (m.selector() != null || m.notSelector() != null) {
        List<Selector> k = Arrays.asList(m.selector(), m.notSelector());
        if (seenKeys.add(k)) {
          keys.add(k);
        }
      }
      List<Cidr> observed = new ArrayList<>(m.nets());
      observed.addAll(m.notNets());
      if (m.service() != null) { // spec S3.9: its listed addresses, its selector, its target names
        observed.addAll(m.service().hosts());
        if (m.service().selector() != null
            && seenKeys.add(Arrays.asList(m.service().selector(), null))) {
          keys.add(Arrays.asList(m.service().selector(), null));
        }
        portNames.addAll(m.service().targetNames());
      }
      for (Cidr c : observed) {
        if (!cidrs.contains(c)) {
          cidrs.add(c);
        }
      }
      for (List<Port> ps : List.of(m.ports(), m.notPorts())) {
        for (Port p : ps) {
          if (p instanceof Port.Named n) {
            portNames.add(n.name());
          }
        }
      }
    }
    // per class: which keys its labels satisfy
    Map<Steps.EClass, BitSet> classBits = new IdentityHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      List<Selector> k = keys.get(i);
      List<Steps.EClass> matching =
          k.get(0) != null
              ? samples.matching(k.get(0), k.get(1))
              : samples.matching(new Selector.All(), null).stream()
                  .filter(c -> k.get(1).matches(c.representative().labels()))
                  .toList();
      for (Steps.EClass c : matching) {
        classBits.computeIfAbsent(c, x -> new BitSet()).set(i);
      }
    }
    // per address: which CIDRs contain it
    Map<Ip, BitSet> cidrBits = new HashMap<>();
    for (int i = 0; i < cidrs.size(); i++) {
      Cidr c = cidrs.get(i);
      TreeMap<BigInteger, Ip> index = sorted.get(c.family());
      if (index == null
          || c.low().compareTo(index.firstKey()) <= 0 && c.high().compareTo(index.lastKey()) >= 0) {
        continue; // none of its family, or all: it tells no two addresses of the family apart
      }
      for (Ip ip : index.subMap(c.low(), true, c.high(), true).values()) {
        cidrBits.computeIfAbsent(ip, x -> new BitSet()).set(i);
      }
    }
    Map<List<Object>, Endpoint> out = new LinkedHashMap<>();
    for (Steps.EClass c : steps.classes) {
      BitSet bits = classBits.getOrDefault(c, new BitSet());
      for (Endpoint e : c.members()) {
        String k = kind.apply(e);
        if (k == null) {
          continue;
        }
        List<Object> sig = new ArrayList<>();
        sig.add(k);
        sig.add(c.representative().site());
        sig.add(bits);
        List<String> ports = new ArrayList<>();
        for (NamedPort np : e.ports()) {
          if (portNames.contains(np.name())) {
            ports.add(np.name() + "/" + np.protocol() + "/" + np.port());
          }
        }
        ports.sort(null);
        sig.add(ports);
        boolean unique = e.ips().isEmpty();
        for (Ip ip : e.ips()) {
          if (shared.contains(ip)) {
            unique = true;
          }
          sig.add(ip.family());
          sig.add(cidrBits.getOrDefault(ip, new BitSet()));
          sig.add(netsetsAt(ip));
        }
        if (unique) {
          sig.add(-1 - out.size()); // its own kind
        }
        out.putIfAbsent(sig, e);
      }
    }
    return List.copyOf(out.values());
  }

  /** The indexes of the network sets whose CIDRs contain the address. */
  private List<Integer> netsetsAt(Ip ip) {
    return netsetsAt.computeIfAbsent(ip, netsetIndex::at);
  }
}
