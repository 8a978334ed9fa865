package dev.tierproof.model;

import java.util.List;

/**
 * A failsafe port (spec S6.2): a host endpoint allows {@code protocol} to destination port {@code
 * port} in its direction before any policy ({@link FailsafePorts}), from or to a peer in {@code
 * net} when it has one (Felix's {@code ProtoPort.Net}: the source of an inbound packet, the
 * destination of an outbound one, and of a failsafe reply likewise; a net of the other family never
 * matches, {@code felix/rules/static.go} {@code failsafeInChain}, {@code failsafeOutChain}).
 * Felix's default lists are here.
 *
 * @param net null: any address of either family
 */
public record Failsafe(int protocol, int port, Cidr net) {

  public Failsafe(int protocol, int port) {
    this(protocol, port, null);
  }

  /** True when a packet of {@code protocol} with port {@code port} and peer {@code peer} is it. */
  public boolean takes(int protocol, Integer port, Ip peer) {
    return port != null
        && this.protocol == protocol
        && this.port == port
        && (net == null || net.contains(peer));
  }

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
}
