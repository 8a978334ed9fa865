package dev.tierproof.analysis.lint;

import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.analysis.lint.Steps.Walk;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Tier;
import dev.tierproof.smt.Labels;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.SolverSession;
import dev.tierproof.source.Progress;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rule hygiene for a policy set (issue #4): unmatchable, shadowed and redundant rules, dead
 * policies and tiers, rules in ungoverned directions, and the surprises Calico users hit.
 *
 * <p>Per enforced policy, direction and written rule, over the endpoints the policy selects in
 * scope and every packet from or to any peer in scope:
 *
 * <ul>
 *   <li>the rule is <em>live</em> when some packet reaches it undecided and it matches: shown by a
 *       sampled packet ({@link Samples}) that the concrete walker ({@link Steps}) follows to it, or
 *       by a solver model replayed the same way;
 *   <li>else <em>unmatchable</em> when no packet matches it at all at those endpoints (solver:
 *       unsat), or <em>shadowed</em> when some does: the smallest covering set of earlier elements
 *       is computed from an unsat core over "element i does not take the packet", then reduced
 *       element by element (since the elements' takes are disjoint, an element stays iff some
 *       packet the rule matches is taken by it, and that packet is its example);
 *   <li>a live Allow, Deny or Pass rule is <em>redundant</em> when no packet it takes would get a
 *       different verdict at that step without it (sampled packets disprove it cheaply; the solver
 *       proves it).
 * </ul>
 *
 * <p>Scopes: {@link Scope#EXISTING} — the input's endpoints, and peers that are input endpoints or
 * addresses outside the cluster; {@link Scope#ANY} — also workload endpoints that could exist
 * (labels constrained only by selectors, spec S5.3), at the policy's end and as peers. A solver
 * {@code unknown} is reported as {@link Finding.Inconclusive}, never as a finding. Every example is
 * replayed through {@link Evaluator} ({@link Examples}); a disagreement between solver and
 * evaluator throws {@link IllegalStateException} (an internal error, never a finding).
 *
 * <p>This file selects (dead policies and tiers, directions not governed, hypothetical endpoints)
 * and samples each rule; what sampling leaves open goes to the {@link SolverPhase} (parallel
 * workers, each with its own Z3 session); {@link Unmatchable} explains unmatchable rules and {@link
 * Surprises} finds TP201-TP205. One instance per run.
 */
public final class Lint {

  /**
   * @param scope null: {@link Scope#ANY} when the input has no workload endpoints, else {@link
   *     Scope#EXISTING}
   */
  public record Options(Scope scope, Duration timeout, Progress progress) {
    public Options(Scope scope, Duration timeout) {
      this(scope, timeout, Progress.NONE);
    }
  }

  /** How the work was done (for reports and benchmarks). */
  public record Stats(
      int policies,
      int rules,
      int liveBySampling,
      int solverQuestions,
      long solverMillis,
      long millis) {}

  /**
   * The findings in input order (tier, policy, direction, rule), then per-policy surprises; {@code
   * grades} re-grades kinds of findings (a repository's configuration).
   */
  public record Result(
      Scope scope, List<Finding> findings, Stats stats, Map<Kind, Severity> grades) {
    public Result {
      findings = List.copyOf(findings);
      grades = Map.copyOf(grades);
    }

    public Result(Scope scope, List<Finding> findings, Stats stats) {
      this(scope, findings, stats, Map.of());
    }

    /** The finding's severity as reported: its own, or its kind's grade. */
    public Severity severity(Finding f) {
      return grades.getOrDefault(f.kind(), f.severity());
    }
  }

  private final PolicySet set;
  private final Scope scope;
  private final Duration timeout;
  private final Evaluator replay;
  private final Steps steps;
  private final Samples samples;
  private final Examples examples;
  private final Surprises surprises;
  private final EqualPriorities priorities;
  private final SolverPhase solver;
  private final List<Finding> findings = java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * What sampling left open, per group of policies whose endpoints share a namespace ("" for global
   * policies) and direction.
   */
  private final Map<List<Object>, List<Pending>> pending = new LinkedHashMap<>();

  /** The profiles each sampled hypothetical endpoint's namespace is assumed to have. */
  private final Map<Endpoint, Map<String, Profile>> assumedFor = new IdentityHashMap<>();

  private SolverSession session;
  private Network network;
  private int rules;
  private int liveBySampling;

  private Lint(PolicySet set, Options options) {
    this.set = set;
    this.scope = Scope.orDefault(options.scope(), set);
    this.replay = new Evaluator(set);
    Evaluator evaluator = replay;
    this.steps = new Steps(set, evaluator);
    this.samples = new Samples(set, steps);
    this.examples = new Examples(set, evaluator);
    Peers peers = new Peers(set, steps, samples);
    Phase phase =
        new Phase(set, scope, evaluator, steps, samples, peers, examples, findings, this::network);
    this.surprises = new Surprises(phase);
    this.priorities = new EqualPriorities(phase);
    this.solver =
        new SolverPhase(
            phase,
            options.timeout(),
            options.progress(),
            new Footprint(set, samples, scope == Scope.EXISTING),
            new Unmatchable(set, scope, steps, samples));
    this.timeout = options.timeout();
  }

  /** Lints {@code set}; see the class comment for what each finding means. */
  public static Result run(PolicySet set, Options options) {
    long start = System.nanoTime();
    Lint lint = new Lint(set, options);
    try {
      lint.check();
    } finally {
      if (lint.session != null) {
        lint.session.close();
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    SolverPhase s = lint.solver;
    if (System.getenv("TIERPROOF_LINT_PROFILE") != null) { // a debugging aid: where the time went
      System.err.printf("lint: %d ms, %s%n", millis, s.profile());
    }
    return new Result(
        lint.scope,
        lint.findings,
        new Stats(
            set.policies().size(),
            lint.rules,
            lint.liveBySampling,
            s.questions(),
            s.solverMillis(),
            millis));
  }

  // ---------------------------------------------------------------------------------------------
  // policies and tiers

  private void check() {
    for (Tier tier : set.tiers()) {
      priorities.check(tier);
      List<Policy> enforced = new ArrayList<>();
      List<Finding> deadPolicies = new ArrayList<>();
      for (Policy p : tier.policies()) {
        if (p.staged()) {
          surprises.staged(tier, p);
          continue;
        }
        enforced.add(p);
        Finding dead = policy(tier, p);
        if (dead != null) {
          deadPolicies.add(dead);
        }
      }
      boolean allDead =
          !enforced.isEmpty()
              && deadPolicies.size() == enforced.size()
              && deadPolicies.stream()
                  .allMatch(
                      f ->
                          ((Finding.DeadPolicy) f).reason()
                              == Finding.DeadPolicy.Reason.SELECTS_NOTHING);
      if (allDead
          || (enforced.isEmpty()
              && tier.span().isKnown()
              && tier.policies().isEmpty()
              && !tier.builtIn())) {
        findings.add(new Finding.DeadTier(tier, enforced));
      } else {
        findings.addAll(deadPolicies);
      }
    }
    solver.run(pending, this::network);
    findings.sort(java.util.Comparator.comparing(this::order, java.util.Arrays::compare));
  }

  /** Input order: tier, policy, direction, rule, then the id. */
  private int[] order(Finding f) {
    RuleRef r = f.rule();
    Policy p = f.policy();
    Tier t = f.tier();
    int ti = -1;
    int pi = -1;
    for (int i = 0; i < set.tiers().size(); i++) {
      Tier x = set.tiers().get(i);
      if (t != null ? x.name().equals(t.name()) : p != null && x.policies().contains(p)) {
        ti = i;
        for (int j = 0; j < x.policies().size(); j++) {
          if (x.policies().get(j) == p) {
            pi = j;
          }
        }
      }
    }
    Direction d =
        r != null
            ? r.direction()
            : f instanceof Finding.DirectionNotGoverned g
                ? g.direction()
                : f instanceof Finding.LogOnlyDenies l ? l.direction() : null;
    return new int[] {
      ti,
      pi,
      d == null ? -1 : d.ordinal(),
      r == null ? -1 : r.index(),
      Integer.parseInt(f.id().substring(2))
    };
  }

  /**
   * Checks one enforced policy and its rules; returns its dead-policy finding (added by the
   * caller).
   */
  private Finding policy(Tier tier, Policy p) {
    List<Direction> governedWithRules = new ArrayList<>();
    List<Direction> ungoverned = new ArrayList<>();
    for (Direction d : Direction.values()) {
      if (!p.rules(d).isEmpty()) {
        (p.governs(d) ? governedWithRules : ungoverned).add(d);
      }
    }
    boolean anyRules = !governedWithRules.isEmpty() || !ungoverned.isEmpty();
    if (!governedWithRules.isEmpty()) {
      for (Direction d : ungoverned) {
        findings.add(new Finding.DirectionNotGoverned(tier, p, d, RuleRef.of(tier, p, d).size()));
      }
    }
    boolean selectsExisting = p.types().stream().anyMatch(d -> !steps.selected(p, d).isEmpty());
    Endpoint hypothetical = null;
    if (!selectsExisting) {
      if (scope == Scope.EXISTING) {
        return new Finding.DeadPolicy(
            tier,
            p,
            Unmatchable.allInterfacesOnly(set, p)
                ? Finding.DeadPolicy.Reason.ALL_INTERFACES
                : Finding.DeadPolicy.Reason.SELECTS_NOTHING);
      }
      boolean[] unknown = {false};
      // spec S6.3: untracked and pre-DNAT policies apply at host endpoints only
      Optional<Map<String, String>> labels =
          HostPath.of(p) == HostPath.NORMAL
              ? Labels.workload(network(), ns(p), p.selector(), unknown)
              : Optional.empty();
      boolean host = ns(p) == null && Labels.host(network(), p.selector(), unknown).isPresent();
      if (labels.isEmpty() && !host) {
        if (unknown[0]) {
          findings.add(
              new Finding.Inconclusive(null, p, "can it select an endpoint?", "solver unknown"));
          return null;
        }
        return new Finding.DeadPolicy(tier, p, Finding.DeadPolicy.Reason.SELECTS_NOTHING);
      }
      if (labels.isPresent()) {
        hypothetical = hypothetical(labels.get());
      }
    }
    surprises.gnpHosts(tier, p);
    surprises.catchAllNotNets(tier, p);
    if (anyRules && governedWithRules.isEmpty()) {
      return new Finding.DeadPolicy(tier, p, Finding.DeadPolicy.Reason.NO_GOVERNED_RULES);
    }
    for (Direction d : governedWithRules) {
      for (RuleRef r : RuleRef.of(tier, p, d)) {
        rules++;
        Pending q = sample(r, hypothetical);
        if (q != null) {
          pending
              .computeIfAbsent(Arrays.asList(ns(p) == null ? "" : ns(p), d), k -> new ArrayList<>())
              .add(q);
        }
      }
      surprises.logOnly(tier, p, d, chains(p, d, hypothetical));
    }
    return null;
  }

  /**
   * The namespace a policy's selector confines it to (spec S2.1: every namespaced policy's does),
   * or null: the namespace its endpoints, existing or not, can be in.
   */
  static String ns(Policy p) {
    return dev.tierproof.selector.Selector.pinned(p.selector(), Steps.NAMESPACE);
  }

  /** A workload endpoint that could exist with these labels, at an address no endpoint owns. */
  private Endpoint hypothetical(Map<String, String> labels) {
    String ns = labels.get(Steps.NAMESPACE);
    Ip ip = samples.unowned(4, 7);
    String profile = "kns." + ns;
    Map<String, Profile> extra = new LinkedHashMap<>();
    boolean listed = set.endpoints().stream().anyMatch(e -> e.profiles().contains(profile));
    if (!set.profiles().containsKey(profile) && !listed) {
      Map<String, String> pcns = new java.util.TreeMap<>();
      labels.forEach(
          (k, v) -> {
            if (k.startsWith("pcns.")) {
              pcns.put(k, v);
            }
          });
      Rule allow = Rule.allowAll();
      extra.put(profile, new Profile(profile, pcns, List.of(allow), List.of(allow), Span.NONE));
    }
    Endpoint e =
        Endpoint.workload(
            ns,
            "hypothetical-1",
            "Hypothetical",
            labels,
            List.of(ip),
            List.of(),
            List.of(profile),
            null,
            Span.NONE);
    assumedFor.put(e, extra);
    return e;
  }

  // ---------------------------------------------------------------------------------------------
  // one rule: sampling first

  /**
   * The chains of up to {@link Steps#CLASSES_SAMPLED} classes {@code p} applies to in {@code d},
   * and the hypothetical endpoint's when it applies.
   */
  private List<StepPath> chains(Policy p, Direction d, Endpoint hypothetical) {
    List<StepPath> chains = new ArrayList<>();
    for (EClass c : Steps.spread(steps.selected(p, d))) {
      chains.add(steps.chain(c, d));
    }
    if (hypothetical != null && Evaluator.applies(p, hypothetical, d, set.dataplane())) {
      chains.add(chainAt(hypothetical, d));
    }
    return chains;
  }

  /** The chain at a hypothetical endpoint, with the profiles its namespace is assumed to have. */
  private StepPath chainAt(Endpoint hypothetical, Direction d) {
    return replay.assuming(assumedFor.getOrDefault(hypothetical, Map.of())).chain(hypothetical, d);
  }

  /** Samples packets for the rule; returns what the solver still has to answer, or null. */
  private Pending sample(RuleRef rule, Endpoint hypothetical) {
    Pending q = new Pending(rule);
    if (rule.rules().stream()
        .allMatch(r -> r.source().unresolvedService() || r.destination().unresolvedService())) {
      return null; // spec S3.9: the service's endpoints are unknown (reported on load)
    }
    List<EClass> classes = steps.selected(rule.policy(), rule.direction());
    List<StepPath> chains = chains(rule.policy(), rule.direction(), hypothetical);
    boolean passToProfile = rule.action() != Action.PASS;
    boolean negation = !Surprises.negationSide(rule);
    int examined = 0;
    outer:
    for (StepPath chain : chains) {
      for (Flow f : samples.flows(rule, chain.at(), Samples.FLOWS_PER_CLASS)) {
        if (++examined > Samples.FLOWS_PER_RULE) {
          break outer;
        }
        Walk w = steps.matches(rule, f) ? probe(q, chain, f) : null;
        if (w == null) {
          continue;
        }
        if (!passToProfile && w.decider().kind() == Decision.Kind.PROFILE && w.allowed()) {
          passToProfile = true;
          findings.add(new Finding.PassToProfile(rule, examples.at(chain, f, null)));
        }
        if (!negation && w.allowed() && surprises.outsidePeer(rule, f)) {
          negation = true;
          findings.add(
              new Finding.NegationMatchesOutside(
                  rule, Surprises.notSelectorSide(rule), examples.at(chain, f, null)));
        }
        if ((!q.needsRedundancy() || q.notRedundant) && passToProfile && negation) {
          break outer;
        }
      }
    }
    // spec S6.11: the forward sides of walked nodes' host endpoints are steps of the rule too
    for (Steps.ForwardSide side : steps.forwarded(rule.policy(), rule.direction())) {
      for (Flow f : samples.forwardFlows(rule, side, Samples.FLOWS_PER_CLASS)) {
        if (q.live && (!q.needsRedundancy() || q.notRedundant)) {
          break;
        }
        StepPath chain = steps.at(side, f);
        if (chain != null && steps.matches(rule, f)) {
          probe(q, chain, f);
        }
      }
    }
    if (!negation && rule.action() == Action.ALLOW) {
      surprises.negationOutside(rule, chains);
    }
    if (q.live && q.needsRedundancy() && !q.notRedundant) {
      q.notRedundant = changesAfter(rule, chains);
      if (!q.notRedundant && classes.size() > Steps.CLASSES_SAMPLED) {
        // a policy of many endpoints (a GlobalNetworkPolicy): the solver's question would span
        // all of their chains, so look further among them first
        List<StepPath> more = new ArrayList<>();
        for (EClass c : Steps.spread(classes, 4 * Steps.CLASSES_SAMPLED)) {
          more.add(steps.chain(c, rule.direction()));
        }
        q.notRedundant = changesAfter(rule, more);
      }
    }
    if (q.live) {
      liveBySampling++;
      if (q.needsRedundancy() && !q.notRedundant && sameActionAfter(rule, hypothetical)) {
        findings.add(new Finding.RedundantRule(rule, examples.at(q.takenAt, q.taken, rule)));
        return null;
      }
    }
    boolean open = !q.live || (q.needsRedundancy() && !q.notRedundant);
    return open ? q : null;
  }

  /**
   * Follows a sampled packet that the rule matches along {@code chain}: notes what took it first,
   * or that the rule took it and whether its verdict would differ without the rule. Returns the
   * walk when the rule took it, else null.
   */
  private Walk probe(Pending q, StepPath chain, Flow f) {
    RuleRef rule = q.rule;
    q.matched = true;
    Walk w = steps.walk(chain, f, rule.policy(), rule.index(), null, -1);
    if (!w.took()) {
      if (q.blocked == null) {
        q.blocked = f;
        q.blockedAt = chain;
      }
      if (w.blocker() != null) {
        q.blocked(Steps.key(w.blocker()), chain, f);
      }
      return null;
    }
    q.live = true;
    if (q.taken == null) {
      q.taken = f;
      q.takenAt = chain;
    }
    if (q.needsRedundancy() && !q.notRedundant) {
      Walk without = steps.walk(chain, f, null, -1, rule.policy(), rule.index());
      if (without.allowed() != w.allowed()) {
        q.notRedundant = true;
      }
    }
    return w;
  }

  /**
   * Looks for a packet the rule takes whose verdict would differ without it, among packets that mix
   * the rule's candidates with those of the rules after it at the same endpoint (a later rule with
   * another outcome is where such a packet would end up).
   */
  private boolean changesAfter(RuleRef rule, List<StepPath> chains) {
    int budget = 4 * Samples.FLOWS_PER_RULE * Math.max(1, chains.size() / 3);
    for (StepPath chain :
        chains.size() > Steps.CLASSES_SAMPLED
            ? chains
            : chains.subList(0, Math.min(chains.size(), 6))) {
      List<Flow> mine = samples.flows(rule, chain.at(), 8);
      boolean after = false;
      for (StepPath.Entered part : chain.tiers()) {
        for (Policy p : part.applying()) {
          for (RuleRef later : RuleRef.of(part.tier(), p, rule.direction())) {
            if (later.same(rule)) {
              after = true;
              continue;
            }
            if (!after || later.action() == Action.LOG || later.action() == rule.action()) {
              continue;
            }
            for (Flow f :
                samples.hybrid(mine, samples.flows(later, chain.at(), 4), rule.direction(), 24)) {
              if (--budget < 0) {
                return false;
              }
              if (!steps.matches(rule, f)) {
                continue;
              }
              Walk w = steps.walk(chain, f, rule.policy(), rule.index(), null, -1);
              if (w.took()
                  && steps.walk(chain, f, null, -1, rule.policy(), rule.index()).allowed()
                      != w.allowed()) {
                return true;
              }
            }
          }
        }
      }
    }
    return false;
  }

  /**
   * A Deny (Pass) rule is redundant when everything after it in its tier, at every endpoint its
   * policy selects and on every forward side it is on (spec S6.11), is Deny or Log (Pass or Log)
   * and the tier's end does the same (its default action; off the normal and forward paths always
   * Pass, spec S6.4, S6.8): without it, whatever it took is taken by a later element with the same
   * action (spec S4.3-S4.5).
   */
  private boolean sameActionAfter(RuleRef rule, Endpoint hypothetical) {
    Action a = rule.action();
    Policy p = rule.policy();
    Action end =
        HostPath.of(p).endsInDefault() && rule.tier().defaultAction() != Action.PASS
            ? Action.DENY
            : Action.PASS;
    if (a == Action.ALLOW || end != (a == Action.PASS ? Action.PASS : Action.DENY)) {
      return false;
    }
    Direction d = rule.direction();
    boolean after = false;
    for (Rule r : p.rules(d)) {
      if (r.index() == rule.index()) {
        after = true;
        continue;
      }
      if (after && r.action() != Action.LOG && r.action() != a) {
        return false;
      }
    }
    java.util.Set<Policy> later = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (EClass c : steps.selected(p, d)) {
      laterIn(steps.chain(c, d), rule.tier(), p, later);
    }
    if (hypothetical != null) {
      laterIn(chainAt(hypothetical, d), rule.tier(), p, later);
    }
    for (Steps.ForwardSide side : steps.forwarded(p, d)) {
      laterIn(side.chain(), rule.tier(), p, later);
    }
    if (scope == Scope.ANY) {
      boolean seen = false;
      for (Policy o : rule.tier().policies()) {
        if (o == p) {
          seen = true;
        } else if (seen
            && !o.staged()
            && HostPath.of(o) == HostPath.of(p)
            && o.governs(d)
            && (ns(o) == null || ns(p) == null || ns(o).equals(ns(p)))) {
          later.add(o); // a global policy's endpoints may be in any namespace
        }
      }
    }
    for (Policy o : later) {
      for (Rule r : o.rules(d)) {
        if (r.action() != Action.LOG && r.action() != a) {
          return false;
        }
      }
    }
    return true;
  }

  private static void laterIn(StepPath chain, Tier tier, Policy p, java.util.Set<Policy> out) {
    for (StepPath.Entered part : chain.tiers()) {
      if (part.tier() != tier) {
        continue;
      }
      boolean seen = false;
      for (Policy o : part.applying()) {
        if (o == p) {
          seen = true;
        } else if (seen) {
          out.add(o);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the solver session that selection checks share (each worker of the solver phase has its own)

  private SolverSession session() {
    if (session == null) {
      session = new SolverSession(timeout);
    }
    return session;
  }

  private Network network() {
    if (network == null) {
      network = Network.encode(set, session());
    }
    return network;
  }
}
