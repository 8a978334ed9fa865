package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Port;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Two diff classes that differ only in their destination ports, joined (diff classes): each was
 * proved, so the flows at either's ports changed alike.
 */
final class PortJoin {

  private PortJoin() {}

  /**
   * The packets of {@code a} at the ports of both, when the classes change alike between the same
   * ends, placed alike, over packets that differ only in their destination ports; else null.
   */
  static FlowSpec joined(ChangeClass a, ChangeClass b) {
    FlowSpec p = a.packets();
    FlowSpec q = b.packets();
    if (a.kind() != b.kind()
        || p.port() == null
        || q.port() == null
        || p.equals(q)
        || !Objects.equals(a.placed(), b.placed())
        || !a.source().equals(b.source())
        || !a.destination().equals(b.destination())
        || !p.withPorts(List.of()).equals(q.withPorts(List.of()))) {
      return null;
    }
    List<Port.Range> all = new ArrayList<>(p.portRanges());
    all.addAll(q.portRanges());
    return p.withPorts(all);
  }
}
