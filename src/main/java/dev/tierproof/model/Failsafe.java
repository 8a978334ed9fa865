package dev.tierproof.model;

import java.util.List;

/**
 * One of Felix's default failsafe ports (spec S6.2): a host endpoint allows {@code protocol} to
 * destination port {@code port} in its direction before any policy. The one list of them: eval
 * tests it, smt encodes it.
 */
public record Failsafe(int protocol, int port) {

  /**
   * The ports failsafe in both directions: TCP 179 (BGP), 2379, 2380 (etcd), 5473 (Typha), 6443,
   * 6666, 6667.
   */
  private static final List<Failsafe> BOTH =
      java.util.stream.IntStream.of(179, 2379, 2380, 5473, 6443, 6666, 6667)
          .mapToObj(p -> new Failsafe(Protocols.TCP, p))
          .toList();

  /** Inbound: TCP 22, UDP 68, and {@link #BOTH}. */
  public static final List<Failsafe> INBOUND =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(
                  new Failsafe(Protocols.TCP, 22), new Failsafe(Protocols.UDP, 68)),
              BOTH.stream())
          .toList();

  /** Outbound: UDP 53, 67, and {@link #BOTH}. */
  public static final List<Failsafe> OUTBOUND =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(
                  new Failsafe(Protocols.UDP, 53), new Failsafe(Protocols.UDP, 67)),
              BOTH.stream())
          .toList();

  /** The failsafe ports of a host endpoint's ingress (inbound) or egress (outbound) step. */
  public static List<Failsafe> of(Direction dir) {
    return dir == Direction.INGRESS ? INBOUND : OUTBOUND;
  }

  /** True when {@code flow} goes to a failsafe port of the step in {@code dir}. */
  public static boolean allows(Direction dir, Flow flow) {
    return in(of(dir), flow.protocol(), flow.destinationPort());
  }

  /**
   * True when {@code flow} comes from a failsafe port of the other direction (a reply to a failsafe
   * connection, as Felix's raw table sees it): the step in {@code dir} skips its untracked path for
   * it, and goes on to the pre-DNAT and normal paths (spec S6.2, S6.4).
   */
  public static boolean reply(Direction dir, Flow flow) {
    return in(
        of(dir == Direction.INGRESS ? Direction.EGRESS : Direction.INGRESS),
        flow.protocol(),
        flow.sourcePort());
  }

  private static boolean in(List<Failsafe> ports, int protocol, Integer port) {
    if (port == null) {
      return false;
    }
    for (Failsafe f : ports) {
      if (f.protocol == protocol && f.port == port) {
        return true;
      }
    }
    return false;
  }
}
