/**
 * Rule hygiene ({@code tierproof lint}, issue #4): which rules can never fire and why.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet} and a scope (the input's endpoints, or any
 * endpoint that could exist). Output: typed {@link dev.tierproof.analysis.lint.Finding}s with
 * stable ids — TP101 unmatchable rule, TP102 shadowed rule (with the smallest covering set of
 * earlier elements; an error when they act differently), TP103 redundant rule, TP104 dead policy,
 * TP105 dead tier, TP106 rules for a direction the policy does not govern, TP201-TP205 surprises (a
 * Pass that falls through to an allowing profile, Log-only policies whose tier then denies,
 * GlobalNetworkPolicies that also select host endpoints, staged policies that would change
 * verdicts, {@code notSelector}/{@code notNets}-only sides matching outside traffic), TP206-TP207
 * (admin policies of equal priority that overlap; a catch-all {@code notNets}) and TP900
 * inconclusive (the solver could not decide; never reported as a finding).
 *
 * <p>How (design.md §3, "cheap concrete work first"): endpoints are grouped into classes; packets
 * sampled from each rule's own fields ({@code Samples}) are followed along the concrete chains
 * ({@code Steps}: eval's one walk, {@link dev.tierproof.eval.Evaluator#walk}, watched) — that
 * proves most rules live and most live rules non-redundant without the solver. A rule's steps are
 * its endpoints' own and, for {@code preDNAT} and {@code applyOnForward} policies, the sides of
 * walked nodes' forward chains (spec S6.11, {@code Steps.ForwardSide}, met by flows between a
 * workload on the node and outside or another workload); a finding holds at every step it is on.
 * What sampling leaves open ({@code Pending}) is asked of Z3 per namespace and direction ({@code
 * SolverPhase}, on {@link dev.tierproof.smt.StepGoals}); the far ends are reduced to the input
 * endpoints the rules can tell apart ({@code Peers}), and earlier rules whose footprint is disjoint
 * from a rule's ({@code Footprint}) are not asked about.
 *
 * <p>Files: {@code Lint} (selection and sampling, the entry point), {@code Phase} (what the phases
 * share: input, scope, eval's walk, samples, peers, examples, the findings), {@code SolverPhase},
 * {@code Unmatchable} (the cause of an unmatchable rule), {@code Surprises} (TP201-TP205), {@code
 * EqualPriorities} (TP206), {@code Examples} (every example replayed through {@link
 * dev.tierproof.eval.Evaluator}; hypothetical endpoints' assumed profiles come from {@link
 * dev.tierproof.eval.Evaluator#assuming}), {@code Finding}, {@code Kind} (each finding type's id,
 * name, default severity and help: one table), {@code RuleRef}, {@code Example}, {@code
 * Suppressions}.
 *
 * <p>Spec: specs/semantics.md S2.1-S2.5 (selection, staged policies), S3 (rule matching), S4 (one
 * step: tiers, Pass, tier defaults, profiles), S5.3 (hypothetical endpoints), S6 (host endpoints;
 * S6.11 forward chains).
 */
package dev.tierproof.analysis.lint;
