package dev.tierproof.analysis;

import dev.tierproof.analysis.VerifyResult.Blocker;
import dev.tierproof.analysis.VerifyResult.Claim;
import dev.tierproof.analysis.VerifyResult.Result;
import dev.tierproof.analysis.VerifyResult.SolverStats;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.Point;
import dev.tierproof.smt.Query;
import dev.tierproof.smt.SolverSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reachability and isolation between two ends over every flow of a question (spec S5): encodes the
 * policy set once and asks each question in its own solver scope. Every flow it reports was decoded
 * from a model and replayed through {@link Evaluator}; a disagreement throws {@link
 * IllegalStateException} (an internal error, never an answer). A solver {@code unknown} is reported
 * as {@link Result#UNKNOWN}, never as a proof. Not thread-safe.
 *
 * <p>Ends (design.md §2): a known endpoint is at one of its addresses (at any address no endpoint
 * owns when it has none); an outside range is any of its addresses, an owned one being that
 * endpoint; a DNS name or {@code world} is an address no endpoint owns (a DNS name is the
 * destination's name; {@code world}'s name is free); a selector reference is any matching input
 * workload or a hypothetical one (spec S5.3), only the input's with {@code existingOnly}. Blockers
 * are found one solver check each: "a flow of the question that a step denies by a decision not
 * found yet", per direction, until there is none.
 */
public final class Reachability implements AutoCloseable {

  /**
   * A flow search: {@code flow} and its replay {@code explanation} when one exists, both null when
   * none does or the solver could not decide ({@code solver.status()} says which).
   */
  public record Search(Flow flow, Verdict explanation, SolverStats solver) {}

  private final PolicySet set;
  private final SolverSession session;
  private final boolean owned;
  private final Network network;
  private final Replay replay;

  /** {@code timeout} bounds each solver check (null or zero: none). */
  public Reachability(PolicySet set, Duration timeout) {
    this(set, SolverSession.pinned(timeout), true);
  }

  private Reachability(PolicySet set, SolverSession session, boolean owned) {
    this.set = set;
    this.session = session;
    this.owned = owned;
    this.network = Network.encode(set, session);
    this.replay = new Replay(set);
  }

  /**
   * Questions over {@code set} in a session the caller owns (several policy sets can share one Z3
   * context); {@link #close} leaves the session open.
   */
  public static Reachability using(PolicySet set, SolverSession session) {
    return new Reachability(set, session, false);
  }

  /**
   * HOLDS with a witness (and its explanation) when some flow from {@code src} to {@code dst}
   * within {@code flow} is allowed; VIOLATED with every blocking decision when none is.
   */
  public VerifyResult reachable(End src, End dst, FlowSpec flow) {
    try (Query q = open(src, dst, flow)) {
      Answer a = q.allowed();
      return switch (a.status()) {
        case SAT -> {
          Verdict v = replay.verdict(a, List.of(src), List.of(dst));
          yield new VerifyResult(Claim.REACHABLE, Result.HOLDS, a.flow(), v, List.of(), stats(a));
        }
        case UNSAT ->
            withBlockers(
                new VerifyResult(Claim.REACHABLE, Result.VIOLATED, null, null, List.of(), stats(a)),
                q,
                src,
                dst);
        case UNKNOWN ->
            new VerifyResult(Claim.REACHABLE, Result.UNKNOWN, null, null, List.of(), stats(a));
      };
    }
  }

  /**
   * HOLDS with the blocking decisions when no flow from {@code src} to {@code dst} within {@code
   * flow} is allowed; VIOLATED with an allowed flow otherwise.
   */
  public VerifyResult isolated(End src, End dst, FlowSpec flow) {
    try (Query q = open(src, dst, flow)) {
      Answer a = q.allowed();
      return switch (a.status()) {
        case SAT -> {
          Verdict v = replay.verdict(a, List.of(src), List.of(dst));
          yield new VerifyResult(Claim.ISOLATED, Result.VIOLATED, a.flow(), v, List.of(), stats(a));
        }
        case UNSAT ->
            withBlockers(
                new VerifyResult(Claim.ISOLATED, Result.HOLDS, null, null, List.of(), stats(a)),
                q,
                src,
                dst);
        case UNKNOWN ->
            new VerifyResult(Claim.ISOLATED, Result.UNKNOWN, null, null, List.of(), stats(a));
      };
    }
  }

  /** An allowed flow of the question, replayed. */
  public Search witness(End src, End dst, FlowSpec flow) {
    try (Query q = open(src, dst, flow)) {
      return search(q.allowed(), src, dst);
    }
  }

  /** A denied flow of the question, replayed. */
  public Search denial(End src, End dst, FlowSpec flow) {
    try (Query q = open(src, dst, flow)) {
      return search(q.denied(), src, dst);
    }
  }

  /**
   * A flow of the question whose step in {@code direction} is decided by {@code decision} (as eval
   * names it), replayed; for rule liveness and explanations.
   */
  public Search decidedBy(End src, End dst, FlowSpec flow, Direction direction, Decision decision) {
    try (Query q = open(src, dst, flow)) {
      return search(q.decidedBy(Replay.point(direction, decision)), src, dst);
    }
  }

  @Override
  public void close() {
    if (owned) {
      session.close();
    }
  }

  private Search search(Answer a, End src, End dst) {
    if (!a.sat()) {
      return new Search(null, null, stats(a));
    }
    return new Search(a.flow(), replay.verdict(a, List.of(src), List.of(dst)), stats(a));
  }

  /**
   * {@code r} with its blockers: per direction, asks for denied flows whose denying decision is new
   * until there is none (one solver check per distinct blocker, plus one per direction). If the
   * solver cannot decide, the list found so far is kept and marked incomplete.
   */
  private VerifyResult withBlockers(VerifyResult r, Query q, End src, End dst) {
    Set<Point> known = new LinkedHashSet<>();
    List<Blocker> out = new ArrayList<>();
    for (Direction d : List.of(Direction.EGRESS, Direction.INGRESS)) {
      while (true) {
        Answer a = q.deniedExcept(d, known);
        if (a.status() == SolverSession.Status.UNKNOWN) {
          String why = a.reason() == null ? "the solver could not decide" : a.reason();
          return new VerifyResult(r.claim(), r.result(), null, null, out, r.solver(), why);
        }
        if (!a.sat()) {
          break;
        }
        Verdict v = replay.verdict(a, List.of(src), List.of(dst));
        boolean added = false;
        for (Step s : v.steps()) {
          if (!s.allowed() && known.add(Replay.point(s.direction(), s.decidedBy()))) {
            out.add(new Blocker(s.endpoint(), s.direction(), s.decidedBy(), a.flow(), s.forward()));
            added = true;
          }
        }
        if (!added) {
          throw Verdict.disagreement(
              "the solver found a new denying decision that eval does not confirm", a.flow(), v);
        }
      }
    }
    return new VerifyResult(r.claim(), r.result(), null, null, out, r.solver(), null);
  }

  private Query open(End src, End dst, FlowSpec flow) {
    return network.query(src.sides(set), dst.sides(set), flow);
  }

  private static SolverStats stats(Answer a) {
    return new SolverStats(a.status().json(), a.millis(), a.reason());
  }
}
