package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.Relevance;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.Unproved;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The map's relevance per pair of groups ({@link Unproved}, spec S9.3) against the relevance of the
 * concrete flows of each pair: every unmodelled element that could change a sampled flow's verdict
 * ({@link Relevance#verdict}, in each placement) is one the map names for the flow's pair, so a
 * pair the map calls proved holds no flow an element could change. Counts the sampled flows some
 * element could change and the pairs proved in clusters that hold such elements.
 */
final class MapRelevance {

  private final List<Unmodelled> all;
  private final Map<List<Group>, List<Unmodelled>> pairs = new HashMap<>();
  private final Evaluator eval;
  private final int counter;

  /**
   * The unmodelled elements of {@code c}'s text, and the map's answer for each pair ({@code
   * hypothetical}: with groups of pods that could be deployed); counter {@code counter} + 1 counts
   * the pairs proved.
   */
  MapRelevance(
      RandomCluster c,
      PolicySet set,
      MapResult map,
      boolean hypothetical,
      Evaluator eval,
      AtomicLongArray n,
      int counter) {
    this.all = CheckRelevance.unmodelled(c);
    this.eval = eval;
    this.counter = counter;
    Unproved u = Unproved.of(all, set, hypothetical, map, null, null);
    u.pairs().forEach(p -> pairs.put(List.of(p.from(), p.to()), p.elements()));
    if (!all.isEmpty()) {
      long groups = map.groups().size();
      long outside = map.groups().stream().filter(Group::outside).count();
      n.addAndGet(counter + 1, groups * groups - outside * outside - u.pairs().size());
    }
  }

  /**
   * {@code f} (and its other placements, spec S6.11, S6.12) from a group of {@code from} to one of
   * {@code to}, counted in the counter given.
   */
  void check(Flow f, Group from, Group to, AtomicLongArray n) {
    List<Flow> placed = new java.util.ArrayList<>(List.of(f));
    eval.placements(f).stream().filter(x -> !x.equals(f)).forEach(placed::add);
    for (Flow x : placed) {
      List<Unmodelled> acting = Relevance.verdict(all, x, eval.evaluate(x), eval);
      List<Unmodelled> named = pairs.getOrDefault(List.of(from, to), List.of());
      assertThat(named)
          .as("%s -> %s: the map names what could change %s", from.id(), to.id(), x.describe())
          .containsAll(acting);
      n.addAndGet(counter, acting.isEmpty() || x != f ? 0 : 1);
    }
  }
}
