package dev.tierproof.eval;

import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.PolicySet;

/**
 * Which paths of a step a packet skips by a failsafe port, the one home of it for {@link
 * Evaluator#walk} and for what checks its takers: at a host endpoint's own step a reply from a
 * failsafe port of the other direction skips the untracked path (spec S6.4: the raw table's
 * failsafe chain accepts it first; XDP's on eBPF, S6.6), and on eBPF a packet to an outbound port
 * its failsafe map leaves out (SCTP) too ({@code FailsafePorts#skipsUntracked}, S6.2), on a forward
 * chain's sides {@link ForwardSkips} (S6.7, S6.7.1), on the local pre-DNAT path {@link
 * LocalSteps#skips} (S6.12). A packet to a failsafe port of the host's own step skips every path
 * (it decides: {@link Decision.Kind#FAILSAFE}).
 */
public final class PathSkips {

  private PathSkips() {}

  /** Whether {@code flow} skips {@code path} of {@code chain} under {@code set}. */
  public static boolean skips(PolicySet set, StepPath chain, HostPath path, Flow flow) {
    if (chain.local()) {
      return path == HostPath.PRE_DNAT && LocalSteps.skips(set, chain.at().node(), flow);
    }
    if (chain.forward()) {
      return ForwardSkips.skips(set, chain.at().node(), path, flow);
    }
    return chain.at().isHost()
        && path == HostPath.UNTRACKED
        && set.failsafe().skipsUntracked(chain.at().node(), chain.direction(), flow);
  }
}
