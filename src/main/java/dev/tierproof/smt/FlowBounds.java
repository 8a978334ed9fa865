package dev.tierproof.smt;

/**
 * Restrictions on the packet of a query; each null field is unconstrained. Ports and ICMP fields
 * exist only for protocols that carry them, so a port bound also demands a port-carrying protocol.
 *
 * @param portMin destination port range, inclusive, with {@code portMax}; {@code sourcePortMin}
 *     likewise
 */
public record FlowBounds(
    Integer protocol,
    Integer portMin,
    Integer portMax,
    Integer sourcePortMin,
    Integer sourcePortMax,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion) {

  public static final FlowBounds ANY = new FlowBounds(null, null, null, null, null, null, null, null);
}
