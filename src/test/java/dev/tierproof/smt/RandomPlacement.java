package dev.tierproof.smt;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * A node's traffic with its own workloads, drawn on purpose (spec S6.12): {@link #draw} puts the
 * model's workloads on the first host endpoint's node ({@code node0}), on another ({@code node1},
 * the second host endpoint's, or {@code node7}, no host endpoint's) or on none, and {@link #aim}
 * turns some flows into flows between a host endpoint and a workload that can be on its node,
 * either way, some of them ICMPv6 host discovery messages (which Felix accepts from a workload to
 * its host before policy). From a random source of its own (seeded from the model's seed), so the
 * rest of the model and its flows stay what they were without it.
 */
final class RandomPlacement {

  private static final List<String> NODES =
      java.util.Arrays.asList("node0", "node1", "node7", null);

  private final Random rnd;

  RandomPlacement(long seed) {
    rnd = new Random(seed * 0x5DEECE66DL + 29);
  }

  /** Rewrites the workload endpoints of {@code endpoints} in place, each on a random node. */
  void draw(List<Endpoint> endpoints) {
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (!e.isHost()) {
        endpoints.set(i, e.withNode(NODES.get(rnd.nextInt(NODES.size()))));
      }
    }
  }

  /**
   * A pull request that moves one workload of {@code set} to another node (or to none, or from none
   * to one): the workload and its moved version; null when {@code set} has no workload. {@code
   * draw} picks an index below its argument.
   */
  static Endpoint[] moved(PolicySet set, java.util.function.IntUnaryOperator draw) {
    List<Endpoint> pods = set.endpoints().stream().filter(e -> !e.isHost()).toList();
    if (pods.isEmpty()) {
      return null;
    }
    Endpoint e = pods.get(draw.applyAsInt(pods.size()));
    List<String> others = new ArrayList<>(NODES);
    others.remove(e.node());
    return new Endpoint[] {e, e.withNode(others.get(draw.applyAsInt(others.size())))};
  }

  /** {@code set} without its host endpoints: the base of a pull request adding the first one. */
  static PolicySet withoutHosts(PolicySet set) {
    return new PolicySet(
        set.tiers(),
        set.endpoints().stream().filter(e -> !e.isHost()).toList(),
        set.networkSets(),
        set.profiles(),
        set.namespaces(),
        set.dataplane(),
        set.failsafe(),
        set.pools());
  }

  /**
   * {@code flow}, or (one in three) the same kind of packet between a host endpoint of {@code set}
   * and a workload of it that can be on the host endpoint's node, either way, placed there or not;
   * an end without an address of the flow's family gets an unowned one.
   */
  Flow aim(Flow flow, PolicySet set, IntFunction<Ip> unowned) {
    if (rnd.nextInt(3) != 0) {
      return flow;
    }
    int family = flow.family();
    List<Endpoint[]> pairs = new ArrayList<>();
    for (Endpoint h : set.endpoints()) {
      for (Endpoint w : set.endpoints()) {
        if (h.isHost() && Flow.canBeLocal(h, w) && at(h, family) && at(w, family)) {
          pairs.add(new Endpoint[] {h, w});
        }
      }
    }
    if (pairs.isEmpty()) {
      return flow;
    }
    Endpoint[] pair = pairs.get(rnd.nextInt(pairs.size()));
    boolean fromHost = rnd.nextBoolean();
    Endpoint src = pair[fromHost ? 0 : 1];
    Endpoint dst = pair[fromHost ? 1 : 0];
    Ip s = address(src, family, unowned);
    Ip d = address(dst, family, unowned);
    for (int i = 0; i < 8 && s.equals(d) && dst.ips().isEmpty(); i++) {
      d = unowned.apply(family); // two free ends at one address would be one machine
    }
    if (s.equals(d)) {
      return flow; // a shared address (spec S5.5)
    }
    boolean discovery = family == 6 && rnd.nextInt(3) == 0;
    List<Integer> types = new ArrayList<>(Protocols.HOST_DISCOVERY);
    java.util.Collections.sort(types);
    Flow out =
        Flow.between(
            discovery ? Protocols.ICMPV6 : flow.protocol(),
            s,
            discovery ? null : flow.sourcePort(),
            d,
            discovery ? null : flow.destinationPort(),
            discovery ? types.get(rnd.nextInt(types.size())) : flow.icmpType(),
            discovery ? Integer.valueOf(0) : flow.icmpCode(),
            null,
            src,
            dst);
    return rnd.nextBoolean() ? out.onHostNode() : out;
  }

  /** Whether a flow of {@code family} can be at {@code e}: an address of it, or none at all. */
  private static boolean at(Endpoint e, int family) {
    return e.ips().isEmpty() || e.ips().stream().anyMatch(i -> i.family() == family);
  }

  private Ip address(Endpoint e, int family, IntFunction<Ip> unowned) {
    List<Ip> mine = e.ips().stream().filter(i -> i.family() == family).toList();
    return mine.isEmpty() ? unowned.apply(family) : mine.get(rnd.nextInt(mine.size()));
  }
}
