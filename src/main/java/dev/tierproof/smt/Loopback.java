package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Loopbacks;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loopback flows (a pod's or a host's packets to itself, spec S5.6, S6.13, {@link Loopbacks}) are
 * outside every question's flows: two alternatives whose every pair of members is one are never
 * chosen together ({@link #exclude}), and where two chosen alternatives stand for more, the model
 * is read as two members of theirs that are not ({@link #apart}), which every rule sees as the
 * chosen ones (grouping, {@link EndLayout}). A diff excludes the flows both its versions hold as
 * loopback ({@link Network#loopbacks}); a version holding one the other walks delivers it ({@link
 * #delivered}).
 */
final class Loopback {

  /** An input endpoint an end stands at: its address, null for a free one. */
  record Stand(Endpoint endpoint, Ip address) {}

  private Loopback() {}

  /** Not both ends at one pod, nor at one host {@code lb} holds as loopback. */
  static BoolExpr exclude(Terms t, EndEncoding src, EndEncoding dst, Loopbacks lb) {
    return t.not(t.or(pairs(t, src, dst, lb, null)));
  }

  /**
   * Both ends of a flow {@code own} holds as loopback and {@code shared} (the flows excluded,
   * {@link #exclude}) does not: this version delivers it with no step; false when there is none.
   */
  static BoolExpr delivered(
      Terms t, EndEncoding src, EndEncoding dst, Loopbacks own, Loopbacks shared) {
    return own.equals(shared) ? t.ctx().mkFalse() : t.or(pairs(t, src, dst, own, shared));
  }

  /**
   * The choices of two alternatives whose every pair is loopback in {@code lb}, not in {@code not}.
   */
  private static List<BoolExpr> pairs(
      Terms t, EndEncoding src, EndEncoding dst, Loopbacks lb, Loopbacks not) {
    // the source alternatives that stand for one pod or one unseen host only, by it (cheap to hash)
    Map<List<String>, List<Integer>> alone = new HashMap<>();
    List<Alternative> from = src.layout().options();
    for (int i = 0; i < from.size(); i++) {
      List<String> k = only(src.layout(), from.get(i), lb);
      if (k != null && (not == null || !k.equals(only(src.layout(), from.get(i), not)))) {
        alone.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
      }
    }
    List<BoolExpr> c = new ArrayList<>();
    List<Alternative> to = dst.layout().options();
    for (int j = 0; j < to.size() && !alone.isEmpty(); j++) {
      List<String> k = only(dst.layout(), to.get(j), lb);
      for (int i : k == null ? List.<Integer>of() : alone.getOrDefault(k, List.of())) {
        c.add(t.and(src.is(i), dst.is(j)));
      }
    }
    return c;
  }

  /**
   * What every member of {@code o} is, when each member's flow to each is loopback in {@code lb}:
   * one pod, or host endpoints of one node; else null.
   */
  private static List<String> only(EndLayout layout, Alternative o, Loopbacks lb) {
    if (!(o instanceof Concrete || o instanceof Addressless)) {
      return null;
    }
    List<String> one = null;
    Endpoint first = null;
    for (Endpoint m : layout.members(o)) {
      if (!lb.loopback(m, m) || first != null && !lb.loopback(first, m)) {
        return null;
      }
      List<String> k =
          m.isHost()
              ? Arrays.asList("host", m.node())
              : Arrays.asList(m.source(), m.namespace(), m.name());
      if (one != null && !one.equals(k)) {
        return null;
      }
      one = k;
      first = first == null ? m : first;
    }
    return one;
  }

  /**
   * Where the ends chosen as {@code from} (in {@code source}'s layout) and {@code to} stand when
   * their representatives {@code s} and {@code d} are a loopback flow of {@code lb}: {@code d}'s
   * end moved to a member of {@code to} that is not, else {@code s}'s to one of {@code from} (one
   * exists, {@link #exclude}); null when they are not.
   */
  static Stand[] apart(
      Loopbacks lb,
      EndLayout source,
      Alternative from,
      Endpoint s,
      EndLayout destination,
      Alternative to,
      Endpoint d) {
    if (!lb.loopback(s, d)) {
      return null;
    }
    Stand other = other(destination, to, m -> !lb.loopback(s, m));
    if (other != null) {
      return new Stand[] {null, other};
    }
    other = other(source, from, m -> !lb.loopback(m, d));
    if (other == null) {
      throw new IllegalStateException("internal error: a loopback flow was chosen");
    }
    return new Stand[] {other, null};
  }

  /** The first member of {@code o} that {@code ok} accepts, or null. */
  private static Stand other(
      EndLayout layout, Alternative o, java.util.function.Predicate<Endpoint> ok) {
    List<Endpoint> m = layout.members(o);
    for (int i = 0; i < m.size(); i++) {
      if (ok.test(m.get(i))) {
        return new Stand(m.get(i), layout.memberAddress(o, i));
      }
    }
    return null;
  }
}
