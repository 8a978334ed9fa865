/**
 * The questions: reachability and isolation (and, with later work, rule hygiene, semantic diff,
 * invariants and connectivity) over all flows and endpoints in scope.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet}, resolved ends ({@link
 * dev.tierproof.analysis.End}) and flow restrictions ({@link dev.tierproof.analysis.FlowSpec}).
 * Output: typed results ({@link dev.tierproof.analysis.VerifyResult}; for invariants {@link
 * dev.tierproof.analysis.Check} → {@link dev.tierproof.analysis.CheckResult}; for two policy sets
 * {@link dev.tierproof.analysis.Diff} → {@link dev.tierproof.analysis.DiffResult}, classes of
 * changed flows, each proved uniform, and a proof that no other flow changed) whose every witness was
 * decoded from a Z3 model into a concrete flow and replayed through {@code eval}: a disagreement
 * is an internal error, never an answer. A solver {@code unknown} is reported as such, never as a
 * proof. Implements specs/semantics.md S5 (flows and hypothetical endpoints); {@link
 * dev.tierproof.analysis.Relevance} decides which unmodelled elements could change an answer (S9.3).
 */
package dev.tierproof.analysis;
