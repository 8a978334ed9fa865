package dev.tierproof.model;

import java.util.List;

/**
 * The failsafe ports Felix allows at host endpoints before any policy (spec S6.2): Felix's defaults
 * ({@link #DEFAULT}), or the lists of the input's {@code FelixConfiguration} {@code default}
 * (S9.1). The one home of which packets they take: eval tests them, smt encodes them.
 *
 * @param inbound the ports of a host endpoint's ingress step ({@code failsafeInboundHostPorts})
 * @param outbound the ports of its egress step ({@code failsafeOutboundHostPorts})
 */
public record FailsafePorts(List<Failsafe> inbound, List<Failsafe> outbound) {

  /** Felix's defaults: {@link Failsafe#INBOUND} and {@link Failsafe#OUTBOUND}. */
  public static final FailsafePorts DEFAULT =
      new FailsafePorts(Failsafe.INBOUND, Failsafe.OUTBOUND);

  public FailsafePorts {
    inbound = List.copyOf(inbound);
    outbound = List.copyOf(outbound);
  }

  /** The failsafe ports of a host endpoint's ingress (inbound) or egress (outbound) step. */
  public List<Failsafe> of(Direction dir) {
    return dir == Direction.INGRESS ? inbound : outbound;
  }

  /** True when {@code flow} goes to a failsafe port of the step in {@code dir}. */
  public boolean allows(Direction dir, Flow flow) {
    return in(of(dir), flow.protocol(), flow.destinationPort());
  }

  /**
   * True when {@code flow} comes from a failsafe port of the other direction (a reply to a failsafe
   * connection, as Felix's raw table sees it): the step in {@code dir} skips its untracked path for
   * it, and goes on to the pre-DNAT and normal paths (spec S6.2, S6.4).
   */
  public boolean reply(Direction dir, Flow flow) {
    return in(of(dir.opposite()), flow.protocol(), flow.sourcePort());
  }

  private static boolean in(List<Failsafe> ports, int protocol, Integer port) {
    return port != null
        && ports.stream().anyMatch(f -> f.protocol() == protocol && f.port() == port);
  }
}
