package dev.tierproof.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's addresses as the input says them (specs/semantics.md S6.10 "a node's addresses"): the
 * {@code expectedIPs} of its host endpoints, of a family only where its all-interfaces host
 * endpoint lists one of that family. The one home of that rule ({@link Masquerade}, the outer
 * packets of encapsulation between nodes).
 */
public final class NodeAddresses {

  private NodeAddresses() {}

  /**
   * Per node whose all-interfaces host endpoint lists some address, the addresses said of it, in
   * the families that endpoint lists (a node absent, or a family missing: not said).
   */
  public static Map<String, List<Ip>> of(List<Endpoint> endpoints) {
    Map<String, List<Ip>> byNode = new TreeMap<>();
    for (Endpoint e : endpoints) {
      if (e.isHost() && e.node() != null) {
        byNode.computeIfAbsent(e.node(), k -> new ArrayList<>()).addAll(e.ips());
      }
    }
    Map<String, List<Ip>> out = new TreeMap<>();
    for (Endpoint e : endpoints) {
      if (e.isHost() && e.node() != null && e.site() == Site.ALL_INTERFACES) {
        List<Ip> kept = new ArrayList<>(out.getOrDefault(e.node(), List.of()));
        for (Ip ip : byNode.get(e.node())) {
          if (!kept.contains(ip) && e.ips().stream().anyMatch(i -> i.family() == ip.family())) {
            kept.add(ip);
          }
        }
        if (!kept.isEmpty()) {
          out.put(e.node(), List.copyOf(kept));
        }
      }
    }
    return out;
  }
}
