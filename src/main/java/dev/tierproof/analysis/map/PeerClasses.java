package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.ServiceMatch;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of peer groups that a step sees alike: those every rule side on the peer's side holds
 * alike (spec S3), that a host endpoint's failsafe nets (S6.2), the ports services list (S3.9), the
 * named ports rule sides see (S3.5, S5.5) and a settled masquerade (S6.10) do not tell apart. Made
 * once per direction, family and set of rule sides (and, at a host endpoint, per endpoint and
 * address): the replicas of a workload, and the workloads one set of policies selects, share
 * theirs. Thread-safe.
 */
final class PeerClasses {

  /**
   * Per peer group ({@link Member#index}) its class, -1 where it has no address of the family; per
   * class, its first group.
   */
  record Of(int[] classOf, int[] rep) {}

  private final PolicySet set;
  private final List<Member> members;
  private final Holding holding;
  private final NamedPorts namedPorts;
  private final SharedArrays arrays = new SharedArrays();
  private final Map<List<Object>, Of> made = new ConcurrentHashMap<>();
  private final Map<List<Object>, int[]> portsAt = new ConcurrentHashMap<>();

  PeerClasses(PolicySet set, List<Member> members, Holding holding, NamedPorts namedPorts) {
    this.set = set;
    this.members = members;
    this.holding = holding;
    this.namedPorts = namedPorts;
  }

  /**
   * The classes of the step at {@code at} (address {@code atIp}) in {@code dir} over peers at
   * addresses of {@code family}, whose rules' peer sides are {@code sides} (distinct, none empty);
   * {@code translated}: per peer group the source a settled masquerade shows the step, or null.
   */
  Of of(
      Endpoint at,
      Ip atIp,
      Direction dir,
      int family,
      List<EntityMatch> sides,
      Translations.Seen[] translated) {
    List<Object> key = new ArrayList<>(sides.size() + 4);
    key.add(dir);
    key.add(family);
    if (at.isHost()) { // its failsafe nets and translations are its own
      key.add(new Same(at));
      key.add(atIp);
    }
    sides.forEach(s -> key.add(new Same(s)));
    return made.computeIfAbsent(key, k -> make(at, dir, family, sides, translated));
  }

  private Of make(
      Endpoint at,
      Direction dir,
      int family,
      List<EntityMatch> sides,
      Translations.Seen[] translated) {
    java.util.function.Function<Member, Ip> peerIp = m -> ip(m, dir, family);
    BitSet peers = new BitSet(members.size());
    for (Member m : members) {
      peers.set(m.index(), peerIp.apply(m) != null);
    }
    List<BitSet> classes = new ArrayList<>(List.of(peers));
    for (EntityMatch side : sides) {
      classes = Classes.split(classes, holding.held(side, family));
    }
    classes = FailsafeNets.split(classes, set, at, members, peerIp);
    List<ServiceMatch> services =
        sides.stream().map(EntityMatch::service).filter(s -> s != null && s.withPorts()).toList();
    if (!services.isEmpty()) { // the ports a service lists differ per address
      classes =
          Classes.split(
              classes,
              i -> {
                Ip ip = peerIp.apply(members.get(i));
                return services.stream().map(s -> (Object) s.portsAt(ip)).toList();
              });
    }
    if (named(sides)) {
      // a named port resolves to the ports, at the peer's address, of the entities there that the
      // side's selectors select: per side naming ports, what it sees where several entities are
      // and some have named ports
      List<EntityMatch> naming = sides.stream().filter(NamedPorts::names).toList();
      int[] ports = portsAt(dir, family);
      classes =
          Classes.split(
              classes,
              i -> {
                Member m = members.get(i);
                dev.tierproof.eval.Occupants there = holding.occupants(Holding.end(m, family));
                return there == null || there.crowded() && ports[i] != 0
                    ? namedPorts.seen(naming, m, peerIp.apply(m), true)
                    : (Object) ports[i];
              });
    }
    if (translated != null) { // the step sees a translated peer at its node's address
      classes = Classes.split(classes, i -> translated[i] == null ? -1 : translated[i].end());
    }
    int[] of = new int[members.size()];
    java.util.Arrays.fill(of, -1);
    int[] rep = new int[classes.size()];
    for (int k = 0; k < classes.size(); k++) {
      int kk = k;
      classes.get(k).stream().forEach(i -> of[i] = kk);
      rep[k] = classes.get(k).nextSetBit(0);
    }
    return new Of(arrays.of(of), rep);
  }

  /**
   * Per peer group, a number for the named ports at its address in {@code dir} (equal numbers,
   * equal ports; 0 none), -1 where it has no address of {@code family}.
   */
  private int[] portsAt(Direction dir, int family) {
    return portsAt.computeIfAbsent(
        List.of(dir, family),
        k -> {
          Map<Object, Integer> ids = new java.util.HashMap<>(Map.of(List.of(Set.of()), 0));
          int[] out = new int[members.size()];
          for (Member m : members) {
            Ip ip = ip(m, dir, family);
            out[m.index()] =
                ip == null
                    ? -1
                    : ids.computeIfAbsent(
                        namedPorts.seen(List.of(), m, ip, false), x -> ids.size());
          }
          return out;
        });
  }

  /**
   * Whether a side names the peer's ports by name, itself or through a service's target ports: then
   * the peer's named ports split classes and cells.
   */
  static boolean named(List<EntityMatch> sides) {
    return sides.stream()
        .anyMatch(
            s ->
                NamedPorts.names(s) || s.service() != null && !s.service().targetNames().isEmpty());
  }

  /** The address a peer group stands at in {@code dir}, or null when it has none of the family. */
  static Ip ip(Member m, Direction dir, int family) {
    return (dir == Direction.EGRESS ? m.destination() : m.source()).get(family);
  }
}
