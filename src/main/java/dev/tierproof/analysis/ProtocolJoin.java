package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.model.FlowSpec;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Two diff classes that differ only in their protocols, joined when their union is a class again
 * (diff classes): every protocol but some, and one of those whole (or every protocol but others),
 * is every protocol but fewer. Each was proved, so the flows of either changed alike.
 */
final class ProtocolJoin {

  private ProtocolJoin() {}

  /**
   * The packets of every protocol but those neither class holds, when the classes change alike
   * between the same ends, placed alike, one of every protocol but some and the other of a whole
   * protocol among those (or of every protocol but others), in the same address family; else null.
   */
  static FlowSpec joined(ChangeClass a, ChangeClass b) {
    if (a.kind() != b.kind()
        || !Objects.equals(a.placed(), b.placed())
        || !a.source().equals(b.source())
        || !a.destination().equals(b.destination())) {
      return null;
    }
    return union(a.packets(), b.packets());
  }

  /**
   * Every protocol but those neither holds, when one is every protocol but some and the other a
   * whole protocol among those (or every protocol but others), in the same address family; else
   * null.
   */
  static FlowSpec union(FlowSpec p, FlowSpec q) {
    if (p.equals(q) || !Objects.equals(p.ipVersion(), q.ipVersion()) || !whole(p) || !whole(q)) {
      return null;
    }
    if (p.protocol() != null && q.protocol() != null) {
      return null; // two protocols are no class
    }
    Set<Integer> left = new TreeSet<>(p.protocol() == null ? p.otherThan() : q.otherThan());
    if (p.protocol() == null && q.protocol() == null) {
      left.retainAll(q.otherThan());
    } else {
      Integer one = p.protocol() != null ? p.protocol() : q.protocol();
      if (!left.remove(one)) {
        return null; // already held
      }
    }
    return new FlowSpec(null, null, null, null, null, p.ipVersion(), left, Set.of());
  }

  /** Every packet of a protocol, or of every protocol but some: no port or ICMP pin. */
  private static boolean whole(FlowSpec p) {
    return p.port() == null
        && p.sourcePort() == null
        && p.icmpType() == null
        && p.icmpCode() == null
        && p.icmpTypesNot().isEmpty()
        && (p.protocol() == null || p.otherThan().isEmpty());
  }
}
