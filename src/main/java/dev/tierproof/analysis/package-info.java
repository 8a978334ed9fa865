/**
 * The questions: reachability and isolation, invariants, semantic diff (and, in {@code
 * analysis.lint}, rule hygiene) over all flows and endpoints in scope.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet}, resolved ends ({@link
 * dev.tierproof.analysis.End}) and flow restrictions ({@link dev.tierproof.model.FlowSpec}).
 * Output: typed results whose every witness was decoded from a Z3 model into a concrete flow and
 * replayed through {@code eval} by the one confirmer, {@link dev.tierproof.analysis.Replay}: a
 * disagreement is an internal error, never an answer. A solver {@code unknown} is reported as such,
 * never as a proof. Implements specs/semantics.md S5 (flows and hypothetical endpoints) and S9.3
 * (which unmodelled elements could change an answer).
 *
 * <ul>
 *   <li>{@code Reachability} → {@code VerifyResult}: reachable and isolated, witnesses and
 *       blockers;
 *   <li>{@code Check} → {@code CheckResult}: invariants ({@code Invariant}), one encoding per run;
 *   <li>{@code Diff} → {@code DiffResult}: classes of changed flows, each proved uniform, and a
 *       proof that no other flow changed. {@code Diff} runs the search over the scopes; {@code
 *       Generalizer} grows one witness into a class ({@code Candidate}: two end sets and a {@code
 *       FlowSpec}), {@code WidenEnds} and {@code WidenPackets} widen its dimensions, over what the
 *       policies mention ({@code Mentions}); {@code Inventory} lists what the inputs add, remove or
 *       modify (rules as written, and the Services, EndpointSlices and Endpoints of named
 *       services);
 *   <li>{@code Replay}: the confirmer (verdict, deciding points, ends, two versions) and the
 *       evaluators of the set with a hypothetical endpoint's assumed profiles;
 *   <li>{@code References}: endpoint references resolved to ends, and {@code explain}'s one flow;
 *   <li>{@code Relevance}, {@code Caveat}: which unmodelled elements could change an answer;
 *   <li>{@code End}, {@code Scope}, {@code FlowSpec}: the questions' ends (an endpoint, a
 *       hypothetical one, or {@code End.Addresses}: {@code world}, a range, a domain), scope and
 *       packets; invariants hold {@code FlowSpec}s as their files do.
 * </ul>
 */
package dev.tierproof.analysis;
