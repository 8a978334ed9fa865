package dev.tierproof.smt;

import dev.tierproof.model.FlowSpec;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;

/** Queries whose goals test regions of flows ({@link Query#allowedOutside}). */
public final class Regions {

  private Regions() {}

  /**
   * A query over the flows from one of {@code sources} to one of {@code destinations} within {@code
   * bounds} that observes the end sets of {@code regions}, so that testing a flow against them is
   * exact (it keeps the endpoints a region names apart from those it does not).
   */
  public static Query query(
      Network net,
      List<Side> sources,
      List<Side> destinations,
      FlowSpec bounds,
      List<Region> regions) {
    List<EndSet> from = regions.stream().map(Region::source).toList();
    List<EndSet> to = regions.stream().map(Region::destination).toList();
    List<Selector> selectors = new ArrayList<>();
    for (EndSet s : from) {
      selectors(s, selectors);
    }
    for (EndSet s : to) {
      selectors(s, selectors);
    }
    return new Query(
        net,
        sources,
        destinations,
        bounds,
        null,
        new Observe(List.of(), selectors, from, to, true, null),
        null,
        false);
  }

  static void selectors(EndSet s, List<Selector> out) {
    if (s instanceof EndSet.Pods p && p.selector() != null) {
      out.add(p.selector());
    }
  }
}
