package dev.tierproof.analysis.lint;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The concrete side of lint: endpoints grouped into classes (same kind, effective labels and
 * profiles evaluate alike, spec S4.1), per class and direction the entered tiers with their
 * applying policies, and a walker that follows one packet along such a chain exactly as the
 * evaluator does (spec S4), using the evaluator's rule matching. It can stop at a rule (was it
 * reached, who took the packet first) and evaluate with one rule removed (for redundancy).
 * Reported findings are replayed through {@link Evaluator#evaluate} itself.
 */
final class Steps {

  static final String NAMESPACE = Endpoint.NAMESPACE_LABEL;

  /** Endpoints with the same kind, effective labels and profiles. */
  record EClass(Endpoint representative, List<Endpoint> members) {}

  /** A tier that is entered at an endpoint in a direction, with its applying policies in order. */
  record Part(Tier tier, List<Policy> applying) {}

  /**
   * One endpoint kind's chain in one direction; {@code assumed}: profiles a hypothetical endpoint's
   * namespace has although the input lacks them (built as Calico builds them, spec S2.8).
   */
  record Chain(Endpoint at, Direction direction, List<Part> parts, Map<String, Profile> assumed) {}

  /**
   * What took a packet. {@code kind}: RULE (with tier, policy, index, action), TIER_DEFAULT (tier),
   * PROFILE (profile name), NO_PROFILE, FAILSAFE.
   */
  record Taker(Decision.Kind kind, Tier tier, Policy policy, int index, Action action, String profile) {
    boolean isRule(Policy p, int i) {
      return kind == Decision.Kind.RULE && policy == p && index == i;
    }
  }

  /**
   * A walk's outcome: {@code arrived} when the packet got to the target rule's position, {@code
   * took} when the target then took it; {@code blocker} what took it before the target (in the
   * target's tier a Pass counts); {@code decider} and {@code allowed}: the final decision.
   */
  record Walk(boolean arrived, boolean took, Taker blocker, Taker decider, boolean allowed) {}

  final PolicySet set;
  final Evaluator evaluator;
  final List<EClass> classes = new ArrayList<>();
  private final Map<String, List<EClass>> byNamespace = new HashMap<>();
  private final Map<EClass, Map<Direction, Chain>> chains = new IdentityHashMap<>();
  /** Policy → the classes it applies to, per direction. */
  private final Map<Policy, Map<Direction, List<EClass>>> selected = new IdentityHashMap<>();
  /** Per policy, the namespace its selector requires, if any (read-only after construction). */
  private final Map<Policy, String> requiredNamespace = new IdentityHashMap<>();

  Steps(PolicySet set, Evaluator evaluator) {
    this.set = set;
    this.evaluator = evaluator;
    for (Policy p : set.policies()) {
      requiredNamespace.put(p, Samples.requiredNamespace(p.selector()));
    }
    Map<List<Object>, List<Endpoint>> groups = new LinkedHashMap<>();
    for (Endpoint e : set.endpoints()) {
      groups.computeIfAbsent(List.of(e.isHost(), e.labels(), e.profiles()), k -> new ArrayList<>()).add(e);
    }
    for (List<Endpoint> members : groups.values()) {
      EClass c = new EClass(members.get(0), List.copyOf(members));
      classes.add(c);
      byNamespace.computeIfAbsent(nsLabel(c.representative()), k -> new ArrayList<>()).add(c);
    }
    for (EClass c : classes) {
      Map<Direction, Chain> both = new java.util.EnumMap<>(Direction.class);
      for (Direction d : Direction.values()) {
        Chain chain = chain(c.representative(), d);
        both.put(d, chain);
        for (Part part : chain.parts()) {
          for (Policy p : part.applying()) {
            selected.computeIfAbsent(p, k -> new java.util.EnumMap<>(Direction.class))
                .computeIfAbsent(d, k -> new ArrayList<>())
                .add(c);
          }
        }
      }
      chains.put(c, both);
    }
  }

  private static String nsLabel(Endpoint e) {
    String ns = e.labels().get(NAMESPACE);
    return ns == null ? "" : ns;
  }

  Chain chain(EClass c, Direction d) {
    return chains.get(c).get(d);
  }

  /** The classes {@code p} applies to in {@code d} (enforced, selects, governs). */
  List<EClass> selected(Policy p, Direction d) {
    return selected.getOrDefault(p, Map.of()).getOrDefault(d, List.of());
  }

  /** The class of an input endpoint (by identity). */
  EClass classOf(Endpoint e) {
    for (EClass c : byNamespace.getOrDefault(nsLabel(e), List.of())) {
      for (Endpoint m : c.members()) {
        if (m == e) {
          return c;
        }
      }
    }
    return null;
  }

  /**
   * The chain at any endpoint (hypothetical ones included): per tier the policies that apply
   * (spec S4.1, S4.2). A namespaced policy's selector requires its namespace label, so only the
   * endpoint's namespace's policies and global ones are tested.
   */
  Chain chain(Endpoint at, Direction d) {
    return chain(at, d, Map.of());
  }

  /** As {@link #chain(Endpoint, Direction)} with profiles the endpoint's namespace is assumed to have. */
  Chain chain(Endpoint at, Direction d, Map<String, Profile> assumed) {
    String ns = at.labels().get(NAMESPACE);
    List<Part> parts = new ArrayList<>();
    for (Tier t : set.tiers()) {
      List<Policy> applying = new ArrayList<>();
      for (Policy p : t.policies()) {
        String required = requiredNamespace.get(p);
        if (required != null && !required.equals(ns)) {
          continue; // spec S2.1: a namespaced policy's selector requires projectcalico.org/namespace
        }
        if (Evaluator.applies(p, at, d)) {
          applying.add(p);
        }
      }
      if (!applying.isEmpty()) {
        parts.add(new Part(t, List.copyOf(applying)));
      }
    }
    return new Chain(at, d, parts, Map.copyOf(assumed));
  }

  /**
   * Follows {@code flow} at the chain's endpoint (spec S4): with {@code target} (policy, index)
   * non-null, notes whether the packet arrives at that rule and whether the rule takes it; with
   * {@code skip} non-null, that rule is left out (as if removed).
   */
  Walk walk(Chain chain, Flow flow, Policy target, int targetIndex, Policy skip, int skipIndex) {
    Direction dir = chain.direction();
    Endpoint at = chain.at();
    if (at.isHost() && evaluator.evaluate(at, dir, flow).decidedBy().kind() == Decision.Kind.FAILSAFE) {
      Taker t = new Taker(Decision.Kind.FAILSAFE, null, null, -1, Action.ALLOW, null);
      return new Walk(false, false, t, t, true);
    }
    boolean arrived = false;
    boolean took = false;
    Taker blocker = null;
    for (Part part : chain.parts()) {
      boolean targetTier = target != null && part.applying().stream().anyMatch(x -> x == target);
      boolean passed = false;
      policies:
      for (Policy p : part.applying()) {
        for (Rule r : p.rules(dir)) {
          if (p == target && r.index() == targetIndex && blocker == null) {
            arrived = true;
          }
          if (r.action() == Action.LOG
              && arrived && p == target && r.index() == targetIndex && !took && evaluator.matches(r, flow)) {
            took = true; // a Log rule "takes" a packet it is reached with and matches, and lets it go on
          }
          if (r.action() == Action.LOG || (p == skip && r.index() == skipIndex)) {
            continue;
          }
          if (!evaluator.matches(r, flow)) {
            continue;
          }
          Taker t = new Taker(Decision.Kind.RULE, part.tier(), p, r.index(), r.action(), null);
          if (arrived && p == target && r.index() == targetIndex) {
            took = true;
          }
          if (r.action() == Action.PASS) {
            if (targetTier && !arrived && blocker == null) {
              blocker = t; // spec S4.4: leaves the target's tier before the target
            }
            passed = true;
            break policies;
          }
          if (!arrived && blocker == null && target != null) {
            blocker = t;
          }
          return new Walk(arrived, took, blocker, t, r.action() == Action.ALLOW);
        }
      }
      if (!passed && part.tier().defaultAction() != Action.PASS) {
        Taker t = new Taker(Decision.Kind.TIER_DEFAULT, part.tier(), null, -1, Action.DENY, null);
        if (!arrived && blocker == null && target != null) {
          blocker = t;
        }
        return new Walk(arrived, took, blocker, t, false);
      }
    }
    for (String name : at.profiles()) {
      Profile profile = set.profiles().get(name);
      if (profile == null) {
        profile = chain.assumed().get(name);
      }
      if (profile == null) {
        continue;
      }
      for (Rule r : profile.rules(dir)) {
        if (r.action() != Action.LOG && evaluator.matches(r, flow)) {
          Taker t = new Taker(Decision.Kind.PROFILE, null, null, r.index(), r.action(), name);
          return new Walk(arrived, took, blocker, t, r.action() == Action.ALLOW); // spec S4.6
        }
      }
    }
    Taker t = new Taker(Decision.Kind.NO_PROFILE, null, null, -1, Action.DENY, null);
    return new Walk(arrived, took, blocker, t, false);
  }

  /** True when one of the rule's Calico rules matches the flow (spec S3). */
  boolean matches(RuleRef rule, Flow flow) {
    for (Rule r : rule.rules()) {
      if (evaluator.matches(r, flow)) {
        return true;
      }
    }
    return false;
  }
}
