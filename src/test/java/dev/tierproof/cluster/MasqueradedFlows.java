package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Translated;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The flows of a question whose answer stands on a masqueraded source (specs/semantics.md S6.10,
 * S9.2): a workload's flow to another node's host endpoint whose masquerade the input settles
 * ({@link Masquerade.Kind#TRANSLATED}), in a question that nat-outgoing's element does not reach
 * (the settled masquerade narrowed it, or nothing at the host endpoint reads the source). eval and
 * the solver answered it on the packet from the node's first address, the source port kept; eval's
 * ingress step at the host endpoint must decide each translated packet (from each of the node's
 * addresses, the source port kept or another) alike. Counts them.
 */
final class MasqueradedFlows {

  private final List<Unmodelled> all;
  private final PolicySet set;
  private final Evaluator eval;
  private final Masquerade masquerade;

  /**
   * The elements of {@code c}'s text ({@link CheckRelevance#unmodelled}) over its {@code set}, and
   * their masquerade (none without a nat-outgoing element: no host endpoint reads the source).
   */
  MasqueradedFlows(RandomCluster c, PolicySet set, Evaluator eval) {
    this.all = CheckRelevance.unmodelled(c);
    this.set = set;
    this.eval = eval;
    this.masquerade =
        all.stream()
            .map(Unmodelled::reach)
            .filter(r -> r instanceof Reach.Masqueraded)
            .map(r -> ((Reach.Masqueraded) r).masquerade())
            .findFirst()
            .orElse(null);
  }

  /**
   * The references of a workload and a host endpoint of {@code set} whose flow's masquerade it
   * settles ({@link Masquerade.Kind#TRANSLATED}), for a question aimed at it; null: none.
   */
  static String[] pair(PolicySet set) {
    for (dev.tierproof.model.Endpoint w : set.endpoints()) {
      for (dev.tierproof.model.Endpoint h : set.endpoints()) {
        for (dev.tierproof.model.Ip a : w.ips()) {
          for (dev.tierproof.model.Ip b : h.ips()) {
            if (!w.isHost() && h.isHost() && a.family() == b.family()) {
              Flow f = Flow.between(6, a, 40000, b, 80, null, null, null, w, h);
              if (set.masquerade().seen(f).first() != null) {
                return new String[] {w.ref(), h.ref()};
              }
            }
          }
        }
      }
    }
    return null;
  }

  /** Whether eval and the solver take {@code f}'s host endpoint's steps on a translated packet. */
  boolean translated(Flow f) {
    return set.masquerade().seen(f).first() != null;
  }

  /** {@code f}, a flow of the question from {@code src} to {@code dst}, counted in {@code at}. */
  void check(String question, End src, End dst, Flow f, AtomicLongArray n, int at) {
    if (masquerade == null
        || f.source() == null
        || f.destination() == null
        || !f.destination().isHost()) {
      return;
    }
    Masquerade.Seen seen = masquerade.seen(f);
    if (seen.kind() != Masquerade.Kind.TRANSLATED
        || Relevance.question(all, set, src, dst).stream()
            .anyMatch(u -> u.reach() instanceof Reach.Masqueraded)) {
      return;
    }
    n.incrementAndGet(at);
    Flow first = Translated.packet(f, seen.first(), set); // spec S6.10: what the answer took
    boolean allowed = eval.evaluate(f.destination(), Direction.INGRESS, first).allowed();
    for (Flow t : Translated.packets(f, seen, set)) {
      List<Integer> ports =
          f.sourcePort() == null
              ? java.util.Collections.singletonList(null)
              : List.of(f.sourcePort(), 1 + Math.floorMod(f.sourcePort() * 7919, 65535));
      for (Integer port : ports) {
        Flow p = t.withPacket(t.protocol(), port, t.destinationPort(), t.icmpType(), t.icmpCode());
        assertThat(eval.evaluate(f.destination(), Direction.INGRESS, p).allowed())
            .as("%s: %s masqueraded as %s", question, Questions.brief(f), Questions.brief(p))
            .isEqualTo(allowed);
      }
    }
  }
}
