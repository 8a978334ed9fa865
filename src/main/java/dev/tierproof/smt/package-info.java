/**
 * The Z3 encoding of a policy set, and the solver session. The only package that imports {@code
 * com.microsoft.z3}.
 *
 * <p>Input: a {@link dev.tierproof.model.PolicySet}; per question, the alternatives for each end
 * ({@link dev.tierproof.smt.Side}: input endpoints, hypothetical endpoints, outside addresses) and
 * packet bounds ({@link dev.tierproof.smt.FlowBounds}). Output: {@link dev.tierproof.smt.Answer}s
 * — {@code sat} with a decoded {@link dev.tierproof.model.Flow} (to be replayed through {@code
 * eval} by the caller), {@code unsat}, or {@code unknown} with Z3's reason — for goals such as
 * "some flow is allowed" or "some step is decided by this point" ({@link dev.tierproof.smt.Point}).
 *
 * <p>Spec: specs/semantics.md S1.3 (selectors over symbolic labels), S3 (rule matching), S4 (one
 * endpoint and direction: tiers, Pass, tier defaults, profiles, no-profile deny), S5 (flows,
 * hypothetical endpoints), S6 (host endpoints: failsafes first).
 *
 * <p>Encoding. A packet is a family, two 128-bit addresses (IPv4-mapped; IPv6 addresses outside
 * the mapped range), protocol 1-255, ports exactly for TCP/UDP/SCTP/UDPLite, ICMP type and code
 * exactly for ICMP/ICMPv6, and the class of its destination DNS name (names matter only through
 * the input patterns they match, so one representative per realizable class is exact). Each end
 * chooses among alternatives: groups of input (endpoint, address) pairs that no involved rule can
 * tell apart — evaluated concretely, so selectors over known labels are constants and address
 * membership is a choice, not a bit-vector search — or a symbolic address owned by no endpoint
 * (hypothetical and outside ends; ownership is refuted lazily, run by run). Per endpoint class and
 * direction the verdict is one formula built back to front over tiers and rules, each rule match a
 * named Boolean shared by all classes; "decided by" formulas are built front to back on demand.
 * Every question is "unsat iff the property holds".
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
 * <p>Regions of flows ({@link dev.tierproof.smt.Region}: end sets {@link dev.tierproof.smt.EndSet}
 * and packet bounds) are tested inside a query (carve-outs of a claim, {@link
 * dev.tierproof.smt.Regions}). {@link dev.tierproof.smt.DiffEncoding} encodes two policy sets over
 * one inventory and bounds, from their structure, where verdicts can differ; {@link
 * dev.tierproof.smt.DiffQuery} holds both encodings over shared variables (both queries observe
 * the same rules and selectors, so their ends are laid out alike; a difference is an internal
 * error).
 */
package dev.tierproof.smt;
