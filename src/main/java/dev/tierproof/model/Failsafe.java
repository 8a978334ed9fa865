package dev.tierproof.model;

import java.util.List;

/**
 * A failsafe port (spec S6.2): a host endpoint allows {@code protocol} to destination port {@code
 * port} in its direction before any policy ({@link FailsafePorts}). Felix's default lists are here.
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
}
