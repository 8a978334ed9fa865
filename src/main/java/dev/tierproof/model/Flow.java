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
 * @param sourcePlacement the node of the flow's source end where its node matters, null elsewhere
 *     ({@code destinationPlacement} likewise for its destination end): for a workload end of a flow
 *     with a host endpoint, the host endpoint's node when the workload is on it (spec S6.12: the
 *     flow is {@link #local}); for a workload end of a flow with outside or with another workload,
 *     the workload's node (its forward chain may be walked, S6.11); null for other ends. For a
 *     workload that names no node (a pod template, a pod not yet deployed) the flow places it:
 *     given a node, it is on that node; null, on a node the input does not list or one whose answer
 *     is the same as there ({@link #placements}). Each end is placed on its own, so a flow between
 *     two workloads naming no node can place them on two nodes. The one home of where a flow puts
 *     its ends: normalised here, so a placement that cannot matter is null
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
    String sourcePlacement,
    String destinationPlacement) {

  public Flow {
    if (sourceIp.family() != destinationIp.family()) {
      throw new IllegalArgumentException("source and destination families differ");
    }
    String s = normalised(source, destination, sourcePlacement);
    destinationPlacement = normalised(destination, source, destinationPlacement);
    sourcePlacement = s;
  }

  /** A flow whose ends naming no node are placed elsewhere ({@link #placed} places them). */
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
        null,
        null);
  }

  /**
   * {@code node} as the placement of end {@code w} of a flow between it and {@code other} (null:
   * outside; {@link #sourcePlacement}): for a workload with a host endpoint on a node, that node
   * when the workload is on it or names no node and is placed there, else null; for a workload with
   * outside or another workload, its own node, or the given one when it names none; null for a host
   * endpoint or outside.
   */
  private static String normalised(Endpoint w, Endpoint other, String node) {
    if (w == null || w.isHost()) {
      return null;
    }
    String on = w.node() != null ? w.node() : node;
    if (other == null || !other.isHost()) {
      return on;
    }
    return other.node() != null && other.node().equals(on) ? on : null;
  }

  /**
   * The placement of the flow's one placed end ({@link #sourcePlacement}, else {@link
   * #destinationPlacement}): for a flow with a host endpoint or outside, where it puts its
   * workload.
   */
  public String placement() {
    return sourcePlacement != null ? sourcePlacement : destinationPlacement;
  }

  /**
   * Where this flow places its two ends ({@link #sourcePlacement}, {@link #destinationPlacement}).
   */
  public Ends ends() {
    return new Ends(sourcePlacement, destinationPlacement);
  }

  /** Whether both ends are workload endpoints (spec S6.10: their flow may cross two nodes). */
  public static boolean betweenWorkloads(Endpoint a, Endpoint b) {
    return a != null && b != null && !a.isHost() && !b.isHost();
  }

  /**
   * The flow is between a host endpoint and a workload on the host endpoint's node (spec S6.12):
   * always when the workload's node is that node, never when it is another or the ends are not a
   * host endpoint and a workload; for a workload that names no node when the flow places it there.
   */
  public boolean local() {
    return local(source, destination, placement());
  }

  /** {@link #local()} of a flow between {@code a} and {@code b} placed on {@code placement}. */
  public static boolean local(Endpoint a, Endpoint b, String placement) {
    return a != null
        && b != null
        && a.isHost() != b.isHost()
        && (normalised(a, b, placement) != null || normalised(b, a, placement) != null);
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

  /** Where a flow places its source and its destination end ({@link #sourcePlacement}). */
  public record Ends(String source, String destination) {

    /** Both ends (each that names no node) on {@code node} (null: elsewhere). */
    public static Ends both(String node) {
      return new Ends(node, node);
    }
  }

  /**
   * The flow in each placement that can change its answer ({@link #placements(Endpoint, Endpoint,
   * java.util.Collection)}).
   */
  public java.util.List<Flow> placements(java.util.Collection<String> walked) {
    return placements(source, destination, walked).stream().map(this::placed).toList();
  }

  /**
   * The placements of the flows between {@code a} and {@code b} (null: outside), either way, that
   * can change their answers, elsewhere first: with a {@link #floating} end, elsewhere and its host
   * end's node, or for a flow with outside each of {@code walked} (the nodes whose forward chain is
   * walked, spec S6.11); for a flow between two workloads, each end naming no node elsewhere or on
   * each of {@code walked}, independently ((walked+1)² for two such ends); else the one placement
   * they all have.
   */
  public static java.util.List<Ends> placements(
      Endpoint a, Endpoint b, java.util.Collection<String> walked) {
    if (betweenWorkloads(a, b)) {
      java.util.List<Ends> out = new java.util.ArrayList<>();
      for (String s : nodes(a, walked)) {
        for (String d : nodes(b, walked)) {
          out.add(new Ends(s, d));
        }
      }
      return java.util.Collections.unmodifiableList(out);
    }
    Endpoint w = floating(a, b);
    if (w == null) {
      return java.util.List.of(Ends.both(null));
    }
    Endpoint other = w == a ? b : a;
    java.util.List<Ends> out = new java.util.ArrayList<>();
    out.add(Ends.both(null));
    for (String n : other == null ? walked : java.util.List.of(other.node())) {
      out.add(Ends.both(n));
    }
    return java.util.Collections.unmodifiableList(out);
  }

  /**
   * The nodes workload {@code w} may be on: its own, or elsewhere (null) and each of {@code
   * walked}.
   */
  private static java.util.List<String> nodes(Endpoint w, java.util.Collection<String> walked) {
    if (w.node() != null) {
      return java.util.List.of(w.node());
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    out.add(null);
    out.addAll(walked);
    return out;
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
        sourcePlacement,
        destinationPlacement);
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
        sourcePlacement,
        destinationPlacement);
  }

  /**
   * The same packet, its workload end naming no node placed on {@code node} (null: elsewhere;
   * {@link #placement}).
   */
  public Flow placed(String node) {
    return placed(Ends.both(node));
  }

  /**
   * The same packet, its ends naming no node placed as {@code ends} says ({@link
   * #sourcePlacement}).
   */
  public Flow placed(Ends ends) {
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
        ends.source(),
        ends.destination());
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
            sourcePlacement,
            destinationPlacement)
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
            sourcePlacement,
            destinationPlacement);
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
        destinationPlacement,
        sourcePlacement);
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
        + onNode(true)
        + " -> "
        + (destination == null
            ? destinationDomain != null ? destinationDomain : "outside"
            : destination.ref())
        + onNode(false)
        + ")";
  }

  /**
   * The node this flow places {@code e} on: the placement of the end {@code e} is (the source when
   * it is both), when {@code e} is a workload naming no node; else null ({@code e} may be null:
   * outside).
   */
  public String placedOn(Endpoint e) {
    return e == null ? null : placedOn(e == source);
  }

  /**
   * The node this flow places its source end (with {@code sourceEnd}, else its destination end) on,
   * when that end is a workload naming no node; else null.
   */
  public String placedOn(boolean sourceEnd) {
    Endpoint e = sourceEnd ? source : destination;
    if (e == null || e.isHost() || e.node() != null) {
      return null;
    }
    return sourceEnd ? sourcePlacement : destinationPlacement;
  }

  /** {@code " on node n1"} when this flow places {@code e} on a node ({@link #placedOn}). */
  public String onNode(Endpoint e) {
    return e == null ? "" : onNode(e == source);
  }

  /** {@code " on node n1"} when this flow places the end on a node ({@link #placedOn(boolean)}). */
  public String onNode(boolean sourceEnd) {
    String node = placedOn(sourceEnd);
    return node == null ? "" : " on node " + node;
  }

  private static String address(Ip ip, Integer port) {
    if (port == null) {
      return ip.toString();
    }
    return (ip.family() == 6 ? "[" + ip + "]" : ip.toString()) + ":" + port;
  }
}
