package dev.tierproof.analysis;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import java.util.List;

/**
 * The answer to {@code verify reachable|isolated} (design.md "verify JSON").
 *
 * @param witness for {@code reachable} holding / {@code isolated} violated: an allowed flow,
 *     replayed through {@code eval} ({@code explanation} is that replay); else null
 * @param blockers for {@code reachable} violated / {@code isolated} holding: every enforcement
 *     point decision that denies some flow of the question, each with a flow it denies
 * @param blockersIncomplete null when {@code blockers} is every such point; else why the solver
 *     could not finish the list (e.g. its timeout): the claim still holds, the list may be short
 */
public record VerifyResult(
    Claim claim,
    Result result,
    Flow witness,
    Verdict explanation,
    List<Blocker> blockers,
    SolverStats solver,
    String blockersIncomplete) {

  public VerifyResult {
    blockers = List.copyOf(blockers);
  }

  /** A result whose blocker list, if any, is complete. */
  public VerifyResult(
      Claim claim,
      Result result,
      Flow witness,
      Verdict explanation,
      List<Blocker> blockers,
      SolverStats solver) {
    this(claim, result, witness, explanation, blockers, solver, null);
  }

  public enum Claim {
    REACHABLE,
    ISOLATED;

    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Result {
    HOLDS,
    VIOLATED,
    UNKNOWN;

    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One point that stops traffic of the question, with a flow it stops (replayed); {@code forward}
   * when it is on a side of a host endpoint's forward chain (spec S6.11).
   */
  public record Blocker(
      Endpoint endpoint, Direction direction, Decision decidedBy, Flow example, boolean forward) {

    /** A blocker at an endpoint's own step. */
    public Blocker(Endpoint endpoint, Direction direction, Decision decidedBy, Flow example) {
      this(endpoint, direction, decidedBy, example, false);
    }
  }

  /**
   * {@code status} is sat, unsat or unknown; {@code reason} is Z3's reason for unknown, else null.
   */
  public record SolverStats(String status, long millis, String reason) {}
}
