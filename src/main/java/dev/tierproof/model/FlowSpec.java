package dev.tierproof.model;

/**
 * Bounds on the packets of a question, of a carve-out, of a class of flows: each null field is
 * unconstrained. The one packet-bounds record: the {@code [flow]} options, invariants' packets and
 * the solver's bounds are all this.
 *
 * @param port destination port range (inclusive, 0-65535), {@code sourcePort} likewise
 * @param ipVersion 4 or 6
 * @param otherThan protocols excluded (with a null {@code protocol}: every protocol but these)
 * @param icmpTypesNot ICMP types excluded (with an ICMP {@code protocol} and a null {@code
 *     icmpType}: every type but these, any code; a diff class, spec S6.12)
 */
public record FlowSpec(
    Integer protocol,
    Port.Range port,
    Port.Range sourcePort,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion,
    java.util.Set<Integer> otherThan,
    java.util.Set<Integer> icmpTypesNot) {

  public static final FlowSpec ANY = new FlowSpec(null, null, null, null, null, null);

  public FlowSpec {
    otherThan = Ordered.sorted(otherThan);
    icmpTypesNot = Ordered.sorted(icmpTypesNot);
  }

  public FlowSpec(
      Integer protocol,
      Port.Range port,
      Port.Range sourcePort,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion,
      java.util.Set<Integer> otherThan) {
    this(protocol, port, sourcePort, icmpType, icmpCode, ipVersion, otherThan, java.util.Set.of());
  }

  public FlowSpec(
      Integer protocol,
      Port.Range port,
      Port.Range sourcePort,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion) {
    this(protocol, port, sourcePort, icmpType, icmpCode, ipVersion, java.util.Set.of());
  }

  /** The same bounds with the ICMP types {@code types} excluded (and no type pinned). */
  public FlowSpec exceptIcmpTypes(java.util.Set<Integer> types) {
    return new FlowSpec(protocol, port, sourcePort, null, null, ipVersion, otherThan, types);
  }
}
