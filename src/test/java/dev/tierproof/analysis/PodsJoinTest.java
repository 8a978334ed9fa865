package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.selector.Selector;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Diff#everywhereBut}: two proved classes whose pod ends differ only in their namespaces,
 * one of them every namespace of the input but some, join into one end that holds both and nothing
 * else (DiffDifferentialTest seed 6: {@code {ns1, ns2}/{tier == "a"}} and {@code {tier == "a"}
 * except in ns1, ns2} gave two classes per destination).
 */
class PodsJoinTest {

  private static final Selector TIER_A = new Selector.Compare("tier", Selector.Op.EQ, "a");

  private static Ends pods(Set<String> namespaces, Set<String> excluded, boolean unlisted) {
    return new Ends(
        EndKind.PODS,
        namespaces,
        excluded,
        unlisted,
        TIER_A,
        List.of(),
        List.of(),
        null,
        List.of(),
        List.of(),
        null,
        true,
        null);
  }

  @Test
  void everywhereBut_listedAndTheRest_everyNamespace() {
    Ends joined =
        Diff.everywhereBut(
            pods(Set.of("ns1", "ns2"), Set.of(), false), pods(null, Set.of("ns1", "ns2"), true));
    assertThat(joined).isEqualTo(pods(null, Set.of(), true));
    assertThat(joined.display()).isEqualTo("{tier == \"a\"}");
  }

  @Test
  void everywhereBut_someOfTheExcluded_theOthersStayExcluded() {
    assertThat(
            Diff.everywhereBut(
                pods(null, Set.of("ns1", "ns2", "ns3"), false),
                pods(Set.of("ns2"), Set.of(), true)))
        .isEqualTo(pods(null, Set.of("ns1", "ns3"), true));
    assertThat(
            Diff.everywhereBut(
                pods(null, Set.of("ns1", "ns2"), false), pods(null, Set.of("ns2", "ns3"), false)))
        .isEqualTo(pods(null, Set.of("ns2"), false));
  }

  @Test
  void everywhereBut_otherSelector_none() {
    Ends other =
        new Ends(
            EndKind.PODS,
            Set.of("ns1"),
            Set.of(),
            false,
            null,
            List.of(),
            List.of(),
            null,
            List.of(),
            List.of(),
            null,
            true,
            null);
    assertThat(Diff.everywhereBut(pods(null, Set.of("ns1"), true), other)).isNull();
  }
}
