package dev.tierproof.analysis;

import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Placements;
import dev.tierproof.model.Port;
import dev.tierproof.smt.EndSet;
import dev.tierproof.smt.Region;
import java.util.Set;

/**
 * A class of flows a diff tries (diff classes): source and destination end sets, the packets'
 * bounds and the flows' placement ({@code placed}: null any, else {@link Placements}, spec S6.11,
 * S6.12). {@link #region} is what the solver is asked about.
 */
record Candidate(EndSet src, EndSet dst, FlowSpec packets, Placements placed) {

  Candidate with(EndSet s, EndSet d) {
    return new Candidate(s, d, packets, placed);
  }

  /** The same ends, packets within {@code p}. */
  Candidate with(FlowSpec p) {
    return new Candidate(src, dst, p, placed);
  }

  /** Any packet in the class's family. */
  Candidate anyPacket() {
    return with(new FlowSpec(null, null, null, null, null, packets.ipVersion()));
  }

  /** The class's protocol, source ports and family, destination ports {@code p}, any ICMP. */
  Candidate ports(Port.Range p) {
    return with(
        new FlowSpec(packets.protocol(), p, packets.sourcePort(), null, null, packets.ipVersion()));
  }

  /** The class's packets with source ports {@code p}. */
  Candidate sourcePorts(Port.Range p) {
    return with(
        new FlowSpec(
            packets.protocol(),
            packets.port(),
            p,
            packets.icmpType(),
            packets.icmpCode(),
            packets.ipVersion(),
            packets.otherThan(),
            packets.icmpTypesNot(),
            packets.morePorts()));
  }

  /** Every protocol but {@code protocols}, any port, in the class's family. */
  Candidate otherThan(Set<Integer> protocols) {
    return with(new FlowSpec(null, null, null, null, null, packets.ipVersion(), protocols));
  }

  Region region() {
    return new Region(src, dst, packets, placed);
  }
}
