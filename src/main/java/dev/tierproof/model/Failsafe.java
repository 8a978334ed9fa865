package dev.tierproof.model;

import java.util.List;

/**
 * One of Felix's default failsafe ports (spec S6.2): a host endpoint allows {@code protocol} to
 * destination port {@code port} in its direction before any policy. The one list of them: eval
 * tests it, smt encodes it.
 */
public record Failsafe(int protocol, int port) {

  /** Inbound: TCP 22, UDP 68, TCP 179, 2379, 2380, 5473, 6443, 6666, 6667. */
  public static final List<Failsafe> INBOUND =
      List.of(
          new Failsafe(Protocols.TCP, 22),
          new Failsafe(Protocols.UDP, 68),
          new Failsafe(Protocols.TCP, 179),
          new Failsafe(Protocols.TCP, 2379),
          new Failsafe(Protocols.TCP, 2380),
          new Failsafe(Protocols.TCP, 5473),
          new Failsafe(Protocols.TCP, 6443),
          new Failsafe(Protocols.TCP, 6666),
          new Failsafe(Protocols.TCP, 6667));

  /** Outbound: UDP 53, 67, TCP 179, 2379, 2380, 5473, 6443, 6666, 6667. */
  public static final List<Failsafe> OUTBOUND =
      List.of(
          new Failsafe(Protocols.UDP, 53),
          new Failsafe(Protocols.UDP, 67),
          new Failsafe(Protocols.TCP, 179),
          new Failsafe(Protocols.TCP, 2379),
          new Failsafe(Protocols.TCP, 2380),
          new Failsafe(Protocols.TCP, 5473),
          new Failsafe(Protocols.TCP, 6443),
          new Failsafe(Protocols.TCP, 6666),
          new Failsafe(Protocols.TCP, 6667));

  /** The failsafe ports of a host endpoint's ingress (inbound) or egress (outbound) step. */
  public static List<Failsafe> of(Direction dir) {
    return dir == Direction.INGRESS ? INBOUND : OUTBOUND;
  }

  /** True when {@code flow} goes to a failsafe port of the step in {@code dir}. */
  public static boolean allows(Direction dir, Flow flow) {
    Integer port = flow.destinationPort();
    if (port == null) {
      return false;
    }
    for (Failsafe f : of(dir)) {
      if (f.protocol == flow.protocol() && f.port == port) {
        return true;
      }
    }
    return false;
  }
}
