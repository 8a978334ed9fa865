package dev.tierproof.eval;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.PolicySet;

/**
 * Which paths of a forward chain's ingress side a forwarded packet skips by Felix's failsafe chains
 * (spec S6.7, S6.7.1), on its rule renderer only ({@link PolicySet#forwardFailsafe}: eBPF checks
 * failsafe ports only on the host's own packets). The untracked path of a named host endpoint jumps
 * to the raw table's failsafe chain first, which accepts, unmarked and still tracked, a packet to
 * an inbound failsafe port and one from an outbound failsafe port's port ({@code
 * felix/rules/static.go} {@code failsafeInChain("raw")}; {@code felix/rules/endpoints.go} {@code
 * HostEndpointToRawChains}); the pre-DNAT path jumps to the mangle table's, which accepts a packet
 * to an inbound failsafe port only ({@code HostEndpointToMangleIngressChains}). The ingress forward
 * path has none ("no fail-safe chains for forward traffic").
 */
public final class ForwardSkips {

  private ForwardSkips() {}

  /**
   * Whether {@code flow} skips {@code path} on a forward chain's ingress side under {@code set}.
   */
  public static boolean skips(PolicySet set, HostPath path, Flow flow) {
    if (!set.forwardFailsafe()) {
      return false;
    }
    return switch (path) {
      case UNTRACKED ->
          set.failsafe().allows(Direction.INGRESS, flow)
              || set.failsafe().reply(Direction.INGRESS, flow);
      case PRE_DNAT -> set.failsafe().allows(Direction.INGRESS, flow);
      default -> false;
    };
  }
}
