package dev.tierproof.eval;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.PolicySet;
import java.util.ArrayList;
import java.util.List;

/**
 * The packet a host endpoint's ingress steps see of a workload's flow whose nat-outgoing masquerade
 * the input settles (specs/semantics.md S6.10, {@link Masquerade.Kind#TRANSLATED}): from one of the
 * workload's node's addresses, owned by that node's host endpoint listing it. The one home of that
 * packet, for explain's notes and the replay of what the element's narrowing claims.
 */
public final class Translated {

  private Translated() {}

  /** {@code flow}'s packet from each of {@code seen}'s addresses ({@link #owner} owning it). */
  public static List<Flow> packets(Flow flow, Masquerade.Seen seen, PolicySet set) {
    List<Flow> out = new ArrayList<>();
    for (Ip a : seen.as()) {
      out.add(packet(flow, a, set));
    }
    return out;
  }

  /** {@code flow}'s packet from its workload's node's address {@code a} ({@link #owner}'s). */
  public static Flow packet(Flow flow, Ip a, PolicySet set) {
    return flow.moved(true, a, owner(set, flow.source().node(), a), flow.destinationDomain());
  }

  /** The host endpoint of {@code node} that lists {@code a}; null where none does. */
  public static Endpoint owner(PolicySet set, String node, Ip a) {
    return Masquerade.owner(set.endpoints(), node, a);
  }

  /**
   * The packet the ingress steps of {@code flow}'s destination see (spec S6.10): from {@link
   * Masquerade.Seen#first} where {@code set}'s masquerade translates it, else {@code flow} itself.
   */
  public static Flow seen(Flow flow, PolicySet set) {
    if (flow.source() == null || flow.destination() == null || !flow.destination().isHost()) {
      return flow;
    }
    Ip a = set.masquerade().seen(flow).first();
    return a == null ? flow : packet(flow, a, set);
  }
}
