package dev.tierproof.report;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Translated;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FailsafePorts;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;

/** What explain adds to a host endpoint's step about the packet it sees (spec S6.2, S6.10). */
final class StepNotes {

  private StepNotes() {}

  /** Where the failsafe entry that takes {@code flow} has a net (spec S6.2): the peer it holds. */
  static String failsafeNet(PolicySet set, Endpoint at, Direction dir, Flow flow) {
    Ip peer = FailsafePorts.peer(dir, flow);
    return set.failsafe().at(at.node()).of(dir).stream()
        .filter(f -> f.takes(flow.protocol(), flow.destinationPort(), peer))
        .findFirst()
        .filter(f -> f.net() != null)
        .map(f -> " for peers in " + f.net() + ", which holds " + peer)
        .orElse("");
  }

  /**
   * Where {@code flow} goes to a failsafe port of {@code at}'s step in {@code dir} that the eBPF
   * dataplane's failsafe map leaves out (spec S6.2: SCTP): that it does not take the packet, and on
   * egress that the raw table's failsafe chain still lets it skip the untracked path ({@code
   * FailsafePorts#untrackedOnly}); else null.
   */
  static String unmapped(PolicySet set, Endpoint at, Direction dir, Flow flow) {
    FailsafePorts ports = set.failsafe().at(at.node());
    Ip peer = FailsafePorts.peer(dir, flow);
    if (ports.listed(dir).stream()
            .noneMatch(f -> f.takes(flow.protocol(), flow.destinationPort(), peer))
        || set.failsafe().allows(at.node(), dir, flow)) {
      return null;
    }
    return Protocols.name(flow.protocol())
        + " port "
        + flow.destinationPort()
        + " is a failsafe "
        + (dir == Direction.INGRESS ? "inbound" : "outbound")
        + " port, but the eBPF dataplane keeps TCP and UDP failsafe ports only"
        + (set.failsafe().untrackedOnly(at.node(), dir, flow)
                && HostPath.of(at.site(), dir, set.dataplane()).contains(HostPath.UNTRACKED)
            ? ": the raw table accepts the packet before the untracked path, which it skips, and"
                + " the rest of the step applies."
            : ": the step's policy applies.");
  }

  /**
   * At a host endpoint's own ingress step, where nat-outgoing's settled masquerade hides the
   * workload's address ({@link Translated#seen}, spec S6.10): the source the step sees; else null.
   */
  static String masqueraded(PolicySet set, Flow flow, Step step) {
    if (step.forward()
        || step.direction() != Direction.INGRESS
        || (step.decidedBy() != null && step.decidedBy().kind() == Decision.Kind.OWN_NODE)) {
      return null;
    }
    Flow seen = Translated.seen(flow, set);
    if (seen.sourceIp().equals(flow.sourceIp())) {
      return null;
    }
    return "It sees the packet from "
        + seen.sourceIp()
        + (seen.source() != null ? " (" + seen.source().ref() + ")" : "")
        + ": nat-outgoing masquerades "
        + flow.source().ref()
        + "'s packets to another node's host as its node "
        + flow.source().node()
        + "'s address.";
  }
}
