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

  /** Per member and address, who is there as a side's named ports see it. */
  private final Map<List<Object>, Evaluator.Occupants> seenAt =
      new java.util.concurrent.ConcurrentHashMap<>();

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

  /** The named ports rule side {@code side} sees at member {@code m}'s address {@code ip}. */
  Set<NamedPort> seen(EntityMatch side, Member m, Ip ip) {
    return evaluator.namedPorts(
        side,
        seenAt.computeIfAbsent(
            List.of(m.index(), ip), k -> evaluator.occupants(ip, m.domain(), m.endpoint())));
  }
}
