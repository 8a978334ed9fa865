package dev.tierproof.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Sets of addresses as the fewest CIDRs: a range's cover, the union of networks, and what of a
 * family's whole space they leave out. Results are per family (IPv4 first), each in address order.
 */
public final class Cidrs {

  private Cidrs() {}

  /** The fewest CIDRs whose union is [{@code lo}, {@code hi}] (values within {@code family}). */
  public static List<Cidr> cover(int family, BigInteger lo, BigInteger hi) {
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

  /** The fewest CIDRs holding exactly the addresses of {@code cidrs}. */
  public static List<Cidr> union(Collection<Cidr> cidrs) {
    List<Cidr> out = new ArrayList<>();
    for (int family : List.of(4, 6)) {
      intervals(cidrs, family).forEach((lo, hi) -> out.addAll(cover(family, lo, hi)));
    }
    return out;
  }

  /** The fewest CIDRs of {@code family} holding exactly the addresses none of {@code cidrs} has. */
  public static List<Cidr> complement(Collection<Cidr> cidrs, int family) {
    BigInteger top = BigInteger.ONE.shiftLeft(family == 4 ? 32 : 128).subtract(BigInteger.ONE);
    List<Cidr> out = new ArrayList<>();
    BigInteger at = BigInteger.ZERO;
    for (var e : intervals(cidrs, family).entrySet()) {
      if (e.getKey().compareTo(at) > 0) {
        out.addAll(cover(family, at, e.getKey().subtract(BigInteger.ONE)));
      }
      at = e.getValue().add(BigInteger.ONE);
    }
    if (at.compareTo(top) <= 0) {
      out.addAll(cover(family, at, top));
    }
    return out;
  }

  /** The disjoint, non-adjacent intervals (low to high) the networks of {@code family} hold. */
  private static TreeMap<BigInteger, BigInteger> intervals(Collection<Cidr> cidrs, int family) {
    TreeMap<BigInteger, BigInteger> sorted = new TreeMap<>();
    for (Cidr c : cidrs) {
      if (c.family() == family) {
        BigInteger lo = new Ip(family, c.low()).familyValue();
        BigInteger hi = new Ip(family, c.high()).familyValue();
        sorted.merge(lo, hi, (a, b) -> a.max(b));
      }
    }
    TreeMap<BigInteger, BigInteger> out = new TreeMap<>();
    for (var e : sorted.entrySet()) {
      var last = out.lastEntry();
      if (last != null && e.getKey().compareTo(last.getValue().add(BigInteger.ONE)) <= 0) {
        out.put(last.getKey(), last.getValue().max(e.getValue()));
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** The address whose value within its family is {@code v}. */
  public static Ip ip(int family, BigInteger v) {
    return family == 4 ? Ip.v4(v.longValue()) : new Ip(6, v);
  }
}
