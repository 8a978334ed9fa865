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
 * hypothetical endpoints), S6 (host endpoints: failsafes first). The encoding is exact for every
 * packet: a family, 128-bit addresses (IPv4-mapped), protocol 1-255, ports exactly for TCP, UDP,
 * SCTP and UDPLite, ICMP type and code exactly for ICMP and ICMPv6, and a destination DNS name
 * (represented by the class of input patterns it matches). Hypothetical endpoints have the labels
 * of their namespace (or, in a namespace the input lacks, unconstrained {@code pcns.*} labels) and
 * otherwise any labels and any named ports (one per name, TCP/UDP/SCTP, port 1-65535).
 */
package dev.tierproof.smt;
