package dev.tierproof.eval;

import dev.tierproof.model.HostPath;
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
 *   <li>{@code NO_PROFILE}: nothing decided and no profile allowed: denied (Felix's "drop if no
 *       profiles matched"); {@code rule} and {@code profile}: the last profile rule whose Pass went
 *       on to the next profile ({@link dev.tierproof.model.PolicySet#profilePassGoesOn}), else
 *       null;
 *   <li>{@code FAILSAFE}: a host endpoint's failsafe port allowed before any policy;
 *   <li>{@code INVALID}: only for a reply (spec S6.5): conntrack sees no connection for it (a TCP,
 *       SCTP or ICMP echo reply that no untracked Allow let through) and Felix drops it before
 *       pre-DNAT and normal policy;
 *   <li>{@code OWN_NODE}: the flow is between a host endpoint and a workload on its node (spec
 *       S6.12), and Felix polices none of it at this end: a host's packets to its own workload (at
 *       either end), the host's side of a workload's packets to its own host (Felix's {@code
 *       DefaultEndpointToHostAction}, Accept), or an ICMPv6 host-discovery message there. Allows;
 *   <li>{@code FORWARDED}: only on a host endpoint's forward chain (spec S6.8): nothing there
 *       dropped the packet (no tier entered, or every entered tier passed), so Calico does not drop
 *       it. Allows.
 * </ul>
 *
 * @param reply for an untracked Allow rule whose packet needs a reply (spec S6.5), that reply and
 *     its step; else null
 * @param path for {@code RULE} and {@code TIER_DEFAULT}, the path of the tier that decided (spec
 *     S6.4, S6.8: an {@code applyOnForward} policy decides on the normal or the forward path); else
 *     null
 */
public record Decision(
    Kind kind, Tier tier, Policy policy, Rule rule, Profile profile, Reply reply, HostPath path) {

  /** A decision that needs no reply, on its policy's own path ({@link HostPath#of(Policy)}). */
  public Decision(Kind kind, Tier tier, Policy policy, Rule rule, Profile profile) {
    this(kind, tier, policy, rule, profile, null, policy == null ? null : HostPath.of(policy));
  }

  /** A decision of a rule or tier default of {@code tier} on {@code path}. */
  static Decision on(HostPath path, Kind kind, Tier tier, Policy policy, Rule rule) {
    return new Decision(kind, tier, policy, rule, null, null, path);
  }

  /** A decision that is not a policy's: {@code kind} alone. */
  public static Decision of(Kind kind) {
    return new Decision(kind, null, null, null, null);
  }

  /**
   * The step's verdict when this decided it: an Allow rule (of a policy or profile) whose reply, if
   * it needs one, is allowed (spec S6.5), or a failsafe port.
   */
  public boolean allows() {
    return kind == Kind.FAILSAFE
        || kind == Kind.OWN_NODE
        || kind == Kind.FORWARDED
        || ((kind == Kind.RULE || kind == Kind.PROFILE)
            && rule.action() == dev.tierproof.model.Action.ALLOW
            && (reply == null || reply.step().allowed()));
  }

  /** The same decision, with the reply it needed. */
  Decision with(Reply r) {
    return new Decision(kind, tier, policy, rule, profile, r, path);
  }

  public enum Kind {
    RULE("rule"),
    TIER_DEFAULT("tier-default"),
    PROFILE("profile"),
    NO_PROFILE("no-profile"),
    FAILSAFE("failsafe"),
    INVALID("conntrack-invalid"),
    OWN_NODE("own-node"),
    FORWARDED("forwarded");

    private final String json;

    Kind(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }
}
