package dev.tierproof.eval;

import dev.tierproof.eval.TraceEntry.Outcome;
import dev.tierproof.model.Profile;

/**
 * What one profile did for a step that no tier decided (spec S4.6): its first matching rule, in the
 * endpoint's profile order, up to the profile that decided (all of them when none did).
 *
 * @param outcome {@code NO_MATCH} (the walk goes on to the next profile), {@code ALLOW}, {@code
 *     DENY}, or {@code PASS} (on Felix's rule renderer it goes on to the next profile, {@link
 *     dev.tierproof.model.PolicySet#profilePassGoesOn}; elsewhere it denies)
 * @param ruleIndex the written index of the rule that matched, null for {@code NO_MATCH}
 */
public record ProfileEntry(Profile profile, Outcome outcome, Integer ruleIndex) {}
