package dev.tierproof.model;

import java.util.Map;
import java.util.Objects;

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
 *     with a host endpoint on a node, the workload's node (the host endpoint's: the flow is {@link
 *     #local}, spec S6.12; another: its forward chain may be walked, S6.11); for a workload end of
 *     a flow with outside or with another workload, the workload's node (its forward chain may be
 *     walked, S6.11); null for other ends. For a workload that names no node (a pod template, a pod
 *     not yet deployed) the flow places it: given a node, it is on that node; null, on a node the
 *     input does not list or one whose answer is the same as there ({@link #placements}). Each end
 *     is placed on its own, so a flow between two workloads naming no node can place them on two
 *     nodes. The one home of where a flow puts its ends: normalised here, so a placement that
 *     cannot matter is null
 * @param sourceInterface the interface the packet leaves the source end's node by, when that end is
 *     a workload placed on a node ({@link #sourcePlacement}) and the flow is forwarded there (the
 *     other end is outside, a workload on another node or a host endpoint of another node, {@link
 *     #forwarded}): a key of that node's {@link Ports#named}, or {@link Ports#OTHER}; null where no
 *     choice applies (spec S6.10: it picks the host endpoint whose egress forward path the packet
 *     meets). {@code destinationInterface} likewise the interface it comes in by at the destination
 *     end's node (its pre-DNAT and ingress forward paths). Null too on a node without named host
 *     endpoints, where every choice is alike ({@link #placements(Endpoint, Endpoint, Map)} draws
 *     only those that matter). A flow between two addresses outside the cluster routed through a
 *     node ({@link #transit}) names it in both placements, and its interfaces are the one it comes
 *     in by ({@code sourceInterface}, facing the source) and the one it leaves by ({@code
 *     destinationInterface})
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
    String destinationPlacement,
    String sourceInterface,
    String destinationInterface) {

  public Flow {
    if (sourceIp.family() != destinationIp.family()) {
      throw new IllegalArgumentException("source and destination families differ");
    }
    if (source == null && destination == null) {
      String through =
          Objects.equals(sourcePlacement, destinationPlacement) ? sourcePlacement : null;
      sourcePlacement = through;
      destinationPlacement = through;
      sourceInterface = through == null ? null : sourceInterface;
      destinationInterface = through == null ? null : destinationInterface;
    } else {
      String s = normalised(source, destination, sourcePlacement);
      destinationPlacement = normalised(destination, source, destinationPlacement);
      sourcePlacement = s;
      boolean oneNode =
          betweenWorkloads(source, destination)
              && sourcePlacement != null
              && sourcePlacement.equals(destinationPlacement);
      sourceInterface =
          sourcePlacement == null || oneNode || !forwarded(source, destination, sourcePlacement)
              ? null
              : sourceInterface;
      destinationInterface =
          destinationPlacement == null
                  || oneNode
                  || !forwarded(destination, source, destinationPlacement)
              ? null
              : destinationInterface;
    }
  }

  /**
   * The node a flow between two addresses outside the cluster is routed through (spec S6.10, S6.11:
   * {@link #sourcePlacement} and {@link #destinationPlacement} both name it; its {@link
   * #sourceInterface} is the interface it comes in by, {@link #destinationInterface} the one it
   * leaves by), or null: a flow with an end in the cluster, or one routed through no walked node.
   */
  public String transit() {
    return source == null && destination == null ? sourcePlacement : null;
  }

  /**
   * Whether workload end {@code w}, on {@code node} (its own, or where the flow places it; null:
   * none), forwards its packets with {@code other} (null: outside) at that node (spec S6.10,
   * S6.11): the other end is outside, a workload, or a host endpoint of another node (W -> H(M)
   * leaves N by one of N's interfaces, as W -> outside does). The one home of when a workload end
   * meets its node's forward chain ({@code eval.Hop}, {@code smt.EndEncoding#far} follow it).
   */
  public static boolean forwarded(Endpoint w, Endpoint other, String node) {
    if (w == null || w.isHost()) {
      return false;
    }
    if (other == null || !other.isHost()) {
      return true;
    }
    String on = w.node() != null ? w.node() : node;
    return on != null && other.node() != null && !other.node().equals(on);
  }

  /**
   * The one way to build a flow outside this record: this packet between {@code source} and {@code
   * destination} (null: outside), its ends naming no node placed elsewhere and crossing no chosen
   * interface; {@link #placed(Ends)} places them.
   */
  public static Flow between(
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
        null,
        null,
        null,
        null);
  }

  /**
   * {@code node} as the placement of end {@code w} of a flow between it and {@code other} (null:
   * outside; {@link #sourcePlacement}): for a workload, its own node, or the given one when it
   * names none; null when the other end is a host endpoint naming no node, for a host endpoint and
   * for outside.
   */
  private static String normalised(Endpoint w, Endpoint other, String node) {
    if (w == null || w.isHost()) {
      return null;
    }
    String on = w.node() != null ? w.node() : node;
    if (other == null || !other.isHost()) {
      return on;
    }
    return other.node() != null ? on : null; // spec S6.12 local, or S6.11 forwarded there
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
    return new Ends(sourcePlacement, destinationPlacement, sourceInterface, destinationInterface);
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
    if (a == null || b == null || a.isHost() == b.isHost()) {
      return false;
    }
    Endpoint h = a.isHost() ? a : b;
    String on = normalised(h == a ? b : a, h, placement);
    return on != null && on.equals(h.node());
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
   * Where a flow places its source and its destination end ({@link #sourcePlacement}), and the
   * interfaces it crosses there ({@link #sourceInterface}, {@link #destinationInterface}).
   */
  public record Ends(
      String source, String destination, String sourceInterface, String destinationInterface) {

    /** Ends on the given nodes, crossing no chosen interface. */
    public Ends(String source, String destination) {
      this(source, destination, null, null);
    }

    /** Both ends (each that names no node) on {@code node} (null: elsewhere). */
    public static Ends both(String node) {
      return new Ends(node, node);
    }
  }

  /**
   * The flow in each placement that can change its answer ({@link #placements(Endpoint, Endpoint,
   * Map)}).
   */
  public java.util.List<Flow> placements(Map<String, Ports> walked) {
    return placements(source, destination, walked).stream().map(this::placed).toList();
  }

  /**
   * The placements of the flows between {@code a} and {@code b} (null: outside), either way, that
   * can change their answers, elsewhere first: with a {@link #floating} end, elsewhere, its host
   * end's node (S6.12), and each of {@code walked} (the nodes whose forward chain is walked, spec
   * S6.11, with their {@link Ports}; for a host end, each but its node); for a flow between two
   * workloads, each end naming no node elsewhere or on each of {@code walked}, independently
   * ((walked+1)² for two such ends); else the one placement they all have. Each forwarded end on a
   * walked node whose host endpoints name interfaces crosses each of its interface choices ({@link
   * Ports#choices}; S6.10), the ends independently. A flow between two addresses outside the
   * cluster is routed through no walked node or through each of {@code walked}, coming in and
   * leaving by each pair of its interface choices, the same one included ({@link #transit}).
   */
  public static java.util.List<Ends> placements(Endpoint a, Endpoint b, Map<String, Ports> walked) {
    java.util.List<Ends> out = new java.util.ArrayList<>();
    if (a == null && b == null) { // spec S6.11: through no walked node, or each, in and out
      out.add(Ends.both(null));
      walked.forEach(
          (n, p) -> {
            for (String in : choices(p)) {
              for (String o : choices(p)) {
                out.add(new Ends(n, n, in, o));
              }
            }
          });
      return java.util.Collections.unmodifiableList(out);
    }
    for (Ends e : nodePlacements(a, b, walked.keySet())) {
      String s = normalised(a, b, e.source());
      String d = normalised(b, a, e.destination());
      boolean oneNode = betweenWorkloads(a, b) && s != null && s.equals(d);
      for (String si :
          choices(oneNode || s == null || !forwarded(a, b, s) ? null : walked.get(s))) {
        for (String di :
            choices(oneNode || d == null || !forwarded(b, a, d) ? null : walked.get(d))) {
          out.add(new Ends(e.source(), e.destination(), si, di));
        }
      }
    }
    return java.util.Collections.unmodifiableList(out);
  }

  /** The interface choices of a crossing of {@code p} that can matter (null: none). */
  private static java.util.List<String> choices(Ports p) {
    return p == null || !p.chooses() ? java.util.Collections.singletonList(null) : p.choices();
  }

  /** {@link #placements(Endpoint, Endpoint, Map)}'s nodes, before interface choices. */
  private static java.util.List<Ends> nodePlacements(
      Endpoint a, Endpoint b, java.util.Collection<String> walked) {
    if (betweenWorkloads(a, b)) {
      java.util.List<Ends> out = new java.util.ArrayList<>();
      for (String s : nodes(a, walked)) {
        for (String d : nodes(b, walked)) {
          out.add(new Ends(s, d));
        }
      }
      return out;
    }
    Endpoint w = floating(a, b);
    if (w == null) {
      return java.util.List.of(Ends.both(null));
    }
    Endpoint other = w == a ? b : a;
    java.util.List<Ends> out = new java.util.ArrayList<>();
    out.add(Ends.both(null));
    if (other != null) {
      out.add(Ends.both(other.node())); // spec S6.12: local
    }
    for (String n : walked) {
      if (other == null || !n.equals(other.node())) {
        out.add(Ends.both(n)); // spec S6.11: forwarded at n
      }
    }
    return out;
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
    return between(
            protocol,
            sourceIp,
            sourcePort,
            destinationIp,
            destinationPort,
            icmpType,
            icmpCode,
            destinationDomain,
            source,
            destination)
        .placed(ends());
  }

  /** The same packet between {@code newSource} and {@code newDestination}, placed alike. */
  public Flow withEnds(Endpoint newSource, Endpoint newDestination) {
    return between(
            protocol,
            sourceIp,
            sourcePort,
            destinationIp,
            destinationPort,
            icmpType,
            icmpCode,
            destinationDomain,
            newSource,
            newDestination)
        .placed(ends());
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
        ends.destination(),
        ends.sourceInterface(),
        ends.destinationInterface());
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
    return between(
            protocol,
            source ? ip : sourceIp,
            sourcePort,
            source ? destinationIp : ip,
            destinationPort,
            icmpType,
            icmpCode,
            domain,
            source ? owner : this.source,
            source ? destination : owner)
        .placed(ends());
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
    return between(
            protocol,
            destinationIp,
            destinationPort,
            sourceIp,
            sourcePort,
            type,
            type == null ? null : icmpCode,
            null,
            destination,
            source)
        .placed(
            new Ends(destinationPlacement, sourcePlacement, destinationInterface, sourceInterface));
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

  /**
   * {@code " on node n1"} when this flow places the end on a node ({@link #placedOn(boolean)}), and
   * the interface it crosses there when one is chosen ({@code ", leaving by eth0"}, {@code ",
   * entering by an interface without a host endpoint of its own"}; {@link #crossing(boolean)}). A
   * flow routed through a node ({@link #transit}) says it at its source end ({@code " through node
   * n1, entering by eth0"}) and the interface it leaves by at its destination end.
   */
  public String onNode(boolean sourceEnd) {
    if (transit()
        != null) { // spec S6.11: " through node n1, entering by eth0" ... ", leaving by *"
      String iface = interfaceOf(sourceEnd);
      return (sourceEnd ? " through node " + transit() : "")
          + (iface == null
              ? ""
              : (sourceEnd ? ", entering by " : ", leaving by ") + Ports.describe(iface));
    }
    String node = placedOn(sourceEnd);
    return (node == null ? "" : " on node " + node) + crossing(sourceEnd);
  }

  /**
   * The interface the end's packets cross on its node (the source's outgoing, the destination's
   * incoming), or null when no choice applies ({@link #sourceInterface}).
   */
  public String interfaceOf(boolean sourceEnd) {
    return sourceEnd ? sourceInterface : destinationInterface;
  }

  /**
   * {@code ", leaving by eth0"} (the source end) or {@code ", entering by eth0"} (the destination
   * end) when the flow chooses the interface it crosses at that end ({@link #interfaceOf}), else
   * {@code ""}.
   */
  public String crossing(boolean sourceEnd) {
    String iface = interfaceOf(sourceEnd);
    return iface == null
        ? ""
        : (sourceEnd ? ", leaving by " : ", entering by ") + Ports.describe(iface);
  }

  private static String address(Ip ip, Integer port) {
    if (port == null) {
      return ip.toString();
    }
    return (ip.family() == 6 ? "[" + ip + "]" : ip.toString()) + ":" + port;
  }
}
