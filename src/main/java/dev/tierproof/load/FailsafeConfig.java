package dev.tierproof.load;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.FailsafePorts;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.NatOutgoing;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The failsafe ports of the input's {@code FelixConfiguration}s (spec S6.2, S9.1): the {@code
 * default} one's lists (Felix's where it writes none), and per node the lists of its {@code
 * node.<name>} one. Felix resolves each setting from its highest source ({@code
 * felix/config/config_params.go}: {@code DatastorePerHost} over {@code DatastoreGlobal}), so a list
 * a node's configuration writes replaces the default's whole and one it does not write is the
 * default's. A name's last resource counts.
 */
final class FailsafeConfig {

  private FailsafeConfig() {}

  /** Whether Felix reads failsafe ports from a configuration named {@code name}. */
  static boolean read(String name) {
    return name.equals("default") || node(name) != null;
  }

  /** The node a {@code node.<name>} configuration is for, else null. */
  static String node(String name) {
    return name.startsWith("node.") && name.length() > "node.".length()
        ? name.substring("node.".length())
        : null;
  }

  static FailsafePorts of(List<FelixSettings> felix) {
    List<Failsafe> in = FailsafePorts.DEFAULT.inbound();
    List<Failsafe> out = FailsafePorts.DEFAULT.outbound();
    for (FelixSettings s : felix) {
      if (s.name().equals("default")) {
        in = s.inbound() == null ? FailsafePorts.DEFAULT.inbound() : s.inbound();
        out = s.outbound() == null ? FailsafePorts.DEFAULT.outbound() : s.outbound();
      }
    }
    Map<String, FelixSettings> nodes = new LinkedHashMap<>();
    for (FelixSettings s : felix) {
      if (node(s.name()) != null) {
        nodes.put(node(s.name()), s);
      }
    }
    Map<String, FailsafePorts> own = new LinkedHashMap<>();
    for (Map.Entry<String, FelixSettings> e : nodes.entrySet()) {
      FelixSettings s = e.getValue();
      FailsafePorts p =
          new FailsafePorts(
              s.inbound() == null ? in : s.inbound(), s.outbound() == null ? out : s.outbound());
      if (!p.inbound().equals(in) || !p.outbound().equals(out)) {
        own.put(e.getKey(), p);
      }
    }
    return new FailsafePorts(in, out, own);
  }

  /**
   * Where nat-outgoing may masquerade a workload's packet to another node's host endpoint (spec
   * S6.10, S9.2), an inbound failsafe port with a net reads the source the host endpoint sees (the
   * workload's or its node's address): per configuration, at the host endpoints whose inbound list
   * is the one it writes and holds a net, an element like a policy reading the source ({@code
   * Masquerades}), its sides those nets.
   */
  static List<Unmodelled> masqueraded(PolicySet set, NatOutgoing pools, List<FelixSettings> felix) {
    List<Unmodelled> out = new ArrayList<>();
    if (!pools.any()) {
      return out;
    }
    Map<String, FelixSettings> last = new LinkedHashMap<>();
    felix.stream().filter(s -> read(s.name())).forEach(s -> last.put(s.name(), s));
    for (FelixSettings s : last.values()) {
      String node = node(s.name());
      Set<String> at = new TreeSet<>();
      List<EntityMatch> nets = new ArrayList<>();
      for (Endpoint h : set.endpoints()) {
        FelixSettings own = h.node() == null ? null : last.get("node." + h.node());
        FelixSettings from = own != null && own.inbound() != null ? own : last.get("default");
        if (h.isHost() && from == s && (node == null || node.equals(h.node()))) {
          for (Failsafe f : set.failsafe().at(h.node()).inbound()) {
            if (f.net() != null) {
              EntityMatch m =
                  new EntityMatch(
                      List.of(f.net()),
                      List.of(),
                      null,
                      null,
                      List.of(),
                      List.of(),
                      List.of(),
                      null);
              if (!nets.contains(m)) {
                nets.add(m);
              }
              at.add(h.ref());
            }
          }
        }
      }
      if (!at.isEmpty()) {
        out.add(
            new Unmodelled(
                "natOutgoing",
                "FelixConfiguration " + s.name(),
                s.span(),
                "a workload's packets to another node's host endpoint may be masqueraded to its"
                    + " node's address (an IP pool may be nat-outgoing); which source an inbound"
                    + " failsafe port's net then sees is not modelled",
                new Reach.Masqueraded(at, Masquerade.of(pools, set.endpoints()), nets, Set.of())));
      }
    }
    return out;
  }
}
