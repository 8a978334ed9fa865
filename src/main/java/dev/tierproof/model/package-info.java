/**
 * The model: what Calico enforces, as immutable records.
 *
 * <p>Input: built by {@code load} after Calico's own rewriting (specs/semantics.md S2: effective
 * policy selectors, KNP conversion, {@code types} defaulting, effective endpoint labels; composed
 * rule selectors S3.8). Output: a {@link dev.tierproof.model.PolicySet} whose tiers and policies
 * are already in evaluation order (S7), and {@link dev.tierproof.model.Flow}, one concrete packet
 * between two ends. Besides: {@link dev.tierproof.model.Scope}, the endpoints an analysis
 * quantifies over; {@link dev.tierproof.model.Input}, what the loader read (with its {@link
 * dev.tierproof.model.ServiceInput}s, the Services, EndpointSlices and Endpoints as read); {@link
 * dev.tierproof.model.Site}, which policy paths a step walks (S6.4, S6.6); {@link
 * dev.tierproof.model.Ports}, which host endpoint governs each interface a node's forwarded packets
 * may cross (S6.9, S6.10), and {@link dev.tierproof.model.Placement}, where a flow puts its ends
 * and which interfaces they cross (S6.10-S6.12); {@link dev.tierproof.model.InvariantSet}, an
 * invariant file as written, before {@code analysis} resolves it. Nothing here evaluates policy;
 * {@code eval} and {@code smt} do.
 */
package dev.tierproof.model;
