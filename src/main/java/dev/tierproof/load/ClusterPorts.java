package dev.tierproof.load;

import dev.tierproof.model.Port;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The port matches of a ClusterNetworkPolicy rule ({@code protocols}: {@code tcp}/{@code udp}/
 * {@code sctp} with a {@code destinationPort} number or range, or {@code destinationNamedPort}) and
 * of an admin network policy rule ({@code ports}: {@code portNumber}, {@code portRange} or {@code
 * namedPort}), grouped per protocol as Calico groups them (specs/semantics.md S2.10, S2.11).
 */
final class ClusterPorts {

  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");

  private ClusterPorts() {}

  /**
   * Ports per protocol name in Calico's rule order (sorted by name; {@code ""}, no protocol, first:
   * named ports, or everything when the rule has no port match at all), a null list meaning every
   * port of that protocol; null when an entry is invalid (reported).
   *
   * @param cnp a ClusterNetworkPolicy's {@code protocols}, else an admin policy's {@code ports}
   * @param networks the rule has a {@code networks} peer, which has no named ports
   */
  static Map<String, List<Port>> read(boolean cnp, Fields entry, boolean networks) {
    String key = cnp ? "protocols" : "ports";
    List<Node> items = entry.list(key);
    Map<String, List<Port>> out = new TreeMap<>();
    if (items.isEmpty()) {
      out.put("", null);
      return out;
    }
    boolean valid = true;
    for (int i = 0; i < items.size(); i++) {
      Fields item = entry.object(items.get(i), entry.path(key) + "[" + i + "]");
      if (item == null) {
        valid = false;
        continue;
      }
      Match m = cnp ? protocol(item) : port(item);
      item.done();
      if (m == null) {
        valid = false;
        continue;
      }
      if (m.port() instanceof Port.Named && networks) {
        item.diagnostics()
            .error(
                item.span(),
                "a named port cannot be used with a `networks` peer: networks have no named ports");
        valid = false;
        continue;
      }
      // a null port (all ports) is not overwritten by later ports of the same protocol
      if (m.port() == null) {
        out.put(m.protocol(), null);
      } else if (!out.containsKey(m.protocol()) || out.get(m.protocol()) != null) {
        out.computeIfAbsent(m.protocol(), k -> new ArrayList<>()).add(m.port());
      }
    }
    return valid ? out : null;
  }

  /** A protocol name ({@code ""} for a named port) and a port, null for all its ports. */
  private record Match(String protocol, Port port) {}

  /** One entry of {@code protocols}: exactly one field. */
  private static Match protocol(Fields item) {
    Diagnostics d = item.diagnostics();
    List<Match> found = new ArrayList<>();
    for (String p : PROTOCOLS) {
      Fields f = item.object(p.toLowerCase(java.util.Locale.ROOT));
      if (f != null) {
        Fields port = f.object("destinationPort");
        f.done();
        if (port == null) {
          found.add(new Match(p, null));
          continue;
        }
        boolean hasNumber = port.has("number");
        boolean hasRange = port.has("range");
        Integer number = hasNumber ? port.integer("number") : null;
        Fields range = port.object("range");
        port.done();
        if (hasNumber == hasRange) {
          d.error(port.span(), "`destinationPort` takes exactly one of `number` or `range`");
          return null;
        }
        if (hasNumber ? number == null : range == null) {
          return null; // the type error is reported
        }
        Port.Range r =
            number != null ? single(port, "number", number) : range(range, "start", "end");
        if (r == null) {
          return null;
        }
        found.add(new Match(p, r));
      }
    }
    Node.Scalar named = item.scalar("destinationNamedPort");
    if (named != null) {
      // spec S2.10: Calico 3.32 converts it (projectcalico/calico#11916), matched at the named
      // port's own protocol
      Port.Named n = named(named, d);
      if (n == null) {
        return null;
      }
      found.add(new Match("", n));
    }
    if (found.size() != 1) {
      d.error(
          item.span(),
          "a protocol entry takes exactly one of `tcp`, `udp`, `sctp` or `destinationNamedPort`");
      return null;
    }
    return found.get(0);
  }

  /** One entry of an admin policy's {@code ports}: exactly one field. */
  private static Match port(Fields item) {
    Diagnostics d = item.diagnostics();
    Fields number = item.object("portNumber");
    Fields range = item.object("portRange");
    Node.Scalar named = item.scalar("namedPort");
    int set = (number != null ? 1 : 0) + (range != null ? 1 : 0) + (named != null ? 1 : 0);
    if (set != 1) {
      d.error(
          item.span(),
          "a port entry takes exactly one of `portNumber`, `portRange` or `namedPort`");
      return null;
    }
    if (named != null) {
      Port.Named n = named(named, d);
      return n == null ? null : new Match("", n);
    }
    Fields f = number != null ? number : range;
    String protocol = protocolName(f);
    Port.Range r;
    if (number != null) {
      Integer n = f.integer("port");
      if (n == null) {
        if (!f.has("port")) {
          d.error(f.span(), "missing field `port`");
        }
        r = null;
      } else {
        r = single(f, "port", n);
      }
    } else {
      r = range(f, "start", "end");
    }
    f.done();
    return protocol == null || r == null ? null : new Match(protocol, r);
  }

  /** {@code protocol}: TCP (default), UDP or SCTP; null when invalid (reported). */
  private static String protocolName(Fields f) {
    Node.Scalar s = f.scalar("protocol");
    if (s == null) {
      return "TCP";
    }
    if (!PROTOCOLS.contains(s.text())) {
      f.diagnostics()
          .error(
              s.span(),
              "invalid protocol `" + s.text() + "`" + Suggest.choice(s.text(), PROTOCOLS));
      return null;
    }
    return s.text();
  }

  private static Port.Range single(Fields f, String key, int n) {
    if (n < 1 || n > 65535) {
      f.diagnostics().error(f.valueSpan(key), "invalid port `" + n + "`: ports must be 1-65535");
      return null;
    }
    return new Port.Range(n, n);
  }

  /** A range {@code start < end} (the API's CEL rule), both 1-65535. */
  private static Port.Range range(Fields f, String from, String to) {
    Integer start = f.integer(from);
    Integer end = f.integer(to);
    f.done();
    if (start == null || end == null) {
      if (!f.has(from) || !f.has(to)) {
        f.diagnostics().error(f.span(), "a port range needs `" + from + "` and `" + to + "`");
      }
      return null;
    }
    if (start < 1 || end > 65535 || start >= end) {
      f.diagnostics()
          .error(
              f.span(),
              "invalid port range `"
                  + start
                  + "-"
                  + end
                  + "`: ports must be 1-65535 and `"
                  + from
                  + "` less than `"
                  + to
                  + "`");
      return null;
    }
    return new Port.Range(start, end);
  }

  private static Port.Named named(Node.Scalar s, Diagnostics d) {
    String problem = Rules.portNameProblem(s.text());
    if (problem != null) {
      d.error(s.span(), "invalid port name `" + s.text() + "`: " + problem);
      return null;
    }
    return new Port.Named(s.text());
  }
}
