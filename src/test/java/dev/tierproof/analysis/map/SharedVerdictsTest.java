package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.map.Connectivity.Options;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.cluster.RandomCluster;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.ProfileEntry;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.eval.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A map holds each distinct verdict and step once, however many parts carry it (map --scope any
 * seed 940004 has 1.9 million parts over 8,000 steps): a verdict or step of the same content (model
 * objects by identity, values by equality) is one object. The map differential suites show that the
 * shared verdicts are the replayed ones.
 */
class SharedVerdictsTest {

  @Test
  void run_randomClusters_partsShareVerdictsAndStepsOfOneContent() {
    long parts = 0;
    Map<Verdict, Boolean> verdicts = new IdentityHashMap<>();
    Map<Step, Boolean> steps = new IdentityHashMap<>();
    for (long seed : new long[] {1, 3, 4, 8}) {
      MapResult map = Connectivity.run(new RandomCluster(seed).load(false), Options.all());
      Map<List<Object>, Verdict> verdictOf = new HashMap<>();
      Map<List<Object>, Step> stepOf = new HashMap<>();
      for (Edge e : map.edges()) {
        for (Part p : e.allowed()) {
          parts++;
          Verdict v = p.verdict();
          verdicts.put(v, true);
          List<Object> key = new ArrayList<>(List.of(v.allowed()));
          for (Step s : v.steps()) {
            steps.put(s, true);
            assertThat(stepOf.computeIfAbsent(content(s), k -> s)).isSameAs(s);
            key.add(content(s));
          }
          assertThat(verdictOf.computeIfAbsent(key, k -> v))
              .as("seed %d: %s", seed, v.describe())
              .isSameAs(v);
        }
      }
    }
    assertThat(verdicts.size()).as("verdicts of %d parts", parts).isLessThan((int) parts / 2);
  }

  /** What a step says, model objects by identity. */
  private static List<Object> content(Step s) {
    List<Object> out = new ArrayList<>();
    out.addAll(List.of(new Same(s.endpoint()), s.direction(), s.allowed(), s.forward(), s.local()));
    out.add(decision(s.decidedBy()));
    for (TraceEntry t : s.trace()) {
      out.add(
          java.util.Arrays.asList(
              new Same(t.tier()), new Same(t.policy()), t.outcome(), t.ruleIndex(), t.path()));
    }
    out.add("profiles");
    for (ProfileEntry p : s.profiles()) {
      out.add(java.util.Arrays.asList(new Same(p.profile()), p.outcome(), p.ruleIndex()));
    }
    return out;
  }

  private static List<Object> decision(Decision d) {
    if (d == null) {
      return List.of();
    }
    List<Object> out =
        new ArrayList<>(
            java.util.Arrays.asList(
                d.kind(),
                new Same(d.tier()),
                new Same(d.policy()),
                new Same(d.rule()),
                new Same(d.profile()),
                d.path()));
    if (d.reply() != null) {
      out.add(d.reply().packet());
      out.add(new Same(d.reply().packet().source()));
      out.add(new Same(d.reply().packet().destination()));
      out.add(content(d.reply().step()));
    }
    return out;
  }
}
