package dev.tierproof.model;

/**
 * The values tierproof fills in where a question leaves a flow open: explain's concrete flow uses
 * them, and the solver prefers them for a witness when they are allowed, so that the two read
 * alike. Made-up addresses are documentation ranges (RFC 5737, RFC 3849) outside the cluster and
 * {@code 10.255.0.0/16} ({@code fd00:ff::/64}) for pods without an address.
 */
public final class Placeholders {

  /** Explain's destination port for protocols with ports. */
  public static final int PORT = 80;

  /** The destination port a witness prefers when any would do. */
  public static final int WITNESS_PORT = 443;

  /** The source port of explain's flow and of witnesses, when any would do. */
  public static final int SOURCE_PORT = 40000;

  private static final Ip POD_V4 = Ip.parse("10.255.0.1").orElseThrow();
  private static final Ip POD_V6 = Ip.parse("fd00:ff::1").orElseThrow();
  private static final Ip PEER_POD_V4 = Ip.parse("10.255.0.2").orElseThrow();
  private static final Ip PEER_POD_V6 = Ip.parse("fd00:ff::2").orElseThrow();
  private static final Ip OUTSIDE_DESTINATION_V4 = Ip.parse("203.0.113.7").orElseThrow();
  private static final Ip OUTSIDE_DESTINATION_V6 = Ip.parse("2001:db8::cb00:7107").orElseThrow();
  private static final Ip OUTSIDE_SOURCE_V4 = Ip.parse("198.51.100.7").orElseThrow();
  private static final Ip OUTSIDE_SOURCE_V6 = Ip.parse("2001:db8::c633:6407").orElseThrow();

  private Placeholders() {}

  /**
   * The address of a pod without one: at the source, or ({@code source} false) at the destination.
   */
  public static Ip pod(int family, boolean source) {
    return source ? (family == 4 ? POD_V4 : POD_V6) : (family == 4 ? PEER_POD_V4 : PEER_POD_V6);
  }

  /** The address of an end outside the cluster, as source or destination. */
  public static Ip outside(int family, boolean source) {
    return source
        ? (family == 4 ? OUTSIDE_SOURCE_V4 : OUTSIDE_SOURCE_V6)
        : (family == 4 ? OUTSIDE_DESTINATION_V4 : OUTSIDE_DESTINATION_V6);
  }
}
