package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A profile's Pass on Felix's rule renderer (spec S4.6, {@code --dataplane iptables|nftables}): the
 * encoding's verdict and deciding points on each generated flow pinned exactly equal eval's ({@link
 * DifferentialTest#concrete}), on {@link RandomModel}s (with {@link RandomDataplane}'s Pass
 * profile) whose dataplane is forced to the renderer; the run must meet flows where a Pass went on
 * to a later profile that decided, and flows where a Pass went on past the last profile. {@code
 * -DprofilePass.cases=N} models (default 300) from {@code -DprofilePass.seed=S} (default 1).
 */
class ProfilePassDifferentialTest {

  private static final int CASES = Integer.getInteger("profilePass.cases", 300);
  private static final long SEED = Long.getLong("profilePass.seed", 1);

  @Test
  void renderer_profilePassGoesOn_solverAgreesWithEval() {
    long passedThenDecided = 0;
    long passedToTheEnd = 0;
    long flows = 0;
    try (SolverSession session = new SolverSession(Duration.ofSeconds(60))) {
      for (long seed = SEED; seed < SEED + CASES; seed++) {
        RandomModel model = new RandomModel(seed);
        Dataplane d = seed % 2 == 0 ? Dataplane.IPTABLES : Dataplane.NFTABLES;
        PolicySet set = model.set().withDataplane(d);
        Evaluator eval = new Evaluator(set);
        Network network = Network.encode(set, session);
        Set<String> vocabulary = DifferentialTest.vocabulary(set);
        for (int f = 0; f < 12; f++) {
          for (Flow flow : dev.tierproof.cluster.Questions.placements(model.flow())) {
            for (Step s : eval.evaluate(flow).steps()) {
              Decision x = s.decidedBy();
              if (x.kind() == Decision.Kind.NO_PROFILE && x.rule() != null) {
                passedToTheEnd++;
              } else if (x.kind() == Decision.Kind.PROFILE && wentOn(set, s)) {
                passedThenDecided++;
              }
            }
            flows++;
            // the encoding's verdict and deciding points on the pinned flow equal eval's
            DifferentialTest.concrete(network, eval, set, flow, vocabulary);
          }
        }
      }
    }
    System.out.printf(
        "profile pass differential: %d models, %d flows, %d steps decided by a profile after a"
            + " Pass went on, %d steps dropped after the last profile's Pass%n",
        CASES, flows, passedThenDecided, passedToTheEnd);
    assertThat(passedToTheEnd).as("flows whose last profile passed").isPositive();
    assertThat(passedThenDecided).as("flows decided after a profile passed").isPositive();
  }

  /** A later profile decided, and an earlier one of the step's profiles holds a Pass rule. */
  private static boolean wentOn(PolicySet set, Step s) {
    List<String> profiles = s.endpoint().profiles();
    int at = profiles.indexOf(s.decidedBy().profile().name());
    for (int i = 0; i < at; i++) {
      var p = set.profiles().get(profiles.get(i));
      if (p != null
          && p.rules(s.direction()).stream()
              .anyMatch(x -> x.action() == dev.tierproof.model.Action.PASS)) {
        return true;
      }
    }
    return false;
  }
}
