package dev.tierproof.analysis.lint;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Tier;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Map;

/**
 * One lint finding: typed, with a stable id and name, a severity and a location (design.md §5.5: a
 * dead rule is blocked by named earlier elements or unmatchable on its own, never a bare boolean).
 * Every finding holds for every flow in the scope it was computed for; what it claims to exist
 * comes with an {@link Example} replayed through eval.
 */
public sealed interface Finding {

  /** The kind of each finding type. */
  Map<Class<? extends Finding>, Kind> KINDS =
      Map.ofEntries(
          Map.entry(UnmatchableRule.class, Kind.UNMATCHABLE_RULE),
          Map.entry(ShadowedRule.class, Kind.SHADOWED_RULE),
          Map.entry(RedundantRule.class, Kind.REDUNDANT_RULE),
          Map.entry(DeadPolicy.class, Kind.DEAD_POLICY),
          Map.entry(DeadTier.class, Kind.DEAD_TIER),
          Map.entry(DirectionNotGoverned.class, Kind.DIRECTION_NOT_GOVERNED),
          Map.entry(PassToProfile.class, Kind.PASS_TO_PROFILE),
          Map.entry(LogOnlyDenies.class, Kind.LOG_ONLY_POLICY_DENIES),
          Map.entry(GnpSelectsHosts.class, Kind.GNP_SELECTS_HOST_ENDPOINTS),
          Map.entry(StagedWouldChange.class, Kind.STAGED_POLICY_CHANGES_VERDICTS),
          Map.entry(NegationMatchesOutside.class, Kind.NEGATION_MATCHES_OUTSIDE),
          Map.entry(EqualPriorityOverlap.class, Kind.EQUAL_PRIORITY_OVERLAP),
          Map.entry(CatchAllNotNets.class, Kind.CATCH_ALL_NOT_NETS),
          Map.entry(Inconclusive.class, Kind.INCONCLUSIVE));

  /** What kind of finding it is: its id, name, severity and help text. */
  default Kind kind() {
    return KINDS.get(getClass());
  }

  /** {@code TP101}, ... */
  default String id() {
    return kind().id();
  }

  /** {@code unmatchable-rule}, ... */
  default String name() {
    return kind().ruleName();
  }

  /** Its kind's severity (a shadowed rule that conflicts is an error). */
  default Severity severity() {
    return kind().severity();
  }

  /** Where it is written: the rule, else the policy, else the tier; may be unknown. */
  default Span location() {
    RuleRef r = rule();
    if (r != null) {
      return r.span();
    }
    Policy p = policy();
    return p != null ? p.span() : Span.NONE;
  }

  /** The rule the finding is about, or null. */
  default RuleRef rule() {
    return null;
  }

  /** The policy the finding is about (a rule's policy), or null. */
  default Policy policy() {
    RuleRef r = rule();
    return r == null ? null : r.policy();
  }

  /** The tier the finding is about (a rule's tier), or null. */
  default Tier tier() {
    RuleRef r = rule();
    return r == null ? null : r.tier();
  }

  /** TP101: no packet matches the rule at the endpoints its policy selects. */
  record UnmatchableRule(RuleRef rule, Cause cause, String detail) implements Finding {
    public enum Cause {
      /** every {@code nets} CIDR of a side lies inside its {@code notNets} */
      NETS_EXCLUDED,
      /**
       * {@code protocol} equals {@code notProtocol}, or {@code icmp} and {@code notICMP} exclude
       * each other
       */
      PROTOCOL,
      /** every port of {@code ports} is in {@code notPorts} */
      PORTS_EXCLUDED,
      /** a side's selector matches no endpoint or network set */
      SELECTOR,
      /** no endpoint the side can match declares the named port */
      NAMED_PORT,
      /** the side at the policy's own endpoints excludes every endpoint the policy selects */
      OWN_ENDPOINTS,
      /**
       * an untracked policy whose host endpoints are all of all interfaces, where Felix ignores
       * untracked policy (spec S6.6)
       */
      ALL_INTERFACES,
      /** the criteria together exclude every packet (proved by the solver) */
      COMBINATION
    }
  }

  /**
   * An element that takes packets before a shadowed rule: a rule (with its action), a tier's
   * implicit deny, or host endpoint failsafe ports; {@code example} is a packet the shadowed rule
   * matches and this element takes.
   */
  record Cover(RuleRef rule, Tier tierDefault, boolean failsafe, Example example) {
    /** The verdict-relevant action: Allow, Deny (tier default), Pass, or Allow for failsafe. */
    public dev.tierproof.model.Action action() {
      if (rule != null) {
        return rule.action();
      }
      return failsafe ? dev.tierproof.model.Action.ALLOW : dev.tierproof.model.Action.DENY;
    }

    public Span location() {
      if (rule != null) {
        return rule.span();
      }
      return tierDefault != null ? tierDefault.span() : Span.NONE;
    }
  }

  /** TP102: the rule matches packets but earlier elements always take them first. */
  record ShadowedRule(RuleRef rule, List<Cover> coveredBy, boolean conflict, Example example)
      implements Finding {
    public ShadowedRule {
      coveredBy = List.copyOf(coveredBy);
    }

    @Override
    public Severity severity() {
      return conflict ? Severity.ERROR : Severity.WARNING;
    }
  }

  /** TP103: the rule fires, but removing it changes no verdict. */
  record RedundantRule(RuleRef rule, Example example) implements Finding {}

  /**
   * TP104: the policy selects nothing in scope, or has rules only for directions it does not
   * govern.
   */
  record DeadPolicy(Tier tier, Policy policy, Reason reason) implements Finding {
    public enum Reason {
      SELECTS_NOTHING,
      NO_GOVERNED_RULES,
      /**
       * untracked, and the host endpoints it selects are all of all interfaces, where Felix ignores
       * untracked policy (spec S6.6)
       */
      ALL_INTERFACES
    }
  }

  /** TP105: no policy of the tier can select an endpoint in scope. */
  record DeadTier(Tier tier, List<Policy> policies) implements Finding {
    public DeadTier {
      policies = List.copyOf(policies);
    }

    @Override
    public Span location() {
      return tier.span().isKnown()
          ? tier.span()
          : policies.isEmpty() ? Span.NONE : policies.get(0).span();
    }
  }

  /** TP106: rules for a direction the policy's {@code types} do not include. */
  record DirectionNotGoverned(Tier tier, Policy policy, Direction direction, int rules)
      implements Finding {}

  /** TP201: traffic this Pass rule passes falls through every later tier to an allowing profile. */
  record PassToProfile(RuleRef rule, Example example) implements Finding {}

  /** TP202: a policy with only Log rules in a direction still makes its tier deny what it logs. */
  record LogOnlyDenies(Tier tier, Policy policy, Direction direction, Example example)
      implements Finding {}

  /**
   * TP203: a GlobalNetworkPolicy that selects workloads also selects host endpoints; {@code hosts}
   * are the input's, {@code hypothetical} when one that could exist would be selected.
   */
  record GnpSelectsHosts(Tier tier, Policy policy, List<Endpoint> hosts, boolean hypothetical)
      implements Finding {
    public GnpSelectsHosts {
      hosts = List.copyOf(hosts);
    }
  }

  /** TP204: enforcing the staged policy would change these flows' verdicts (examples, not all). */
  record StagedWouldChange(Tier tier, Policy policy, List<Example> changes) implements Finding {
    public StagedWouldChange {
      changes = List.copyOf(changes);
    }
  }

  /** TP205: an Allow rule's far side uses only notSelector/notNets and matches outside traffic. */
  record NegationMatchesOutside(RuleRef rule, boolean notSelector, Example example)
      implements Finding {}

  /**
   * TP206: {@code rule} and {@code other} (of another policy with the same priority in the tier,
   * and sorted before it by name) both match the example's flow.
   */
  record EqualPriorityOverlap(RuleRef rule, RuleRef other, Example example) implements Finding {}

  /** TP207: the rule's {@code notNets} holds a catch-all CIDR (accepted before Calico 3.31). */
  record CatchAllNotNets(RuleRef rule, Cidr cidr) implements Finding {}

  /** TP900: the solver could not decide {@code question} about the rule or policy. */
  record Inconclusive(RuleRef rule, Policy policy, String question, String reason)
      implements Finding {}
}
