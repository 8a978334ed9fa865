package dev.tierproof.analysis;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Translated;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.Reach;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where nat-outgoing's masquerade, settled by the input, cannot make an answer wrong at a host
 * endpoint of another node (specs/semantics.md S6.10, S9.2): eval and the solver take the host
 * endpoint's ingress steps at the first of the node's addresses ({@link
 * dev.tierproof.model.Masquerade.Seen#first}), the source port kept. The element reads no source
 * port there, and the node has one address of the family, or each source side of the element's
 * ingress rules matches the first (as eval sees who is there, owned by the node's host endpoint
 * listing it, {@link Translated#owner}) exactly when it matches each other; or the host endpoint's
 * whole ingress step decides every packet of the pair alike from each ({@link AlikeStep}). The
 * step's verdict then is the same from every address the packet may be masqueraded to: the element
 * does not reach it, for a proof over every flow as for a flow shown.
 */
final class SettledMasquerade {

  private SettledMasquerade() {}

  /**
   * Whether {@code m} may tell apart, at host endpoint {@code h}, a packet of workload {@code w}
   * (null: a pod not yet deployed) from the one nat-outgoing makes of it: unless the input settles
   * the masquerade of every packet of {@code w} that may be masqueraded ({@link Masquerade#seen}:
   * the pools are said, {@code w} names its node and has addresses, and its node's addresses of the
   * family of each of them in a nat-outgoing pool are said) and {@code m} cannot tell those
   * addresses apart (above).
   */
  static boolean apart(Reach.Masqueraded m, Endpoint w, Endpoint h, Supplier<Evaluator> eval) {
    if (w == null || m.ported().contains(h.ref())) {
      return true;
    }
    Masquerade q = m.masquerade();
    if (!q.pools().said() || w.node() == null || w.ips().isEmpty()) {
      return true;
    }
    for (Ip s : w.ips()) {
      if (!q.pools().from(w, s)) {
        continue; // spec S6.10: kept
      }
      List<Ip> as = q.addresses(w.node(), s.family());
      if (as.isEmpty()) {
        return true;
      }
      if (as.size() == 1) {
        continue; // spec S6.10: eval and the solver take the step at it
      }
      Evaluator e = eval.get();
      Ip first = as.get(0);
      Endpoint o = Translated.owner(e.policySet(), w.node(), first);
      List<Ip> rest = as.subList(1, as.size());
      if (!sidesAlike(m, e, o, first, rest) && !AlikeStep.alike(e, o, first, rest, h)) {
        return true;
      }
    }
    return false;
  }

  /** Each source side of {@code m} matches {@code w} at {@code s} as at each of {@code as}. */
  private static boolean sidesAlike(
      Reach.Masqueraded m, Evaluator e, Endpoint w, Ip s, List<Ip> as) {
    dev.tierproof.eval.Occupants own = e.occupants(s, w);
    for (Ip a : as) {
      dev.tierproof.eval.Occupants there =
          e.occupants(a, Translated.owner(e.policySet(), w.node(), a));
      for (EntityMatch side : m.sources()) {
        if (e.identity(side, own) != e.identity(side, there)) {
          return false;
        }
      }
    }
    return true;
  }
}
