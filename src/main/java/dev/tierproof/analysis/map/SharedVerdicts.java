package dev.tierproof.analysis.map;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.ProfileEntry;
import dev.tierproof.eval.Reply;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parts' replayed verdicts and the tables' steps held once per content: a map's parts are many
 * (a pair's parts per placement, per pair of groups) and so are its tables' cells, their steps and
 * traces few. Two steps are one when they are at the same endpoint and decided by the same tier,
 * policy, rule and profile objects with the same trace (model objects compared by identity, values
 * by equality), so a shared verdict is the replayed one in everything but the identity of its step,
 * decision and trace objects.
 */
final class SharedVerdicts {

  private final Map<StepKey, Step> steps = new ConcurrentHashMap<>();
  private final Map<List<Object>, Verdict> verdicts = new ConcurrentHashMap<>();
  private final Map<Same, List<Object>> keyOf = new ConcurrentHashMap<>();
  private final Map<List<Object>, List<Object>> keys = new ConcurrentHashMap<>();

  /** {@code s}, or the step of the same content seen first. */
  Step step(Step s) {
    return steps.computeIfAbsent(new StepKey(s), StepKey::step);
  }

  /**
   * Whether a shared step ({@link #step}) allows, and what decided it ({@link Parts#key}), one
   * object per content.
   */
  List<Object> key(Step shared) {
    return keyOf.computeIfAbsent(
        new Same(shared),
        k -> {
          List<Object> key = new ArrayList<>(List.of(shared.allowed()));
          key.addAll(Parts.key(new Verdict(shared.allowed(), List.of(shared))));
          return keys.computeIfAbsent(key, x -> key);
        });
  }

  /** {@code v}, or the verdict of the same content seen first. */
  Verdict of(Verdict v) {
    List<Object> key = new ArrayList<>(v.steps().size() + 1);
    List<Step> shared = new ArrayList<>(v.steps().size());
    key.add(v.allowed());
    for (Step s : v.steps()) {
      Step one = step(s);
      shared.add(one);
      key.add(new Same(one));
    }
    return verdicts.computeIfAbsent(key, k -> new Verdict(v.allowed(), shared));
  }

  /** A step compared by content, model objects by identity. */
  private record StepKey(Step step) {
    @Override
    public boolean equals(Object o) {
      return o instanceof StepKey k && same(step, k.step);
    }

    @Override
    public int hashCode() {
      return hash(step);
    }
  }

  private static boolean same(Step a, Step b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    return a.endpoint() == b.endpoint()
        && a.direction() == b.direction()
        && a.allowed() == b.allowed()
        && a.forward() == b.forward()
        && a.local() == b.local()
        && same(a.decidedBy(), b.decidedBy())
        && sameTrace(a.trace(), b.trace())
        && sameProfiles(a.profiles(), b.profiles());
  }

  private static boolean same(Decision a, Decision b) {
    if (a == b) {
      return true;
    }
    return a != null
        && b != null
        && a.kind() == b.kind()
        && a.tier() == b.tier()
        && a.policy() == b.policy()
        && a.rule() == b.rule()
        && a.profile() == b.profile()
        && a.path() == b.path()
        && same(a.reply(), b.reply());
  }

  private static boolean same(Reply a, Reply b) {
    if (a == b) {
      return true;
    }
    return a != null && b != null && same(a.packet(), b.packet()) && same(a.step(), b.step());
  }

  private static boolean same(Flow a, Flow b) {
    return a.source() == b.source() && a.destination() == b.destination() && a.equals(b);
  }

  private static boolean sameTrace(List<TraceEntry> a, List<TraceEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      TraceEntry x = a.get(i);
      TraceEntry y = b.get(i);
      if (x.tier() != y.tier()
          || x.policy() != y.policy()
          || x.outcome() != y.outcome()
          || !Objects.equals(x.ruleIndex(), y.ruleIndex())
          || x.path() != y.path()) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameProfiles(List<ProfileEntry> a, List<ProfileEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      ProfileEntry x = a.get(i);
      ProfileEntry y = b.get(i);
      if (x.profile() != y.profile()
          || x.outcome() != y.outcome()
          || !Objects.equals(x.ruleIndex(), y.ruleIndex())) {
        return false;
      }
    }
    return true;
  }

  private static int hash(Step s) {
    if (s == null) {
      return 0;
    }
    int h = System.identityHashCode(s.endpoint());
    h = 31 * h + s.direction().ordinal();
    h = 31 * h + (s.allowed() ? 1 : 0) + (s.forward() ? 2 : 0) + (s.local() ? 4 : 0);
    Decision d = s.decidedBy();
    if (d != null) {
      h = 31 * h + d.kind().ordinal();
      h = 31 * h + System.identityHashCode(d.policy());
      h = 31 * h + System.identityHashCode(d.rule());
      h = 31 * h + System.identityHashCode(d.profile());
      if (d.reply() != null) {
        Flow f = d.reply().packet();
        h = 31 * h + Objects.hash(f.protocol(), f.sourcePort(), f.destinationPort(), f.icmpType());
        h = 31 * h + hash(d.reply().step());
      }
    }
    for (TraceEntry t : s.trace()) {
      h = 31 * h + System.identityHashCode(t.policy());
      h = 31 * h + t.outcome().ordinal();
    }
    return 31 * h + s.profiles().size();
  }
}
