/**
 * The executable spec: one concrete {@link dev.tierproof.model.Flow} → a {@link
 * dev.tierproof.eval.Verdict} with a trace per enforcement point.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet} and flows. Output: verdicts whose steps name
 * the deciding tier, policy and rule. Implements specs/semantics.md S3 (rule matching, from
 * calico-semantics.md §3.2), S4 (one endpoint and direction, §5.1), S5 (flows across enforcement
 * points, §5.4) and S6 (host endpoints on the normal path: failsafes, profiles, default deny,
 * §2.8, §5.5). Every answer the solver gives is replayed here before it is reported.
 */
package dev.tierproof.eval;
