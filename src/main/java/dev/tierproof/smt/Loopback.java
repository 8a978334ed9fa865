package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's packets to its own address are outside every question's flows (spec S5.6, {@link
 * Flow#loopback}): two alternatives that each stand for that one pod only are never chosen together
 * ({@link #exclude}), and where two chosen alternatives stand for more, the model is read as two
 * different pods of theirs ({@link #apart}), which every rule sees as the chosen ones (grouping,
 * {@link EndLayout}).
 */
final class Loopback {

  /** An input endpoint an end stands at: its address, null for a free one. */
  record Stand(Endpoint endpoint, Ip address) {}

  private Loopback() {}

  /** Not both ends at one pod: the pairs of alternatives that stand for that pod only. */
  static BoolExpr exclude(Terms t, EndEncoding src, EndEncoding dst) {
    // the source alternatives that stand for one pod only, by its name (cheap to hash)
    Map<List<String>, List<Map.Entry<Integer, Endpoint>>> alone = new HashMap<>();
    List<Alternative> from = src.layout().options();
    for (int i = 0; i < from.size(); i++) {
      Endpoint e = only(src.layout(), from.get(i));
      if (e != null) {
        alone.computeIfAbsent(name(e), k -> new ArrayList<>()).add(Map.entry(i, e));
      }
    }
    List<BoolExpr> c = new ArrayList<>();
    List<Alternative> to = dst.layout().options();
    for (int j = 0; j < to.size() && !alone.isEmpty(); j++) {
      Endpoint e = only(dst.layout(), to.get(j));
      for (Map.Entry<Integer, Endpoint> s :
          e == null
              ? List.<Map.Entry<Integer, Endpoint>>of()
              : alone.getOrDefault(name(e), List.of())) {
        if (Flow.loopback(e, s.getValue())) {
          c.add(t.not(t.and(src.is(s.getKey()), dst.is(j))));
        }
      }
    }
    return t.and(c);
  }

  private static List<String> name(Endpoint e) {
    return java.util.Arrays.asList(e.source(), e.namespace(), e.name());
  }

  /** The one pod {@code o} stands for, or null when it stands for none or several. */
  private static Endpoint only(EndLayout layout, Alternative o) {
    if (!(o instanceof Concrete || o instanceof Addressless)) {
      return null;
    }
    Endpoint one = null;
    for (Endpoint m : layout.members(o)) {
      if (one == null) {
        one = m;
      } else if (one != m && !one.equals(m)) {
        return null;
      }
    }
    return one != null && one.onePod() ? one : null;
  }

  /**
   * Where the ends chosen as {@code from} (in {@code source}'s layout) and {@code to} stand when
   * their representatives {@code s} and {@code d} are one pod: {@code d}'s end moved to another
   * member of {@code to}, else {@code s}'s to another of {@code from} (one exists, {@link
   * #exclude}); null when they are not one pod.
   */
  static Stand[] apart(
      EndLayout source,
      Alternative from,
      Endpoint s,
      EndLayout destination,
      Alternative to,
      Endpoint d) {
    if (!Flow.loopback(s, d)) {
      return null;
    }
    Stand other = other(destination, to, d);
    if (other != null) {
      return new Stand[] {null, other};
    }
    other = other(source, from, s);
    if (other == null) {
      throw new IllegalStateException("internal error: a pod's flow to itself was chosen");
    }
    return new Stand[] {other, null};
  }

  /** The first member of {@code o} other than {@code e}, or null. */
  private static Stand other(EndLayout layout, Alternative o, Endpoint e) {
    List<Endpoint> m = layout.members(o);
    for (int i = 0; i < m.size(); i++) {
      if (!m.get(i).equals(e)) {
        return new Stand(m.get(i), layout.memberAddress(o, i));
      }
    }
    return null;
  }
}
