package dev.tierproof.smt;

/**
 * Restrictions on the packet of a query; each null field is unconstrained. Ports and ICMP fields
 * exist only for protocols that carry them, so a port bound also demands a port-carrying protocol.
 *
 * @param portMin destination port range, inclusive, with {@code portMax}; {@code sourcePortMin}
 *     likewise
 * @param otherThan protocols the packet's is not (with a null {@code protocol}: every other one)
 */
public record FlowBounds(
    Integer protocol,
    Integer portMin,
    Integer portMax,
    Integer sourcePortMin,
    Integer sourcePortMax,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion,
    java.util.Set<Integer> otherThan) {

  public static final FlowBounds ANY =
      new FlowBounds(null, null, null, null, null, null, null, null);

  public FlowBounds {
    otherThan = otherThan == null ? java.util.Set.of() : java.util.Set.copyOf(otherThan);
  }

  public FlowBounds(
      Integer protocol,
      Integer portMin,
      Integer portMax,
      Integer sourcePortMin,
      Integer sourcePortMax,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion) {
    this(
        protocol,
        portMin,
        portMax,
        sourcePortMin,
        sourcePortMax,
        icmpType,
        icmpCode,
        ipVersion,
        java.util.Set.of());
  }
}
