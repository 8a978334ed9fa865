package dev.tierproof.analysis.lint;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An over-approximation of the packets a rule can match at one step (spec S3): its protocols, the
 * far end's addresses (from {@code nets} and from the entities its positive selector matches), and
 * the numeric ports of either end. When two rules' footprints are disjoint in one of these, no
 * packet matches both: such an earlier rule never takes a packet the other matches, which the
 * solver need not be asked. Null components mean "anything". Only the input's entities are
 * considered, so address footprints are used in the existing-endpoints scope only.
 */
final class Footprint {

  private static final Set<Integer> PORT_PROTOCOLS =
      Set.of(Protocols.TCP, Protocols.UDP, Protocols.SCTP, Protocols.UDPLITE);

  /** Sorted, disjoint inclusive intervals of 128-bit addresses (IPv4-mapped). */
  record Addresses(List<BigInteger[]> intervals) {
    boolean intersects(Addresses o) {
      int i = 0;
      int j = 0;
      while (i < intervals.size() && j < o.intervals.size()) {
        BigInteger[] a = intervals.get(i);
        BigInteger[] b = o.intervals.get(j);
        if (a[1].compareTo(b[0]) < 0) {
          i++;
        } else if (b[1].compareTo(a[0]) < 0) {
          j++;
        } else {
          return true;
        }
      }
      return false;
    }

    static Addresses of(List<BigInteger[]> raw) {
      List<BigInteger[]> sorted = new ArrayList<>(raw);
      sorted.sort((x, y) -> x[0].compareTo(y[0]));
      List<BigInteger[]> out = new ArrayList<>();
      for (BigInteger[] r : sorted) {
        if (!out.isEmpty() && out.get(out.size() - 1)[1].add(BigInteger.ONE).compareTo(r[0]) >= 0) {
          BigInteger[] last = out.get(out.size() - 1);
          if (r[1].compareTo(last[1]) > 0) {
            last[1] = r[1];
          }
        } else {
          out.add(new BigInteger[] {r[0], r[1]});
        }
      }
      return new Addresses(out);
    }

    Addresses intersect(Addresses o) {
      List<BigInteger[]> out = new ArrayList<>();
      int i = 0;
      int j = 0;
      while (i < intervals.size() && j < o.intervals.size()) {
        BigInteger[] a = intervals.get(i);
        BigInteger[] b = o.intervals.get(j);
        BigInteger lo = a[0].max(b[0]);
        BigInteger hi = a[1].min(b[1]);
        if (lo.compareTo(hi) <= 0) {
          out.add(new BigInteger[] {lo, hi});
        }
        if (a[1].compareTo(b[1]) < 0) {
          i++;
        } else {
          j++;
        }
      }
      return new Addresses(out);
    }
  }

  /** One Calico rule's footprint; null components: anything. */
  record Of(
      Set<Integer> protocols,
      Addresses far,
      List<Port.Range> farPorts,
      List<Port.Range> localPorts) {}

  private final PolicySet set;
  private final boolean addresses;
  private final Samples samples;
  private final Map<Rule, Of[]> cache =
      java.util.Collections.synchronizedMap(new IdentityHashMap<>());

  Footprint(PolicySet set, Samples samples, boolean addresses) {
    this.set = set;
    this.samples = samples;
    this.addresses = addresses;
  }

  /** True when no packet can match one of {@code a}'s rules and one of {@code b}'s at the step. */
  boolean disjoint(List<Rule> a, List<Rule> b, Direction d) {
    for (Rule x : a) {
      for (Rule y : b) {
        if (!disjoint(of(x, d), of(y, d))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean disjoint(Of x, Of y) {
    if (x.protocols() != null
        && y.protocols() != null
        && x.protocols().stream().noneMatch(y.protocols()::contains)) {
      return true;
    }
    if (x.far() != null && y.far() != null && !x.far().intersects(y.far())) {
      return true;
    }
    return disjoint(x.farPorts(), y.farPorts()) || disjoint(x.localPorts(), y.localPorts());
  }

  private static boolean disjoint(List<Port.Range> x, List<Port.Range> y) {
    if (x == null || y == null) {
      return false;
    }
    for (Port.Range a : x) {
      for (Port.Range b : y) {
        if (a.min() <= b.max() && b.min() <= a.max()) {
          return false;
        }
      }
    }
    return true;
  }

  Of of(Rule r, Direction d) {
    Of[] both = cache.computeIfAbsent(r, k -> new Of[2]);
    synchronized (both) {
      if (both[d.ordinal()] == null) {
        both[d.ordinal()] = compute(r, d);
      }
      return both[d.ordinal()];
    }
  }

  private Of compute(Rule r, Direction d) {
    EntityMatch far = d == Direction.INGRESS ? r.source() : r.destination();
    EntityMatch local = d == Direction.INGRESS ? r.destination() : r.source();
    Set<Integer> protocols = null;
    if (r.protocol() != null) {
      protocols = Set.of(r.protocol());
    } else if (r.icmp() != null) {
      // spec S3.3: icmp matches ICMP messages only; notICMP, its negation, every other packet too
      protocols = Set.of(Protocols.ICMP, Protocols.ICMPV6);
    } else if (!far.ports().isEmpty() || !local.ports().isEmpty()) {
      protocols = PORT_PROTOCOLS;
    }
    return new Of(
        protocols, addresses ? far(far) : null, numeric(far.ports()), numeric(local.ports()));
  }

  /** Numeric ports only; null when the list is empty or has a named port. */
  private static List<Port.Range> numeric(List<Port> ports) {
    if (ports.isEmpty() || ports.stream().anyMatch(p -> !(p instanceof Port.Range))) {
      return null;
    }
    return ports.stream().map(Port.Range.class::cast).toList();
  }

  private Addresses far(EntityMatch m) {
    if (m.service() != null) {
      // spec S3.9: an unresolved service matches no address; a resolved one is not narrowed here
      return m.service().resolved() ? null : new Addresses(List.of());
    }
    if (!m.domains().isEmpty()) {
      return null;
    }
    Addresses out = null;
    if (!m.nets().isEmpty()) {
      out = Addresses.of(m.nets().stream().map(Footprint::interval).toList());
    }
    if (m.selector() != null) {
      List<BigInteger[]> raw = new ArrayList<>();
      for (Steps.EClass c : samples.matching(m.selector(), m.notSelector())) {
        for (Endpoint e : c.members()) {
          if (e.ips().isEmpty()) {
            return out; // an endpoint without addresses may be at any address no endpoint owns
          }
          for (Ip ip : e.ips()) {
            raw.add(new BigInteger[] {ip.value(), ip.value()});
          }
        }
      }
      for (NetworkSet n : set.networkSets()) {
        if (m.selector().matches(n.labels())
            && (m.notSelector() == null || !m.notSelector().matches(n.labels()))) {
          n.nets().forEach(c -> raw.add(interval(c)));
        }
      }
      Addresses sel = Addresses.of(raw);
      out = out == null ? sel : out.intersect(sel);
    }
    return out;
  }

  /**
   * A CIDR's addresses in the 128-bit form ({@link Cidr#low()} and {@link Cidr#high()} are already
   * that).
   */
  private static BigInteger[] interval(Cidr c) {
    return new BigInteger[] {c.low(), c.high()};
  }
}
