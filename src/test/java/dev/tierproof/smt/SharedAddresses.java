package dev.tierproof.smt;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws endpoints that own one address on purpose (spec S5.5: two pods with one {@code podIP}, a
 * host-network pod and its node's host endpoint, stale exports): in about a third of the models one
 * endpoint with addresses gives one of them to another endpoint with addresses (which keeps its own
 * too, or loses them). From a random source of its own (seeded from the model's seed), so the rest
 * of the model and its flows stay what they were without it.
 */
final class SharedAddresses {

  private SharedAddresses() {}

  /** Rewrites {@code endpoints} in place. */
  static void draw(long seed, List<Endpoint> endpoints) {
    Random rnd = new Random(seed * 0x2545F4914F6CDD1DL + 71);
    List<Integer> owning = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      if (!endpoints.get(i).ips().isEmpty()) {
        owning.add(i);
      }
    }
    if (owning.size() < 2 || rnd.nextInt(3) != 0) {
      return;
    }
    int from = owning.get(rnd.nextInt(owning.size()));
    int to = owning.get(rnd.nextInt(owning.size()));
    if (from == to) {
      to = owning.get((owning.indexOf(from) + 1) % owning.size());
    }
    Endpoint giver = endpoints.get(from);
    Endpoint taker = endpoints.get(to);
    Ip shared = giver.ips().get(rnd.nextInt(giver.ips().size()));
    List<Ip> ips = rnd.nextBoolean() ? new ArrayList<>(taker.ips()) : new ArrayList<>();
    if (!ips.contains(shared)) {
      ips.add(shared);
    }
    endpoints.set(
        to,
        new Endpoint(
            taker.kind(),
            taker.namespace(),
            taker.name(),
            taker.source(),
            taker.labels(),
            ips,
            taker.ports(),
            taker.profiles(),
            taker.node(),
            taker.span(),
            false,
            null));
  }
}
