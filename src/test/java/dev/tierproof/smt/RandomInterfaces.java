package dev.tierproof.smt;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Draws named host endpoints onto {@link RandomForwarding}'s walked nodes (specs/semantics.md S6.9,
 * S6.10): in half the models that have them, {@code fwd} gets an {@code eth0} endpoint and often an
 * {@code eth1} one beside its all-interfaces endpoint, labelled like it (the forward policies
 * select them too) or not (they select none: those interfaces meet no forward policy), and {@code
 * fwd2}'s one endpoint is often named instead of all-interfaces (a node without an all-interfaces
 * endpoint), then sometimes with an {@code eth1} one of its own address beside it (a host's flows
 * to itself between two endpoints, spec S6.13). A forwarded flow of a workload there then crosses
 * each interface choice: the model differential compares eval and the solver on each. Its own
 * random stream, so the rest of a seed's model is drawn as before.
 */
final class RandomInterfaces {

  private RandomInterfaces() {}

  /** Adds and renames host endpoints of {@code endpoints} as drawn from {@code seed}. */
  static void draw(long seed, List<Endpoint> endpoints) {
    Random r = new Random(seed * 0x2545F4914F6CDD1DL + 79);
    if (r.nextBoolean()) {
      return;
    }
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (!e.isHost() || !e.allInterfaces()) {
        continue;
      }
      if (RandomForwarding.NODE.equals(e.node())) {
        endpoints.add(named(e, "eth0", r.nextBoolean() ? e.labels() : Map.of("iface", "eth0")));
        if (r.nextBoolean()) {
          endpoints.add(named(e, "eth1", r.nextBoolean() ? e.labels() : Map.of("iface", "eth1")));
        }
      } else if (RandomForwarding.NODE2.equals(e.node()) && r.nextBoolean()) {
        endpoints.set(i, named(e, "eth0", e.labels()).withIps(e.ips()));
        // spec S6.13: a second named one with an address of its own, so that the host's flows to
        // itself are between two endpoints of a node whose lo nothing governs (its own stream)
        Random lo = new Random(seed * 31 + 7);
        if (lo.nextInt(3) == 0) {
          Ip at = RandomModel.OWNABLE.get(lo.nextInt(RandomModel.OWNABLE.size()));
          endpoints.add(named(e, "eth1", e.labels()).withIps(List.of(at)));
        }
      }
    }
  }

  /** A host endpoint of interface {@code iface} on {@code e}'s node, with {@code labels}. */
  private static Endpoint named(Endpoint e, String iface, Map<String, String> labels) {
    return Endpoint.host(
        e.node() + "-" + iface,
        "HostEndpoint",
        labels,
        List.of(),
        List.of(),
        e.profiles(),
        e.node(),
        Span.NONE,
        iface);
  }
}
