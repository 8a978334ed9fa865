package dev.tierproof.eval;

import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Tier;

/**
 * What one policy of an entered tier did for a step.
 *
 * @param ruleIndex the written index of the rule that matched (for ALLOW, DENY, PASS), else null
 * @param path the path of the step the tier was entered on (spec S6.4)
 */
public record TraceEntry(
    Tier tier, Policy policy, Outcome outcome, Integer ruleIndex, HostPath path) {

  public enum Outcome {
    /** The policy does not select the endpoint, or does not govern the direction. */
    NOT_SELECTED("not-selected"),
    /** Staged: never enforced (spec S2.5). */
    STAGED("staged"),
    /** Applies, but none of its rules matched (Log rules are not terminal). */
    NO_MATCH("no-match"),
    ALLOW("allow"),
    DENY("deny"),
    PASS("pass");

    private final String json;

    Outcome(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }
}
