package dev.tierproof.analysis;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What two policy sets mention, where a diff class's dimensions can change (diff classes): {@code
 * selectorKeys} the label keys of policy and rule selectors; {@code cuts} where port ranges of
 * rules and named ports start and end (a range [a, b] cuts at a and b + 1), with 0, 1 and 65536,
 * ascending; {@code protocols} the protocols rules, named ports and host endpoints' failsafe ports
 * (spec S6.2) mention; {@code failsafe} the failsafe ports of either set, either direction; {@code
 * atoms} the comparisons selectors make per label key. All sorted and unmodifiable.
 */
record Mentions(
    Set<String> selectorKeys,
    List<Integer> cuts,
    Set<Integer> protocols,
    List<Failsafe> failsafe,
    StringAtoms atoms) {

  /**
   * What {@code before}'s and {@code after}'s policies and profiles and {@code after}'s endpoints
   * mention.
   */
  static Mentions of(PolicySet before, PolicySet after) {
    Set<String> keys = new TreeSet<>();
    TreeSet<Integer> cuts = new TreeSet<>(List.of(0, 1, 65536));
    Set<Failsafe> failsafe =
        new TreeSet<>(
            java.util.Comparator.comparingInt(Failsafe::protocol).thenComparingInt(Failsafe::port));
    for (PolicySet s : List.of(before, after)) {
      for (Direction d : Direction.values()) {
        failsafe.addAll(s.failsafe().of(d));
      }
    }
    Set<Integer> protocols = new TreeSet<>();
    for (Endpoint e : after.endpoints()) {
      for (NamedPort np : e.ports()) {
        cuts.add(np.port());
        cuts.add(np.port() + 1);
        protocols.add(np.protocol());
      }
      if (e.isHost()) {
        failsafe.forEach(f -> protocols.add(f.protocol()));
      }
    }
    for (PolicySet s : List.of(before, after)) {
      s.profiles()
          .values()
          .forEach(
              pr -> {
                pr.ingress().forEach(r -> rule(r, keys, cuts, protocols));
                pr.egress().forEach(r -> rule(r, keys, cuts, protocols));
              });
      for (Policy p : s.policies()) {
        keys.addAll(p.selector().keys());
        p.ingress().forEach(r -> rule(r, keys, cuts, protocols));
        p.egress().forEach(r -> rule(r, keys, cuts, protocols));
      }
    }
    return new Mentions(
        Collections.unmodifiableSet(keys),
        List.copyOf(cuts),
        Collections.unmodifiableSet(protocols),
        List.copyOf(failsafe),
        StringAtoms.of(before, after));
  }

  private static void rule(Rule r, Set<String> keys, Set<Integer> cuts, Set<Integer> protocols) {
    if (r.protocol() != null) {
      protocols.add(r.protocol());
    }
    if (r.notProtocol() != null) {
      protocols.add(r.notProtocol());
    }
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      for (List<Port> ports : List.of(m.ports(), m.notPorts())) {
        for (Port p : ports) {
          if (p instanceof Port.Range x) {
            cuts.add(x.min());
            cuts.add(x.max() + 1);
          }
        }
      }
      if (m.selector() != null) {
        keys.addAll(m.selector().keys());
      }
      if (m.notSelector() != null) {
        keys.addAll(m.notSelector().keys());
      }
      if (m.service() != null) { // spec S3.9
        ServiceMatch s = m.service();
        if (s.selector() != null) {
          keys.addAll(s.selector().keys());
        }
        s.members().forEach(x -> cut(x.protocol(), x.port(), cuts, protocols));
        s.targets().stream()
            .filter(t -> t.number() != null)
            .forEach(t -> cut(t.protocol(), t.number(), cuts, protocols));
        s.targets().forEach(t -> protocols.add(t.protocol()));
      }
    }
  }

  private static void cut(int protocol, int port, Set<Integer> cuts, Set<Integer> protocols) {
    cuts.add(port);
    cuts.add(port + 1);
    protocols.add(protocol);
  }
}
