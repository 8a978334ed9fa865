/**
 * The executable spec: one concrete {@link dev.tierproof.model.Flow} → a {@link
 * dev.tierproof.eval.Verdict} with a trace per enforcement point.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet} and flows. Output: verdicts whose steps name
 * the deciding tier, policy and rule. Implements specs/semantics.md S3 (rule matching), S4 (one
 * endpoint and direction), S5 (flows across enforcement points) and S6 (host endpoints: failsafe
 * ports first, {@link dev.tierproof.model.Failsafe}, then the untracked, pre-DNAT and normal paths
 * of {@link dev.tierproof.model.HostPath}, S6.4, the normal one with their own profiles; an
 * untracked Allow decided with the reply its packet needs, S6.5; a node's traffic with its own
 * workloads, S6.12, walking only the workload's egress toward its host: {@code Hop.stepped}, after
 * its node's all-interfaces endpoint's pre-DNAT path: {@code LocalSteps}; the forward chains of a
 * node's host endpoints around a workload's step for its flows with the outside and with other
 * workloads, the all-interfaces endpoint's on the workload's side and the one governing the
 * interface the flow crosses on the other ({@link dev.tierproof.model.Ports}), each end's node's
 * chains in the packet's order, S6.7-S6.11, a workload naming no node walking the chain of the node
 * its flow places it on: {@code Evaluator.hops}, {@code forwarders}, {@code placements}). Every
 * answer the solver gives is replayed here before it is reported.
 *
 * <ul>
 *   <li>{@code Evaluator}: rule matching (S3) and the one walk of S4 ({@code walk}); {@code
 *       evaluate} is that walk at each step of a flow (S5), with a trace, a forward chain's sides
 *       included ({@code hops}, {@code forwardChain}, S6.10, S6.11);
 *   <li>{@code StepPath}: what a step holds before a packet arrives: the tiers entered with their
 *       applying policies (S4.1, S4.2), path after path (S6.4), and the endpoint's profiles (S4.6);
 *       or a side of a host endpoint's forward chain (S6.8);
 *   <li>{@code Trace}: the watcher that records what each policy of an entered tier did;
 *   <li>{@code Watcher}: told each rule the walk reaches and each policy it leaves; the trace and
 *       lint's walk ({@code analysis.lint.Steps}) are watchers;
 *   <li>{@code Verdict}, {@code Step}, {@code Decision}, {@code TraceEntry}, {@code Reply}: the
 *       answer, per step what decided it (and the reply an untracked Allow needed, S6.5) and what
 *       each policy of an entered tier did.
 * </ul>
 */
package dev.tierproof.eval;
