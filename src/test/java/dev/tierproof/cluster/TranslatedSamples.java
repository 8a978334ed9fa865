package dev.tierproof.cluster;

import dev.tierproof.analysis.End;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Translated;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * Random flows from a workload to another node's host endpoint whose nat-outgoing masquerade the
 * input settles (specs/semantics.md S6.10: eval takes the host endpoint's ingress steps on the
 * packet from the node's first address), which {@link RandomMasqueradedHost} makes likely and the
 * sampler reaches seldom: the map differential compares them as every sampled flow.
 */
final class TranslatedSamples {

  private TranslatedSamples() {}

  /**
   * Up to {@code n} such flows of {@code eval}'s set, drawn by {@code s}, first those whose host
   * endpoint's ingress step decides the translated packet otherwise than the workload's own ({@link
   * #apart}); none when no pair is settled.
   */
  static List<Flow> of(Evaluator eval, Sampler s, int n) {
    PolicySet set = eval.policySet();
    List<Endpoint[]> pairs = new ArrayList<>();
    for (Endpoint w : set.endpoints()) {
      for (Endpoint h : set.endpoints()) {
        if (!w.isHost() && h.isHost() && w.node() != null && !w.node().equals(h.node())) {
          pairs.add(new Endpoint[] {w, h});
        }
      }
    }
    List<Flow> apart = new ArrayList<>();
    List<Flow> alike = new ArrayList<>();
    for (int i = 0; i < 8 * n && apart.size() < n && !pairs.isEmpty(); i++) {
      Endpoint[] p = s.pick(pairs);
      Flow f = packet(p[0], p[1], s);
      if (f != null && translated(set, f)) {
        (apart(eval, f) ? apart : alike).add(f);
      }
    }
    List<Flow> out = new ArrayList<>(apart);
    out.addAll(alike.subList(0, Math.min(alike.size(), n - out.size())));
    return out;
  }

  /**
   * A packet from {@code w} to {@code h} at addresses of one family: often one that {@link
   * RandomMasqueradedHost}'s rules name (their protocols and destination ports), else the
   * sampler's; null when they share no family.
   */
  private static Flow packet(Endpoint w, Endpoint h, Sampler s) {
    Flow f = s.flow(new End.Known(w), new End.Known(h), FlowSpec.ANY);
    if (f == null || s.nextInt(3) == 0) {
      return f;
    }
    int[] named = s.pick(NAMED);
    boolean icmp = named[0] == Protocols.ICMP;
    if (icmp && f.family() == 6) {
      return f;
    }
    return Flow.between(
        named[0],
        f.sourceIp(),
        icmp ? null : s.pick(List.of(40000, 1024, 53)),
        f.destinationIp(),
        icmp ? null : named[1],
        icmp ? 8 : null,
        icmp ? 0 : null,
        null,
        w,
        h);
  }

  /** Protocols and destination ports of {@link RandomMasqueradedHost}'s rules. */
  private static final List<int[]> NAMED =
      List.of(
          new int[] {Protocols.TCP, 10250},
          new int[] {Protocols.TCP, 8050},
          new int[] {Protocols.TCP, 443},
          new int[] {Protocols.UDP, 53},
          new int[] {Protocols.ICMP, 0});

  /** Whether eval takes {@code f}'s host endpoint's ingress steps on a translated packet. */
  static boolean translated(PolicySet set, Flow f) {
    return set.masquerade().seen(f).first() != null;
  }

  /**
   * Whether {@code f}'s host endpoint's ingress step decides its translated packet otherwise than
   * the workload's own (a map keeping the source would answer it wrongly).
   */
  static boolean apart(Evaluator eval, Flow f) {
    Step own = eval.evaluate(f.destination(), Direction.INGRESS, f);
    Step seen =
        eval.evaluate(f.destination(), Direction.INGRESS, Translated.seen(f, eval.policySet()));
    return own.allowed() != seen.allowed();
  }
}
