package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.eval.Evaluator;
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
 * network set hold their addresses, and the other owners of those addresses, S5.5; whether
 * nat-outgoing masquerades their packets, S6.10, their node being in their placement), and the
 * addresses outside the cluster grouped by the ranges that hold them. Members of a group are told
 * apart by no rule, so one member stands for all. An endpoint without an address stands at the
 * placeholder explain gives it (spec S5.4). Besides: the destinations reached by each DNS name
 * class (spec S3.6) and, with {@code --scope any}, the classes of pods that could be deployed (spec
 * S5.3, {@link Hypotheticals}).
 */
final class Groups {

  /**
   * A group, its position in {@link #members}, and the endpoint and address that stand for it per
   * family (4, 6), as source and as destination; {@code domain}, the DNS name a destination is
   * reached by. A group of pods that could be deployed is mapped per set of regions ({@code
   * regions}, their names; {@code variantOf} names its class), and {@link Variants} joins those
   * that the map then shows alike.
   */
  record Member(
      int index,
      Group group,
      Endpoint endpoint,
      Map<Integer, Ip> source,
      Map<Integer, Ip> destination,
      String domain,
      String variantOf,
      List<String> regions) {}

  /**
   * Addresses no endpoint owns, alike to every range: the ranges, and per family the address that
   * stands for them as source and as destination (a family without a free address is missing).
   */
  record Region(
      List<Cidr> cidrs, Map<Integer, Ip> sources, Map<Integer, Ip> destinations, boolean world) {}

  private final List<Cidr> cidrs;
  final List<Member> members = new ArrayList<>();
  final List<Region> regions = new ArrayList<>();

  /**
   * The groups of {@code set}'s endpoints; per class of {@code hypothetical}, a group of pods that
   * could be deployed per set of regions that no rule side tells apart for them (one group when no
   * side does); the outside groups; per DNS name class (but the first, no name), a destination
   * group reached by that name at explain's outside address (203.0.113.7, 2001:db8::cb00:7107),
   * standing for the addresses of the regions that hold it.
   */
  Groups(
      PolicySet set,
      Hypotheticals hypothetical,
      dev.tierproof.smt.DomainClasses domains,
      Evaluator evaluator) {
    this.cidrs = ranges(set);
    endpoints(set);
    regions(set);
    List<String> names = regions.stream().map(r -> name(set, r)).toList();
    List<EntityMatch> sides = sides(set);
    int n = 0;
    for (int k = 0; k < hypothetical.size(); k++) {
      Endpoint pod = hypothetical.pod(k);
      List<List<Integer>> alike = alike(sides, set.failsafe().nets(), evaluator, pod);
      for (List<Integer> same : alike) {
        Region at = regions.get(same.get(0));
        Map<Integer, Ip> src = new TreeMap<>();
        Map<Integer, Ip> dst = new TreeMap<>();
        for (int family : List.of(4, 6)) { // explain's pod placeholders where the region has them
          src.put(family, pod(at, family, true));
          dst.put(family, pod(at, family, false));
        }
        src.values().removeIf(java.util.Objects::isNull);
        dst.values().removeIf(java.util.Objects::isNull);
        members.add(
            new Member(
                members.size(),
                hypothetical.group(k, "h" + ++n, within(same)),
                pod,
                src,
                dst,
                null,
                "h" + k,
                same.stream().map(names::get).toList()));
      }
    }
    n = 0;
    for (int r = 0; r < regions.size(); r++) {
      Region region = regions.get(r);
      members.add(
          new Member(
              members.size(),
              new Group("o" + ++n, null, Map.of(), List.of(), region.cidrs(), names.get(r)),
              null,
              region.sources(),
              region.destinations(),
              null,
              null,
              List.of()));
    }
    // a DNS name's destination stands where explain puts it: per family, at the addresses of that
    // family of the region that holds its outside address (not the region's other family)
    Map<Integer, Ip> at = new TreeMap<>();
    Map<Integer, Integer> regionOf = new TreeMap<>();
    List<Cidr> held = new ArrayList<>();
    for (int family : List.of(4, 6)) {
      Ip placeholder = Placeholders.outside(family, false);
      for (int r = 0; r < regions.size(); r++) {
        Ip rep = regions.get(r).destinations().get(family);
        if (rep != null && regions.get(r).cidrs().stream().anyMatch(c -> c.contains(placeholder))) {
          at.put(family, rep);
          regionOf.put(family, r);
          regions.get(r).cidrs().stream().filter(c -> c.family() == family).forEach(held::add);
        }
      }
    }
    boolean oneRegion = new java.util.HashSet<>(regionOf.values()).size() <= 1;
    String where =
        String.join(
            ", ",
            regionOf.entrySet().stream()
                .map(e -> names.get(e.getValue()) + (oneRegion ? "" : " (IPv" + e.getKey() + ")"))
                .distinct()
                .toList());
    for (int k = 1; k < domains.size(); k++) {
      String pattern = domains.pattern(k);
      members.add(
          new Member(
              members.size(),
              new Group(
                  "d" + k,
                  null,
                  Map.of(),
                  List.of(),
                  held,
                  pattern + " at " + where,
                  false,
                  List.of(),
                  List.of(),
                  List.of(pattern)),
              null,
              Map.of(),
              at,
              domains.representative(k),
              null,
              List.of()));
    }
  }

  /** Every rule of the set's policies (in tier order) and profiles, both directions. */
  static List<Rule> rules(PolicySet set) {
    List<Rule> out = new ArrayList<>();
    for (Tier t : set.tiers()) {
      for (Policy p : t.policies()) {
        out.addAll(p.rules(Direction.INGRESS));
        out.addAll(p.rules(Direction.EGRESS));
      }
    }
    for (Profile p : set.profiles().values()) {
      out.addAll(p.rules(Direction.INGRESS));
      out.addAll(p.rules(Direction.EGRESS));
    }
    return out;
  }

  /** Every rule side of the set that looks at who is at an address, each once. */
  private static List<EntityMatch> sides(PolicySet set) {
    Map<EntityMatch, Boolean> out = new java.util.IdentityHashMap<>();
    for (Rule r : rules(set)) {
      for (EntityMatch m : List.of(r.source(), r.destination())) {
        if (!m.isEmpty()) {
          out.put(m, true);
        }
      }
    }
    return List.copyOf(out.keySet());
  }

  /**
   * The regions with a free address, in sets that every rule side holds alike with {@code pod}
   * there, and every failsafe port's net ({@code nets}, spec S6.2) holds alike: per family, at the
   * region's address that stands for it (spec S3.4; a side sees nothing else of a free address).
   */
  private List<List<Integer>> alike(
      List<EntityMatch> sides, List<Cidr> nets, Evaluator evaluator, Endpoint pod) {
    Map<List<Object>, List<Integer>> out = new LinkedHashMap<>();
    for (int r = 0; r < regions.size(); r++) {
      Region region = regions.get(r);
      List<Object> key = new ArrayList<>();
      for (int family : List.of(4, 6)) {
        Ip ip = region.destinations().getOrDefault(family, region.sources().get(family));
        key.add(ip != null);
        if (ip != null) {
          dev.tierproof.eval.Occupants there = evaluator.occupants(ip, pod);
          BitSet held = new BitSet(sides.size());
          for (int i = 0; i < sides.size(); i++) {
            held.set(i, evaluator.identity(sides.get(i), there));
          }
          key.add(held);
          key.add(nets.stream().map(c -> c.contains(ip)).toList());
        }
      }
      if (key.contains(Boolean.TRUE)) { // endpoints may own every address of a region
        out.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
    }
    return List.copyOf(out.values());
  }

  /** The ranges of a set of regions. */
  private List<Cidr> within(List<Integer> same) {
    List<Cidr> out = new ArrayList<>();
    same.forEach(r -> out.addAll(regions.get(r).cidrs()));
    return out;
  }

  /** A free address of the region for a pod: explain's placeholder when it is there. */
  private static Ip pod(Region region, int family, boolean source) {
    Ip placeholder = Placeholders.pod(family, source);
    Ip other = (source ? region.sources() : region.destinations()).get(family);
    return other != null && region.cidrs().stream().anyMatch(c -> c.contains(placeholder))
        ? placeholder
        : other;
  }

  /**
   * Every range a rule ({@code nets}, {@code notNets}), a network set or a failsafe port names,
   * each once.
   */
  private static List<Cidr> ranges(PolicySet set) {
    Set<Cidr> out = new java.util.LinkedHashSet<>();
    for (Rule r : rules(set)) {
      for (EntityMatch m : List.of(r.source(), r.destination())) {
        out.addAll(m.nets());
        out.addAll(m.notNets());
        if (m.service() != null) {
          out.addAll(m.service().hosts()); // spec S3.9: a service's endpoint addresses
        }
      }
    }
    for (NetworkSet n : set.networkSets()) {
      out.addAll(n.nets());
    }
    out.addAll(set.failsafe().nets()); // spec S6.2: a failsafe port's net tests the peer
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
    Map<Ip, List<Endpoint>> owners = Endpoint.byAddress(set.endpoints());
    Set<String> hostNodes = Endpoint.hostNodes(set.endpoints()); // spec S6.12
    dev.tierproof.model.NatOutgoing pools = set.masquerade().pools();
    for (Endpoint e : set.endpoints()) {
      List<Object> addresses = new ArrayList<>();
      for (Ip ip : e.ips()) {
        // spec S5.5: rule sides also see the other owners of the address, their labels and ports
        Set<List<Object>> others = new HashSet<>();
        for (Endpoint o : owners.get(ip)) {
          if (o != e) {
            others.add(List.of(o.labels(), new HashSet<>(o.ports())));
          }
        }
        // spec S6.10: whether nat-outgoing masquerades the address's packets, or packets to it
        boolean from = !e.isHost() && pools.from(e, ip);
        boolean to = e.isHost() && pools.to(e, ip);
        addresses.add(List.of(ip.family(), membership(ip), others, from, to));
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
              e.site(),
              String.valueOf(e.namespace()),
              e.labels(),
              e.profiles(),
              new HashSet<>(e.ports()),
              new HashSet<>(addresses),
              String.valueOf(e.placementKey(hostNodes)));
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
      members.add(new Member(members.size(), group, first, src, dst, null, null, List.of()));
    }
  }

  /**
   * The addresses no endpoint owns: per family, the intervals between the ranges' bounds, grouped
   * by the ranges holding them.
   */
  private void regions(PolicySet set) {
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
        BitSet key = membership(dev.tierproof.model.Cidrs.ip(family, lo));
        byMembership
            .computeIfAbsent(key, k -> new ArrayList<>())
            .addAll(dev.tierproof.model.Cidrs.cover(family, lo, hi));
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
    for (Map.Entry<BitSet, List<Cidr>> e : byMembership.entrySet()) {
      regions.add(
          new Region(
              e.getValue(),
              sources.get(e.getKey()),
              destinations.get(e.getKey()),
              e.getKey().isEmpty()));
    }
  }

  /** What a reader calls a region: the network sets its addresses are in, world, or its ranges. */
  private static String name(PolicySet set, Region region) {
    List<Cidr> cidrs = region.cidrs();
    List<String> names = new ArrayList<>();
    for (NetworkSet s : set.networkSets()) {
      if (s.nets().stream().anyMatch(c -> cidrs.stream().anyMatch(a -> c.contains(a.address())))) {
        names.add(s.namespace() == null ? s.name() : s.namespace() + "/" + s.name());
      }
    }
    if (!names.isEmpty()) {
      return String.join(", ", names);
    }
    return region.world()
        ? "world"
        : cidrs.size() <= 3
            ? cidrs.stream().map(Cidr::toString).reduce((x, y) -> x + ", " + y).orElse("")
            : cidrs.get(0) + ", … (" + cidrs.size() + " ranges)";
  }

  private static boolean inside(Ip ip, BigInteger lo, BigInteger hi) {
    BigInteger v = ip.familyValue();
    return v.compareTo(lo) >= 0 && v.compareTo(hi) <= 0;
  }

  /** The first address of [lo, hi] that no endpoint owns (among the first few), or null. */
  private static Ip unowned(int family, BigInteger lo, BigInteger hi, Set<Ip> owned) {
    BigInteger at = lo.signum() == 0 && hi.compareTo(BigInteger.ONE) >= 0 ? BigInteger.ONE : lo;
    for (int i = 0; i < 64 && at.compareTo(hi) <= 0; i++, at = at.add(BigInteger.ONE)) {
      Ip ip = dev.tierproof.model.Cidrs.ip(family, at);
      if (!owned.contains(ip)) {
        return ip;
      }
    }
    return null;
  }
}
