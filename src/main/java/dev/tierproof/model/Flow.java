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
 * @param placement the node of the flow's workload end where its node matters, null elsewhere: for
 *     a flow between a host endpoint and a workload, the host endpoint's node when the workload is
 *     on it (spec S6.12: the flow is {@link #local}); for a flow between a workload and an address
 *     outside the cluster, the workload's node (its forward chain may be walked, S6.11); null for
 *     other flows. For a workload that names no node (a pod template, a pod not yet deployed) the
 *     flow places it: given a node, it is on that node; null, on a node the input does not list or
 *     one whose answer is the same as there ({@link #placements}). The one home of where a flow
 *     puts its workload: normalised here, so a placement that cannot matter is null
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
    Endpoint destination,
    String placement) {

  public Flow {
    if (sourceIp.family() != destinationIp.family()) {
      throw new IllegalArgumentException("source and destination families differ");
    }
    placement = normalised(source, destination, placement);
  }

  /** A flow whose workload end, if it names no node, is placed elsewhere. */
  public Flow(
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
    this(
        protocol,
        sourceIp,
        sourcePort,
        destinationIp,
        destinationPort,
        icmpType,
        icmpCode,
        destinationDomain,
        source,
        destination,
        null);
  }

  /**
   * {@code node} as the placement of a flow between {@code a} and {@code b} ({@link #placement}): a
   * host endpoint's node for a flow between it and a workload on it or naming none, placed there; a
   * workload's own node, or the given one when it names none, for a flow between it and outside.
   */
  private static String normalised(Endpoint a, Endpoint b, String node) {
    if (a == null || b == null) {
      Endpoint w = a == null ? b : a;
      return w == null || w.isHost() ? null : w.node() != null ? w.node() : node;
    }
    if (a.isHost() == b.isHost()) {
      return null;
    }
    Endpoint host = a.isHost() ? a : b;
    Endpoint w = a.isHost() ? b : a;
    if (host.node() == null) {
      return null;
    }
    String on = w.node() != null ? w.node() : node;
    return host.node().equals(on) ? on : null;
  }

  /**
   * The flow is between a host endpoint and a workload on the host endpoint's node (spec S6.12):
   * always when the workload's node is that node, never when it is another or the ends are not a
   * host endpoint and a workload; for a workload that names no node when the flow places it there.
   */
  public boolean local() {
    return local(source, destination, placement);
  }

  /** {@link #local()} of a flow between {@code a} and {@code b} placed on {@code placement}. */
  public static boolean local(Endpoint a, Endpoint b, String placement) {
    return normalised(a, b, placement) != null && a != null && b != null;
  }

  /**
   * The end of this flow that names no node and whose placement matters ({@link #placement}), or
   * null.
   */
  public Endpoint floating() {
    return floating(source, destination);
  }

  /**
   * Of a flow between {@code a} and {@code b} (null: outside), either way, the workload end that
   * names no node while the other is a host endpoint on a node or outside the cluster, or null.
   */
  public static Endpoint floating(Endpoint a, Endpoint b) {
    for (Endpoint w : java.util.Arrays.asList(a, b)) {
      Endpoint other = w == a ? b : a;
      if (w != null
          && !w.isHost()
          && w.node() == null
          && (other == null || other.isHost() && other.node() != null)) {
        return w;
      }
    }
    return null;
  }

  /**
   * The flow in each placement that can change its answer ({@link #placements(Endpoint, Endpoint,
   * java.util.Collection)}).
   */
  public java.util.List<Flow> placements(java.util.Collection<String> walked) {
    return placements(source, destination, walked).stream().map(this::placed).toList();
  }

  /**
   * The placements ({@link #placement}) of the flows between {@code a} and {@code b} (null:
   * outside), either way, that can change their answers, null (elsewhere) first: with a {@link
   * #floating} end, also its host end's node, or for a flow with outside each of {@code walked}
   * (the nodes whose forward chain is walked, spec S6.11); else the one placement they all have.
   */
  public static java.util.List<String> placements(
      Endpoint a, Endpoint b, java.util.Collection<String> walked) {
    Endpoint w = floating(a, b);
    if (w == null) {
      return java.util.Collections.singletonList(normalised(a, b, null));
    }
    Endpoint other = w == a ? b : a;
    java.util.List<String> out = new java.util.ArrayList<>();
    out.add(null);
    out.addAll(other == null ? walked : java.util.List.of(other.node()));
    return java.util.Collections.unmodifiableList(out);
  }

  /**
   * Whether a flow between {@code a} and {@code b}, either way, can be between a host endpoint and
   * a workload on its node: the workload is on that node or names none (spec S6.12).
   */
  public static boolean canBeLocal(Endpoint a, Endpoint b) {
    return placeable(a, b) || placeable(b, a);
  }

  /** Whether every flow between {@code a} and {@code b} is local: both are on one node. */
  public static boolean mustBeLocal(Endpoint a, Endpoint b) {
    return canBeLocal(a, b) && a.node() != null && b.node() != null;
  }

  private static boolean placeable(Endpoint host, Endpoint workload) {
    return host != null
        && workload != null
        && host.isHost()
        && !workload.isHost()
        && host.node() != null
        && (workload.node() == null || workload.node().equals(host.node()));
  }

  /**
   * Another packet between the same ends, placed alike: {@code protocol}, ports and ICMP type and
   * code as given.
   */
  public Flow withPacket(
      int protocol,
      Integer sourcePort,
      Integer destinationPort,
      Integer icmpType,
      Integer icmpCode) {
    return new Flow(
        protocol,
        sourceIp,
        sourcePort,
        destinationIp,
        destinationPort,
        icmpType,
        icmpCode,
        destinationDomain,
        source,
        destination,
        placement);
  }

  /** The same packet between {@code newSource} and {@code newDestination}, placed alike. */
  public Flow withEnds(Endpoint newSource, Endpoint newDestination) {
    return new Flow(
        protocol,
        sourceIp,
        sourcePort,
        destinationIp,
        destinationPort,
        icmpType,
        icmpCode,
        destinationDomain,
        newSource,
        newDestination,
        placement);
  }

  /**
   * The same packet, its workload end naming no node placed on {@code node} (null: elsewhere;
   * {@link #placement}).
   */
  public Flow placed(String node) {
    return new Flow(
        protocol,
        sourceIp,
        sourcePort,
        destinationIp,
        destinationPort,
        icmpType,
        icmpCode,
        destinationDomain,
        source,
        destination,
        node);
  }

  /** The same packet, its workload end naming no node placed on its host end's node (S6.12). */
  public Flow onHostNode() {
    Endpoint w = floating();
    Endpoint other = w == null ? null : w == source ? destination : source;
    return other == null ? this : placed(other.node());
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
            destination,
            placement)
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
            owner,
            placement);
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
        source,
        placement);
  }

  /**
   * True when this packet, sent as the reply to a first packet that conntrack did not track, is no
   * valid start of a connection to conntrack ({@code INVALID}): a TCP reply (a SYN-ACK), an SCTP
   * reply (an INIT-ACK, whose verification tag the new conntrack entry does not hold: Linux {@code
   * nf_conntrack_proto_sctp.c}) or an ICMP echo reply (spec S6.5). Other replies (UDP, UDP-Lite,
   * protocols without ports) start a new connection.
   */
  public boolean invalidAsNew() {
    return protocol == Protocols.TCP || protocol == Protocols.SCTP || Protocols.isIcmp(protocol);
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

  /**
   * The packet and its ends: {@code TCP 10.0.1.5:40000 -> 203.0.113.7:443 (shop/a -> outside)}; a
   * workload that names no node and is placed on a node says so ({@code shop/a on node n1}).
   */
  public String describe() {
    return packet()
        + " ("
        + (source == null ? "outside" : source.ref())
        + onNode(source)
        + " -> "
        + (destination == null
            ? destinationDomain != null ? destinationDomain : "outside"
            : destination.ref())
        + onNode(destination)
        + ")";
  }

  /**
   * The node this flow places {@code e} on: its {@link #placement}, when {@code e} is a workload
   * naming no node; else null ({@code e} may be null: outside).
   */
  public String placedOn(Endpoint e) {
    if (e == null || e.isHost() || e.node() != null) {
      return null;
    }
    return placement;
  }

  /** {@code " on node n1"} when this flow places {@code e} on a node ({@link #placedOn}). */
  public String onNode(Endpoint e) {
    String node = placedOn(e);
    return node == null ? "" : " on node " + node;
  }

  private static String address(Ip ip, Integer port) {
    if (port == null) {
      return ip.toString();
    }
    return (ip.family() == 6 ? "[" + ip + "]" : ip.toString()) + ":" + port;
  }
}
