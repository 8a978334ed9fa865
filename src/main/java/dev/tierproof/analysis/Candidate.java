package dev.tierproof.analysis;

import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Port;
import dev.tierproof.smt.EndSet;
import dev.tierproof.smt.Region;
import java.util.Set;

/**
 * A class of flows a diff tries (diff classes): source and destination end sets and packet bounds
 * (null fields: unconstrained; ports as ranges); {@code otherThan}: every protocol but these.
 * {@link #region} is what the solver is asked about.
 */
record Candidate(
    EndSet src,
    EndSet dst,
    Integer protocol,
    Port.Range port,
    Port.Range sourcePort,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion,
    Set<Integer> otherThan) {
  Candidate(
      EndSet src,
      EndSet dst,
      Integer protocol,
      Port.Range port,
      Port.Range sourcePort,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion) {
    this(src, dst, protocol, port, sourcePort, icmpType, icmpCode, ipVersion, Set.of());
  }

  Candidate with(EndSet s, EndSet d) {
    return new Candidate(
        s, d, protocol, port, sourcePort, icmpType, icmpCode, ipVersion, otherThan);
  }

  Candidate packets(
      Integer proto, Port.Range p, Port.Range sp, Integer type, Integer code, Integer version) {
    return new Candidate(src, dst, proto, p, sp, type, code, version);
  }

  /** Every protocol but {@code protocols}, any port, in the class's family. */
  Candidate otherThan(Set<Integer> protocols) {
    return new Candidate(src, dst, null, null, null, null, null, ipVersion, protocols);
  }

  Region region() {
    FlowSpec b = new FlowSpec(protocol, port, sourcePort, icmpType, icmpCode, ipVersion, otherThan);
    return new Region(src, dst, b);
  }
}
