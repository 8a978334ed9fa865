package dev.tierproof.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host side of a node that forwarded packets cross (specs/semantics.md S6.9, S6.10): the
 * interfaces its named host endpoints govern, and every other interface (workload interfaces and
 * the IPIP, VXLAN and WireGuard devices included), governed by its all-interfaces endpoint if it
 * has one. A packet forwarded between a workload on the node and something off it leaves (from the
 * workload) or comes in (to it) by one of these <em>interface choices</em>: each of {@link #named}
 * or {@link #OTHER}; routing picks, which the input does not tell, so every command answers for
 * each.
 *
 * @param node the node
 * @param named per interface a named host endpoint governs ({@link #key}), that endpoint (of
 *     several naming one interface, the first by name: Felix {@code endpoint_mgr.go} {@code
 *     resolveHostEndpoints}); in interface order
 * @param other the node's all-interfaces host endpoint (of several, the first by name), the default
 *     of every interface without a named one; null when it has none (those interfaces meet no
 *     forward policy, S6.8)
 */
public record Ports(String node, Map<String, Endpoint> named, Endpoint other) {

  /** The interface choice "an interface without a host endpoint of its own" ({@link #other}). */
  public static final String OTHER = "*";

  public Ports {
    named = Collections.unmodifiableMap(new TreeMap<>(named));
  }

  /**
   * The host endpoint governing interface choice {@code iface} (a key of {@link #named}; anything
   * else, {@link #OTHER} or null, is another interface): null when none does.
   */
  public Endpoint at(String iface) {
    Endpoint e = iface == null ? null : named.get(iface);
    return e != null ? e : other;
  }

  /**
   * The interface choices a crossing of this node has: each of {@link #named}, then {@link #OTHER}.
   */
  public List<String> choices() {
    List<String> out = new ArrayList<>(named.keySet());
    out.add(OTHER);
    return out;
  }

  /** Whether the interface a packet crosses can matter here: the node has a named host endpoint. */
  public boolean chooses() {
    return !named.isEmpty();
  }

  /**
   * The host endpoints governing an interface of the node: {@link #named}'s, then {@link #other}.
   */
  public List<Endpoint> governing() {
    List<Endpoint> out = new ArrayList<>();
    named.values().stream().filter(e -> !out.contains(e)).forEach(out::add);
    if (other != null) {
      out.add(other);
    }
    return out;
  }

  /**
   * The interface a named host endpoint governs: its {@code interfaceName}, or for one naming none
   * the interface holding its {@code expectedIPs} ({@code "holding 10.0.0.1"}).
   */
  public static String key(Endpoint e) {
    if (e.interfaceName() != null && !e.interfaceName().isEmpty()) {
      return e.interfaceName();
    }
    return "holding " + String.join(",", e.ips().stream().map(Ip::toString).sorted().toList());
  }

  /**
   * {@code iface} in words: {@code eth0}, {@code the interface holding 10.0.0.1}, or for {@link
   * #OTHER} {@code an interface without a host endpoint of its own}.
   */
  public static String describe(String iface) {
    return OTHER.equals(iface)
        ? "an interface without a host endpoint of its own"
        : iface.startsWith("holding ") ? "the interface " + iface : iface;
  }

  /**
   * Per node with host endpoints whose interfaces the input settles, its ports; in node name order.
   * A node is left out when a host endpoint there names no interface (it governs the interface
   * holding its {@code expectedIPs}) and another that is not of all interfaces is there too: which
   * interface each governs, and so which wins one they share, the input does not tell (spec S6.9,
   * S9.2: such a node's forward chains are unmodelled).
   */
  public static Map<String, Ports> of(List<Endpoint> endpoints) {
    Map<String, List<Endpoint>> byNode = new TreeMap<>();
    for (Endpoint e : endpoints) {
      if (e.isHost() && e.node() != null) {
        byNode.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(e);
      }
    }
    Map<String, Ports> out = new TreeMap<>();
    byNode.forEach(
        (node, hosts) -> {
          List<Endpoint> sorted =
              hosts.stream().sorted(java.util.Comparator.comparing(Endpoint::name)).toList();
          List<Endpoint> specific = sorted.stream().filter(e -> !e.allInterfaces()).toList();
          boolean unnamed =
              specific.stream()
                  .anyMatch(e -> e.interfaceName() == null || e.interfaceName().isEmpty());
          if (unnamed && specific.size() > 1) {
            return;
          }
          Map<String, Endpoint> named = new TreeMap<>();
          specific.forEach(e -> named.putIfAbsent(key(e), e));
          Endpoint star = sorted.stream().filter(Endpoint::allInterfaces).findFirst().orElse(null);
          out.put(node, new Ports(node, named, star));
        });
    return Collections.unmodifiableMap(out);
  }
}
