package dev.tierproof.analysis.map;

import dev.tierproof.model.Direction;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A partition of the packet space into cells on which no rule of a pair's steps can differ: the
 * protocols rules name (and one for all others), destination and source port intervals split at
 * every bound a rule, a named port of an end, or a failsafe port (and its replies' source port)
 * sets, and ICMP type and code intervals split at every type and code rules name (spec S3.2-S3.5).
 * Each cell has one packet that stands for it.
 */
final class Cells {

  /** Protocols with their own cells whether or not a rule names them. */
  static final List<Integer> USUAL =
      List.of(
          Protocols.TCP,
          Protocols.UDP,
          Protocols.SCTP,
          Protocols.UDPLITE,
          Protocols.ICMP,
          Protocols.ICMPV6);

  /**
   * One cell: {@code protocol} ({@link MapResult.Part#ANY} for every protocol not in {@code
   * named}), port intervals for protocols with ports, type and code intervals for ICMP; {@code
   * rep*} the packet that stands for it.
   */
  record Cell(
      int protocol,
      int repProtocol,
      Port.Range ports,
      Port.Range sourcePorts,
      Port.Range types,
      Port.Range codes) {

    /**
     * The cell's packet from {@code src} at {@code srcIp} to {@code dst} at {@code dstIp} (reached
     * by {@code domain}), its ends naming no node placed elsewhere ({@link
     * dev.tierproof.model.Flow#placed} places them).
     */
    dev.tierproof.model.Flow flow(
        dev.tierproof.model.Ip srcIp,
        dev.tierproof.model.Ip dstIp,
        String domain,
        dev.tierproof.model.Endpoint src,
        dev.tierproof.model.Endpoint dst) {
      return dev.tierproof.model.Flow.between(
          repProtocol, srcIp, sourcePort(), dstIp, port(), type(), code(), domain, src, dst);
    }

    /** Whether the cell's packet is one of the question's packets {@code b}. */
    boolean in(dev.tierproof.model.FlowSpec b) {
      Integer port = port();
      Integer sourcePort = sourcePort();
      return (b.protocol() == null
              ? !b.otherThan().contains(repProtocol)
              : b.protocol() == repProtocol)
          && (b.port() == null || port != null && b.port().min() <= port && port <= b.port().max())
          && (b.sourcePort() == null
              || sourcePort != null
                  && b.sourcePort().min() <= sourcePort
                  && sourcePort <= b.sourcePort().max())
          && (b.icmpType() == null || b.icmpType().equals(type()))
          && (b.icmpCode() == null || b.icmpCode().equals(code()));
    }

    Integer port() {
      return ports == null ? null : pick(ports, Placeholders.PORT, Placeholders.WITNESS_PORT);
    }

    Integer sourcePort() {
      return sourcePorts == null
          ? null
          : pick(sourcePorts, Placeholders.SOURCE_PORT, Placeholders.SOURCE_PORT);
    }

    Integer type() {
      return types == null ? null : pick(types, 8, 128);
    }

    Integer code() {
      return codes == null ? null : pick(codes, 0, 0);
    }

    private static int pick(Port.Range r, int first, int second) {
      return r.contains(first) ? first : r.contains(second) ? second : r.min();
    }
  }

  final TreeSet<Integer> protocols = new TreeSet<>(USUAL);
  private final TreeSet<Integer> portBounds = new TreeSet<>(List.of(0));
  private final TreeSet<Integer> sourceBounds = new TreeSet<>(List.of(0));
  private final TreeSet<Integer> typeBounds = new TreeSet<>(List.of(0));
  private final TreeSet<Integer> codeBounds = new TreeSet<>(List.of(0));

  /** Splits at what {@code r} tests. */
  void add(Rule r) {
    add(r, sourceBounds, portBounds);
  }

  /**
   * Splits at what {@code r} tests of a packet's reply (spec S6.5): the reply's source port is the
   * packet's destination port and the other way round; its ICMP code is the packet's ({@link
   * #echo}: its type).
   */
  void reply(Rule r) {
    add(r, portBounds, sourceBounds);
  }

  /**
   * Splits at the ICMP echo requests: of all ICMP messages only they need a reply after an
   * untracked Allow (spec S6.5).
   */
  void echo() {
    split(typeBounds, Protocols.ECHO_REQUEST, Protocols.ECHO_REQUEST);
    split(typeBounds, Protocols.ECHO_REQUEST_V6, Protocols.ECHO_REQUEST_V6);
  }

  /** Splits at the ICMPv6 types Felix accepts from a workload to its own host (spec S6.12). */
  void hostDiscovery() {
    Protocols.HOST_DISCOVERY.forEach(t -> split(typeBounds, t, t));
  }

  private void add(Rule r, TreeSet<Integer> sources, TreeSet<Integer> destinations) {
    if (r.protocol() != null) {
      protocols.add(r.protocol());
    }
    if (r.notProtocol() != null) {
      protocols.add(r.notProtocol());
    }
    for (Icmp i : new Icmp[] {r.icmp(), r.notIcmp()}) {
      if (i != null) {
        split(typeBounds, i.type(), i.type());
        if (i.code() != null) {
          split(codeBounds, i.code(), i.code());
        }
      }
    }
    ports(r.source(), sources);
    ports(r.destination(), destinations);
  }

  private static void ports(EntityMatch m, TreeSet<Integer> bounds) {
    if (m.service() != null) { // spec S3.9: the service's endpoint and target ports
      m.service().members().forEach(x -> split(bounds, x.port(), x.port()));
      m.service().targets().stream()
          .filter(t -> t.number() != null)
          .forEach(t -> split(bounds, t.number(), t.number()));
    }
    for (List<Port> list : List.of(m.ports(), m.notPorts())) {
      for (Port p : list) {
        if (p instanceof Port.Range r) {
          split(bounds, r.min(), r.max());
        }
      }
    }
  }

  /** Splits at an end's named ports (a rule's named port resolves to them, spec S3.5). */
  void add(List<NamedPort> ports, boolean source) {
    for (NamedPort p : ports) {
      split(source ? sourceBounds : portBounds, p.port(), p.port());
    }
  }

  /**
   * Splits at the failsafe ports ({@code ports}) of a host endpoint's step in {@code dir} (spec
   * S6.2), and at the source ports of replies to the other direction's, which skip the untracked
   * path (S6.4): every port listed, whichever the dataplane takes.
   */
  void failsafe(dev.tierproof.model.FailsafePorts ports, Direction dir) {
    for (Failsafe f : ports.listed(dir)) {
      protocols.add(f.protocol());
      split(portBounds, f.port(), f.port());
    }
    Direction other = dir == Direction.INGRESS ? Direction.EGRESS : Direction.INGRESS;
    for (Failsafe f : ports.listed(other)) {
      protocols.add(f.protocol());
      split(sourceBounds, f.port(), f.port());
    }
  }

  /**
   * Splits at the bounds of the question's packets, so that each cell is inside or outside them.
   */
  void bound(dev.tierproof.model.FlowSpec b) {
    if (b.protocol() != null) {
      protocols.add(b.protocol());
    }
    protocols.addAll(b.otherThan());
    if (b.port() != null) {
      split(portBounds, b.port().min(), b.port().max());
    }
    if (b.sourcePort() != null) {
      split(sourceBounds, b.sourcePort().min(), b.sourcePort().max());
    }
    if (b.icmpType() != null) {
      split(typeBounds, b.icmpType(), b.icmpType());
    }
    if (b.icmpCode() != null) {
      split(codeBounds, b.icmpCode(), b.icmpCode());
    }
  }

  private static void split(TreeSet<Integer> bounds, int lo, int hi) {
    bounds.add(lo);
    if (hi < 65535) {
      bounds.add(hi + 1);
    }
  }

  /** Splits at everything {@code other} splits at. */
  void add(Partition other) {
    protocols.addAll(other.protocols());
    other.ports().forEach(r -> portBounds.add(r.min()));
    other.sources().forEach(r -> sourceBounds.add(r.min()));
    other.types().forEach(r -> typeBounds.add(r.min()));
    other.codes().forEach(r -> codeBounds.add(r.min()));
  }

  /** The partition as it stands. */
  Partition partition() {
    return new Partition(
        new ArrayList<>(protocols),
        intervals(portBounds, 65535),
        intervals(sourceBounds, 65535),
        intervals(typeBounds, 255),
        intervals(codeBounds, 255),
        other());
  }

  /**
   * The cells: per protocol in number order (port intervals × source port intervals, type × code
   * intervals, or the whole protocol), then the one for all other protocols.
   */
  record Partition(
      List<Integer> protocols,
      List<Port.Range> ports,
      List<Port.Range> sources,
      List<Port.Range> types,
      List<Port.Range> codes,
      int other) {

    List<Cell> cells() {
      List<Cell> out = new ArrayList<>();
      for (int p : protocols) {
        if (Protocols.hasPorts(p)) {
          for (Port.Range d : ports) {
            for (Port.Range s : sources) {
              out.add(new Cell(p, p, d, s, null, null));
            }
          }
        } else if (Protocols.isIcmp(p)) {
          for (Port.Range t : types) {
            for (Port.Range c : codes) {
              out.add(new Cell(p, p, null, null, t, c));
            }
          }
        } else {
          out.add(new Cell(p, p, null, null, null, null));
        }
      }
      out.add(new Cell(MapResult.Part.ANY, other, null, null, null, null));
      return out;
    }

    /** The index in {@link #cells} of the cell holding a packet. */
    int find(int protocol, Integer port, Integer sourcePort, Integer type, Integer code) {
      int at = 0;
      for (int p : protocols) {
        int size =
            Protocols.hasPorts(p)
                ? ports.size() * sources.size()
                : Protocols.isIcmp(p) ? types.size() * codes.size() : 1;
        if (p == protocol) {
          if (Protocols.hasPorts(p)) {
            return at + find(ports, port) * sources.size() + find(sources, sourcePort);
          }
          return Protocols.isIcmp(p)
              ? at + find(types, type) * codes.size() + find(codes, code)
              : at;
        }
        at += size;
      }
      return at; // every other protocol
    }

    private static int find(List<Port.Range> ranges, int value) {
      int lo = 0;
      int hi = ranges.size() - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (ranges.get(mid).min() <= value) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return lo;
    }
  }

  /** A protocol number no cell names (stands for every such protocol). */
  private int other() {
    for (int p : List.of(47, 50, 51, 4, 41, 2, 3)) {
      if (!protocols.contains(p)) {
        return p;
      }
    }
    for (int p = 2; p <= 255; p++) {
      if (!protocols.contains(p)) {
        return p;
      }
    }
    throw new IllegalStateException("every protocol is named");
  }

  private static List<Port.Range> intervals(TreeSet<Integer> bounds, int max) {
    List<Port.Range> out = new ArrayList<>();
    List<Integer> points = new ArrayList<>(bounds);
    for (int i = 0; i < points.size(); i++) {
      int hi = i + 1 < points.size() ? points.get(i + 1) - 1 : max;
      if (points.get(i) <= max) {
        out.add(new Port.Range(points.get(i), Math.min(hi, max)));
      }
    }
    return out;
  }
}
