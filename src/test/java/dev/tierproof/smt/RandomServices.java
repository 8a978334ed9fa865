package dev.tierproof.smt;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.ServiceMatch.Member;
import dev.tierproof.model.ServiceMatch.Target;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random {@code services} rule sides for {@link RandomModel} (spec S3.9): a service listed by
 * EndpointSlices (addresses owned by endpoints or by none, × ports of TCP, UDP and SCTP), one
 * derived from a selector with numbered and named target ports, or one the input does not resolve.
 */
final class RandomServices {

  private static final List<Integer> PROTOCOLS =
      List.of(Protocols.TCP, Protocols.TCP, Protocols.UDP, Protocols.SCTP);
  private static final List<String> NAMES = List.of("http", "dns", "none");

  private RandomServices() {}

  /** A resolved or unresolved service side; {@code selector} draws a random selector. */
  static ServiceMatch draw(Random rnd, boolean destination, Supplier<Selector> selector) {
    String ref = "ns1/svc" + rnd.nextInt(2);
    switch (rnd.nextInt(5)) {
      case 0, 1 -> {
        List<Ip> pool = new ArrayList<>(RandomModel.OWNABLE);
        pool.addAll(RandomModel.OUTSIDE);
        List<Ip> addresses = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          Ip ip = pool.get(rnd.nextInt(pool.size()));
          if (!addresses.contains(ip)) {
            addresses.add(ip);
          }
          int ports = rnd.nextInt(3);
          for (int j = 0; j < ports; j++) {
            members.add(new Member(ip, pick(rnd, PROTOCOLS), pick(rnd, RandomModel.PORTS)));
          }
        }
        return new ServiceMatch(ref, destination, addresses, members, null, List.of(), null);
      }
      case 2, 3 -> {
        List<Target> targets = new ArrayList<>();
        int n = 1 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
          int protocol = pick(rnd, PROTOCOLS);
          targets.add(
              rnd.nextBoolean()
                  ? new Target(protocol, pick(rnd, RandomModel.PORTS), null)
                  : new Target(protocol, null, pick(rnd, NAMES)));
        }
        return new ServiceMatch(
            ref, destination, List.of(), List.of(), selector.get(), targets, null);
      }
      default -> {
        return new ServiceMatch(
            ref, destination, List.of(), List.of(), null, List.of(), "not in the input");
      }
    }
  }

  /** A resolved service side of a rule, with the selector of the endpoints its rule acts at. */
  private record Aim(ServiceMatch service, Rule rule, Selector at) {}

  /**
   * Now and then {@code base} aimed at a service some rule of {@code set} names: its destination at
   * a listed (address, port, protocol) or at a pod the service's selector selects at a target port,
   * or its source at a listed or selected address; the other end an endpoint the rule's policy
   * selects, the protocol the rule's. Else {@code base}: random flows alone hit services rarely.
   */
  static Flow aim(Random rnd, PolicySet set, Flow base) {
    List<Aim> aims = new ArrayList<>();
    for (var p : set.policies()) {
      if (p.staged() || p.doNotTrack() || p.preDnat()) {
        continue;
      }
      for (Rule r : p.ingress()) {
        if (r.source().service() != null && r.source().service().resolved()) {
          aims.add(new Aim(r.source().service(), r, p.selector()));
        }
      }
      for (Rule r : p.egress()) {
        if (r.destination().service() != null && r.destination().service().resolved()) {
          aims.add(new Aim(r.destination().service(), r, p.selector()));
        }
      }
    }
    if (aims.isEmpty() || rnd.nextInt(3) > 0) {
      return base;
    }
    Aim aim = pick(rnd, aims);
    ServiceMatch s = aim.service();
    Integer ruleProtocol = aim.rule().protocol();
    Ip ip;
    int protocol = ruleProtocol != null ? ruleProtocol : base.protocol();
    Integer port = null;
    List<Member> members =
        s.members().stream()
            .filter(m -> !s.withPorts() || ruleProtocol == null || m.protocol() == ruleProtocol)
            .toList();
    List<Endpoint> pods =
        s.selector() == null
            ? List.of()
            : set.endpoints().stream()
                .filter(e -> !e.ips().isEmpty() && s.selector().matches(e.labels()))
                .toList();
    if (!members.isEmpty() && (pods.isEmpty() || rnd.nextBoolean())) {
      Member m = pick(rnd, members);
      ip = m.ip();
      if (s.withPorts()) {
        protocol = m.protocol();
        port = m.port();
      }
    } else if (!pods.isEmpty() && !s.targets().isEmpty()) {
      Endpoint e = pick(rnd, pods);
      ip = pick(rnd, e.ips());
      Target t = pick(rnd, s.targets());
      if (s.withPorts()) {
        protocol = t.protocol();
        List<Integer> resolved =
            e.ports().stream()
                .filter(np -> np.name().equals(t.name()) && np.protocol() == t.protocol())
                .map(np -> np.port())
                .toList();
        port = t.number() != null ? t.number() : resolved.isEmpty() ? null : pick(rnd, resolved);
      }
    } else {
      return base;
    }
    List<Object[]> ats = new ArrayList<>();
    for (Endpoint e : set.endpoints()) {
      if (aim.at().matches(e.labels())) {
        e.ips().stream()
            .filter(x -> x.family() == ip.family() && !x.equals(ip))
            .forEach(x -> ats.add(new Object[] {e, x}));
      }
    }
    if (ats.isEmpty()) {
      return base;
    }
    Object[] at = pick(rnd, ats);
    Endpoint owner =
        set.endpoints().stream().filter(e -> e.ips().contains(ip)).findFirst().orElse(null);
    boolean hasPorts = Protocols.hasPorts(protocol);
    boolean icmp = Protocols.isIcmp(protocol);
    Integer destinationPort = !hasPorts ? null : port != null ? port : pick(rnd, RandomModel.PORTS);
    Integer sourcePort = hasPorts ? pick(rnd, RandomModel.PORTS) : null;
    Integer type = icmp ? pick(rnd, List.of(0, 3, 8)) : null;
    Integer code = icmp ? pick(rnd, List.of(0, 1)) : null;
    return s.withPorts()
        ? Flow.between(
            protocol,
            (Ip) at[1],
            sourcePort,
            ip,
            destinationPort,
            type,
            code,
            null,
            (Endpoint) at[0],
            owner)
        : Flow.between(
            protocol,
            ip,
            sourcePort,
            (Ip) at[1],
            destinationPort,
            type,
            code,
            null,
            owner,
            (Endpoint) at[0]);
  }

  private static <T> T pick(Random rnd, List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }
}
