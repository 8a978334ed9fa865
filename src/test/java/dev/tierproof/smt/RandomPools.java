package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.NatOutgoing;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The input's {@code IPPool}s, drawn (specs/semantics.md S6.10): in one model in two, none (the
 * input does not say: no packet is translated, {@link NatOutgoing#UNSAID}); else pools of some of
 * the model's ranges, some nat-outgoing, so that a pod on a node whose all-interfaces host endpoint
 * lists its addresses has its packets to another node's host endpoint translated, and a host
 * endpoint's rules tell its node's address from the pod's or not. From a random source of its own
 * (seeded from the model's seed), so the rest of the model stays what it was.
 */
final class RandomPools {

  /** The nat-outgoing pools: the pods' ranges, or some of them. */
  private static final List<List<Cidr>> MASQUERADING =
      List.of(
          List.of(cidr("10.0.0.0/30")),
          List.of(cidr("10.0.0.0/30"), cidr("fd00::/64")),
          List.of(cidr("10.0.0.0/8")),
          List.of(cidr("fd00::/64")));

  /** The addresses {@link #host} lists: one of a family, or two (MASQUERADE picks either). */
  private static final List<List<String>> NODE_ADDRESSES =
      List.of(
          List.of("192.168.1.9"),
          List.of("10.0.0.5"),
          List.of("10.0.0.5", "192.168.1.9"),
          List.of("fd00::ffff:a00:1", "10.0.0.5"),
          List.of("fd00::2", "fd00::ffff:a00:1"));

  private RandomPools() {}

  private static Cidr cidr(String s) {
    return Cidr.parse(s).orElseThrow();
  }

  /**
   * Up to two flows of {@code set} whose masquerade it settles ({@link
   * dev.tierproof.model.Masquerade.Kind#TRANSLATED}): a workload's TCP, UDP or ICMP packet to a
   * host endpoint of another node, so that every model that has one checks it.
   */
  static List<dev.tierproof.model.Flow> translated(dev.tierproof.model.PolicySet set, long seed) {
    Random rnd = new Random(seed * 0x5DEECE66DL + 47);
    List<dev.tierproof.model.Flow> out = new ArrayList<>();
    dev.tierproof.model.Masquerade m = set.masquerade();
    for (dev.tierproof.model.Endpoint w : set.endpoints()) {
      for (dev.tierproof.model.Endpoint h : set.endpoints()) {
        for (dev.tierproof.model.Ip a : w.ips()) {
          for (dev.tierproof.model.Ip b : h.ips()) {
            if (w.isHost() || !h.isHost() || a.family() != b.family() || out.size() == 2) {
              continue;
            }
            int proto = List.of(6, 17, a.family() == 6 ? 58 : 1).get(rnd.nextInt(3));
            boolean ports = proto == 6 || proto == 17;
            dev.tierproof.model.Flow f =
                dev.tierproof.model.Flow.between(
                    proto,
                    a,
                    ports ? List.of(40000, 22, 1024).get(rnd.nextInt(3)) : null,
                    b,
                    ports ? List.of(22, 80, 10250, 8080).get(rnd.nextInt(4)) : null,
                    ports ? null : 8,
                    ports ? null : 0,
                    null,
                    w,
                    h);
            if (m.seen(f).first() != null) {
              out.add(f);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Where {@link #draw} says pools, two times in three an all-interfaces host endpoint of {@code
   * node7} (where {@link RandomPlacement} puts pods and no host endpoint is) listing addresses that
   * rules' nets may tell from the pods' (spec S6.10: the node's addresses), added to {@code
   * endpoints}; one time in two also a host endpoint of {@code node9} at an address in no pool
   * (unless a pool without nat-outgoing holds it).
   */
  static void host(long seed, List<dev.tierproof.model.Endpoint> endpoints) {
    Random rnd = new Random(seed * 0x5DEECE66DL + 53);
    if (!draw(seed).said() || rnd.nextInt(3) == 0) {
      return;
    }
    List<dev.tierproof.model.Ip> ips =
        NODE_ADDRESSES.get(rnd.nextInt(NODE_ADDRESSES.size())).stream()
            .map(a -> dev.tierproof.model.Ip.parse(a).orElseThrow())
            .toList();
    endpoints.add(
        dev.tierproof.model.Endpoint.host(
            "masq7",
            "HostEndpoint",
            java.util.Map.of("masq", "near"),
            ips,
            List.of(),
            List.of(),
            "node7",
            dev.tierproof.source.Span.NONE,
            "*"));
    if (rnd.nextBoolean()) { // a host endpoint of another node, at an address in no pool
      endpoints.add(
          dev.tierproof.model.Endpoint.host(
              "far9",
              "HostEndpoint",
              java.util.Map.of("zone", "dmz"),
              List.of(ips.get(0).family() == 6 ? ip("fd00::ffff:a00:1") : ip("192.168.1.9")),
              List.of(),
              List.of(),
              "node9",
              dev.tierproof.source.Span.NONE,
              "eth0"));
    }
  }

  private static dev.tierproof.model.Ip ip(String s) {
    return dev.tierproof.model.Ip.parse(s).orElseThrow();
  }

  static NatOutgoing draw(long seed) {
    Random rnd = new Random(seed * 0x5DEECE66DL + 43);
    if (rnd.nextBoolean()) {
      return NatOutgoing.UNSAID;
    }
    List<Cidr> masquerading = new ArrayList<>(MASQUERADING.get(rnd.nextInt(MASQUERADING.size())));
    List<Cidr> pools = new ArrayList<>(masquerading);
    if (rnd.nextInt(4) == 0) {
      pools.add(cidr("192.168.0.0/16")); // a pool without nat-outgoing
    }
    if (rnd.nextInt(4) == 0) {
      pools.add(cidr("fd00::/16"));
    }
    return new NatOutgoing(true, masquerading, pools);
  }
}
