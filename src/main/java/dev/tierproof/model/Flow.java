package dev.tierproof.model;

/**
 * One concrete packet: the first packet of a connection (calico-semantics.md §5.4).
 *
 * @param source the endpoint that sends it, or null when it comes from outside the cluster
 * @param destination the endpoint it goes to, or null when it leaves the cluster
 * @param sourcePort null for protocols without ports; {@code destinationPort} likewise
 * @param icmpType null unless ICMP/ICMPv6; {@code icmpCode} likewise
 * @param destinationDomain the DNS name the destination was reached by (Enterprise domain
 *     rules), or null
 */
public record Flow(
    int protocol,
    Ip sourceIp,
    Integer sourcePort,
    Ip destinationIp,
    Integer destinationPort,
    Integer icmpType,
    Integer icmpCode,
    String destinationDomain,
    Endpoint source,
    Endpoint destination) {

  public Flow {
    if (sourceIp.family() != destinationIp.family()) {
      throw new IllegalArgumentException("source and destination families differ");
    }
  }

  public int family() {
    return sourceIp.family();
  }
}
