package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.PolicySet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named ports at an address, as the map's cells and peer classes need them (spec S3.5, S5.5):
 * every owner's, and those a rule side sees there (of the entities its selectors select, as
 * Calico's named-port IP sets hold them). Thread-safe.
 */
final class NamedPorts {

  private final Evaluator evaluator;

  /** The endpoints owning each address (spec S5.5). */
  private final Map<Ip, List<Endpoint>> owners;

  /**
   * Per member and address: who is there, the named ports there, and what each rule side (by
   * identity) sees of them, each made once.
   */
  private final Map<List<Object>, Seen> seenAt = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<Set<NamedPort>, Set<NamedPort>> distinct =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Who is at one member's address and the named ports there, as {@link #seen} asks. */
  private final class Seen {
    final dev.tierproof.eval.Occupants occupants;
    final Set<NamedPort> all;
    final Map<Same, Set<NamedPort>> bySide = new java.util.concurrent.ConcurrentHashMap<>();

    Seen(Member m, Ip ip) {
      this.occupants = evaluator.occupants(ip, m.domain(), m.endpoint());
      this.all = Set.copyOf(at(m.endpoint(), ip));
    }
  }

  NamedPorts(PolicySet set, Evaluator evaluator) {
    this.evaluator = evaluator;
    this.owners = Endpoint.byAddress(set.endpoints());
  }

  /**
   * The named ports at a peer's address: its own and those of every other endpoint that owns the
   * address; none outside.
   */
  List<NamedPort> at(Endpoint peer, Ip ip) {
    if (peer == null) {
      return List.of();
    }
    List<Endpoint> at = owners.getOrDefault(ip, List.of());
    if (at.size() < 2) {
      return peer.ports();
    }
    Set<NamedPort> out = new java.util.LinkedHashSet<>(peer.ports());
    at.forEach(e -> out.addAll(e.ports()));
    return List.copyOf(out);
  }

  /**
   * What tells member {@code m} at its address {@code ip} apart for rule sides naming ports: the
   * named ports there and, where more than one entity is there ({@code crowded}), those each of
   * {@code sides} sees (an endpoint alone is seen where a side holds it).
   */
  List<Object> seen(List<EntityMatch> sides, Member m, Ip ip, boolean crowded) {
    Seen s = seenAt.computeIfAbsent(List.of(m.index(), ip), k -> new Seen(m, ip));
    List<Object> out = new java.util.ArrayList<>(1 + (crowded ? sides.size() : 0));
    out.add(s.all);
    if (crowded) {
      for (EntityMatch side : sides) {
        out.add(
            s.bySide.computeIfAbsent(
                new Same(side), k -> shared(evaluator.namedPorts(side, s.occupants))));
      }
    }
    return out;
  }

  /** {@code ports}, or the set of the same ports seen first (a map sees few, millions of times). */
  private Set<NamedPort> shared(Set<NamedPort> ports) {
    Set<NamedPort> copy = Set.copyOf(ports);
    return distinct.computeIfAbsent(copy, k -> copy);
  }

  /** Whether a rule side names ports by name (spec S3.5). */
  static boolean names(EntityMatch side) {
    return side.ports().stream().anyMatch(p -> p instanceof dev.tierproof.model.Port.Named)
        || side.notPorts().stream().anyMatch(p -> p instanceof dev.tierproof.model.Port.Named);
  }
}
