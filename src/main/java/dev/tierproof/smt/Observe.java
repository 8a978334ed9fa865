package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import java.util.List;

/**
 * What a query observes besides its own chains, so that tests on it are exact ({@link EndSet}) and
 * so that two queries of a pair ({@link DiffQuery}) lay out their ends alike: rule sides to group
 * the ends by (in this order, before the query's own), selectors over hypothetical endpoints'
 * labels, end sets to tell apart, whether the query claims the session (a pair's queries do not:
 * the pair does), {@code only}: the one step whose verdict the query encodes (null: both; the ends
 * are grouped as usual either way), {@code apart}: addresses whose (endpoint, address) pairs each
 * form a group of their own (a pair's queries see other owners there), and {@code replies}: rules
 * that decide replies of untracked Allows (spec S6.5), whose sides see the ends swapped.
 */
record Observe(
    List<Rule> rules,
    List<Selector> selectors,
    List<EndSet> sources,
    List<EndSet> destinations,
    boolean claim,
    Direction only,
    java.util.Set<dev.tierproof.model.Ip> apart,
    List<Rule> replies) {

  static final Observe NONE = new Observe(List.of(), List.of(), List.of(), List.of(), true, null);

  Observe(
      List<Rule> rules,
      List<Selector> selectors,
      List<EndSet> sources,
      List<EndSet> destinations,
      boolean claim,
      Direction only) {
    this(rules, selectors, sources, destinations, claim, only, java.util.Set.of(), List.of());
  }

  Observe {
    apart = java.util.Set.copyOf(apart);
    replies = List.copyOf(replies);
    rules = List.copyOf(rules);
    selectors = List.copyOf(selectors);
    sources = List.copyOf(sources);
    destinations = List.copyOf(destinations);
  }
}
