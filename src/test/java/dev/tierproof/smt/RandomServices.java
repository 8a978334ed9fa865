package dev.tierproof.smt;

import dev.tierproof.model.Ip;
import dev.tierproof.model.Protocols;
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

  private static <T> T pick(Random rnd, List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }
}
