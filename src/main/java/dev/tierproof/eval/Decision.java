package dev.tierproof.eval;

import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;

/**
 * What decided a step (design.md "explain JSON", {@code decidedBy}).
 *
 * <ul>
 *   <li>{@code RULE}: an Allow or Deny rule of {@code policy} in {@code tier} matched;
 *   <li>{@code TIER_DEFAULT}: {@code tier} was entered, nothing matched or passed, and its default
 *       action denied; {@code policy} is the last policy of the tier that applied;
 *   <li>{@code PROFILE}: no tier decided and {@code profile} did ({@code rule} is its rule);
 *   <li>{@code NO_PROFILE}: nothing decided and no profile allowed: denied;
 *   <li>{@code FAILSAFE}: a host endpoint's failsafe port allowed before any policy.
 * </ul>
 */
public record Decision(Kind kind, Tier tier, Policy policy, Rule rule, Profile profile) {

  /**
   * The step's verdict when this decided it: an Allow rule (of a policy or profile) or a failsafe
   * port.
   */
  public boolean allows() {
    return kind == Kind.FAILSAFE
        || ((kind == Kind.RULE || kind == Kind.PROFILE)
            && rule.action() == dev.tierproof.model.Action.ALLOW);
  }

  public enum Kind {
    RULE("rule"),
    TIER_DEFAULT("tier-default"),
    PROFILE("profile"),
    NO_PROFILE("no-profile"),
    FAILSAFE("failsafe");

    private final String json;

    Kind(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }
}
