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
 * @param morePorts further destination port ranges (with a {@code port}: the ports are {@code port}
 *     and these; ascending, disjoint, apart and above {@code port}; a diff class)
 */
public record FlowSpec(
    Integer protocol,
    Port.Range port,
    Port.Range sourcePort,
    Integer icmpType,
    Integer icmpCode,
    Integer ipVersion,
    java.util.Set<Integer> otherThan,
    java.util.Set<Integer> icmpTypesNot,
    java.util.List<Port.Range> morePorts) {

  public static final FlowSpec ANY = new FlowSpec(null, null, null, null, null, null);

  public FlowSpec {
    otherThan = Ordered.sorted(otherThan);
    icmpTypesNot = Ordered.sorted(icmpTypesNot);
    morePorts = java.util.List.copyOf(morePorts);
  }

  public FlowSpec(
      Integer protocol,
      Port.Range port,
      Port.Range sourcePort,
      Integer icmpType,
      Integer icmpCode,
      Integer ipVersion,
      java.util.Set<Integer> otherThan,
      java.util.Set<Integer> icmpTypesNot) {
    this(
        protocol,
        port,
        sourcePort,
        icmpType,
        icmpCode,
        ipVersion,
        otherThan,
        icmpTypesNot,
        java.util.List.of());
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

  /** Every destination port range: {@code port} and {@link #morePorts}; empty for any port. */
  public java.util.List<Port.Range> portRanges() {
    if (port == null) {
      return java.util.List.of();
    }
    java.util.List<Port.Range> out = new java.util.ArrayList<>(java.util.List.of(port));
    out.addAll(morePorts);
    return out;
  }

  /**
   * The same bounds with destination ports {@code ranges} (joined where they touch; empty: any).
   */
  public FlowSpec withPorts(java.util.List<Port.Range> ranges) {
    ranges = joined(ranges);
    return new FlowSpec(
        protocol,
        ranges.isEmpty() ? null : ranges.get(0),
        sourcePort,
        icmpType,
        icmpCode,
        ipVersion,
        otherThan,
        icmpTypesNot,
        ranges.isEmpty() ? java.util.List.of() : ranges.subList(1, ranges.size()));
  }

  /** {@code ranges} ascending, those that overlap or touch joined. */
  private static java.util.List<Port.Range> joined(java.util.List<Port.Range> ranges) {
    java.util.List<Port.Range> sorted = new java.util.ArrayList<>(ranges);
    sorted.sort(java.util.Comparator.comparingInt(Port.Range::min));
    java.util.List<Port.Range> out = new java.util.ArrayList<>();
    for (Port.Range r : sorted) {
      Port.Range last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r.min() <= last.max() + 1) {
        out.set(out.size() - 1, new Port.Range(last.min(), Math.max(last.max(), r.max())));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** The same bounds with the ICMP types {@code types} excluded (and no type pinned). */
  public FlowSpec exceptIcmpTypes(java.util.Set<Integer> types) {
    return new FlowSpec(
        protocol, port, sourcePort, null, null, ipVersion, otherThan, types, morePorts);
  }
}
