package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.selector.Selector;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link EndUnion}: two proved classes alike but in one pod end join into one end listing each set
 * of pods, those one pod end holds joined into it (DiffDifferentialTest seed 84: each source class,
 * in its namespaces, with each destination class was a class of its own).
 */
class EndUnionTest {

  private static final Selector NO_APP = new Selector.Not(new Selector.Has("app"));
  private static final Selector NO_TIER = new Selector.Not(new Selector.Has("tier"));

  private static Ends pods(Set<String> namespaces, Selector selector, boolean existing) {
    return new Ends(
        EndKind.PODS,
        namespaces,
        Set.of(),
        false,
        selector,
        List.of(),
        List.of(),
        null,
        List.of(),
        List.of(),
        null,
        existing,
        null);
  }

  /** The joins of single pod ends that {@link Diff} makes: here selectors only. */
  private static Ends one(Ends a, Ends b) {
    return SelectorJoin.joined(a, b);
  }

  @Test
  void of_otherNamespacesAndSelectors_bothListedByText() {
    Ends a = pods(Set.of("ns2"), NO_APP, false);
    Ends b = pods(Set.of("ns1"), new Selector.And(List.of(NO_APP, NO_TIER)), true);
    Ends u = EndUnion.of(a, b, EndUnionTest::one);
    assertThat(u).isEqualTo(EndUnion.of(b, a, EndUnionTest::one));
    assertThat(u.first()).isEqualTo(a);
    assertThat(u.more()).containsExactly(b);
    assertThat(u.display())
        .isEqualTo("not yet deployed pods ns2/{!has(app)} or ns1/{(!has(app) && !has(tier))}");
  }

  @Test
  void of_aThirdJoinsOneOfThem_twoLeft() {
    Ends a = pods(Set.of("ns2"), NO_APP, false);
    Ends b = pods(Set.of("ns1"), NO_TIER, true);
    Ends c = pods(Set.of("ns2"), NO_TIER, false);
    Ends u = EndUnion.of(EndUnion.of(a, b, EndUnionTest::one), c, EndUnionTest::one);
    assertThat(u.more()).hasSize(1);
    assertThat(List.of(u.first(), u.more().get(0)))
        .containsExactlyInAnyOrder(
            b, pods(Set.of("ns2"), new Selector.Or(List.of(NO_APP, NO_TIER)), false));
    assertThat(EndUnion.of(u, a, EndUnionTest::one)).isEqualTo(u);
  }
}
