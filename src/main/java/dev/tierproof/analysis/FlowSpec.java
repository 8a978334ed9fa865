package dev.tierproof.analysis;

/**
 * The {@code [flow]} options of a question: each null field is unconstrained.
 *
 * @param port destination port range (inclusive), {@code sourcePort} likewise
 * @param ipVersion 4 or 6
 * @param otherThan protocols excluded (with a null {@code protocol}: every protocol but these)
 */
public record FlowSpec(
    Integer protocol,
    PortRange port,
    PortRange sourcePort,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion,
    java.util.Set<Integer> otherThan) {

  public static final FlowSpec ANY = new FlowSpec(null, null, null, null, null, null);

  public FlowSpec {
    otherThan = otherThan == null ? java.util.Set.of() : java.util.Set.copyOf(otherThan);
  }

  public FlowSpec(
      Integer protocol,
      PortRange port,
      PortRange sourcePort,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion) {
    this(protocol, port, sourcePort, icmpType, icmpCode, ipVersion, java.util.Set.of());
  }

  /** An inclusive port range, 0-65535. */
  public record PortRange(int min, int max) {
    @Override
    public String toString() {
      return min == max ? Integer.toString(min) : min + ":" + max;
    }
  }
}
