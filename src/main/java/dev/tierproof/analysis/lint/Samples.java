package dev.tierproof.analysis.lint;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Candidate packets for a rule, built from the rule's own fields (design.md §3: cheap concrete work
 * first): its family, protocol, ICMP type, ports (numeric, or the named ports of the endpoints
 * involved), and far-end addresses taken from its {@code nets}, from the endpoints and network sets
 * its selectors match, or from outside the cluster. They are only candidates: the caller keeps
 * those the evaluator says the rule matches.
 */
final class Samples {

  /** Sampled flows per class of endpoints, and per rule at most. */
  static final int FLOWS_PER_CLASS = 24;

  static final int FLOWS_PER_RULE = 240;

  private static final List<String> OUTSIDE_V4 =
      List.of("203.0.113.7", "198.51.100.7", "192.0.2.7", "8.8.8.8", "100.64.0.7", "172.31.255.7");
  private static final List<String> OUTSIDE_V6 =
      List.of("2001:db8::cb00:7107", "2001:db8::c633:6407", "2606:4700::1111", "fd12:3456::7");

  /**
   * An address at the far end: its owner (null outside the cluster) and the DNS name it is reached
   * by.
   */
  record Peer(Ip ip, Endpoint owner, String domain) {}

  private final PolicySet set;
  private final Steps steps;
  private final dev.tierproof.model.Loopbacks loopbacks; // spec S5.6, S6.13
  private final Map<Ip, List<Endpoint>> owners = new HashMap<>();
  private final Map<Integer, TreeMap<BigInteger, Ip>> sorted = new HashMap<>();
  private final Map<Integer, List<Ip>> outside = new HashMap<>();
  private final Map<List<Selector>, List<Steps.EClass>> matching =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The classes by their representative's namespace label (none: ""), in order. */
  private final Map<String, List<Steps.EClass>> byNamespace = new HashMap<>();

  Samples(PolicySet set, Steps steps) {
    this.set = set;
    this.steps = steps;
    for (Steps.EClass c : steps.classes) {
      byNamespace
          .computeIfAbsent(
              c.representative().labels().getOrDefault(Steps.NAMESPACE, ""), k -> new ArrayList<>())
          .add(c);
    }
    this.loopbacks = set.loopbacks();
    for (Endpoint e : set.endpoints()) {
      for (Ip ip : e.ips()) {
        owners.computeIfAbsent(ip, k -> new ArrayList<>(1)).add(e);
        sorted.computeIfAbsent(ip.family(), k -> new TreeMap<>()).put(ip.value(), ip);
      }
    }
    for (int fam : List.of(4, 6)) {
      List<Ip> free = new ArrayList<>();
      for (String s : fam == 4 ? OUTSIDE_V4 : OUTSIDE_V6) {
        Ip ip = Ip.parse(s).orElseThrow();
        if (!owners.containsKey(ip)) {
          free.add(ip);
        }
      }
      outside.put(fam, free);
    }
  }

  Endpoint owner(Ip ip) {
    List<Endpoint> o = owners.get(ip);
    return o == null ? null : o.get(0);
  }

  boolean owned(Ip ip) {
    return owners.containsKey(ip);
  }

  /** An address of family {@code fam} that no endpoint owns, for endpoints without addresses. */
  Ip unowned(int fam, int n) {
    Ip base = Ip.parse(fam == 4 ? "10.255.0.1" : "fd00:ff::1").orElseThrow();
    for (long i = n; ; i++) {
      Ip ip = new Ip(fam, base.value().add(BigInteger.valueOf(i)));
      if (!owners.containsKey(ip)) {
        return ip;
      }
    }
  }

  /** Candidate packets for the written rule at {@code at}, at most {@code limit}. */
  List<Flow> flows(RuleRef rule, Endpoint at, int limit) {
    return flows(rule, at, rule.direction(), limit);
  }

  /**
   * Candidate packets for the written rule with {@code at} at the end {@code as} says (ingress: the
   * destination, egress: the source), at most {@code limit}.
   */
  private List<Flow> flows(RuleRef rule, Endpoint at, Direction as, int limit) {
    Set<Flow> out = new LinkedHashSet<>();
    for (Rule r : rule.rules()) {
      forRule(r, as, at, out, limit);
      if (out.size() >= limit) {
        break;
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * Candidate packets for the written rule on a forward side (spec S6.10, S6.11): between an input
   * workload that can be on one of its nodes (on one, or naming none and placed on the first) and a
   * far end outside the cluster, a workload or another node's host endpoint, either way; at most
   * {@code limit}. The rule's sides see the packet's two ends as written (its source side the
   * source).
   */
  List<Flow> forwardFlows(RuleRef rule, Steps.ForwardSide side, int limit) {
    List<Endpoint> near =
        set.endpoints().stream().filter(e -> !e.isHost() && side.near(e.node())).toList();
    if (side.chain().local()) {
      return localFlows(rule, side, near, limit);
    }
    Set<Flow> out = new LinkedHashSet<>();
    String node = side.hosts().get(0).node();
    for (Endpoint w : Steps.spread(near, 4)) {
      for (Direction as : Direction.values()) {
        for (Flow f : flows(rule, w, as, limit / 4 + 1)) {
          Endpoint far = as == Direction.INGRESS ? f.source() : f.destination();
          if (far == null || !far.isHost() || far.node() != null && !far.node().equals(node)) {
            out.add(
                f.placed(
                    as == Direction.INGRESS
                        ? new Flow.Ends(null, node)
                        : new Flow.Ends(node, null)));
          }
        }
      }
    }
    List<Flow> all = new ArrayList<>(out);
    all.addAll(routed(all, side));
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  /**
   * {@code flows}' packets with the workload end moved outside the cluster, routed through each
   * node of {@code side}'s host endpoints, in and out by each of its interface choices (spec S6.10,
   * S6.11: outside -> outside through N meets the same sides).
   */
  private List<Flow> routed(List<Flow> flows, Steps.ForwardSide side) {
    List<Flow> out = new ArrayList<>();
    for (Flow f : flows) {
      boolean source = f.source() != null;
      Ip far = source ? f.destinationIp() : f.sourceIp();
      Ip ip = outside.get(f.family()).stream().filter(x -> !x.equals(far)).findFirst().orElse(null);
      if (ip == null) {
        continue;
      }
      if (f.source() != null && f.destination() != null) {
        continue; // between two workloads: moving one leaves the other in the cluster
      }
      for (Endpoint h : side.hosts()) {
        dev.tierproof.model.Ports p = steps.evaluator.ports().get(h.node());
        for (String c :
            p == null || !p.chooses() ? java.util.Arrays.asList((String) null) : p.choices()) {
          out.add(movedAndPlaced(f, source, ip, null, new Flow.Ends(h.node(), h.node(), c, c)));
        }
      }
    }
    return out;
  }

  /**
   * Candidate packets for the written rule on a local pre-DNAT path (spec S6.12): from a workload
   * of {@code near} to a host endpoint of its node (one naming none placed there), at one of the
   * host endpoint's addresses; at most {@code limit}.
   */
  private List<Flow> localFlows(
      RuleRef rule, Steps.ForwardSide side, List<Endpoint> near, int limit) {
    List<Endpoint> hosts =
        set.endpoints().stream()
            .filter(e -> e.isHost() && e.node() != null && side.near(e.node()))
            .toList();
    Set<Flow> out = new LinkedHashSet<>();
    for (Endpoint w : Steps.spread(near, 4)) {
      for (Flow f : flows(rule, w, Direction.EGRESS, limit / 4 + 1)) {
        for (Endpoint h : hosts) {
          if (w.node() != null && !w.node().equals(h.node())) {
            continue;
          }
          h.ips().stream()
              .filter(ip -> ip.family() == f.family())
              .findFirst()
              .ifPresent(ip -> out.add(movedAndPlaced(f, false, ip, h, Flow.Ends.both(h.node()))));
        }
      }
    }
    List<Flow> all = new ArrayList<>(out);
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  /**
   * Sampled flow {@code f} with one end (its source with {@code source}, else its destination)
   * moved to {@code ip}, owned by {@code owner} (null: outside), keeping the destination's DNS name
   * only when the source moves, and placed as {@code ends}.
   */
  private static Flow movedAndPlaced(
      Flow f, boolean source, Ip ip, Endpoint owner, Flow.Ends ends) {
    return f.moved(source, ip, owner, source ? f.destinationDomain() : null).placed(ends);
  }

  /**
   * The second rule's candidates, then packets mixing two rules' candidates at the same endpoint
   * and direction: the far end of one with the protocol, ports and ICMP fields of the other, both
   * ways (at most {@code limit} in all). They find packets two rules both match, e.g. one that an
   * earlier rule takes from a later one.
   */
  List<Flow> hybrid(List<Flow> a, List<Flow> b, Direction d, int limit) {
    Set<Flow> out = new LinkedHashSet<>(b.size() > limit ? b.subList(0, limit) : b);
    boolean ingress = d == Direction.INGRESS;
    for (Flow x : a) {
      for (Flow y : b) {
        for (Flow[] pair : List.of(new Flow[] {x, y}, new Flow[] {y, x})) {
          Flow k = pair[0];
          Flow far = pair[1];
          if (k.family() != far.family()) {
            continue;
          }
          Flow mixed =
              ingress
                  ? k.moved(true, far.sourceIp(), far.source(), null)
                  : k.moved(false, far.destinationIp(), far.destination(), far.destinationDomain());
          if (!loopbacks.loopback(mixed)) { // spec S5.6, S6.13
            out.add(mixed);
          }
          if (out.size() >= limit) {
            return new ArrayList<>(out);
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** Packets from (ingress) or to (egress) outside addresses, for rules that match them. */
  List<Flow> outsideFlows(RuleRef rule, Endpoint at, int limit) {
    List<Flow> out = new ArrayList<>();
    for (Flow f : flows(rule, at, limit * 4)) {
      Endpoint peer = rule.direction() == Direction.INGRESS ? f.source() : f.destination();
      Ip ip = rule.direction() == Direction.INGRESS ? f.sourceIp() : f.destinationIp();
      if (peer == null && !owned(ip)) {
        out.add(f);
      }
    }
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  private void forRule(Rule r, Direction d, Endpoint at, Set<Flow> out, int limit) {
    boolean ingress = d == Direction.INGRESS;
    EntityMatch local = ingress ? r.destination() : r.source();
    EntityMatch far = ingress ? r.source() : r.destination();
    if (local.service() != null || far.service() != null) {
      return; // spec S3.9: service endpoints are not sampled; the solver decides such rules
    }
    for (int fam : families(r, at)) {
      List<Ip> localIps =
          new ArrayList<>(at.ips().stream().filter(i -> i.family() == fam).toList());
      if (at.ips().isEmpty()) {
        localIps.add(unowned(fam, 0));
      }
      if (localIps.isEmpty()) {
        continue;
      }
      localIps.sort((a, b) -> Boolean.compare(!inNets(local, a), !inNets(local, b)));
      Ip localIp = localIps.get(0);
      for (int proto : protocols(r, fam)) {
        List<Peer> peers = peers(far, fam, d, at);
        for (Peer peer : peers) {
          if (loopbacks.loopback(peer.owner(), at)) {
            continue; // spec S5.6, S6.13: a pod's or host's packets to itself are no flow
          }
          List<Integer> localPorts = ports(r, local, at, proto, ingress ? 80 : 40000);
          List<Integer> farPorts = ports(r, far, peer.owner(), proto, ingress ? 40000 : 80);
          for (Integer lp : localPorts) {
            for (Integer fp : farPorts) {
              Integer[] icmp = icmp(r, proto, fam);
              Flow f =
                  ingress
                      ? Flow.between(
                          proto,
                          peer.ip(),
                          fp,
                          localIp,
                          lp,
                          icmp[0],
                          icmp[1],
                          null,
                          peer.owner(),
                          at)
                      : Flow.between(
                          proto,
                          localIp,
                          lp,
                          peer.ip(),
                          fp,
                          icmp[0],
                          icmp[1],
                          peer.domain(),
                          at,
                          peer.owner());
              out.add(f);
              if (out.size() >= limit) {
                return;
              }
            }
          }
        }
      }
    }
  }

  private static boolean inNets(EntityMatch m, Ip ip) {
    return (m.nets().isEmpty() || m.nets().stream().anyMatch(c -> c.contains(ip)))
        && m.notNets().stream().noneMatch(c -> c.contains(ip));
  }

  private static List<Integer> families(Rule r, Endpoint at) {
    if (r.ipVersion() != null) {
      return List.of(r.ipVersion());
    }
    Set<Integer> fams = new LinkedHashSet<>();
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      m.nets().forEach(c -> fams.add(c.family()));
      m.notNets().forEach(c -> fams.add(c.family()));
    }
    if (r.protocol() != null && r.protocol() == Protocols.ICMPV6) {
      fams.add(6);
    }
    if (fams.isEmpty()) {
      at.ips().forEach(i -> fams.add(i.family()));
    }
    if (fams.isEmpty()) {
      fams.add(4);
    }
    return List.copyOf(fams);
  }

  private static List<Integer> protocols(Rule r, int fam) {
    if (r.protocol() != null) {
      return List.of(r.protocol());
    }
    List<Integer> out = new ArrayList<>();
    if (r.icmp() != null || r.notIcmp() != null) {
      out.add(fam == 6 ? Protocols.ICMPV6 : Protocols.ICMP);
    } else {
      out.add(Protocols.TCP);
      out.add(Protocols.UDP);
      boolean ports =
          List.of(r.source(), r.destination()).stream().anyMatch(m -> !m.ports().isEmpty());
      if (!ports) {
        out.add(fam == 6 ? Protocols.ICMPV6 : Protocols.ICMP);
      }
    }
    out.removeIf(p -> r.notProtocol() != null && r.notProtocol().intValue() == p);
    if (out.isEmpty()) {
      out.add(Protocols.SCTP);
    }
    return out;
  }

  private static Integer[] icmp(Rule r, int proto, int fam) {
    if (!Protocols.isIcmp(proto)) {
      return new Integer[] {null, null};
    }
    if (r.icmp() != null) {
      return new Integer[] {r.icmp().type(), r.icmp().code() == null ? 0 : r.icmp().code()};
    }
    int type = fam == 6 ? 128 : 8;
    if (r.notIcmp() != null && r.notIcmp().type() == type) {
      type = fam == 6 ? 129 : 0;
    }
    return new Integer[] {type, 0};
  }

  /**
   * Ports for one side: from its {@code ports}, else ones outside its {@code notPorts}, else the
   * default.
   */
  private static List<Integer> ports(
      Rule r, EntityMatch m, Endpoint entity, int proto, int fallback) {
    List<Integer> out = new ArrayList<>();
    if (!Protocols.hasPorts(proto)) {
      out.add(null);
      return out;
    }
    for (Port p : m.ports()) {
      if (p instanceof Port.Range range) {
        out.add(range.min());
        if (range.max() != range.min()) {
          out.add(range.max());
        }
      } else if (p instanceof Port.Named named && entity != null) {
        for (NamedPort np : entity.ports()) {
          if (np.name().equals(named.name()) && np.protocol() == proto) {
            out.add(np.port());
          }
        }
      }
    }
    if (m.ports().isEmpty()) {
      for (int candidate : List.of(fallback, 443, 8080, 5000, 1, 65535)) {
        out.add(candidate);
      }
    }
    out.removeIf(
        port ->
            port != null
                && m.notPorts().stream()
                    .anyMatch(p -> p instanceof Port.Range range && range.contains(port)));
    List<Integer> distinct = new ArrayList<>(new LinkedHashSet<>(out));
    return distinct.size() > 2 ? distinct.subList(0, 2) : distinct;
  }

  /** Far-end addresses worth trying for a side, in order of preference. */
  private List<Peer> peers(EntityMatch m, int fam, Direction d, Endpoint at) {
    Map<Ip, Peer> out = new LinkedHashMap<>();
    boolean egress = d == Direction.EGRESS;
    if (!m.domains().isEmpty()) {
      if (egress) {
        for (String domain : m.domains()) {
          String name = domain.startsWith("*.") ? "x" + domain.substring(1) : domain;
          for (Ip ip : outside.get(fam)) {
            out.putIfAbsent(ip, new Peer(ip, null, name));
            break;
          }
        }
      }
      return List.copyOf(out.values());
    }
    List<Cidr> nets = m.nets().stream().filter(c -> c.family() == fam).toList();
    if (m.selector() != null) {
      for (Steps.EClass c : matching(m.selector(), m.notSelector())) {
        for (Endpoint e : c.members()) {
          for (Ip ip : e.ips()) {
            if (ip.family() == fam
                && (nets.isEmpty() || nets.stream().anyMatch(n -> n.contains(ip)))) {
              out.putIfAbsent(ip, new Peer(ip, owner(ip), null));
              break;
            }
          }
          if (out.size() >= 3) {
            break;
          }
        }
        if (out.size() >= 3) {
          break;
        }
      }
      for (NetworkSet n : set.networkSets()) {
        if (!m.selector().matches(n.labels())
            || (m.notSelector() != null && m.notSelector().matches(n.labels()))) {
          continue;
        }
        if (egress && !n.allowedEgressDomains().isEmpty()) {
          String domain = n.allowedEgressDomains().get(0);
          String name = domain.startsWith("*.") ? "x" + domain.substring(1) : domain;
          Ip ip = outside.get(fam).isEmpty() ? null : outside.get(fam).get(0);
          if (ip != null) {
            out.putIfAbsent(ip, new Peer(ip, null, name));
          }
        }
        for (Cidr c : n.nets()) {
          if (c.family() == fam) {
            Ip ip = inside(c, nets);
            if (ip != null) {
              out.putIfAbsent(ip, new Peer(ip, owner(ip), null));
              break;
            }
          }
        }
        if (out.size() >= 5) {
          break;
        }
      }
      return List.copyOf(out.values());
    }
    for (Cidr c : nets) {
      TreeMap<BigInteger, Ip> index = sorted.getOrDefault(fam, new TreeMap<>());
      int n = 0;
      for (Ip ip : index.subMap(c.low(), true, c.high(), true).values()) {
        out.putIfAbsent(ip, new Peer(ip, owner(ip), null));
        if (++n >= 2) {
          break;
        }
      }
      Ip first = inside(c, List.of());
      out.putIfAbsent(first, new Peer(first, owner(first), null));
    }
    if (nets.isEmpty()) {
      for (Ip ip : outside.get(fam)) {
        out.putIfAbsent(ip, new Peer(ip, null, null));
        if (out.size() >= 2) {
          break;
        }
      }
      // a few endpoints: one in the same namespace, one elsewhere
      String ns = at.namespace();
      Endpoint same = null;
      Endpoint other = null;
      for (Steps.EClass c : steps.classes) {
        Endpoint e = c.representative();
        if (e == at || e.ips().stream().noneMatch(i -> i.family() == fam)) {
          continue;
        }
        if (same == null && Objects.equals(e.namespace(), ns)) {
          same = e;
        } else if (other == null && !Objects.equals(e.namespace(), ns)) {
          other = e;
        }
        if (same != null && other != null) {
          break;
        }
      }
      for (Endpoint e : java.util.Arrays.asList(same, other)) {
        if (e != null) {
          Ip ip = e.ips().stream().filter(i -> i.family() == fam).findFirst().orElseThrow();
          if (m.notSelector() == null || !m.notSelector().matches(e.labels())) {
            out.putIfAbsent(ip, new Peer(ip, owner(ip), null));
          }
        }
      }
    }
    out.values().removeIf(p -> m.notNets().stream().anyMatch(c -> c.contains(p.ip())));
    return List.copyOf(out.values());
  }

  /** An address of the CIDR (inside {@code within} when given): the first host, else the lowest. */
  private static Ip inside(Cidr c, List<Cidr> within) {
    BigInteger low = c.low();
    BigInteger v = c.prefix() < c.address().bits() ? low.add(BigInteger.ONE) : low;
    Ip ip = new Ip(c.family(), v);
    if (!within.isEmpty() && within.stream().noneMatch(w -> w.contains(ip))) {
      for (Cidr w : within) {
        if (c.contains(new Ip(w.family(), w.low()))) {
          return new Ip(
              w.family(), w.prefix() < w.address().bits() ? w.low().add(BigInteger.ONE) : w.low());
        }
      }
      return null;
    }
    return ip;
  }

  /** The classes whose endpoints a side's S⁺ with its notSelector folded in matches (spec S3.4). */
  List<Steps.EClass> matching(Selector pos, Selector neg) {
    return matching.computeIfAbsent(
        java.util.Arrays.asList(pos, neg),
        k -> {
          String ns = Selector.pinned(pos, Steps.NAMESPACE);
          List<Steps.EClass> out = new ArrayList<>();
          for (Steps.EClass c :
              ns == null ? steps.classes : byNamespace.getOrDefault(ns, List.of())) {
            Map<String, String> labels = c.representative().labels();
            if (pos.matches(labels) && (neg == null || !neg.matches(labels))) {
              out.add(c);
            }
          }
          return out;
        });
  }
}
