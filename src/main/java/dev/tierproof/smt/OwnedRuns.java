package dev.tierproof.smt;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The addresses endpoints own, as runs of consecutive addresses per family (spec S5.3, S5.4). */
final class OwnedRuns {

  private OwnedRuns() {}

  /** The addresses {@code first} to {@code last}, both owned, and every one between. */
  record Run(BigInteger first, BigInteger last) {}

  /** Per family (4, 6), the runs of the addresses {@code endpoints} own, ascending. */
  static Map<Integer, List<Run>> of(List<Endpoint> endpoints) {
    Map<Integer, TreeSet<BigInteger>> owned = new TreeMap<>();
    for (Endpoint e : endpoints) {
      for (Ip ip : e.ips()) {
        owned.computeIfAbsent(ip.family(), k -> new TreeSet<>()).add(ip.value());
      }
    }
    Map<Integer, List<Run>> runs = new TreeMap<>();
    owned.forEach(
        (family, addresses) -> {
          List<Run> rs = new ArrayList<>();
          for (BigInteger x : addresses) {
            Run last = rs.isEmpty() ? null : rs.get(rs.size() - 1);
            if (last != null && last.last().add(BigInteger.ONE).equals(x)) {
              rs.set(rs.size() - 1, new Run(last.first(), x));
            } else {
              rs.add(new Run(x, x));
            }
          }
          runs.put(family, rs);
        });
    return runs;
  }
}
