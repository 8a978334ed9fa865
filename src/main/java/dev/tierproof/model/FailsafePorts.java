package dev.tierproof.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The failsafe ports Felix allows at host endpoints before any policy (spec S6.2): Felix's defaults
 * ({@link #DEFAULT}), or the lists of the input's {@code FelixConfiguration} {@code default}, and
 * per node those a {@code node.<name>} configuration sets (S9.1). The one home of which packets
 * they take: eval tests them ({@link #allows}, {@link #skipsUntracked}), smt encodes the lists of a
 * host endpoint's node ({@link #at}). {@link PolicySet} binds them to its dataplane ({@link #on}):
 * the eBPF dataplane keeps TCP and UDP ports only in its failsafe map ({@code
 * felix/bpf/failsafes/failsafes.go} {@code ResyncFailsafes}: any other protocol is skipped, "not
 * supported in BPF mode"), which XDP and the TC programs look up ({@code felix/bpf-gpl/failsafe.h}
 * {@code is_failsafe_in}, {@code is_failsafe_out}), while the raw table's failsafe-out chain that
 * eBPF mode keeps ({@code felix/rules/static.go} {@code StaticBPFModeRawChains}, {@code
 * failsafeOutChain("raw")}) renders every port: on eBPF an SCTP port takes a packet only past the
 * untracked egress path (spec S6.2).
 *
 * @param inbound the ports of a host endpoint's ingress step ({@code failsafeInboundHostPorts})
 * @param outbound the ports of its egress step ({@code failsafeOutboundHostPorts})
 * @param nodes per node name, the lists of the host endpoints on that node where a {@code
 *     node.<name>} configuration sets either (Felix takes a per-host setting whole over the global
 *     one, {@code felix/config/config_params.go}; a list it does not set is the default's), each
 *     without nodes of its own; a host endpoint naming no node, or on a node not listed, has {@code
 *     inbound} and {@code outbound}
 * @param bpf the eBPF dataplane enforces them and a list holds a port of another protocol than TCP
 *     and UDP (false otherwise: the dataplanes then agree on them)
 */
public record FailsafePorts(
    List<Failsafe> inbound,
    List<Failsafe> outbound,
    Map<String, FailsafePorts> nodes,
    boolean bpf) {

  /** Felix's defaults: {@link Failsafe#INBOUND} and {@link Failsafe#OUTBOUND}. */
  public static final FailsafePorts DEFAULT =
      new FailsafePorts(Failsafe.INBOUND, Failsafe.OUTBOUND);

  public FailsafePorts {
    inbound = List.copyOf(inbound);
    outbound = List.copyOf(outbound);
    nodes = java.util.Collections.unmodifiableMap(new TreeMap<>(nodes));
    if (nodes.values().stream().anyMatch(p -> !p.nodes().isEmpty())) {
      throw new IllegalArgumentException("a node's failsafe lists have no nodes");
    }
    bpf =
        bpf
            && (!mapped(inbound).equals(inbound)
                || !mapped(outbound).equals(outbound)
                || nodes.values().stream().anyMatch(FailsafePorts::bpf));
  }

  /** The lists, per node too, as every dataplane but eBPF takes them. */
  public FailsafePorts(
      List<Failsafe> inbound, List<Failsafe> outbound, Map<String, FailsafePorts> nodes) {
    this(inbound, outbound, nodes, false);
  }

  /** The same lists at every host endpoint. */
  public FailsafePorts(List<Failsafe> inbound, List<Failsafe> outbound) {
    this(inbound, outbound, Map.of());
  }

  /** These lists as {@code dataplane} takes them (null: none chosen, as the rule renderer). */
  public FailsafePorts on(Dataplane dataplane) {
    Map<String, FailsafePorts> own = new TreeMap<>();
    nodes.forEach((n, p) -> own.put(n, p.on(dataplane)));
    return new FailsafePorts(inbound, outbound, own, dataplane == Dataplane.BPF);
  }

  /** The lists of the host endpoints on {@code node} (null: naming none), without nodes. */
  public FailsafePorts at(String node) {
    FailsafePorts own = node == null ? null : nodes.get(node);
    return own != null
        ? own
        : nodes.isEmpty() ? this : new FailsafePorts(inbound, outbound, Map.of(), bpf);
  }

  /** The list configured for a host endpoint's ingress (inbound) or egress (outbound) step. */
  public List<Failsafe> listed(Direction dir) {
    return dir == Direction.INGRESS ? inbound : outbound;
  }

  /**
   * The ports that take a packet to them before every path of a host endpoint's step in {@code dir}
   * (spec S6.2): {@link #listed}, on eBPF its TCP and UDP ports only.
   */
  public List<Failsafe> of(Direction dir) {
    return bpf ? mapped(listed(dir)) : listed(dir);
  }

  /**
   * The ports of the other direction whose replies (by source port) skip the untracked path of a
   * step in {@code dir} (spec S6.4): on eBPF ingress (XDP, {@code xdp.c} {@code calico_xdp}) its
   * TCP and UDP ports only, on egress (the raw failsafe-out chain) all.
   */
  public List<Failsafe> replies(Direction dir) {
    List<Failsafe> other = listed(dir.opposite());
    return bpf && dir == Direction.INGRESS ? mapped(other) : other;
  }

  /**
   * The ports of {@code dir} that take a packet to them past the untracked path only (spec S6.2):
   * on eBPF the egress ports the failsafe map leaves out, which the raw failsafe-out chain accepts
   * before the untracked egress path and the TC program does not take; none elsewhere.
   */
  public List<Failsafe> untrackedOnly(Direction dir) {
    if (!bpf || dir == Direction.INGRESS) {
      return List.of();
    }
    List<Failsafe> kept = mapped(outbound);
    return outbound.stream().filter(f -> !kept.contains(f)).toList();
  }

  /** The ports of {@code dir} in every list: the default's and each node's, as configured. */
  public List<Failsafe> all(Direction dir) {
    Set<Failsafe> out = new LinkedHashSet<>(listed(dir));
    nodes.values().forEach(p -> out.addAll(p.listed(dir)));
    return List.copyOf(out);
  }

  /** The nets of every list's ports, each once. */
  public List<Cidr> nets() {
    List<Cidr> out = new ArrayList<>();
    for (Direction d : Direction.values()) {
      all(d).stream()
          .map(Failsafe::net)
          .filter(n -> n != null && !out.contains(n))
          .forEach(out::add);
    }
    return out;
  }

  /**
   * The address a failsafe port's net tests in a step in {@code dir}: the peer's, the source of an
   * inbound packet and the destination of an outbound one, replies included ({@code static.go}).
   */
  public static Ip peer(Direction dir, Flow flow) {
    return dir == Direction.INGRESS ? flow.sourceIp() : flow.destinationIp();
  }

  /** True when {@code flow} goes to a failsafe port of the step in {@code dir} on {@code node}. */
  public boolean allows(String node, Direction dir, Flow flow) {
    return in(at(node).of(dir), flow.protocol(), flow.destinationPort(), peer(dir, flow));
  }

  /**
   * True when {@code flow} comes from a failsafe port of the other direction on {@code node} (a
   * reply to a failsafe connection, as Felix's raw table sees it, {@link #replies}).
   */
  public boolean reply(String node, Direction dir, Flow flow) {
    return in(at(node).replies(dir), flow.protocol(), flow.sourcePort(), peer(dir, flow));
  }

  /** True when {@code flow} goes to a port of {@link #untrackedOnly} on {@code node}. */
  public boolean untrackedOnly(String node, Direction dir, Flow flow) {
    return in(
        at(node).untrackedOnly(dir), flow.protocol(), flow.destinationPort(), peer(dir, flow));
  }

  /**
   * True when the step in {@code dir} on {@code node} skips its untracked path for {@code flow} and
   * goes on to the pre-DNAT and normal paths (spec S6.2, S6.4): a {@link #reply}, or a packet to an
   * {@link #untrackedOnly} port.
   */
  public boolean skipsUntracked(String node, Direction dir, Flow flow) {
    return reply(node, dir, flow) || untrackedOnly(node, dir, flow);
  }

  private static boolean in(List<Failsafe> ports, int protocol, Integer port, Ip peer) {
    return ports.stream().anyMatch(f -> f.takes(protocol, port, peer));
  }

  /** The ports of {@code ports} that eBPF's failsafe map holds: TCP and UDP ones. */
  private static List<Failsafe> mapped(List<Failsafe> ports) {
    return ports.stream()
        .filter(f -> f.protocol() == Protocols.TCP || f.protocol() == Protocols.UDP)
        .toList();
  }
}
