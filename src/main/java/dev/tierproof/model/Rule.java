package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.Arrays;
import java.util.List;

/**
 * One rule as Felix evaluates it (specs/semantics.md S3).
 *
 * @param index the 0-based index in the policy's {@code ingress}/{@code egress} list as written;
 *     several rules share it when one Kubernetes NetworkPolicy entry becomes several Calico rules
 * @param ipVersion 4, 6 or null
 * @param protocol the IP protocol number or null; {@code notProtocol} likewise
 * @param http true when the rule has an {@code http} match: enforced at L7 only, so L4 analysis
 *     over-approximates it as matching (S3.7)
 */
public record Rule(
    int index,
    Action action,
    Integer ipVersion,
    Integer protocol,
    Integer notProtocol,
    Icmp icmp,
    Icmp notIcmp,
    EntityMatch source,
    EntityMatch destination,
    boolean http,
    Span span) {

  /** The side that the rule's direction treats as the far end ({@code source} for ingress). */
  public EntityMatch side(boolean source) {
    return source ? this.source : destination;
  }

  /** The same rule with other sides. */
  public Rule withSides(EntityMatch newSource, EntityMatch newDestination) {
    return new Rule(
        index,
        action,
        ipVersion,
        protocol,
        notProtocol,
        icmp,
        notIcmp,
        newSource,
        newDestination,
        http,
        span);
  }

  /**
   * What the rule matches and does, without its index and place: equal for rules that behave alike
   * wherever they stand.
   */
  public List<Object> content() {
    return Arrays.asList(
        action, ipVersion, protocol, notProtocol, icmp, notIcmp, source, destination, http);
  }

  /** Rule {@code index} that allows everything, at no place. */
  public static Rule allowAll(int index) {
    return unconditional(index, Action.ALLOW, Span.NONE);
  }

  /** A rule that matches every packet (a converted rule that fails closed, spec S2.10). */
  public static Rule unconditional(int index, Action action, Span span) {
    return new Rule(
        index, action, null, null, null, null, null, EntityMatch.ANY, EntityMatch.ANY, false, span);
  }

  /** Rule 0 that allows everything (a Kubernetes namespace's profile, spec S2.8), at no place. */
  public static Rule allowAll() {
    return allowAll(0);
  }
}
