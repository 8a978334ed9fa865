package dev.tierproof.analysis;

/**
 * The {@code [flow]} options of a question: each null field is unconstrained.
 *
 * @param port destination port range (inclusive), {@code sourcePort} likewise
 * @param ipVersion 4 or 6
 */
public record FlowSpec(
    Integer protocol,
    PortRange port,
    PortRange sourcePort,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion) {

  public static final FlowSpec ANY = new FlowSpec(null, null, null, null, null, null);

  /** An inclusive port range, 0-65535. */
  public record PortRange(int min, int max) {
    @Override
    public String toString() {
      return min == max ? Integer.toString(min) : min + ":" + max;
    }
  }
}
