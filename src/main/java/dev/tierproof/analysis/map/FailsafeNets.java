package dev.tierproof.analysis.map;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;

/**
 * The peers of a host endpoint's step kept apart by its failsafe ports' nets (spec S6.2: a port
 * with a net takes a packet only when its peer is in it, a failsafe reply's too), as rule sides
 * keep them apart.
 */
final class FailsafeNets {

  private FailsafeNets() {}

  /**
   * {@code classes} (of peer groups, by {@link Groups.Member#index}) split by each net of the
   * failsafe ports of {@code at}'s node, when {@code at} is a host endpoint; {@code peerIp}: the
   * address a group stands at as the peer, null when none.
   */
  static List<BitSet> split(
      List<BitSet> classes,
      PolicySet set,
      Endpoint at,
      List<Groups.Member> members,
      Function<Groups.Member, Ip> peerIp) {
    if (!at.isHost()) {
      return classes;
    }
    for (Cidr net : set.failsafe().at(at.node()).nets()) {
      BitSet held = new BitSet(members.size());
      for (Groups.Member m : members) {
        Ip ip = peerIp.apply(m);
        held.set(m.index(), ip != null && net.contains(ip));
      }
      classes = Classes.split(classes, held);
    }
    return classes;
  }
}
