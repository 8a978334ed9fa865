package dev.tierproof.analysis.map;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.PolicySet;
import java.util.List;
import java.util.function.Predicate;

/** Which groups of a map an end of a question (a reference on the command line) stands for. */
public final class Covering {

  private Covering() {}

  /**
   * The groups an end of a question covers: its endpoint's, those in its range, those its selector
   * selects.
   */
  public static Predicate<Group> of(End end, PolicySet set) {
    if (end instanceof End.Known k) {
      return g -> g.endpoints().contains(k.endpoint());
    }
    if (end instanceof End.Addresses o) {
      Cidr r = o.range();
      // a DNS name is one of the names of one DNS-name group (or of none: the outside groups);
      // without a name, any destination outside is meant, reached by a name or not
      dev.tierproof.smt.DomainClasses names = dev.tierproof.smt.DomainClasses.of(set);
      int named = names.classOf(o.domain());
      Predicate<Group> reached =
          g ->
              o.domain() == null
                  || (g.domains().isEmpty()
                      ? named == 0
                      : g.domains().contains(names.pattern(named)));
      return g ->
          !g.endpoints().isEmpty()
              ? r != null
                  && o.domain() == null
                  && g.endpoints().stream().anyMatch(e -> e.ips().stream().anyMatch(r::contains))
              : g.outside()
                  && reached.test(g)
                  && (r == null
                      || g.cidrs().isEmpty()
                      || g.cidrs().stream()
                          .anyMatch(c -> c.contains(r.address()) || r.contains(c.address())));
    }
    End.Hypothetical h = (End.Hypothetical) end;
    return g ->
        !g.endpoints().isEmpty()
            && !(g.hypothetical() && h.existingOnly())
            && (h.namespace() == null || h.namespace().equals(g.namespace()))
            && h.selector().matches(g.endpoints().get(0).labels());
  }

  /**
   * The group as {@link #of} tests it: a hypothetical group with the pod that stands for it (its
   * class is uniform under the selectors of the map's references).
   */
  static Group tested(Groups.Member m) {
    Group g = m.group();
    return !g.hypothetical()
        ? g
        : new Group(
            g.id(),
            g.namespace(),
            g.labels(),
            List.of(m.endpoint()),
            g.cidrs(),
            g.names(),
            true,
            List.of(),
            List.of(),
            List.of());
  }
}
