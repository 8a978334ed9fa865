package dev.tierproof.analysis;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Span;
import java.util.List;

/**
 * The outcome of one invariant.
 *
 * @param summary one sentence: what was proved, or what breaks the invariant
 * @param witness a flow that shows the result, replayed through eval ({@code explanation}): the
 *     allowed flow that breaks an isolation, the denied flow that breaks a reachability, the flow a
 *     probe is about; for {@code no-new-reachability} the newly allowed flow ({@code before} is the
 *     base's verdict); else null
 * @param uncovered for a violated {@code covered}: the endpoint and direction no policy selects
 * @param findings for {@code no-findings}: the lint findings, as {@code id name at file:line}
 * @param unmodelled the unmodelled elements that could change the result (S9.3); empty when they
 *     are ignored
 * @param solver the solver's status ({@code sat}, {@code unsat}, {@code unknown} or {@code none}
 *     when no solver was needed), with Z3's reason for unknown
 */
public record CheckResult(
    Invariant invariant,
    Status status,
    String summary,
    Flow witness,
    Verdict explanation,
    Verdict before,
    Uncovered uncovered,
    List<Finding> findings,
    String solver,
    String reason,
    long millis,
    List<Unmodelled> unmodelled) {

  public CheckResult {
    findings = List.copyOf(findings);
    unmodelled = List.copyOf(unmodelled);
  }

  /**
   * This result with the unmodelled elements that could change it (specs/semantics.md S9.4): a
   * proof or a violation they could change is inconclusive, unless {@code ignoring} (then the
   * result stands and does not name them).
   */
  public CheckResult unmodelled(List<Unmodelled> elements, boolean ignoring) {
    boolean open =
        !ignoring && !elements.isEmpty() && (status == Status.PROVEN || status == Status.VIOLATED);
    String said =
        open
            ? "not proved: the input holds what tierproof does not model, and it could change this (ignoring it: "
                + status.json()
                + ", "
                + summary
                + ")"
            : summary;
    return with(
        open ? Status.INCONCLUSIVE : status,
        said,
        witness,
        explanation,
        ignoring ? List.of() : elements);
  }

  /** This result shown by witness {@code w} instead, its replay {@code explanation}. */
  public CheckResult witnessed(Flow w, Verdict explanation) {
    return with(status, summary, w, explanation, unmodelled);
  }

  /** The one copy of this record, the fields given changed. */
  private CheckResult with(
      Status status, String summary, Flow witness, Verdict explanation, List<Unmodelled> elements) {
    return new CheckResult(
        invariant,
        status,
        summary,
        witness,
        explanation,
        before,
        uncovered,
        findings,
        solver,
        reason,
        millis,
        elements);
  }

  public enum Status {
    PROVEN,
    VIOLATED,
    INCONCLUSIVE,
    ERROR;

    /** {@code proven}, {@code violated}, {@code inconclusive}, {@code error}. */
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** An endpoint (existing or hypothetical) no enforced policy selects for {@code direction}. */
  public record Uncovered(Endpoint endpoint, Direction direction) {}

  /** A lint finding as an invariant reports it. */
  public record Finding(String id, String name, String severity, Span location, String message) {}

  /**
   * The decision that matters for the result: for an allowed witness the last step's (what let it
   * through at the end), for a denied one the denying step's; null without a witness.
   */
  public Decision decidedBy() {
    Step s = deciding();
    return s == null ? null : s.decidedBy();
  }

  /** The direction of {@link #decidedBy}'s step. */
  public Direction decidedAt() {
    Step s = deciding();
    return s == null ? null : s.direction();
  }

  private Step deciding() {
    if (explanation == null || explanation.steps().isEmpty()) {
      return null;
    }
    List<Step> steps = explanation.steps();
    if (explanation.allowed()) {
      return steps.get(steps.size() - 1);
    }
    return steps.stream().filter(s -> !s.allowed()).findFirst().orElseThrow();
  }
}
