package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;

/**
 * A deciding point of one enforcement step, the solver's counterpart of eval's {@code Decision}.
 *
 * @param tier the tier name for {@code RULE} and {@code TIER_DEFAULT}, else null
 * @param policy the policy of a {@code RULE}; for {@code TIER_DEFAULT} the last policy of the tier
 *     that applied; else null
 * @param ruleIndex the rule's written index for {@code RULE} and {@code PROFILE}, else null
 * @param profile the profile name for {@code PROFILE}, else null
 */
public record Point(
    Direction direction, Kind kind, String tier, Policy policy, Integer ruleIndex, String profile) {

  public enum Kind {
    RULE,
    TIER_DEFAULT,
    PROFILE,
    NO_PROFILE,
    FAILSAFE
  }

  static Point rule(Direction d, String tier, Policy p, int index) {
    return new Point(d, Kind.RULE, tier, p, index, null);
  }

  static Point tierDefault(Direction d, String tier, Policy last) {
    return new Point(d, Kind.TIER_DEFAULT, tier, last, null, null);
  }

  static Point profile(Direction d, String profile, int index) {
    return new Point(d, Kind.PROFILE, null, null, index, profile);
  }

  static Point noProfile(Direction d) {
    return new Point(d, Kind.NO_PROFILE, null, null, null, null);
  }

  static Point failsafe(Direction d) {
    return new Point(d, Kind.FAILSAFE, null, null, null, null);
  }
}
