package dev.tierproof.analysis.lint;

import dev.tierproof.model.Scope;
import dev.tierproof.source.Severity;
import dev.tierproof.analysis.lint.Finding.Cover;
import dev.tierproof.analysis.lint.Finding.UnmatchableRule.Cause;
import dev.tierproof.analysis.lint.Steps.Chain;
import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.analysis.lint.Steps.Walk;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.FlowBounds;
import dev.tierproof.smt.Labels;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.Side;
import dev.tierproof.smt.SolverSession;
import dev.tierproof.smt.StepGoals;
import dev.tierproof.source.Progress;
import dev.tierproof.source.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * {@code unknown} is reported as {@link Finding.Inconclusive}, never as a finding. Every example
 * is replayed through {@link Evaluator}; a disagreement between solver and evaluator throws {@link
 * IllegalStateException} (an internal error, never a finding). One instance per run; its solver phase runs groups of questions on parallel workers, each with its own Z3 session.
 */
public final class Lint {

  /** @param scope null: {@link Scope#ANY} when the input has no workload endpoints, else {@link Scope#EXISTING} */
  public record Options(Scope scope, Duration timeout, Progress progress) {
    public Options(Scope scope, Duration timeout) {
      this(scope, timeout, Progress.NONE);
    }
  }

  /** How the work was done (for reports and benchmarks). */
  public record Stats(
      int policies, int rules, int liveBySampling, int solverQuestions, long solverMillis, long millis) {}

  /**
   * The findings in input order (tier, policy, direction, rule), then per-policy surprises;
   * {@code grades} re-grades kinds of findings (a repository's configuration).
   */
  public record Result(Scope scope, List<Finding> findings, Stats stats, Map<Kind, Severity> grades) {
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

  private static final int CLASSES_SAMPLED = 12;
  private static final int FLOWS_PER_CLASS = 24;
  private static final int FLOWS_PER_RULE = 240;

  private final PolicySet set;
  private final Scope scope;
  private final Duration timeout;
  private final Progress progress;
  private final Evaluator evaluator;
  private final Steps steps;
  private final Samples samples;
  private final Footprint footprint;
  private final Peers peers;
  private final List<Finding> findings = java.util.Collections.synchronizedList(new ArrayList<>());
  /** What sampling left open, per group of policies whose endpoints share a namespace ("" for global policies) and direction. */
  private final Map<List<Object>, List<Pending>> pending = new LinkedHashMap<>();
  private final Map<Map<String, Profile>, Evaluator> assumed = new java.util.concurrent.ConcurrentHashMap<>();
  /** The profiles each sampled hypothetical endpoint's namespace is assumed to have. */
  private final Map<Endpoint, Map<String, Profile>> assumedFor = new IdentityHashMap<>();
  private SolverSession session;
  private Network network;
  private int rules;
  private long openNanos;
  private int opens;
  private int liveBySampling;
  private int questions;
  private long solverMillis;

  private Lint(PolicySet set, Options options) {
    this.set = set;
    this.scope = Scope.orDefault(options.scope(), set);
    this.timeout = options.timeout();
    this.progress = options.progress();
    this.evaluator = new Evaluator(set);
    this.steps = new Steps(set, evaluator);
    this.samples = new Samples(set, steps);
    this.footprint = new Footprint(set, samples, scope == Scope.EXISTING);
    this.peers = new Peers(set, steps, samples);
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
    if (System.getenv("TIERPROOF_LINT_PROFILE") != null) { // a debugging aid: where the time went
      System.err.printf("lint: %d ms, %d solver opens %d ms, %d questions %d ms check%n",
          millis, lint.opens, lint.openNanos / 1_000_000, lint.questions, lint.solverMillis);
      lint.profile.forEach((k, v) -> System.err.printf("  %s: %d, %d ms%n", k, v[0], v[1]));
    }
    return new Result(
        lint.scope,
        lint.findings,
        new Stats(
            set.policies().size(), lint.rules, lint.liveBySampling, lint.questions, lint.solverMillis, millis));
  }

  // ---------------------------------------------------------------------------------------------
  // policies and tiers

  private void check() {
    for (Tier tier : set.tiers()) {
      List<Policy> enforced = new ArrayList<>();
      List<Finding> deadPolicies = new ArrayList<>();
      for (Policy p : tier.policies()) {
        if (p.staged()) {
          staged(tier, p);
          continue;
        }
        if (p.doNotTrack() || p.preDnat()) {
          continue; // spec S6.3: not on the normal path (reported on load)
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
                  .allMatch(f -> ((Finding.DeadPolicy) f).reason() == Finding.DeadPolicy.Reason.SELECTS_NOTHING);
      if (allDead || (enforced.isEmpty() && tier.span().isKnown() && tier.policies().isEmpty() && !tier.builtIn())) {
        findings.add(new Finding.DeadTier(tier, enforced));
      } else {
        findings.addAll(deadPolicies);
      }
    }
    solveAll();
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
    Direction d = r != null ? r.direction() : f instanceof Finding.DirectionNotGoverned g ? g.direction()
        : f instanceof Finding.LogOnlyDenies l ? l.direction() : null;
    return new int[] {ti, pi, d == null ? -1 : d.ordinal(), r == null ? -1 : r.index(), Integer.parseInt(f.id().substring(2))};
  }

  /** Checks one enforced policy and its rules; returns its dead-policy finding (added by the caller). */
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
        return new Finding.DeadPolicy(tier, p, Finding.DeadPolicy.Reason.SELECTS_NOTHING);
      }
      boolean[] unknown = {false};
      Optional<Map<String, String>> labels = Labels.workload(network(), ns(p), p.selector(), unknown);
      boolean host = ns(p) == null && Labels.host(network(), p.selector(), unknown).isPresent();
      if (labels.isEmpty() && !host) {
        if (unknown[0]) {
          findings.add(new Finding.Inconclusive(null, p, "can it select an endpoint?", "solver unknown"));
          return null;
        }
        return new Finding.DeadPolicy(tier, p, Finding.DeadPolicy.Reason.SELECTS_NOTHING);
      }
      if (labels.isPresent()) {
        hypothetical = hypothetical(labels.get());
      }
    }
    gnpHosts(tier, p);
    if (anyRules && governedWithRules.isEmpty()) {
      return new Finding.DeadPolicy(tier, p, Finding.DeadPolicy.Reason.NO_GOVERNED_RULES);
    }
    for (Direction d : governedWithRules) {
      for (RuleRef r : RuleRef.of(tier, p, d)) {
        rules++;
        Pending q = sample(r, hypothetical);
        if (q != null) {
          pending.computeIfAbsent(Arrays.asList(ns(p) == null ? "" : ns(p), d), k -> new ArrayList<>()).add(q);
        }
      }
      logOnly(tier, p, d, hypothetical);
    }
    return null;
  }

  /**
   * The namespace a policy's selector confines it to (spec S2.1: every namespaced policy's does),
   * or null: the namespace its endpoints, existing or not, can be in.
   */
  private static String ns(Policy p) {
    return Samples.requiredNamespace(p.selector());
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
      labels.forEach((k, v) -> {
        if (k.startsWith("pcns.")) {
          pcns.put(k, v);
        }
      });
      Rule allow =
          new Rule(0, Action.ALLOW, null, null, null, null, null, EntityMatch.ANY, EntityMatch.ANY, false, Span.NONE);
      extra.put(profile, new Profile(profile, pcns, List.of(allow), List.of(allow), Span.NONE));
    }
    Endpoint e = new Endpoint(
        Endpoint.Kind.WORKLOAD, ns, "hypothetical-1", "Hypothetical", labels, List.of(ip), List.of(),
        List.of(profile), null, Span.NONE);
    assumedFor.put(e, extra);
    return e;
  }

  // ---------------------------------------------------------------------------------------------
  // one rule: sampling first

  /** What sampling left open about a rule, for the solver. */
  private static final class Pending {
    final RuleRef rule;
    boolean matched;
    boolean live;
    boolean notRedundant;
    /** A finding (or inconclusive) was reported: nothing more to ask. */
    boolean done;
    /** The solver proved that no packet reaches it. */
    boolean unreached;
    /** A packet the rule matches but that something earlier takes (at {@code blockedAt}). */
    Flow blocked;
    Chain blockedAt;
    /** A packet the rule takes (at {@code takenAt}). */
    Flow taken;
    Chain takenAt;
    /** Per element that took a packet the rule matches before it: that packet and where. */
    final Map<String, Map.Entry<Chain, Flow>> blockedBy = new LinkedHashMap<>();

    Pending(RuleRef rule) {
      this.rule = rule;
    }

    boolean needsRedundancy() {
      return rule.action() != Action.LOG;
    }
  }

  /** Samples packets for the rule; returns what the solver still has to answer, or null. */
  private Pending sample(RuleRef rule, Endpoint hypothetical) {
    Pending q = new Pending(rule);
    if (rule.rules().stream().allMatch(r -> r.source().service() != null || r.destination().service() != null)) {
      return null; // spec S3.4: endpoint slices are not modelled (reported on load); nothing to claim
    }
    List<Chain> chains = new ArrayList<>();
    List<EClass> classes = steps.selected(rule.policy(), rule.direction());
    for (EClass c : spread(classes)) {
      chains.add(steps.chain(c, rule.direction()));
    }
    if (hypothetical != null && Evaluator.applies(rule.policy(), hypothetical, rule.direction())) {
      chains.add(steps.chain(hypothetical, rule.direction(), assumedFor.getOrDefault(hypothetical, Map.of())));
    }
    boolean passToProfile = rule.action() != Action.PASS;
    boolean negation = !negationSide(rule);
    int examined = 0;
    outer:
    for (Chain chain : chains) {
      for (Flow f : samples.flows(rule, chain.at(), FLOWS_PER_CLASS)) {
        if (++examined > FLOWS_PER_RULE) {
          break outer;
        }
        if (!steps.matches(rule, f)) {
          continue;
        }
        q.matched = true;
        Walk w = steps.walk(chain, f, rule.policy(), rule.index(), null, -1);
        if (!w.took()) {
          if (q.blocked == null) {
            q.blocked = f;
            q.blockedAt = chain;
          }
          if (w.blocker() != null) {
            q.blockedBy.putIfAbsent(key(w.blocker()), Map.entry(chain, f));
          }
          continue;
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
        if (!passToProfile && w.decider().kind() == Decision.Kind.PROFILE && w.allowed()) {
          passToProfile = true;
          findings.add(new Finding.PassToProfile(rule, example(chain, f, null)));
        }
        if (!negation && w.allowed() && outsidePeer(rule, f)) {
          negation = true;
          findings.add(new Finding.NegationMatchesOutside(rule, notSelectorSide(rule), example(chain, f, null)));
        }
        if ((!q.needsRedundancy() || q.notRedundant) && passToProfile && negation) {
          break outer;
        }
      }
    }
    if (!negation && rule.action() == Action.ALLOW) {
      negationOutside(rule, chains);
    }
    if (q.live && q.needsRedundancy() && !q.notRedundant) {
      q.notRedundant = changesAfter(rule, chains);
      if (!q.notRedundant && classes.size() > CLASSES_SAMPLED) {
        // a policy of many endpoints (a GlobalNetworkPolicy): the solver's question would span
        // all of their chains, so look further among them first
        List<Chain> more = new ArrayList<>();
        for (EClass c : spread(classes, 4 * CLASSES_SAMPLED)) {
          more.add(steps.chain(c, rule.direction()));
        }
        q.notRedundant = changesAfter(rule, more);
      }
    }
    if (q.live) {
      liveBySampling++;
      if (q.needsRedundancy() && !q.notRedundant && sameActionAfter(rule, hypothetical)) {
        findings.add(new Finding.RedundantRule(rule, example(q.takenAt, q.taken, rule)));
        return null;
      }
    }
    boolean open = !q.live || (q.needsRedundancy() && !q.notRedundant);
    return open ? q : null;
  }

  /**
   * Looks for a packet the rule takes whose verdict would differ without it, among packets that
   * mix the rule's candidates with those of the rules after it at the same endpoint (a later rule
   * with another outcome is where such a packet would end up).
   */
  private boolean changesAfter(RuleRef rule, List<Chain> chains) {
    int budget = 4 * FLOWS_PER_RULE * Math.max(1, chains.size() / 3);
    for (Chain chain : chains.size() > CLASSES_SAMPLED ? chains : chains.subList(0, Math.min(chains.size(), 6))) {
      List<Flow> mine = samples.flows(rule, chain.at(), 8);
      boolean after = false;
      for (Steps.Part part : chain.parts()) {
        for (Policy p : part.applying()) {
          for (RuleRef later : RuleRef.of(part.tier(), p, rule.direction())) {
            if (later.same(rule)) {
              after = true;
              continue;
            }
            if (!after || later.action() == Action.LOG || later.action() == rule.action()) {
              continue;
            }
            for (Flow f : Samples.hybrid(mine, samples.flows(later, chain.at(), 4), rule.direction(), 24)) {
              if (--budget < 0) {
                return false;
              }
              if (!steps.matches(rule, f)) {
                continue;
              }
              Walk w = steps.walk(chain, f, rule.policy(), rule.index(), null, -1);
              if (w.took() && steps.walk(chain, f, null, -1, rule.policy(), rule.index()).allowed() != w.allowed()) {
                return true;
              }
            }
          }
        }
      }
    }
    return false;
  }

  /** The element key of a walker's taker, as {@link StepGoals.Element#key()} spells it. */
  private static String key(Steps.Taker t) {
    return switch (t.kind()) {
      case RULE -> t.tier().name() + "/" + t.policy().sortKey() + "/" + t.index();
      case TIER_DEFAULT -> t.tier().name() + "/default";
      default -> "failsafe";
    };
  }

  /**
   * A Deny (Pass) rule is redundant when everything after it in its tier, at every endpoint its
   * policy selects, is Deny or Log (Pass or Log) and the tier's default action is the same: without
   * it, whatever it took is taken by a later element with the same action (spec S4.3-S4.5).
   */
  private boolean sameActionAfter(RuleRef rule, Endpoint hypothetical) {
    Action a = rule.action();
    if (a == Action.ALLOW || rule.tier().defaultAction() != (a == Action.PASS ? Action.PASS : Action.DENY)) {
      return false;
    }
    Policy p = rule.policy();
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
      laterIn(steps.chain(hypothetical, d, assumedFor.getOrDefault(hypothetical, Map.of())), rule.tier(), p, later);
    }
    if (scope == Scope.ANY) {
      boolean seen = false;
      for (Policy o : rule.tier().policies()) {
        if (o == p) {
          seen = true;
        } else if (seen && !o.staged() && !o.doNotTrack() && !o.preDnat() && o.governs(d)
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

  private static void laterIn(Chain chain, Tier tier, Policy p, java.util.Set<Policy> out) {
    for (Steps.Part part : chain.parts()) {
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

  /** Up to {@link #CLASSES_SAMPLED} classes, spread over the list (namespaces, apps). */
  private static List<EClass> spread(List<EClass> classes) {
    return spread(classes, CLASSES_SAMPLED);
  }

  private static List<EClass> spread(List<EClass> classes, int n) {
    if (classes.size() <= n) {
      return classes;
    }
    List<EClass> out = new ArrayList<>();
    double step = classes.size() / (double) n;
    for (int i = 0; i < n; i++) {
      out.add(classes.get((int) (i * step)));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // the solver, for what sampling left open

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

  /**
   * One solver question family for the open rules of the policies of one namespace (or the
   * global ones) in one direction: the step is at any endpoint one of them selects, and each
   * rule's goals only count the endpoints its own policy applies to.
   */
  private void solve(Network network, String namespace, Direction d, List<Pending> pending) {
    List<Side> at = new ArrayList<>();
    List<EClass> classes = new ArrayList<>();
    for (Pending q : pending) {
      for (EClass c : steps.selected(q.rule.policy(), d)) {
        if (classes.stream().noneMatch(x -> x == c)) {
          classes.add(c);
        }
      }
    }
    List<Endpoint> members = new ArrayList<>();
    classes.forEach(c -> members.addAll(c.members()));
    if (!members.isEmpty()) {
      at.add(new Side.Endpoints(members, null));
    }
    // the rules of every chain the question can involve: the far ends are grouped by what they observe
    List<Rule> involved = new ArrayList<>();
    java.util.Set<Policy> policies = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (EClass c : classes) {
      steps.chain(c, d).parts().forEach(part -> policies.addAll(part.applying()));
    }
    if (scope == Scope.ANY) {
      for (Policy p : set.policies()) {
        if (!p.staged() && p.governs(d) && (ns(p) == null || namespace.isEmpty() || namespace.equals(ns(p)))) {
          policies.add(p);
        }
      }
    }
    policies.forEach(p -> involved.addAll(p.rules(d)));
    set.profiles().values().forEach(p -> involved.addAll(p.rules(d)));
    List<Side> peers = new ArrayList<>();
    peers.add(new Side.Endpoints(this.peers.representatives(involved, d), null));
    peers.add(new Side.Outside(null, null));
    if (scope == Scope.ANY) {
      at.add(new Side.Fresh(namespace.isEmpty() ? null : namespace, new Selector.All(), null, null));
      peers.add(new Side.Fresh(null, new Selector.All(), null, null));
    }
    long t0 = System.nanoTime();
    try (StepGoals goals = StepGoals.open(network, d, at, peers, FlowBounds.ANY)) {
      synchronized (this) {
        openNanos += System.nanoTime() - t0;
        opens++;
      }
      for (Pending q : pending) {
        if (q.live) {
          redundancy(goals, q);
        } else {
          reachability(goals, q);
        }
      }
    }
  }

  /**
   * The solver phase: each group (namespace or global policies, direction) is an independent
   * question family. With many groups they run on up to {@code min(CPUs, 4)} workers, each with its
   * own Z3 session, groups dealt largest first to the least loaded worker (by open rules) before
   * any runs, so that each worker's sequence (and so every answer) is the same in every run on
   * the machine.
   */
  private void solveAll() {
    List<Map.Entry<List<Object>, List<Pending>>> groups = new ArrayList<>(pending.entrySet());
    int total = groups.stream().mapToInt(g -> g.getValue().size()).sum();
    java.util.concurrent.atomic.AtomicInteger solved = new java.util.concurrent.atomic.AtomicInteger();
    int workers = groups.size() < 8 ? 1 : Math.min(4, Runtime.getRuntime().availableProcessors());
    if (workers <= 1) {
      for (Map.Entry<List<Object>, List<Pending>> g : groups) {
        solve(network(), (String) g.getKey().get(0), (Direction) g.getKey().get(1), g.getValue());
        progress.at("rules", solved.addAndGet(g.getValue().size()), total);
      }
      return;
    }
    // largest groups first, each to the worker with the least work so far: balanced, and the same
    // assignment (so the same answers) in every run
    List<List<Map.Entry<List<Object>, List<Pending>>>> dealt = new ArrayList<>();
    long[] load = new long[workers];
    for (int w = 0; w < workers; w++) {
      dealt.add(new ArrayList<>());
    }
    List<Map.Entry<List<Object>, List<Pending>>> bySize = new ArrayList<>(groups);
    bySize.sort(java.util.Comparator.comparingInt((Map.Entry<List<Object>, List<Pending>> g) -> -g.getValue().size()));
    for (Map.Entry<List<Object>, List<Pending>> g : bySize) {
      int least = 0;
      for (int w = 1; w < workers; w++) {
        if (load[w] < load[least]) {
          least = w;
        }
      }
      dealt.get(least).add(g);
      load[least] += g.getValue().size();
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        List<Map.Entry<List<Object>, List<Pending>>> mine = dealt.get(w);
        done.add(
            pool.submit(
                () -> {
                  try (SolverSession own = new SolverSession(timeout)) {
                    Network net = Network.encode(set, own);
                    for (Map.Entry<List<Object>, List<Pending>> g : mine) {
                      solve(net, (String) g.getKey().get(0), (Direction) g.getKey().get(1), g.getValue());
                      progress.at("rules", solved.addAndGet(g.getValue().size()), total);
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private synchronized Answer ask(Answer a) {
    questions++;
    solverMillis += a.millis();
    return a;
  }

  private final Map<String, long[]> profile = new java.util.concurrent.ConcurrentSkipListMap<>();


  private Answer ask(String what, java.util.function.Supplier<Answer> question) {
    long t0 = System.nanoTime();
    Answer a = ask(question.get());
    long[] n = profile.computeIfAbsent(what + "." + a.status().json(), k -> new long[2]);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    synchronized (n) {
      n[0]++;
      n[1] += ms;
    }
    return a;
  }

  /** The rule took no sampled packet: unmatchable, shadowed (with its cover), or live after all. */
  private void reachability(StepGoals goals, Pending q) {
    RuleRef rule = q.rule;
    Policy p = rule.policy();
    Flow own = q.blocked;
    Chain ownAt = q.blockedAt;
    if (own == null) {
      Answer a = ask("own", () -> goals.matchesOnOwn(p, rule.index()));
      switch (a.status()) {
        case UNSAT -> {
          findings.add(unmatchable(rule));
          return;
        }
        case UNKNOWN -> {
          findings.add(new Finding.Inconclusive(rule, null, "can any packet match it?", a.reason()));
          return;
        }
        case SAT -> {
          ownAt = chainOf(a, rule.direction());
          own = a.flow();
          if (!steps.matches(rule, own) || !Evaluator.applies(p, ownAt.at(), rule.direction())) {
            throw disagreement("the rule does not match the solver's packet at an endpoint its policy selects", rule, own);
          }
        }
      }
    }
    Answer reach = q.unreached ? null : ask("reach", () -> goals.reaches(p, rule.index()));
    if (reach == null) {
      // proved by the batch
    } else if (reach.status() == SolverSession.Status.UNKNOWN) {
      findings.add(new Finding.Inconclusive(rule, null, "is it ever reached?", reach.reason()));
      return;
    } else if (reach.sat()) {
      Chain chain = chainOf(reach, rule.direction());
      Walk w = steps.walk(chain, reach.flow(), p, rule.index(), null, -1);
      if (!w.took()) {
        throw disagreement("the solver says the rule takes this packet", rule, reach.flow());
      }
      q.live = true;
      q.taken = reach.flow();
      q.takenAt = chain;
      if (q.needsRedundancy()) {
        redundancy(goals, q);
      }
      return;
    }
    Walk blocked = steps.walk(ownAt, own, p, rule.index(), null, -1);
    if (blocked.took() || blocked.blocker() == null) {
      throw disagreement("the solver says no packet reaches the rule", rule, own);
    }
    q.blockedBy.putIfAbsent(key(blocked.blocker()), Map.entry(ownAt, own));
    // The smallest covering set: the elements that take some packet the rule matches. The takes
    // are disjoint, so every such element is in every covering set, and they cover it. Z3's
    // unsat core over "element e does not take the packet" gives a covering set; each of
    // its elements is then kept iff it takes some matched packet (known from sampling, or a model).
    Map<String, Example> cover = new LinkedHashMap<>();
    q.blockedBy.forEach((k, v) -> cover.put(k, example(v.getKey(), v.getValue(), null)));
    long c0 = System.nanoTime();
    StepGoals.Core core = goals.core(p, rule.index());
    synchronized (this) {
      questions++;
    }
    long[] cn = profile.computeIfAbsent("core." + core.status().json(), k -> new long[2]);
    synchronized (cn) {
      cn[0]++;
      cn[1] += (System.nanoTime() - c0) / 1_000_000;
    }
    if (core.status() == SolverSession.Status.UNSAT) {
      java.util.Set<String> inCore = new java.util.HashSet<>();
      core.elements().forEach(e -> inCore.add(e.key()));
      if (!inCore.containsAll(cover.keySet())) {
        throw disagreement("an element that takes one of its packets is missing from a covering set", rule, own);
      }
      for (StepGoals.Element e : core.elements()) {
        if (cover.containsKey(e.key()) || disjoint(rule, e)) {
          continue;
        }
        Map.Entry<Chain, Flow> hit = concreteTakenBy(rule, e);
        if (hit != null) {
          cover.put(e.key(), example(hit.getKey(), hit.getValue(), null));
          continue;
        }
        Answer a = ask("takenBy", () -> goals.takenBy(p, rule.index(), e));
        if (a.status() == SolverSession.Status.UNKNOWN) {
          findings.add(new Finding.Inconclusive(rule, null, "which earlier rules cover it?", a.reason()));
          return;
        }
        if (a.sat()) {
          Chain chain = chainOf(a, rule.direction());
          Walk w = steps.walk(chain, a.flow(), p, rule.index(), null, -1);
          if (!steps.matches(rule, a.flow()) || w.took() || !isElement(w.blocker(), e)) {
            throw disagreement("the solver says " + e.key() + " takes this packet first", rule, a.flow());
          }
          cover.put(e.key(), example(chain, a.flow(), null));
        }
      }
    } else {
      // the relaxation found a packet (at an address an endpoint owns): enumerate the takers instead
      while (true) {
        Answer a = ask("cover", () -> goals.matchesExcept(p, rule.index(), cover.keySet()));
        if (a.status() == SolverSession.Status.UNSAT) {
          break;
        }
        if (a.status() == SolverSession.Status.UNKNOWN) {
          findings.add(new Finding.Inconclusive(rule, null, "which earlier rules cover it?", a.reason()));
          return;
        }
        Chain chain = chainOf(a, rule.direction());
        Walk w = steps.walk(chain, a.flow(), p, rule.index(), null, -1);
        if (!steps.matches(rule, a.flow()) || w.took() || w.blocker() == null || cover.containsKey(key(w.blocker()))) {
          throw disagreement("the solver's packet is not taken by a new earlier element", rule, a.flow());
        }
        cover.put(key(w.blocker()), example(chain, a.flow(), null));
      }
    }
    List<Cover> covers = new ArrayList<>();
    for (StepGoals.Element e : goals.blocking(p, rule.index())) {
      if (cover.containsKey(e.key())) {
        covers.add(cover(e, cover.get(e.key())));
      }
    }
    if (covers.size() != cover.size()) {
      throw disagreement("an element that takes its packets is not before it", rule, own);
    }
    boolean conflict =
        rule.action() != Action.LOG && covers.stream().anyMatch(c -> c.action() != rule.action());
    findings.add(new Finding.ShadowedRule(rule, covers, conflict, example(ownAt, own, null)));
  }

  /** The rule is live and sampling found no packet whose verdict it changes: ask the solver. */
  private void redundancy(StepGoals goals, Pending q) {
    RuleRef rule = q.rule;
    if (q.notRedundant || !q.needsRedundancy()) {
      return;
    }
    Answer a = ask("changes", () -> goals.changesVerdict(rule.policy(), rule.index()));
    switch (a.status()) {
      case SAT -> {
        Chain chain = chainOf(a, rule.direction());
        Walk with = steps.walk(chain, a.flow(), rule.policy(), rule.index(), null, -1);
        Walk without = steps.walk(chain, a.flow(), null, -1, rule.policy(), rule.index());
        if (!with.took() || with.allowed() == without.allowed()) {
          throw disagreement("the solver says removing the rule changes this packet's verdict", rule, a.flow());
        }
      }
      case UNKNOWN ->
          findings.add(new Finding.Inconclusive(rule, null, "does removing it change a verdict?", a.reason()));
      case UNSAT -> {
        Walk with = steps.walk(q.takenAt, q.taken, rule.policy(), rule.index(), null, -1);
        Walk without = steps.walk(q.takenAt, q.taken, null, -1, rule.policy(), rule.index());
        if (!with.took() || with.allowed() != without.allowed()) {
          throw disagreement("the solver says removing the rule changes no verdict", rule, q.taken);
        }
        findings.add(new Finding.RedundantRule(rule, example(q.takenAt, q.taken, rule)));
      }
    }
  }

  /** A sampled packet the rule matches and that element {@code e} (a rule) takes first, or null. */
  private Map.Entry<Chain, Flow> concreteTakenBy(RuleRef rule, StepGoals.Element e) {
    if (!(e instanceof StepGoals.RuleElement r)) {
      return null;
    }
    RuleRef theirs = ref(r, rule.direction());
    for (EClass c : spread(steps.selected(rule.policy(), rule.direction()))) {
      Chain chain = steps.chain(c, rule.direction());
      List<Flow> mine = samples.flows(rule, chain.at(), FLOWS_PER_CLASS);
      List<Flow> other = samples.flows(theirs, chain.at(), FLOWS_PER_CLASS);
      for (Flow f : Samples.hybrid(mine, other, rule.direction(), 4 * FLOWS_PER_RULE)) {
        if (!steps.matches(rule, f)) {
          continue;
        }
        Walk w = steps.walk(chain, f, rule.policy(), rule.index(), null, -1);
        if (!w.took() && isElement(w.blocker(), e)) {
          return Map.entry(chain, f);
        }
      }
    }
    return null;
  }

  private static RuleRef ref(StepGoals.RuleElement r, Direction d) {
    return RuleRef.of(r.tier(), r.policy(), d).stream().filter(x -> x.index() == r.index()).findFirst().orElseThrow();
  }

  /** The element is a rule that can match no packet the rule matches (so it takes none). */
  private boolean disjoint(RuleRef rule, StepGoals.Element e) {
    if (!(e instanceof StepGoals.RuleElement r)) {
      return false;
    }
    List<Rule> theirs = r.policy().rules(rule.direction()).stream().filter(x -> x.index() == r.index()).toList();
    return footprint.disjoint(rule.rules(), theirs, rule.direction());
  }

  private static boolean isElement(Steps.Taker t, StepGoals.Element e) {
    if (t == null) {
      return false;
    }
    if (e instanceof StepGoals.RuleElement r) {
      return t.kind() == Decision.Kind.RULE && t.policy() == r.policy() && t.index() == r.index();
    }
    if (e instanceof StepGoals.TierDefault td) {
      return t.kind() == Decision.Kind.TIER_DEFAULT && t.tier().name().equals(td.tier().name());
    }
    return t.kind() == Decision.Kind.FAILSAFE;
  }

  private Cover cover(StepGoals.Element e, Example example) {
    if (e instanceof StepGoals.RuleElement r) {
      RuleRef ref =
          RuleRef.of(r.tier(), r.policy(), example != null ? example.direction() : directionOf(r)).stream()
              .filter(x -> x.index() == r.index())
              .findFirst()
              .orElseThrow();
      return new Cover(ref, null, false, example);
    }
    if (e instanceof StepGoals.TierDefault td) {
      return new Cover(null, td.tier(), false, example);
    }
    return new Cover(null, null, true, example);
  }

  private static Direction directionOf(StepGoals.RuleElement r) {
    return r.policy().ingress().stream().anyMatch(x -> x.index() == r.index()) ? Direction.INGRESS : Direction.EGRESS;
  }

  /** The chain at the step end of a solver answer (a hypothetical endpoint gets its own). */
  private Chain chainOf(Answer a, Direction d) {
    Endpoint at = d == Direction.INGRESS ? a.flow().destination() : a.flow().source();
    if (at == null) {
      throw new IllegalStateException("internal error: the solver's packet has no endpoint at the step");
    }
    EClass c = steps.classOf(at);
    return c != null ? steps.chain(c, d) : steps.chain(at, d, a.assumedProfiles());
  }

  // ---------------------------------------------------------------------------------------------
  // examples: replays through eval

  /** The packet at the chain's endpoint, replayed by eval; with {@code removed}, also without that rule. */
  private Example example(Chain chain, Flow f, RuleRef removed) {
    Evaluator ev = evaluatorFor(chain);
    Step step = ev.evaluate(chain.at(), chain.direction(), f);
    Step changed = null;
    if (removed != null) {
      changed = ev.withTiers(removed.removedFrom(set.tiers())).evaluate(chain.at(), chain.direction(), f);
      if (changed.allowed() != step.allowed()) {
        throw disagreement("eval says removing the rule changes this verdict", removed, f);
      }
    }
    return new Example(chain.at(), chain.direction(), f, step, changed);
  }

  /** The evaluator for a chain's endpoint: with the profiles its namespace is assumed to have. */
  private Evaluator evaluatorFor(Chain chain) {
    if (chain.assumed().isEmpty()) {
      return evaluator;
    }
    return assumed.computeIfAbsent(
        chain.assumed(),
        x -> {
          Map<String, Profile> profiles = new LinkedHashMap<>(set.profiles());
          profiles.putAll(x);
          return new Evaluator(new PolicySet(set.tiers(), set.endpoints(), set.networkSets(), profiles, set.namespaces()));
        });
  }

  private static IllegalStateException disagreement(String what, RuleRef rule, Flow f) {
    return new IllegalStateException(
        "internal error: solver and evaluator disagree about " + rule.display() + ": " + what + "; flow " + f.describe());
  }

  // ---------------------------------------------------------------------------------------------
  // why a rule is unmatchable (an explanation of the solver's unsat; each cause is exact)

  private Finding unmatchable(RuleRef rule) {
    Rule r = rule.rules().get(0);
    boolean ingress = rule.direction() == Direction.INGRESS;
    EntityMatch local = ingress ? r.destination() : r.source();
    EntityMatch far = ingress ? r.source() : r.destination();
    if (r.protocol() != null && r.notProtocol() != null && r.protocol().equals(r.notProtocol())) {
      return new Finding.UnmatchableRule(rule, Cause.PROTOCOL, "`protocol` and `notProtocol` are both " + dev.tierproof.model.Protocols.name(r.protocol()));
    }
    if (r.icmp() != null && r.notIcmp() != null && r.notIcmp().type() == r.icmp().type()
        && (r.notIcmp().code() == null || r.notIcmp().code().equals(r.icmp().code()))) {
      return new Finding.UnmatchableRule(rule, Cause.PROTOCOL, "`notICMP` excludes every packet `icmp` matches");
    }
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      String side = m == r.source() ? "source" : "destination";
      if (!m.nets().isEmpty()
          && m.nets().stream().allMatch(n -> m.notNets().stream().anyMatch(x -> inside(n, x)))) {
        return new Finding.UnmatchableRule(
            rule, Cause.NETS_EXCLUDED, "every CIDR of `" + side + ".nets` lies inside its `notNets`");
      }
      List<Port.Range> ports = m.ports().stream().filter(Port.Range.class::isInstance).map(Port.Range.class::cast).toList();
      if (!m.ports().isEmpty() && ports.size() == m.ports().size()
          && ports.stream().allMatch(p -> covered(p, m.notPorts()))) {
        return new Finding.UnmatchableRule(rule, Cause.PORTS_EXCLUDED, "every port of `" + side + ".ports` is in its `notPorts`");
      }
    }
    if (scope == Scope.EXISTING) {
      for (EntityMatch m : List.of(far, local)) {
        boolean isLocal = m == local && m != far;
        String side = (ingress == isLocal) ? "destination" : "source";
        if (m.selector() != null && nothingMatches(m)) {
          return new Finding.UnmatchableRule(
              rule, Cause.SELECTOR, "`" + side + "` selects no endpoint or network set: `" + m.selector().canonical() + "`");
        }
        List<String> names = m.ports().stream().filter(Port.Named.class::isInstance).map(Object::toString).toList();
        if (!names.isEmpty() && names.size() == m.ports().size() && noNamedPort(m, r, names, isLocal ? rule : null)) {
          String proto = r.protocol() == null ? "" : dev.tierproof.model.Protocols.name(r.protocol()) + " ";
          String ports = String.join(", ", names.stream().map(n -> "`" + n + "`").toList());
          return new Finding.UnmatchableRule(
              rule, Cause.NAMED_PORT,
              isLocal
                  ? "no endpoint the policy selects declares a " + proto + "port named " + ports
                  : "no endpoint its `" + side + "` can match declares a " + proto + "port named " + ports);
        }
      }
      if (!local.isEmpty() && ownEndpointsExcluded(rule, local)) {
        String side = ingress ? "destination" : "source";
        return new Finding.UnmatchableRule(
            rule, Cause.OWN_ENDPOINTS, "its `" + side + "` is the policy's own endpoint, and it excludes every endpoint the policy selects");
      }
    }
    return new Finding.UnmatchableRule(rule, Cause.COMBINATION, "its criteria together exclude every packet at the endpoints the policy selects");
  }

  private static boolean covered(Port.Range p, List<Port> notPorts) {
    for (int port = p.min(); port <= p.max(); port++) {
      final int x = port;
      if (notPorts.stream().noneMatch(n -> n instanceof Port.Range r && r.contains(x))) {
        return false;
      }
    }
    return true;
  }

  private boolean nothingMatches(EntityMatch m) {
    if (!samples.matching(m.selector(), m.notSelector()).isEmpty()) {
      return false;
    }
    for (NetworkSet n : set.networkSets()) {
      if (m.selector().matches(n.labels()) && (m.notSelector() == null || !m.notSelector().matches(n.labels()))) {
        return false;
      }
    }
    return true;
  }

  /** No endpoint the side can match (for the policy's own side: that it selects) declares one of the named ports. */
  private boolean noNamedPort(EntityMatch m, Rule r, List<String> names, RuleRef own) {
    List<Endpoint> candidates = new ArrayList<>();
    if (own != null) {
      steps.selected(own.policy(), own.direction()).forEach(c -> candidates.addAll(c.members()));
    } else if (m.selector() != null) {
      samples.matching(m.selector(), m.notSelector()).forEach(c -> candidates.addAll(c.members()));
    } else {
      candidates.addAll(set.endpoints());
    }
    for (Endpoint e : candidates) {
      for (NamedPort np : e.ports()) {
        if (names.contains(np.name()) && (r.protocol() == null || r.protocol() == np.protocol())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The side at the policy's own endpoints: no selected endpoint's address passes its nets and selector. */
  private boolean ownEndpointsExcluded(RuleRef rule, EntityMatch local) {
    if (!local.ports().isEmpty() || !local.notPorts().isEmpty() || !local.domains().isEmpty()) {
      return false;
    }
    for (EClass c : steps.selected(rule.policy(), rule.direction())) {
      for (Endpoint e : c.members()) {
        if (e.ips().isEmpty()) {
          return false;
        }
        for (Ip ip : e.ips()) {
          boolean nets = (local.nets().isEmpty() || local.nets().stream().anyMatch(n -> n.contains(ip)))
              && local.notNets().stream().noneMatch(n -> n.contains(ip));
          if (!nets) {
            continue;
          }
          if (local.selector() == null && local.notSelector() == null) {
            return false;
          }
          List<Map<String, String>> at = new ArrayList<>();
          set.endpoints().stream().filter(o -> o.ips().contains(ip)).forEach(o -> at.add(o.labels()));
          set.networkSets().stream().filter(n -> n.nets().stream().anyMatch(x -> x.contains(ip))).forEach(n -> at.add(n.labels()));
          boolean sel =
              local.selector() != null
                  ? at.stream().anyMatch(l -> local.selector().matches(l) && (local.notSelector() == null || !local.notSelector().matches(l)))
                  : at.stream().noneMatch(l -> local.notSelector().matches(l));
          if (sel) {
            return false;
          }
        }
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // surprises

  /** TP205: the far side of an Allow rule has only notSelector or only notNets. */
  private static boolean negationSide(RuleRef rule) {
    if (rule.action() != Action.ALLOW) {
      return false;
    }
    for (Rule r : rule.rules()) {
      EntityMatch far = rule.direction() == Direction.INGRESS ? r.source() : r.destination();
      boolean notSel = far.notSelector() != null && far.selector() == null && far.nets().isEmpty();
      boolean notNets = !far.notNets().isEmpty() && far.nets().isEmpty() && far.selector() == null && far.notSelector() == null;
      if ((notSel || notNets) && far.domains().isEmpty() && far.service() == null) {
        return true;
      }
    }
    return false;
  }

  private static boolean notSelectorSide(RuleRef rule) {
    Rule r = rule.rules().get(0);
    EntityMatch far = rule.direction() == Direction.INGRESS ? r.source() : r.destination();
    return far.notSelector() != null;
  }

  private boolean outsidePeer(RuleRef rule, Flow f) {
    Ip ip = rule.direction() == Direction.INGRESS ? f.sourceIp() : f.destinationIp();
    return negationSide(rule) && !samples.owned(ip);
  }

  private void negationOutside(RuleRef rule, List<Chain> chains) {
    if (!negationSide(rule)) {
      return;
    }
    for (Chain chain : chains) {
      for (Flow f : samples.outsideFlows(rule, chain.at(), 8)) {
        if (!steps.matches(rule, f)) {
          continue;
        }
        Walk w = steps.walk(chain, f, rule.policy(), rule.index(), null, -1);
        if (w.took() && w.allowed()) {
          findings.add(new Finding.NegationMatchesOutside(rule, notSelectorSide(rule), example(chain, f, null)));
          return;
        }
      }
    }
  }

  /** TP202: only Log rules in a governed direction, and the tier's implicit deny drops what they log. */
  private void logOnly(Tier tier, Policy p, Direction d, Endpoint hypothetical) {
    List<Rule> rs = p.rules(d);
    if (rs.isEmpty() || rs.stream().anyMatch(r -> r.action() != Action.LOG) || tier.defaultAction() == Action.PASS) {
      return;
    }
    List<Chain> chains = new ArrayList<>();
    spread(steps.selected(p, d)).forEach(c -> chains.add(steps.chain(c, d)));
    if (hypothetical != null && Evaluator.applies(p, hypothetical, d)) {
      chains.add(steps.chain(hypothetical, d, assumedFor.getOrDefault(hypothetical, Map.of())));
    }
    for (RuleRef rule : RuleRef.of(tier, p, d)) {
      for (Chain chain : chains) {
        for (Flow f : samples.flows(rule, chain.at(), FLOWS_PER_CLASS)) {
          if (!steps.matches(rule, f)) {
            continue;
          }
          Walk w = steps.walk(chain, f, p, rule.index(), null, -1);
          if (w.arrived() && w.decider().kind() == Decision.Kind.TIER_DEFAULT && w.decider().tier() == tier) {
            findings.add(new Finding.LogOnlyDenies(tier, p, d, example(chain, f, null)));
            return;
          }
        }
      }
    }
  }

  /** TP203: a GlobalNetworkPolicy that selects workloads (or all()) also selects host endpoints. */
  private void gnpHosts(Tier tier, Policy p) {
    if (p.kind() != PolicyKind.GLOBAL_NETWORK_POLICY) {
      return;
    }
    List<Endpoint> hosts = new ArrayList<>();
    boolean workloads = false;
    for (EClass c : steps.classes) {
      Endpoint e = c.representative();
      boolean selects = p.types().stream().anyMatch(d -> Evaluator.applies(p, e, d));
      if (selects && e.isHost()) {
        hosts.addAll(c.members());
      } else if (selects) {
        workloads = true;
      }
    }
    boolean everything = p.selector() instanceof Selector.All;
    if (!hosts.isEmpty() && (workloads || everything)) {
      findings.add(new Finding.GnpSelectsHosts(tier, p, hosts, false));
      return;
    }
    if (scope == Scope.ANY && hosts.isEmpty()) {
      boolean[] unknown = {false};
      boolean host = Labels.host(network(), p.selector(), unknown).isPresent();
      boolean workload = workloads || Labels.workload(network(), null, p.selector(), unknown).isPresent();
      if (host && workload) {
        findings.add(new Finding.GnpSelectsHosts(tier, p, hosts, true));
      }
    }
  }

  /** TP204: packets at the endpoints a staged policy would select whose verdict enforcing it changes. */
  private void staged(Tier tier, Policy s) {
    PolicyKind enforcedKind =
        switch (s.kind()) {
          case STAGED_NETWORK_POLICY -> PolicyKind.NETWORK_POLICY;
          case STAGED_GLOBAL_NETWORK_POLICY -> PolicyKind.GLOBAL_NETWORK_POLICY;
          case STAGED_KUBERNETES_NETWORK_POLICY -> PolicyKind.KUBERNETES_NETWORK_POLICY;
          default -> s.kind();
        };
    Policy enforced =
        new Policy(
            enforcedKind, s.name(), s.namespace(), s.tier(), s.order(), s.selector(), s.types(), s.ingress(),
            s.egress(), s.doNotTrack(), s.preDnat(), s.applyOnForward(), s.span());
    List<Tier> tiers = new ArrayList<>();
    for (Tier t : set.tiers()) {
      List<Policy> ps = new ArrayList<>();
      t.policies().forEach(p -> ps.add(p == s ? enforced : p));
      tiers.add(new Tier(t.name(), t.order(), t.defaultAction(), t.declared(), t.span(), ps));
    }
    PolicySet changedSet = new PolicySet(tiers, set.endpoints(), set.networkSets(), set.profiles(), set.namespaces());
    Evaluator changed = new Evaluator(changedSet);
    List<Example> examples = new ArrayList<>();
    Rule any = new Rule(-1, Action.ALLOW, null, null, null, null, null, EntityMatch.ANY, EntityMatch.ANY, false, Span.NONE);
    for (Direction d : Direction.values()) {
      if (!enforced.governs(d)) {
        continue;
      }
      List<EClass> classes = new ArrayList<>();
      for (EClass c : steps.classes) {
        if (Evaluator.applies(enforced, c.representative(), d)) {
          classes.add(c);
        }
      }
      List<RuleRef> probes = new ArrayList<>(RuleRef.of(tier, enforced, d));
      probes.add(new RuleRef(tier, enforced, d, -1, List.of(any)));
      for (EClass c : spread(classes)) {
        Endpoint at = c.representative();
        boolean found = false;
        for (RuleRef probe : probes) {
          for (Flow f : samples.flows(probe, at, FLOWS_PER_CLASS)) {
            Step before = evaluator.evaluate(at, d, f);
            Step after = changed.evaluate(at, d, f);
            if (before.allowed() != after.allowed()) {
              examples.add(new Example(at, d, f, before, after));
              found = true;
              break;
            }
          }
          if (found) {
            break;
          }
        }
        if (examples.size() >= 3) {
          break;
        }
      }
    }
    if (!examples.isEmpty()) {
      findings.add(new Finding.StagedWouldChange(tier, s, examples));
    }
  }

  /** {@code inner} lies inside {@code outer}. */
  static boolean inside(Cidr inner, Cidr outer) {
    return inner.family() == outer.family() && outer.prefix() <= inner.prefix() && outer.contains(new Ip(inner.family(), inner.low()));
  }
}
