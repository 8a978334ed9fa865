package dev.tierproof.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Items (network sets, say) by the ranges they list: {@link #at} finds the items with a range
 * holding an address with one lookup per prefix length in use, not one test per range.
 */
public final class CidrIndex<T> {

  /**
   * Per family and prefix length, per network (the address shifted right past the host bits): the
   * items' positions.
   */
  private final Map<Integer, TreeMap<Integer, Map<BigInteger, List<Integer>>>> byPrefix =
      new HashMap<>();

  private final List<T> items;

  /** The index of {@code items} by the ranges {@code ranges} lists for each. */
  public CidrIndex(List<T> items, Function<T, List<Cidr>> ranges) {
    this.items = List.copyOf(items);
    for (int i = 0; i < items.size(); i++) {
      for (Cidr c : ranges.apply(items.get(i))) {
        List<Integer> at =
            byPrefix
                .computeIfAbsent(c.family(), f -> new TreeMap<>())
                .computeIfAbsent(c.prefix(), p -> new HashMap<>())
                .computeIfAbsent(
                    c.address().value().shiftRight(c.address().bits() - c.prefix()),
                    k -> new ArrayList<>());
        if (at.isEmpty() || at.get(at.size() - 1) != i) {
          at.add(i);
        }
      }
    }
  }

  /** The items with a range that holds {@code ip}, in their order, each once. */
  public List<T> at(Ip ip) {
    TreeMap<Integer, Map<BigInteger, List<Integer>>> prefixes = byPrefix.get(ip.family());
    if (prefixes == null) {
      return List.of();
    }
    java.util.TreeSet<Integer> found = new java.util.TreeSet<>();
    prefixes.forEach(
        (prefix, networks) ->
            found.addAll(
                networks.getOrDefault(ip.value().shiftRight(ip.bits() - prefix), List.of())));
    List<T> out = new ArrayList<>(found.size());
    found.forEach(i -> out.add(items.get(i)));
    return out;
  }
}
