package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;

/**
 * A deciding point of one enforcement step, the solver's counterpart of eval's {@code Decision}.
 *
 * @param tier the tier name for {@code RULE} and {@code TIER_DEFAULT}, else null
 * @param policy the policy of a {@code RULE}; for {@code TIER_DEFAULT} the last policy of the tier
 *     that applied; else null
 * @param ruleIndex the rule's written index for {@code RULE} and {@code PROFILE}, and for {@code
 *     NO_PROFILE} after a profile's Pass went on past the last profile (spec S4.6) that Pass's;
 *     else null
 * @param profile the profile name for {@code PROFILE} and the passing profile of such a {@code
 *     NO_PROFILE}, else null
 * @param reply for an untracked Allow rule whose packet needs a reply (spec S6.5), the point that
 *     decided the reply's step (in the other direction); else null
 */
public record Point(
    Direction direction,
    Kind kind,
    String tier,
    Policy policy,
    Integer ruleIndex,
    String profile,
    Point reply) {

  public Point(
      Direction direction,
      Kind kind,
      String tier,
      Policy policy,
      Integer ruleIndex,
      String profile) {
    this(direction, kind, tier, policy, ruleIndex, profile, null);
  }

  /** The same point, its packet's reply decided by {@code r}. */
  public Point withReply(Point r) {
    return new Point(direction, kind, tier, policy, ruleIndex, profile, r);
  }

  /** The same point without its reply. */
  Point alone() {
    return reply == null ? this : withReply(null);
  }

  public enum Kind {
    RULE,
    TIER_DEFAULT,
    PROFILE,
    NO_PROFILE,
    FAILSAFE,
    INVALID,
    OWN_NODE,
    FORWARDED
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

  /** No profile allowed after {@code profile}'s rule {@code index} passed (spec S4.6). */
  static Point noProfile(Direction d, String profile, int index) {
    return new Point(d, Kind.NO_PROFILE, null, null, index, profile);
  }

  static Point failsafe(Direction d) {
    return new Point(d, Kind.FAILSAFE, null, null, null, null);
  }

  /** A step a local flow does not walk (spec S6.12). */
  static Point ownNode(Direction d) {
    return new Point(d, Kind.OWN_NODE, null, null, null, null);
  }

  /** Nothing on a host endpoint's forward chain dropped the packet (spec S6.8). */
  static Point forwarded(Direction d) {
    return new Point(d, Kind.FORWARDED, null, null, null, null);
  }

  /** A reply conntrack drops as {@code INVALID} (spec S6.5). */
  static Point invalid(Direction d) {
    return new Point(d, Kind.INVALID, null, null, null, null);
  }
}
