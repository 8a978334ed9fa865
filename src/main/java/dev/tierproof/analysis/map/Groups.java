package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ends of a map: endpoints grouped by everything a rule or selector can observe of them (spec
 * S3, S4: labels, namespace, profiles, kind, named ports, which ranges named by a policy or a
 * network set hold their addresses, and the other owners of those addresses, S5.5), and the
 * addresses outside the cluster grouped by the ranges that hold them. Members of a group are told
 * apart by no rule, so one member stands for all. An endpoint without an address stands at the
 * placeholder explain gives it (spec S5.4).
 */
final class Groups {

  /**
   * A group, its position in {@link #members}, and the endpoint and address that stand for it per
   * family (4, 6), as source and as destination.
   */
  record Member(
      int index,
      Group group,
      Endpoint endpoint,
      Map<Integer, Ip> source,
      Map<Integer, Ip> destination) {}

  private final List<Cidr> cidrs;
  final List<Member> members = new ArrayList<>();

  Groups(PolicySet set) {
    this.cidrs = ranges(set);
    endpoints(set);
    outside(set);
  }

  /** Every range a rule ({@code nets}, {@code notNets}) or a network set names, each once. */
  private static List<Cidr> ranges(PolicySet set) {
    Set<Cidr> out = new java.util.LinkedHashSet<>();
    List<List<Rule>> lists = new ArrayList<>();
    for (Tier t : set.tiers()) {
      for (Policy p : t.policies()) {
        lists.add(p.rules(Direction.INGRESS));
        lists.add(p.rules(Direction.EGRESS));
      }
    }
    for (Profile p : set.profiles().values()) {
      lists.add(p.rules(Direction.INGRESS));
      lists.add(p.rules(Direction.EGRESS));
    }
    for (List<Rule> rules : lists) {
      for (Rule r : rules) {
        for (EntityMatch m : List.of(r.source(), r.destination())) {
          out.addAll(m.nets());
          out.addAll(m.notNets());
          if (m.service() != null) {
            out.addAll(m.service().hosts()); // spec S3.9: a service's endpoint addresses
          }
        }
      }
    }
    for (NetworkSet n : set.networkSets()) {
      out.addAll(n.nets());
    }
    return List.copyOf(out);
  }

  private BitSet membership(Ip ip) {
    BitSet b = new BitSet(cidrs.size());
    for (int i = 0; i < cidrs.size(); i++) {
      if (cidrs.get(i).contains(ip)) {
        b.set(i);
      }
    }
    return b;
  }

  private void endpoints(PolicySet set) {
    Map<List<Object>, List<Endpoint>> byKey = new LinkedHashMap<>();
    for (Endpoint e : set.endpoints()) {
      List<Object> addresses = new ArrayList<>();
      for (Ip ip : e.ips()) {
        // spec S5.5: rule sides also see the other owners of the address, their labels and ports
        Set<List<Object>> others = new HashSet<>();
        for (Endpoint o : set.endpoints()) {
          if (o != e && o.ips().contains(ip)) {
            others.add(List.of(o.labels(), new HashSet<>(o.ports())));
          }
        }
        addresses.add(List.of(ip.family(), membership(ip), others));
      }
      if (e.ips().isEmpty()) {
        for (int family : List.of(4, 6)) {
          addresses.add(
              List.of(
                  "placeholder",
                  membership(Placeholders.pod(family, true)),
                  membership(Placeholders.pod(family, false))));
        }
      }
      List<Object> key =
          List.of(
              e.kind(),
              String.valueOf(e.namespace()),
              e.labels(),
              e.profiles(),
              new HashSet<>(e.ports()),
              new HashSet<>(addresses));
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    // labels that set a group apart: those whose value differs among the groups of its namespace
    Map<String, List<List<Endpoint>>> byNamespace = new LinkedHashMap<>();
    byKey
        .values()
        .forEach(
            g ->
                byNamespace
                    .computeIfAbsent(String.valueOf(g.get(0).namespace()), k -> new ArrayList<>())
                    .add(g));
    int n = 0;
    for (List<Endpoint> g : byKey.values()) {
      Endpoint first = g.get(0);
      List<List<Endpoint>> neighbours = byNamespace.get(String.valueOf(first.namespace()));
      Map<String, String> apart = new TreeMap<>();
      for (Map.Entry<String, String> l : first.labels().entrySet()) {
        if (l.getKey().startsWith("projectcalico.org/")
            || l.getKey().startsWith("pcns.")
            || l.getKey().startsWith("pcsa.")) {
          continue;
        }
        if (neighbours.stream()
            .anyMatch(o -> !l.getValue().equals(o.get(0).labels().get(l.getKey())))) {
          apart.put(l.getKey(), l.getValue());
        }
      }
      Group group = new Group("g" + ++n, first.namespace(), apart, g, List.of(), null);
      Map<Integer, Ip> src = new TreeMap<>();
      Map<Integer, Ip> dst = new TreeMap<>();
      for (Ip ip : first.ips()) {
        src.putIfAbsent(ip.family(), ip);
        dst.putIfAbsent(ip.family(), ip);
      }
      if (first.ips().isEmpty()) {
        for (int family : List.of(4, 6)) {
          src.put(family, Placeholders.pod(family, true));
          dst.put(family, Placeholders.pod(family, false));
        }
      }
      members.add(new Member(members.size(), group, first, src, dst));
    }
  }

  /**
   * Outside: per family, the intervals between the ranges' bounds, grouped by the ranges holding
   * them.
   */
  private void outside(PolicySet set) {
    Set<Ip> owned = new HashSet<>();
    set.endpoints().forEach(e -> owned.addAll(e.ips()));
    Map<BitSet, List<Cidr>> byMembership = new LinkedHashMap<>();
    Map<BitSet, Map<Integer, Ip>> sources = new LinkedHashMap<>();
    Map<BitSet, Map<Integer, Ip>> destinations = new LinkedHashMap<>();
    for (int family : List.of(4, 6)) {
      int bits = family == 4 ? 32 : 128;
      BigInteger top = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
      TreeSet<BigInteger> bounds = new TreeSet<>();
      bounds.add(BigInteger.ZERO);
      for (Cidr c : cidrs) {
        if (c.family() == family) {
          BigInteger low = new Ip(family, c.low()).familyValue();
          BigInteger high = new Ip(family, c.high()).familyValue();
          bounds.add(low);
          if (high.compareTo(top) < 0) {
            bounds.add(high.add(BigInteger.ONE));
          }
        }
      }
      List<BigInteger> points = new ArrayList<>(bounds);
      for (int i = 0; i < points.size(); i++) {
        BigInteger lo = points.get(i);
        BigInteger hi = i + 1 < points.size() ? points.get(i + 1).subtract(BigInteger.ONE) : top;
        BitSet key = membership(ip(family, lo));
        byMembership.computeIfAbsent(key, k -> new ArrayList<>()).addAll(cover(family, lo, hi));
        for (boolean source : List.of(true, false)) {
          Map<Integer, Ip> reps =
              (source ? sources : destinations).computeIfAbsent(key, k -> new TreeMap<>());
          Ip placeholder = Placeholders.outside(family, source);
          Ip rep =
              inside(placeholder, lo, hi) && !owned.contains(placeholder)
                  ? placeholder
                  : unowned(family, lo, hi, owned);
          if (rep != null && (!reps.containsKey(family) || rep.equals(placeholder))) {
            reps.put(family, rep);
          }
        }
      }
    }
    int n = 0;
    for (Map.Entry<BitSet, List<Cidr>> e : byMembership.entrySet()) {
      List<String> names = new ArrayList<>();
      for (NetworkSet s : set.networkSets()) {
        if (s.nets().stream()
            .anyMatch(c -> e.getValue().stream().anyMatch(a -> c.contains(a.address())))) {
          names.add(s.namespace() == null ? s.name() : s.namespace() + "/" + s.name());
        }
      }
      String display =
          !names.isEmpty()
              ? String.join(", ", names)
              : e.getKey().isEmpty()
                  ? "world"
                  : e.getValue().size() <= 3
                      ? e.getValue().stream()
                          .map(Cidr::toString)
                          .reduce((a, b) -> a + ", " + b)
                          .orElse("")
                      : e.getValue().get(0) + ", … (" + e.getValue().size() + " ranges)";
      Group g = new Group("o" + ++n, null, Map.of(), List.of(), e.getValue(), display);
      members.add(
          new Member(
              members.size(), g, null, sources.get(e.getKey()), destinations.get(e.getKey())));
    }
  }

  /** The address whose value within its family is {@code v}. */
  private static Ip ip(int family, BigInteger v) {
    return family == 4 ? Ip.v4(v.longValue()) : new Ip(6, v);
  }

  private static boolean inside(Ip ip, BigInteger lo, BigInteger hi) {
    BigInteger v = ip.familyValue();
    return v.compareTo(lo) >= 0 && v.compareTo(hi) <= 0;
  }

  /** The first address of [lo, hi] that no endpoint owns (among the first few), or null. */
  private static Ip unowned(int family, BigInteger lo, BigInteger hi, Set<Ip> owned) {
    BigInteger at = lo.signum() == 0 && hi.compareTo(BigInteger.ONE) >= 0 ? BigInteger.ONE : lo;
    for (int i = 0; i < 64 && at.compareTo(hi) <= 0; i++, at = at.add(BigInteger.ONE)) {
      Ip ip = ip(family, at);
      if (!owned.contains(ip)) {
        return ip;
      }
    }
    return null;
  }

  /** The fewest CIDRs whose union is [lo, hi]. */
  static List<Cidr> cover(int family, BigInteger lo, BigInteger hi) {
    int bits = family == 4 ? 32 : 128;
    List<Cidr> out = new ArrayList<>();
    BigInteger at = lo;
    while (at.compareTo(hi) <= 0) {
      int size = at.signum() == 0 ? bits : at.getLowestSetBit();
      while (size > 0
          && at.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(hi) > 0) {
        size--;
      }
      out.add(new Cidr(ip(family, at), bits - size));
      at = at.add(BigInteger.ONE.shiftLeft(size));
    }
    return out;
  }
}
