package dev.tierproof.load;

import dev.tierproof.model.Failsafe;
import dev.tierproof.model.FailsafePorts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
}
