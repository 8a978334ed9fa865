package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.List;

/**
 * A tier and its policies in evaluation order (specs/semantics.md S2.6, S7).
 *
 * @param order null means after every ordered tier
 * @param defaultAction {@link Action#DENY} or {@link Action#PASS}: the end-of-tier action
 * @param declared false when policies name the tier but no Tier resource exists ("invalid" tiers
 *     sort last and act as Deny)
 */
public record Tier(
    String name,
    Double order,
    Action defaultAction,
    boolean declared,
    Span span,
    List<Policy> policies) {

  /**
   * The tiers Calico creates itself in some release (spec S2.6, S2.11); {@code calicoctl get tier}
   * exports them.
   */
  public static final java.util.Set<String> BUILT_IN =
      java.util.Set.of(
          "kube-admin",
          "default",
          "kube-baseline",
          "adminnetworkpolicy",
          "baselineadminnetworkpolicy");

  public Tier {
    policies = List.copyOf(policies);
  }

  /** One of the tiers Calico creates itself, declared in the input or not. */
  public boolean builtIn() {
    return BUILT_IN.contains(name);
  }
}
