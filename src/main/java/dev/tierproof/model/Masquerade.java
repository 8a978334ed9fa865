package dev.tierproof.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which source a workload's packet to another node's host endpoint has at that host endpoint
 * (specs/semantics.md S6.10): the workload's own address, one of its node's addresses after
 * nat-outgoing's masquerade, or a source the input does not settle. The one home of that decision.
 *
 * @param pools what the input's {@code IPPool} resources say ({@link NatOutgoing})
 * @param nodes per node, its addresses ({@link NodeAddresses#of}, S6.10 "a node's addresses")
 */
public record Masquerade(NatOutgoing pools, Map<String, List<Ip>> nodes) {

  /** What a host endpoint's ingress steps see as a flow's source. */
  public enum Kind {
    /** The packet's own source: not masqueraded. */
    KEPT,
    /** One of {@link Seen#as}, the workload's node's addresses of the flow's family. */
    TRANSLATED,
    /** Maybe masqueraded, to a source the input does not settle. */
    UNSETTLED
  }

  /** What {@link #seen} answers: {@code as} is non-empty exactly for {@link Kind#TRANSLATED}. */
  public record Seen(Kind kind, List<Ip> as) {
    public Seen {
      as = List.copyOf(as);
    }

    /**
     * The source tierproof evaluates the host endpoint's ingress steps at (spec S6.10): the first
     * of {@link #as} (the node's addresses as its host endpoints list them); null unless {@link
     * Kind#TRANSLATED}. Where {@link #as} holds several, the answer stands only where each decides
     * alike (the element {@code natOutgoing} keeps the rest, S9.2).
     */
    public Ip first() {
      return as.isEmpty() ? null : as.get(0);
    }
  }

  private static final Seen KEPT = new Seen(Kind.KEPT, List.of());
  private static final Seen UNSETTLED = new Seen(Kind.UNSETTLED, List.of());

  public Masquerade {
    Map<String, List<Ip>> copy = new TreeMap<>();
    nodes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    nodes = java.util.Collections.unmodifiableMap(copy);
  }

  /** The pools' masquerade with the node addresses that {@code endpoints}' host endpoints say. */
  public static Masquerade of(NatOutgoing pools, List<Endpoint> endpoints) {
    return new Masquerade(pools, NodeAddresses.of(endpoints));
  }

  /** The host endpoint of {@code node} among {@code endpoints} listing {@code a}; null: none. */
  public static Endpoint owner(List<Endpoint> endpoints, String node, Ip a) {
    return endpoints.stream()
        .filter(e -> e.isHost() && node.equals(e.node()) && e.ips().contains(a))
        .findFirst()
        .orElse(null);
  }

  /** The addresses of {@code node} of {@code family}, empty where the input does not say them. */
  public List<Ip> addresses(String node, int family) {
    return nodes.getOrDefault(node, List.of()).stream().filter(i -> i.family() == family).toList();
  }

  /**
   * What the ingress steps of {@code flow}'s destination see as its source (spec S6.10): for a
   * workload's packet to a host endpoint not on its node ({@link Flow#local}) that Felix may
   * masquerade ({@link NatOutgoing#from}, {@link NatOutgoing#to}), one of its node's addresses
   * where the input settles it (an {@code IPPool} holds the workload's own address with {@code
   * natOutgoing: true}, the destination address is in no pool, the workload names its node and the
   * node's addresses of the flow's family are said), else unsettled; every other packet keeps its
   * source.
   */
  public Seen seen(Flow flow) {
    Endpoint w = flow.source();
    Endpoint h = flow.destination();
    if (w == null
        || h == null
        || w.isHost()
        || !h.isHost()
        || flow.local()
        || !pools.from(w, flow.sourceIp())
        || !pools.to(h, flow.destinationIp())) {
      return KEPT;
    }
    if (!pools.said() || !w.ips().contains(flow.sourceIp()) || w.node() == null) {
      return UNSETTLED;
    }
    List<Ip> as = addresses(w.node(), flow.family());
    return as.isEmpty() ? UNSETTLED : new Seen(Kind.TRANSLATED, as);
  }
}
