/**
 * The Z3 encoding of a policy set, and the solver session. The only package that imports {@code
 * com.microsoft.z3}.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet}; per question, the alternatives for each end
 * ({@link dev.tierproof.smt.Side}: input endpoints, hypothetical endpoints, outside addresses) and
 * packet bounds ({@link dev.tierproof.model.FlowSpec}). Output: {@link dev.tierproof.smt.Answer}s —
 * {@code sat} with a decoded {@link dev.tierproof.model.Flow} (to be replayed through {@code eval}
 * by the caller), {@code unsat}, or {@code unknown} with Z3's reason — for goals such as "some flow
 * is allowed" or "some step is decided by this point" ({@link dev.tierproof.smt.Point}).
 *
 * <p>Spec: specs/semantics.md S1.3 (selectors over symbolic labels), S3 (rule matching), S4 (one
 * endpoint and direction: tiers, Pass, tier defaults, profiles, no-profile deny), S5 (flows,
 * hypothetical endpoints), S6 (host endpoints: failsafes first, then the untracked, pre-DNAT and
 * normal paths, S6.4; the reply an untracked Allow needs, over the reversed packet, S6.5; the
 * forward chains of a node's host endpoints per interface choice, S6.7-S6.11), S6.12 (a node's
 * traffic with its own workloads; a local flow walks only the workload's egress toward its host).
 * {@code flow.node} places the source end when it is a workload naming no node, {@code
 * flow.dstNode} the destination end: elsewhere, on its host end's node (S6.12) or, for a flow with
 * outside, another workload or a host endpoint of another node, on a node whose forward chain is
 * walked (S6.10, S6.11); {@code flow.iface} and {@code flow.dstIface} the interface each end's
 * packets cross there (S6.10).
 *
 * <p>Encoding. A packet is a family, two 128-bit addresses (IPv4-mapped; IPv6 addresses outside the
 * mapped range), protocol 1-255, ports exactly for TCP/UDP/SCTP/UDPLite, ICMP type and code exactly
 * for ICMP/ICMPv6, and the class of its destination DNS name (names matter only through the input
 * patterns they match, so one representative per realizable class is exact). Each end chooses among
 * alternatives: groups of input (endpoint, address) pairs that no involved rule can tell apart —
 * evaluated concretely, so selectors over known labels are constants and address membership is a
 * choice, not a bit-vector search — or a symbolic address owned by no endpoint (hypothetical and
 * outside ends; ownership is refuted lazily, run by run). Per endpoint class and direction one
 * chain is compiled: the verdict back to front over tiers and rules, each rule match a named
 * Boolean shared by all classes; what each element takes, front to back, on demand. Every question
 * is "unsat iff the property holds".
 *
 * <p>Exact for every packet and input endpoint (checked differentially against {@code eval}).
 * Hypothetical endpoints: any labels the selectors can observe (values that are only compared for
 * equality range over the literals plus one other value; values tested with {@code contains},
 * {@code starts with}, {@code ends with} are Z3 strings), with their namespace's {@code pcns.*}
 * labels fixed (symbolic in a namespace the input does not mention, and for a new namespace when
 * the question names none), the automatic namespace/orchestrator labels fixed, any named ports
 * (TCP/UDP/SCTP, 1-65535; one per name is exact, since a flow only observes whether a name maps to
 * its own protocol and port), and an address no endpoint owns. Label values are not restricted to
 * Kubernetes syntax: that over-approximates the pods that could exist, never misses one.
 *
 * <p>Files, by verb (as Cedar's symbolic compiler: a compiler, a verifier, a decoder, each a file):
 *
 * <ul>
 *   <li>{@link dev.tierproof.smt.Network}: what every query of one policy set shares (packet
 *       variables {@link dev.tierproof.smt.FlowVars}, DNS name classes {@link
 *       dev.tierproof.smt.DomainClasses}, namespaces, the applying policies per endpoint class);
 *       {@link dev.tierproof.smt.SolverSession}: the one owner of Z3's context and solver.
 *   <li>{@link dev.tierproof.smt.Terms}: the term factory (folding {@code and}/{@code or}/{@code
 *       not}, {@code define} a named subformula).
 *   <li>The ends of a flow: {@link dev.tierproof.smt.EndLayout} groups a side's alternatives
 *       ({@link dev.tierproof.smt.Alternative}) by what the involved rules observe; {@link
 *       dev.tierproof.smt.EndEncoding} is the formulas over one layout (choice, address, membership
 *       in end sets, decoding the chosen endpoint); {@link dev.tierproof.smt.SymbolicLabels} is the
 *       one encoding of selectors over hypothetical endpoints' labels (S1.3), also behind {@link
 *       dev.tierproof.smt.Labels}. {@link dev.tierproof.smt.Outside} is the one type for addresses
 *       outside the cluster: a query side's alternative and an end set ({@link
 *       dev.tierproof.smt.EndSet}) alike.
 *   <li>{@link dev.tierproof.smt.RuleMatch}: rule matching (S3), one named Boolean per rule.
 *   <li>{@link dev.tierproof.smt.Chain}: the chain compiler (S4, S6.2, S6.4, S6.8): from one
 *       compilation of a step's evaluation order (or a side of a forward chain), its verdict, the
 *       deciding points, what each element takes, where each written rule is reached and whether
 *       removing it changes the verdict; {@link dev.tierproof.smt.Forwarding}: per node whose
 *       forward chain is walked, when a flow meets it and its two sides (S6.11); {@link
 *       dev.tierproof.smt.Masquerades}: nat-outgoing's settled translation of the source a host
 *       endpoint of another node sees (S6.10).
 *   <li>{@link dev.tierproof.smt.Query}: one question's scope, goals and solving (lazy refutation
 *       of owned addresses); {@link dev.tierproof.smt.Witness}, the decoder: which models are
 *       flows, what makes a witness read naturally, the {@link dev.tierproof.smt.Answer}. On top of
 *       the query: {@link dev.tierproof.smt.StepGoals} (lint's questions about one step's rules,
 *       over the chains' positions), {@link dev.tierproof.smt.Regions} (carve-outs of a claim) and
 *       {@link dev.tierproof.smt.DiffQuery} (two queries over shared variables).
 *   <li>{@link dev.tierproof.smt.DiffEncoding} encodes two policy sets over one inventory and
 *       bounds where verdicts can differ, from their structure ({@link
 *       dev.tierproof.smt.ChainChanges}); {@link dev.tierproof.smt.DiffQuery} holds both encodings
 *       over shared variables (both queries observe the same rules and selectors, so their ends are
 *       laid out alike; a difference is an internal error).
 * </ul>
 */
package dev.tierproof.smt;
