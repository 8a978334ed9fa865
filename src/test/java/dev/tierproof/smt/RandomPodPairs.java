package dev.tierproof.smt;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import java.util.List;
import java.util.Random;

/**
 * Aims some of a model's flows between two of the pods {@link RandomForwarding} put on nodes (on a
 * walked node, on another, or naming none; the same pod at both ends too), so the forward chains of
 * one node or of two meet flows between workloads (spec S6.10, S6.11). Its own random stream, so
 * the rest of a seed's model and flows are drawn as before.
 */
final class RandomPodPairs {

  private final Random rnd;

  RandomPodPairs(long seed) {
    this.rnd = new Random(seed * 0x2545F4914F6CDD1DL + 79);
  }

  /**
   * {@code f}, or (one flow in three, when pods were placed) the packet of {@code f} between two of
   * {@code placed}, each at one of its addresses of the flow's family, or at an unowned one when it
   * has none.
   */
  Flow aim(Flow f, List<Endpoint> placed, PolicySet set) {
    if (placed.isEmpty() || rnd.nextInt(3) != 0) {
      return f;
    }
    Endpoint a = placed.get(rnd.nextInt(placed.size()));
    Endpoint b = placed.get(rnd.nextInt(placed.size()));
    Ip from = address(a, f.family(), set, null);
    Ip to = address(b, f.family(), set, from);
    if (from == null || to == null) {
      return f;
    }
    return RandomForwarding.packet(f, from, a, to, b, null);
  }

  /** An address of {@code w} of {@code family}, or an unowned one but {@code not}; null: none. */
  private Ip address(Endpoint w, int family, PolicySet set, Ip not) {
    List<Ip> mine = w.ips().stream().filter(i -> i.family() == family).toList();
    if (!mine.isEmpty()) {
      return mine.get(rnd.nextInt(mine.size()));
    }
    if (!w.ips().isEmpty()) {
      return null;
    }
    List<Ip> free =
        RandomModel.OUTSIDE.stream()
            .filter(i -> i.family() == family && !i.equals(not))
            .filter(i -> set.endpoints().stream().noneMatch(e -> e.ips().contains(i)))
            .toList();
    return free.isEmpty() ? null : free.get(rnd.nextInt(free.size()));
  }
}
