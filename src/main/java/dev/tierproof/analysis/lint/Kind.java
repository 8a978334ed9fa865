package dev.tierproof.analysis.lint;

import dev.tierproof.source.Severity;
import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of lint findings: the stable id and name that reports, suppressions and the
 * configuration use, and the help text that SARIF and the README show.
 */
public enum Kind {
  UNMATCHABLE_RULE(
      "TP101",
      "unmatchable-rule",
      Severity.WARNING,
      "No packet can match this rule at the endpoints its policy selects: its criteria contradict"
          + " each other or match no endpoint. Fix or remove the rule."),
  SHADOWED_RULE(
      "TP102",
      "shadowed-rule",
      Severity.WARNING,
      "The rule can match packets, but on every path earlier rules (of its policy, of earlier"
          + " policies of its tier, a Pass, or earlier tiers) decide first, so it never fires. As an error,"
          + " an earlier rule decides differently: the author probably meant this rule to apply."),
  REDUNDANT_RULE(
      "TP103",
      "redundant-rule",
      Severity.NOTE,
      "The rule fires, but removing it changes no verdict of any flow at any endpoint:"
          + " what follows it decides the same."),
  DEAD_POLICY(
      "TP104",
      "dead-policy",
      Severity.WARNING,
      "The policy selects no endpoint in scope, or none of its rules is in a direction it governs."),
  DEAD_TIER(
      "TP105",
      "dead-tier",
      Severity.WARNING,
      "No policy of the tier can select an endpoint in scope."),
  DIRECTION_NOT_GOVERNED(
      "TP106",
      "direction-not-governed",
      Severity.WARNING,
      "The policy has rules for a direction its `types` do not include; they never apply."),
  PASS_TO_PROFILE(
      "TP201",
      "pass-to-profile",
      Severity.NOTE,
      "Traffic this Pass rule passes reaches no later tier that decides and is allowed by the"
          + " endpoint's profile (Kubernetes namespaces allow all): Pass is not Deny."),
  LOG_ONLY_POLICY_DENIES(
      "TP202",
      "log-only-policy-denies",
      Severity.WARNING,
      "The policy has only Log rules in this direction, yet selecting an endpoint enters the tier,"
          + " whose implicit deny then drops what was logged."),
  GNP_SELECTS_HOST_ENDPOINTS(
      "TP203",
      "gnp-selects-host-endpoints",
      Severity.WARNING,
      "A GlobalNetworkPolicy without namespaceSelector (or with selector all()) also selects"
          + " host endpoints, which then lose the traffic it does not allow."),
  STAGED_POLICY_CHANGES_VERDICTS(
      "TP204",
      "staged-policy-changes-verdicts",
      Severity.WARNING,
      "Enforcing this staged policy would change verdicts."),
  NEGATION_MATCHES_OUTSIDE(
      "TP205",
      "negation-matches-outside",
      Severity.WARNING,
      "A rule side with only notSelector or notNets also matches addresses outside the cluster."),
  EQUAL_PRIORITY_OVERLAP(
      "TP206",
      "equal-priority-overlap",
      Severity.WARNING,
      "Two ClusterNetworkPolicies (or AdminNetworkPolicies) of one tier have the same priority and"
          + " both match this flow: the standard leaves which one applies undefined (Calico breaks"
          + " the tie by name). Give them different priorities."),
  CATCH_ALL_NOT_NETS(
      "TP207",
      "catch-all-not-nets",
      Severity.WARNING,
      "`0.0.0.0/0` or `::/0` in `notNets` makes the rule match no address of that family; Calico 3.31"
          + " and later reject the policy. Remove the entry or the rule."),
  INCONCLUSIVE(
      "TP900",
      "inconclusive",
      Severity.WARNING,
      "The solver could not decide this question (e.g. timeout); nothing is claimed about it.");

  private final String id;
  private final String ruleName;
  private final Severity severity;
  private final String help;

  Kind(String id, String ruleName, Severity severity, String help) {
    this.id = id;
    this.ruleName = ruleName;
    this.severity = severity;
    this.help = help;
  }

  /** {@code TP101}, ... */
  public String id() {
    return id;
  }

  /** {@code unmatchable-rule}, ... */
  public String ruleName() {
    return ruleName;
  }

  /** The severity its findings have unless configured otherwise. */
  public Severity severity() {
    return severity;
  }

  /** What a finding of this kind means. */
  public String help() {
    return help;
  }

  /** The kind with this id or name. */
  public static Optional<Kind> of(String idOrName) {
    return Arrays.stream(values())
        .filter(k -> k.id.equals(idOrName) || k.ruleName.equals(idOrName))
        .findFirst();
  }
}
