package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.HostPath;
import dev.tierproof.smt.Network.TierPart;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Packets that Felix's failsafe handling takes past the first paths of a chain, which go on to the
 * rest of it: the packets {@code when} holds skip the tiers on {@code paths}, a prefix of the
 * chain's paths. The solver's counterpart of the skips of {@code eval.Evaluator}'s walk and {@code
 * eval.ForwardSkips}: at a host endpoint's own step a reply from a failsafe port skips the
 * untracked path (spec S6.4); on a forward chain's ingress side (Felix's rule renderer only) a
 * packet to an inbound failsafe port skips the untracked and pre-DNAT paths and a reply from a
 * failsafe port the untracked path (S6.7, S6.7.1); on the local pre-DNAT path what {@code
 * eval.LocalSteps#skips} says (S6.12).
 */
record Skip(BoolExpr when, Set<HostPath> paths) {

  /** A chain's skips in priority order (each takes what the earlier ones did not). */
  static List<Skip> of(
      Chain.Compiler c,
      Direction dir,
      boolean host,
      boolean forward,
      boolean local,
      List<TierPart> tiers) {
    List<Skip> out = new ArrayList<>();
    if (host) {
      add(out, c, tiers, c.v().failsafeReply(c.failsafe(), dir), EnumSet.of(HostPath.UNTRACKED));
    } else if (local) {
      add(
          out,
          c,
          tiers,
          c.forwardFailsafe() ? c.v().failsafe(c.failsafe(), dir) : c.v().hostDiscovery(),
          EnumSet.of(HostPath.PRE_DNAT));
    } else if (forward && c.forwardFailsafe()) {
      add(
          out,
          c,
          tiers,
          c.v().failsafe(c.failsafe(), dir),
          EnumSet.of(HostPath.UNTRACKED, HostPath.PRE_DNAT));
      add(out, c, tiers, c.v().failsafeReply(c.failsafe(), dir), EnumSet.of(HostPath.UNTRACKED));
    }
    return List.copyOf(out);
  }

  private static void add(
      List<Skip> out, Chain.Compiler c, List<TierPart> tiers, BoolExpr when, Set<HostPath> paths) {
    if (tiers.stream().anyMatch(x -> paths.contains(x.path()))) {
      out.add(new Skip(c.t().define(when), paths));
    }
  }
}
