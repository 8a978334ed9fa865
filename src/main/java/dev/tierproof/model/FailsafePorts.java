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
 * they take: eval tests them ({@link #allows}, {@link #reply}), smt encodes the lists of a host
 * endpoint's node ({@link #at}).
 *
 * @param inbound the ports of a host endpoint's ingress step ({@code failsafeInboundHostPorts})
 * @param outbound the ports of its egress step ({@code failsafeOutboundHostPorts})
 * @param nodes per node name, the lists of the host endpoints on that node where a {@code
 *     node.<name>} configuration sets either (Felix takes a per-host setting whole over the global
 *     one, {@code felix/config/config_params.go}; a list it does not set is the default's), each
 *     without nodes of its own; a host endpoint naming no node, or on a node not listed, has {@code
 *     inbound} and {@code outbound}
 */
public record FailsafePorts(
    List<Failsafe> inbound, List<Failsafe> outbound, Map<String, FailsafePorts> nodes) {

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
  }

  /** The same lists at every host endpoint. */
  public FailsafePorts(List<Failsafe> inbound, List<Failsafe> outbound) {
    this(inbound, outbound, Map.of());
  }

  /** The lists of the host endpoints on {@code node} (null: naming none), without nodes. */
  public FailsafePorts at(String node) {
    FailsafePorts own = node == null ? null : nodes.get(node);
    return own != null ? own : nodes.isEmpty() ? this : new FailsafePorts(inbound, outbound);
  }

  /** The failsafe ports of a host endpoint's ingress (inbound) or egress (outbound) step. */
  public List<Failsafe> of(Direction dir) {
    return dir == Direction.INGRESS ? inbound : outbound;
  }

  /** The ports of {@code dir} in every list: the default's and each node's. */
  public List<Failsafe> all(Direction dir) {
    Set<Failsafe> out = new LinkedHashSet<>(of(dir));
    nodes.values().forEach(p -> out.addAll(p.of(dir)));
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
   * reply to a failsafe connection, as Felix's raw table sees it): the step in {@code dir} skips
   * its untracked path for it, and goes on to the pre-DNAT and normal paths (spec S6.2, S6.4).
   */
  public boolean reply(String node, Direction dir, Flow flow) {
    return in(at(node).of(dir.opposite()), flow.protocol(), flow.sourcePort(), peer(dir, flow));
  }

  private static boolean in(List<Failsafe> ports, int protocol, Integer port, Ip peer) {
    return ports.stream().anyMatch(f -> f.takes(protocol, port, peer));
  }
}
