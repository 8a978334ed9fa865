package dev.tierproof.analysis.map;

import dev.tierproof.eval.Translated;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The source a host endpoint's ingress step sees of a workload's packets where the input settles
 * nat-outgoing's masquerade (spec S6.10): as {@link Translated#seen} says (the one home of that
 * packet), one of the workload's node's addresses, owned by the node's host endpoint listing it.
 * Each such address is an end of its own ({@link Holding}), numbered from {@code first}.
 */
final class Translations {

  /** The translated source: its owner, its address, and its end. */
  record Seen(Endpoint who, Ip ip, int end) {}

  private final PolicySet set;
  private final Map<List<Object>, Integer> ends = new HashMap<>();

  /** The node addresses of {@code set}'s masquerade, numbered from {@code first}. */
  Translations(PolicySet set, int first) {
    this.set = set;
    set.masquerade()
        .nodes()
        .forEach(
            (node, ips) -> ips.forEach(ip -> ends.put(List.of(node, ip), first + ends.size())));
  }

  /** How many ends the node addresses take. */
  int size() {
    return ends.size();
  }

  /**
   * What the ingress steps of {@code dst} at {@code dstIp} see as the source of {@code src}'s
   * packets at {@code srcIp}: null where they see the packet's own source (Felix does not
   * masquerade it, or the input does not settle how: spec S9.2 keeps that).
   */
  Seen seen(Endpoint src, Ip srcIp, Endpoint dst, Ip dstIp) {
    if (src == null || dst == null || src.isHost() || !dst.isHost()) {
      return null;
    }
    Flow f = Flow.between(Protocols.TCP, srcIp, 1, dstIp, 1, null, null, null, src, dst);
    Flow t = Translated.seen(f, set); // no packet field decides it (Masquerade#seen)
    if (t == f) {
      return null;
    }
    return new Seen(t.source(), t.sourceIp(), ends.get(List.of(src.node(), t.sourceIp())));
  }
}
