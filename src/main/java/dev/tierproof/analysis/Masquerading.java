package dev.tierproof.analysis;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where an element that nat-outgoing's masquerade hides the source from ({@link Reach.Masqueraded})
 * acts on a question's flows (specs/semantics.md S6.10, S9.3): on those from a workload an end may
 * hold to a host endpoint the other end may hold, the workload on another node.
 */
final class Masquerading {

  private Masquerading() {}

  /**
   * Whether {@code m} acts on some flow from an endpoint {@code from} can be to one {@code to} can
   * be ({@code held} lists those; null ends: any endpoint of {@code set}, and with {@code
   * hypothetical} a pod not yet deployed as source).
   */
  static boolean reaches(
      Reach.Masqueraded m,
      End from,
      End to,
      PolicySet set,
      boolean hypothetical,
      Function<End, List<Endpoint>> held) {
    List<Endpoint> hosts =
        (to == null ? set.endpoints() : held.apply(to)).stream().filter(Endpoint::isHost).toList();
    if (hosts.isEmpty()) {
      return false;
    }
    List<Endpoint> sources = new ArrayList<>(from == null ? set.endpoints() : held.apply(from));
    boolean fresh =
        from == null ? hypothetical : from instanceof End.Hypothetical h && !h.existingOnly();
    if (fresh) {
      sources.add(null); // a pod not yet deployed: any node, any pool's address
    }
    for (Endpoint h : hosts) {
      for (Endpoint w : sources) {
        if (m.reaches(w, h)) {
          return true;
        }
      }
    }
    return false;
  }
}
