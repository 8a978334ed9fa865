package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.model.Cidr;
import dev.tierproof.selector.Selector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SelectorJoin}: two proved classes whose pod ends differ only in their selectors join into
 * one end whose pods satisfy either (DiffDifferentialTest seed 72: {@code {env == "b"}}, {@code
 * {has(app)}}, {@code {zone == "dmz"}}, ... except in ns3 to the same destination gave a class
 * each).
 */
class SelectorJoinTest {

  private static final Selector TIER_A = new Selector.Compare("tier", Selector.Op.EQ, "a");
  private static final Selector ENV_B = new Selector.Compare("env", Selector.Op.EQ, "b");
  private static final Selector HAS_APP = new Selector.Has("app");

  private static Ends pods(Selector selector, List<Cidr> within) {
    return new Ends(
        EndKind.PODS,
        null,
        Set.of("ns3"),
        true,
        selector,
        List.of(),
        List.of(),
        null,
        within,
        List.of(),
        null,
        true,
        null);
  }

  @Test
  void joined_twoSelectors_podsOfEitherOrderedByText() {
    Ends joined = SelectorJoin.joined(pods(TIER_A, List.of()), pods(ENV_B, List.of()));
    assertThat(joined)
        .isEqualTo(SelectorJoin.joined(pods(ENV_B, List.of()), pods(TIER_A, List.of())));
    assertThat(joined.display()).isEqualTo("{(env == \"b\" || tier == \"a\")} except in ns3");
    for (Map<String, String> labels :
        List.of(
            Map.of("tier", "a"),
            Map.of("env", "b"),
            Map.of("env", "a", "tier", "b"),
            Map.<String, String>of())) {
      assertThat(joined.selector().matches(labels))
          .as("%s", labels)
          .isEqualTo(TIER_A.matches(labels) || ENV_B.matches(labels));
    }
  }

  @Test
  void joined_threeInAnyOrder_oneFlatDisjunction() {
    Ends left =
        SelectorJoin.joined(
            SelectorJoin.joined(pods(TIER_A, List.of()), pods(ENV_B, List.of())),
            pods(HAS_APP, List.of()));
    Ends right =
        SelectorJoin.joined(
            pods(HAS_APP, List.of()),
            SelectorJoin.joined(pods(ENV_B, List.of()), pods(TIER_A, List.of())));
    assertThat(left).isEqualTo(right);
    assertThat(((Selector.Or) left.selector()).operands()).hasSize(3);
    assertThat(SelectorJoin.joined(left, pods(ENV_B, List.of()))).isEqualTo(left);
  }

  @Test
  void either_disjunctAnotherImplies_dropped() {
    Selector envWeb = new Selector.Compare("env", Selector.Op.EQ, "web");
    Selector hasEnv = new Selector.Has("env");
    Selector noTier = new Selector.Not(new Selector.Has("tier"));
    assertThat(SelectorJoin.either(envWeb, hasEnv)).isEqualTo(hasEnv);
    assertThat(
            SelectorJoin.either(
                new Selector.And(List.of(new Selector.Compare("app", Selector.Op.EQ, "a"), noTier)),
                new Selector.And(List.of(HAS_APP, noTier))))
        .isEqualTo(new Selector.And(List.of(HAS_APP, noTier)));
    Selector inA = new Selector.InSet("env", List.of("a"), false);
    assertThat(SelectorJoin.either(new Selector.Compare("env", Selector.Op.EQ, "a"), inA))
        .isEqualTo(inA); // each implies the other: one stays
    // env != "web" holds without env: not implied
    assertThat(SelectorJoin.either(new Selector.Compare("env", Selector.Op.NE, "web"), hasEnv))
        .isInstanceOf(Selector.Or.class);
    assertThat(
            SelectorJoin.either(
                new Selector.InSet("env", List.of("a", "b"), false),
                new Selector.Compare("env", Selector.Op.STARTS_WITH, "a")))
        .isInstanceOf(Selector.Or.class);
  }

  @Test
  void joined_oneOfAnyLabels_anyLabels() {
    assertThat(SelectorJoin.joined(pods(null, List.of()), pods(TIER_A, List.of())))
        .isEqualTo(pods(null, List.of()));
  }

  @Test
  void joined_otherAddressesOrSameSelector_none() {
    assertThat(
            SelectorJoin.joined(
                pods(TIER_A, List.of(Cidr.parse("10.0.0.4/31").orElseThrow())),
                pods(ENV_B, List.of())))
        .isNull();
    assertThat(SelectorJoin.joined(pods(TIER_A, List.of()), pods(TIER_A, List.of()))).isNull();
  }
}
