/**
 * The model: what Calico enforces, as immutable records.
 *
 * <p>Input: built by {@code load} after Calico's own rewriting (calico-semantics.md §2: effective
 * policy selectors, KNP conversion, {@code types} defaulting, composed rule selectors §3.3,
 * effective endpoint labels §2.7). Output: a {@link dev.tierproof.model.PolicySet} whose tiers and
 * policies are already in evaluation order (§5.2), and {@link dev.tierproof.model.Flow}, one
 * concrete packet between two ends. Nothing here evaluates policy; {@code eval} and {@code smt} do.
 */
package dev.tierproof.model;
