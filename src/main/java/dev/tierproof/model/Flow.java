package dev.tierproof.model;

/**
 * One concrete packet: the first packet of a connection (specs/semantics.md S5.1).
 *
 * @param source the endpoint that sends it, or null when it comes from outside the cluster
 * @param destination the endpoint it goes to, or null when it leaves the cluster
 * @param sourcePort null for protocols without ports; {@code destinationPort} likewise
 * @param icmpType null unless ICMP/ICMPv6; {@code icmpCode} likewise
 * @param destinationDomain the DNS name the destination was reached by (Enterprise domain rules),
 *     or null
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

  /**
   * The same packet with one end moved: the source (with {@code source}) or the destination to
   * {@code ip}, owned by {@code owner} (null: outside the cluster), the destination reached by
   * {@code domain}.
   */
  public Flow moved(boolean source, Ip ip, Endpoint owner, String domain) {
    return source
        ? new Flow(
            protocol,
            ip,
            sourcePort,
            destinationIp,
            destinationPort,
            icmpType,
            icmpCode,
            domain,
            owner,
            destination)
        : new Flow(
            protocol,
            sourceIp,
            sourcePort,
            ip,
            destinationPort,
            icmpType,
            icmpCode,
            domain,
            this.source,
            owner);
  }

  /**
   * The packet the other end sends back (spec S6.5): addresses and ends swapped, and for protocols
   * with ports the ports too; an ICMP or ICMPv6 echo request (type 8, 128) is answered by an echo
   * reply (type 0, 129) with its code; a protocol without ports other than ICMP by the packet with
   * addresses swapped. Null for an ICMP message other than an echo request: it needs no reply.
   */
  public Flow reply() {
    Integer type = null;
    if (Protocols.isIcmp(protocol)) {
      Integer echo =
          protocol == Protocols.ICMP ? Protocols.ECHO_REQUEST : Protocols.ECHO_REQUEST_V6;
      if (icmpType == null || !icmpType.equals(echo)) {
        return null;
      }
      type = protocol == Protocols.ICMP ? Protocols.ECHO_REPLY : Protocols.ECHO_REPLY_V6;
    }
    return new Flow(
        protocol,
        destinationIp,
        destinationPort,
        sourceIp,
        sourcePort,
        type,
        type == null ? null : icmpCode,
        null,
        destination,
        source);
  }

  /**
   * True when this packet, sent as the reply to a first packet that conntrack did not track, is no
   * valid start of a connection to conntrack ({@code INVALID}): a TCP reply (a SYN-ACK) or an ICMP
   * echo reply (spec S6.5). Other replies (UDP, SCTP, protocols without ports) start a new
   * connection.
   */
  public boolean invalidAsNew() {
    return protocol == Protocols.TCP || Protocols.isIcmp(protocol);
  }

  public int family() {
    return sourceIp.family();
  }

  /**
   * {@code TCP 10.0.1.5:40000 -> 203.0.113.7:443}, {@code ICMP 10.0.0.1 -> 10.0.0.2 type 8 code 0}.
   */
  public String packet() {
    String name = Protocols.name(protocol);
    String out =
        (name.equals(Integer.toString(protocol)) ? "protocol " + name : name)
            + " "
            + address(sourceIp, sourcePort)
            + " -> "
            + address(destinationIp, destinationPort);
    if (icmpType != null) {
      out += " type " + icmpType + (icmpCode != null ? " code " + icmpCode : "");
    }
    return out;
  }

  /** The packet and its ends: {@code TCP 10.0.1.5:40000 -> 203.0.113.7:443 (shop/a -> outside)}. */
  public String describe() {
    return packet()
        + " ("
        + (source == null ? "outside" : source.ref())
        + " -> "
        + (destination == null
            ? destinationDomain != null ? destinationDomain : "outside"
            : destination.ref())
        + ")";
  }

  private static String address(Ip ip, Integer port) {
    if (port == null) {
      return ip.toString();
    }
    return (ip.family() == 6 ? "[" + ip + "]" : ip.toString()) + ":" + port;
  }
}
