package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import java.util.List;

/**
 * What a query observes besides its own chains, so that tests on it are exact ({@link EndSet}) and
 * so that two queries of a pair ({@link DiffQuery}) lay out their ends alike: rule sides to group
 * the ends by (in this order, before the query's own), selectors over hypothetical endpoints'
 * labels, end sets to tell apart, whether the query claims the session (a pair's queries do
 * not: the pair does), and {@code only}: the one step whose verdict the query encodes (null:
 * both; the ends are grouped as usual either way).
 */
record Observe(
    List<Rule> rules,
    List<Selector> selectors,
    List<EndSet> sources,
    List<EndSet> destinations,
    boolean claim,
    Direction only) {

  static final Observe NONE = new Observe(List.of(), List.of(), List.of(), List.of(), true, null);

  Observe {
    rules = List.copyOf(rules);
    selectors = List.copyOf(selectors);
    sources = List.copyOf(sources);
    destinations = List.copyOf(destinations);
  }
}
