package dev.tierproof.analysis;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffQuery.Change;
import dev.tierproof.smt.Point;
import java.util.List;
import java.util.Map;

/**
 * The one confirmer: replays a decoded solver answer through the evaluator (the executable spec)
 * and turns any mismatch into an internal error ({@link IllegalStateException} whose message starts
 * {@code internal error:}), never an answer. Used by {@link Reachability}, {@link Check}, {@link
 * Diff} and lint.
 *
 * <p>It checks: eval's verdict is the solver's; eval's deciding point of each step is the solver's
 * when the answer names them; the flow's ends fit the question's; for two versions ({@link
 * #between}), the base's verdict (the flow moved to the base's endpoints) differs from the current
 * one. Answers about hypothetical endpoints are replayed with the namespace profiles they assume
 * ({@link PolicySet#withProfiles}). Thread-safe.
 */
public final class Replay {

  private final Evaluator evaluator;

  /**
   * For two versions: the base paired with this set, and each endpoint whose base version differs.
   */
  private final Replay base;

  private final Map<Endpoint, Endpoint> twins;

  /** Replays answers about {@code set}. */
  public Replay(PolicySet set) {
    this(new Evaluator(set), null, Map.of());
  }

  private Replay(Evaluator evaluator, Replay base, Map<Endpoint, Endpoint> twins) {
    this.evaluator = evaluator;
    this.base = base;
    this.twins = twins;
  }

  /**
   * Replays answers about {@code current} and about {@code paired} ({@link Diff#paired} with it).
   */
  static Replay between(PolicySet paired, PolicySet current) {
    return new Replay(new Evaluator(current), new Replay(paired), Diff.twins(paired, current));
  }

  /**
   * The nodes whose forward chain is walked ({@link PolicySet#walked}) in this set or, for two
   * versions, in either: where a {@link dev.tierproof.model.Placement} can be.
   */
  public java.util.Set<String> walked() {
    java.util.Set<String> out = new java.util.TreeSet<>(evaluator.walked());
    if (base != null) {
      out.addAll(base.walked());
    }
    return out;
  }

  /**
   * The host sides of the {@link #walked} nodes ({@link Evaluator#ports}): this set's, and for two
   * versions the base's of a node walked in the base only. A flow's interface choices on a node are
   * compared alike in both versions (spec S6.10).
   */
  public java.util.Map<String, dev.tierproof.model.Ports> ports() {
    java.util.Map<String, dev.tierproof.model.Ports> out =
        new java.util.TreeMap<>(evaluator.ports());
    if (base != null) {
      base.ports().forEach(out::putIfAbsent);
    }
    return out;
  }

  /** The evaluator of the set with {@code profiles} assumed (none: the set's own). */
  public Evaluator evaluator(Map<String, Profile> profiles) {
    return evaluator.assuming(profiles);
  }

  /**
   * Eval's verdict on the answer's flow; it must be the solver's, with the same deciding points.
   */
  public Verdict verdict(Answer a) {
    Flow f = a.flow();
    Verdict v = evaluator(a.assumedProfiles()).evaluate(f);
    if (v.allowed() != a.allowed()) {
      throw Verdict.disagreement("the solver says " + (a.allowed() ? "allowed" : "denied"), f, v);
    }
    if (!a.decisions().isEmpty()) {
      List<Point> byEval =
          v.steps().stream().map(s -> point(s.direction(), s.decidedBy())).toList();
      if (!byEval.equals(a.decisions())) {
        throw Verdict.disagreement("the solver's decisions are " + a.decisions(), f, v);
      }
    }
    return v;
  }

  /**
   * {@link #verdict(Answer)}, and the flow's ends are alternatives of the question's ({@link
   * End#admits}).
   */
  public Verdict verdict(Answer a, List<End> from, List<End> to) {
    Verdict v = verdict(a);
    Flow f = a.flow();
    PolicySet set = evaluator.policySet();
    if (from.stream().noneMatch(e -> e.admits(f.source(), f.sourceIp(), set))
        || to.stream().noneMatch(e -> e.admits(f.destination(), f.destinationIp(), set))) {
      throw Verdict.disagreement("the decoded flow does not fit the question's ends", f, v);
    }
    return v;
  }

  /** The base's verdict on {@code f}, its input endpoints moved to their base versions. */
  Verdict before(Flow f, Map<String, Profile> profiles) {
    return base.evaluator(profiles).evaluate(back(f, twins));
  }

  /** The current verdict on {@code f}. */
  Verdict now(Flow f, Map<String, Profile> profiles) {
    return evaluator(profiles).evaluate(f);
  }

  /** True when both versions' evaluators say {@code f} changed as {@code change} says. */
  boolean changed(Flow f, Map<String, Profile> profiles, Change change) {
    boolean before = before(f, profiles).allowed();
    boolean now = now(f, profiles).allowed();
    return switch (change) {
      case OPENED -> !before && now;
      case CLOSED -> before && !now;
      case CHANGED -> before != now;
    };
  }

  /**
   * Both versions' verdicts on a changed flow, base first: the current one must be the solver's and
   * the base's must differ.
   */
  Verdict[] change(Answer a) {
    Flow f = a.flow();
    // the base's encoding read the model itself: its endpoints' nodes and the interfaces there
    Verdict b =
        a.base() == null
            ? before(f, a.assumedProfiles())
            : base.evaluator(a.assumedProfiles()).evaluate(a.base());
    Verdict n = now(f, a.assumedProfiles());
    if (n.allowed() != a.allowed() || b.allowed() == n.allowed()) {
      throw new IllegalStateException(
          "internal error: solver and evaluator disagree on a changed flow: the solver says it is "
              + (a.allowed() ? "allowed" : "denied")
              + " now and the other way before; flow "
              + f.describe()
              + "; eval before "
              + b.describe()
              + "; eval now "
              + n.describe());
    }
    return new Verdict[] {b, n};
  }

  /** The flow as the base sees it: its input endpoints in their base versions ({@code twins}). */
  static Flow back(Flow f, Map<Endpoint, Endpoint> twins) {
    Endpoint s = f.source() == null ? null : twins.getOrDefault(f.source(), f.source());
    Endpoint d =
        f.destination() == null ? null : twins.getOrDefault(f.destination(), f.destination());
    if (s == f.source() && d == f.destination()) {
      return f;
    }
    return f.withEnds(s, d); // spec S6.12: the base places a workload naming no node alike
  }

  /** The solver's name for an eval decision, with its reply's (spec S6.5). */
  public static Point point(Direction d, Decision x) {
    Point p = alone(d, x);
    return x.reply() == null
        ? p
        : p.withReply(alone(d.opposite(), x.reply().step().decidedBy())); // spec S6.5
  }

  private static Point alone(Direction d, Decision x) {
    return switch (x.kind()) {
      case RULE ->
          new Point(d, Point.Kind.RULE, x.tier().name(), x.policy(), x.rule().index(), null);
      case TIER_DEFAULT ->
          new Point(d, Point.Kind.TIER_DEFAULT, x.tier().name(), x.policy(), null, null);
      case PROFILE ->
          new Point(d, Point.Kind.PROFILE, null, null, x.rule().index(), x.profile().name());
      case NO_PROFILE -> // spec S4.6: named by a Pass that went on past the last profile
          new Point(
              d,
              Point.Kind.NO_PROFILE,
              null,
              null,
              x.rule() == null ? null : x.rule().index(),
              x.profile() == null ? null : x.profile().name());
      case FAILSAFE -> new Point(d, Point.Kind.FAILSAFE, null, null, null, null);
      case INVALID -> new Point(d, Point.Kind.INVALID, null, null, null, null);
      case OWN_NODE -> new Point(d, Point.Kind.OWN_NODE, null, null, null, null);
      case FORWARDED -> new Point(d, Point.Kind.FORWARDED, null, null, null, null);
    };
  }
}
