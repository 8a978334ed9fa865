package dev.tierproof.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.TraceEntry.Outcome;
import dev.tierproof.model.Action;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.smt.RandomModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The profiles a step's trace holds ({@link Step#profiles}, spec S4.6, S4.7) are the walk that
 * decided it, on generated models ({@link RandomModel}, whose dataplanes and Pass profiles {@code
 * RandomDataplane} draws): the endpoint's profiles in order, each with its first matching rule,
 * ending at the deciding profile or walking them all when none decided; none when a tier decided.
 * {@code -DprofileTrace.cases=N} models (default 300).
 */
class ProfileTraceTest {

  private static final int CASES = Integer.getInteger("profileTrace.cases", 300);

  @Test
  void generatedModels_profilesTracedAreTheWalkThatDecided() {
    List<Step> steps = new ArrayList<>();
    LongStream.rangeClosed(1, CASES).forEach(seed -> steps.addAll(checked(seed)));
    assertThat(steps).as("steps that walked profiles").anyMatch(s -> !s.profiles().isEmpty());
    assertThat(steps)
        .as("steps whose walk went on after a profile's Pass")
        .anyMatch(
            s ->
                s.profiles().stream()
                    .limit(Math.max(0, s.profiles().size() - 1L))
                    .anyMatch(p -> p.outcome() == Outcome.PASS));
  }

  /** The steps of 12 flows of model {@code seed}, each checked. */
  private static List<Step> checked(long seed) {
    RandomModel model = new RandomModel(seed);
    PolicySet set = model.set();
    Evaluator eval = new Evaluator(set);
    List<Step> out = new ArrayList<>();
    for (int f = 0; f < 12; f++) {
      Flow flow = model.flow();
      for (Step s : eval.evaluate(flow).steps()) {
        check(set, eval, flow, s, "seed " + seed + " " + flow + " at " + s.endpoint().ref());
        out.add(s);
      }
    }
    return out;
  }

  private static void check(PolicySet set, Evaluator eval, Flow flow, Step s, String as) {
    Decision d = s.decidedBy();
    List<ProfileEntry> walk = s.profiles();
    if (d.kind() != Decision.Kind.PROFILE && d.kind() != Decision.Kind.NO_PROFILE) {
      assertThat(walk).as(as).isEmpty();
      return;
    }
    List<Profile> own =
        s.endpoint().profiles().stream().map(set.profiles()::get).filter(p -> p != null).toList();
    assertThat(walk.stream().map(ProfileEntry::profile).toList())
        .as(as)
        .isEqualTo(own.subList(0, walk.size()));
    for (int i = 0; i < walk.size(); i++) {
      ProfileEntry e = walk.get(i);
      Rule first = first(eval, e.profile().rules(s.direction()), flow);
      assertThat(e.ruleIndex()).as(as).isEqualTo(first == null ? null : first.index());
      assertThat(e.outcome()).as(as).isEqualTo(outcome(first));
      if (i < walk.size() - 1 || d.kind() == Decision.Kind.NO_PROFILE) {
        // went on: no rule matched, or a Pass on Felix's rule renderer
        assertThat(e.outcome() == Outcome.NO_MATCH || e.outcome() == Outcome.PASS).as(as).isTrue();
        assertThat(e.outcome() == Outcome.PASS && !set.profilePassGoesOn()).as(as).isFalse();
      }
    }
    if (d.kind() == Decision.Kind.PROFILE) {
      ProfileEntry last = walk.get(walk.size() - 1);
      assertThat(last.profile()).as(as).isSameAs(d.profile());
      assertThat(last.ruleIndex()).as(as).isEqualTo(d.rule().index());
    } else {
      assertThat(walk).as(as).hasSameSizeAs(own);
      ProfileEntry passed =
          walk.stream().filter(e -> e.outcome() == Outcome.PASS).reduce((a, b) -> b).orElse(null);
      assertThat(d.profile()).as(as).isSameAs(passed == null ? null : passed.profile());
    }
  }

  private static Rule first(Evaluator eval, List<Rule> rules, Flow flow) {
    return rules.stream()
        .filter(r -> r.action() != Action.LOG && eval.matches(r, flow))
        .findFirst()
        .orElse(null);
  }

  private static Outcome outcome(Rule r) {
    return r == null
        ? Outcome.NO_MATCH
        : switch (r.action()) {
          case ALLOW -> Outcome.ALLOW;
          case DENY -> Outcome.DENY;
          default -> Outcome.PASS;
        };
  }
}
