package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Occupants;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.selector.Selector;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which rule sides hold which ends of a map (spec S3, S5.5), each asked of the evaluator once: an
 * end is a group at its address of a family ({@link #end}), or one of {@code extra} further ends
 * numbered after them (the node addresses a settled masquerade translates to, {@link
 * Translations}). Who is at an end is what rule sides see there ({@link Evaluator#occupants}).
 */
final class Holding {

  private final Evaluator evaluator;
  private final List<Member> members;
  private final int ends;

  /** Per rule side (by identity) and end: 0 not yet known, 1 the side holds it, 2 not. */
  private final Map<Same, byte[]> identities = new ConcurrentHashMap<>();

  private final Map<List<Object>, BitSet> heldBy = new ConcurrentHashMap<>();

  /** Per family and label, per value, the groups where an entity has the label with the value. */
  private final Map<List<Object>, Map<String, BitSet>> byLabel = new ConcurrentHashMap<>();

  /** Per end: who is there, as rule sides see it. */
  private final Occupants[] occupants;

  Holding(Evaluator evaluator, List<Member> members, int extra) {
    this.evaluator = evaluator;
    this.members = members;
    this.ends = members.size() * 2 + extra;
    this.occupants = new Occupants[ends];
  }

  /**
   * A number per group and family: what the rule sides hold of an end depends on nothing else (the
   * members of a group are alike, and so is another member standing in for its own group).
   */
  static int end(Member m, int family) {
    return m.index() * 2 + (family == 4 ? 0 : 1);
  }

  /** The first of the further ends. */
  int extra() {
    return members.size() * 2;
  }

  /** Who is at {@code end} as rule sides see it; null until a side was asked about it. */
  Occupants occupants(int end) {
    return occupants[end];
  }

  /** How many rule sides were asked about (a debugging figure). */
  int sides() {
    return identities.size();
  }

  /** The groups whose address of {@code family} a rule side holds. */
  BitSet held(EntityMatch side, int family) {
    return heldBy.computeIfAbsent(
        List.of(new Same(side), family),
        k -> {
          BitSet out = new BitSet(members.size());
          BitSet asked = candidates(side, family);
          if (asked == null) {
            asked = new BitSet();
            asked.set(0, members.size());
          }
          for (int i = asked.nextSetBit(0); i >= 0; i = asked.nextSetBit(i + 1)) {
            Member m = members.get(i);
            Ip ip = address(m, family);
            if (ip != null && holds(side, end(m, family), m.endpoint(), ip, m.domain())) {
              out.set(i);
            }
          }
          return out;
        });
  }

  /**
   * A group's address of {@code family}: its source and destination addresses are alike to sides.
   */
  private static Ip address(Member m, int family) {
    return m.destination().getOrDefault(family, m.source().get(family));
  }

  /**
   * The only groups a side can hold when its selector requires a label's value (a top-level {@code
   * k == 'v'} or {@code k in {...}} term: an entity there must have it), the fewest such; else
   * null.
   */
  private BitSet candidates(EntityMatch side, int family) {
    BitSet best = null;
    for (Selector t :
        side.selector() == null ? List.<Selector>of() : Selector.conjuncts(side.selector())) {
      BitSet c =
          t instanceof Selector.Compare k && k.op() == Selector.Op.EQ
              ? labelled(family, k.key(), List.of(k.value()))
              : t instanceof Selector.InSet in && !in.negated()
                  ? labelled(family, in.key(), in.values())
                  : null;
      if (c != null && (best == null || c.cardinality() < best.cardinality())) {
        best = c;
      }
    }
    return best;
  }

  /** The groups where an entity has label {@code key} with one of {@code values}. */
  private BitSet labelled(int family, String key, List<String> values) {
    Map<String, BitSet> index =
        byLabel.computeIfAbsent(
            List.of(family, key),
            k -> {
              Map<String, BitSet> out = new java.util.HashMap<>();
              for (Member m : members) {
                Ip ip = address(m, family);
                if (ip != null) {
                  for (String v : at(end(m, family), m.endpoint(), ip, m.domain()).values(key)) {
                    out.computeIfAbsent(v, x -> new BitSet()).set(m.index());
                  }
                }
              }
              return out;
            });
    BitSet out = new BitSet();
    values.forEach(v -> out.or(index.getOrDefault(v, new BitSet())));
    return out;
  }

  /**
   * Whether a rule side holds an end (a group at an address, reached by DNS name {@code domain};
   * {@code who} null outside).
   */
  boolean holds(EntityMatch side, int end, Endpoint who, Ip ip, String domain) {
    byte[] known =
        identities.computeIfAbsent(
            new Same(side), k -> new byte[ends]); // races only repeat a lookup
    if (known[end] == 0) {
      known[end] = (byte) (evaluator.identity(side, at(end, who, ip, domain)) ? 1 : 2);
    }
    return known[end] == 1;
  }

  private Occupants at(int end, Endpoint who, Ip ip, String domain) {
    if (occupants[end] == null) {
      occupants[end] = evaluator.occupants(ip, domain, who);
    }
    return occupants[end];
  }
}
