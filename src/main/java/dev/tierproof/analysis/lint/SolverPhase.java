package dev.tierproof.analysis.lint;

import dev.tierproof.analysis.lint.Finding.Cover;
import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.analysis.lint.Steps.Walk;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.Outside;
import dev.tierproof.smt.Side;
import dev.tierproof.smt.SolverSession;
import dev.tierproof.smt.StepGoals;
import dev.tierproof.source.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lint's solver phase: what sampling left open ({@link Pending}) asked of Z3, one question family
 * ({@link StepGoals}) per namespace (or the global policies) and direction, on up to {@code
 * min(CPUs, 4)} workers with a Z3 session each, then one per forward side of walked nodes' host
 * endpoints that open rules are on ({@link StepGoals#forward}, spec S6.11). Per rule, over all the
 * steps it is on: unmatchable (with its cause, {@link Unmatchable}) when it matches no packet at
 * any, shadowed when reached at none (the smallest covering set of earlier elements is the union of
 * each step's), live after all, or redundant when removing it changes no verdict at any. Every
 * solver packet is walked by {@link Steps} (eval's walk) before it counts; a disagreement is an
 * internal error. A solver {@code unknown} is a {@link Finding.Inconclusive}.
 */
final class SolverPhase {

  private final Duration timeout;
  private final Progress progress;
  private final Footprint footprint;
  private final Unmatchable causes;
  private long openNanos;
  private int opens;
  private int questions;
  private long solverMillis;

  private final Phase phase;

  SolverPhase(
      Phase phase, Duration timeout, Progress progress, Footprint footprint, Unmatchable causes) {
    this.phase = phase;
    this.timeout = timeout;
    this.progress = progress;
    this.footprint = footprint;
    this.causes = causes;
  }

  /**
   * One question family and where its steps are: the own steps of a group's endpoints ({@code side}
   * null), or a forward side.
   */
  private record Family(StepGoals goals, Steps.ForwardSide side) {
    boolean holds(StepPath chain) {
      return side == null
          ? !chain.forward()
          : chain.forward()
              && chain.local() == side.chain().local()
              && side.hosts().stream().anyMatch(h -> h == chain.at());
    }
  }

  /** The solver could not answer {@code question} about the rule: no finding but this. */
  private void inconclusive(Pending q, String question, Answer a) {
    q.done = true;
    phase.findings().add(new Finding.Inconclusive(q.rule, null, question, a.reason()));
  }

  synchronized int questions() {
    return questions;
  }

  synchronized long solverMillis() {
    return solverMillis;
  }

  /** Where the solver's time went (a debugging aid). */
  synchronized String profile() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%d solver opens %d ms, %d questions %d ms check",
                opens, openNanos / 1_000_000, questions, solverMillis));
    profile.forEach((k, v) -> out.append(String.format("%n  %s: %d, %d ms", k, v[0], v[1])));
    return out.toString();
  }

  /**
   * One solver question family for the open rules of the policies of one namespace (or the global
   * ones) in one direction: the step is at any endpoint one of them selects, and each rule's goals
   * only count the endpoints its own policy applies to.
   */
  private void solve(Network network, String namespace, Direction d, List<Pending> pending) {
    List<Side> at = new ArrayList<>();
    List<EClass> classes = new ArrayList<>();
    for (Pending q : pending) {
      for (EClass c : phase.steps().selected(q.rule.policy(), d)) {
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
    // the rules of every chain the question can involve: the far ends are grouped by what they
    // observe
    List<Rule> involved = new ArrayList<>();
    java.util.Set<Policy> policies = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (EClass c : classes) {
      phase.steps().chain(c, d).tiers().forEach(part -> policies.addAll(part.applying()));
    }
    if (phase.scope() == Scope.ANY) {
      for (Policy p : phase.set().policies()) {
        if (!p.staged()
            && p.governs(d)
            && (Lint.ns(p) == null || namespace.isEmpty() || namespace.equals(Lint.ns(p)))) {
          policies.add(p);
        }
      }
    }
    policies.forEach(p -> involved.addAll(p.rules(d)));
    phase.set().profiles().values().forEach(p -> involved.addAll(p.rules(d)));
    List<Side> peers = new ArrayList<>();
    peers.add(new Side.Endpoints(phase.peers().representatives(involved, d), null));
    peers.add(Outside.in(null, null));
    if (phase.scope() == Scope.ANY) {
      at.add(
          new Side.Fresh(namespace.isEmpty() ? null : namespace, new Selector.All(), null, null));
      peers.add(new Side.Fresh(null, new Selector.All(), null, null));
    }
    long t0 = System.nanoTime();
    try (StepGoals goals = StepGoals.open(network, d, at, peers, FlowSpec.ANY)) {
      synchronized (this) {
        openNanos += System.nanoTime() - t0;
        opens++;
      }
      Family own = new Family(goals, null);
      for (Pending q : pending) {
        ask(own, q);
        if (!onForward(q)) {
          conclude(q);
        }
      }
    }
  }

  /** Asks the questions still open about {@code q}'s rule in one family. */
  private void ask(Family fam, Pending q) {
    if (q.live) {
      redundancy(fam, q);
    } else {
      reachability(fam, q);
    }
  }

  /**
   * The forward sides the open rules are on (spec S6.11), one question family each: the side's
   * chain, met by a flow between a workload that can be on one of its nodes and outside the
   * cluster, a workload (in scope) or a host endpoint of another node, the workloads reduced to
   * those its rules tell apart ({@link Peers#workloads}); then every rule on one is concluded.
   */
  private void forward(Collection<List<Pending>> groups, Network net) {
    List<Steps.ForwardSide> sides = new ArrayList<>();
    Map<Steps.ForwardSide, List<Pending>> on = new IdentityHashMap<>();
    List<Pending> deferred = new ArrayList<>();
    for (List<Pending> group : groups) {
      for (Pending q : group) {
        List<Steps.ForwardSide> mine = phase.steps().forwarded(q.rule.policy(), q.rule.direction());
        if (onForward(q)) {
          deferred.add(q);
        }
        for (Steps.ForwardSide side : mine) {
          on.computeIfAbsent(
                  side,
                  k -> {
                    sides.add(k);
                    return new ArrayList<>();
                  })
              .add(q);
        }
      }
    }
    boolean any = phase.scope() == Scope.ANY;
    for (Steps.ForwardSide side : sides) {
      Direction d = side.chain().direction();
      List<Rule> rules = new ArrayList<>();
      side.chain().tiers().forEach(e -> e.applying().forEach(p -> rules.addAll(p.rules(d))));
      List<Endpoint> workloads = phase.peers().workloads(rules, side);
      // spec S6.11: flows between two outside addresses routed through its nodes meet it too
      List<Side> ends = new ArrayList<>();
      if (!workloads.isEmpty()) {
        ends.add(new Side.Endpoints(workloads, null));
      }
      if (any) {
        ends.add(new Side.Fresh(null, new Selector.All(), null, null));
      }
      // spec S6.12: a local pre-DNAT path is met by a workload's flow to a host endpoint of its
      // node
      List<Endpoint> hosts =
          phase.steps().set.endpoints().stream()
              .filter(e -> e.isHost() && e.node() != null && side.near(e.node()))
              .toList();
      if (side.chain().local() && (ends.isEmpty() || hosts.isEmpty())) {
        continue;
      }
      if (!side.chain().local()) {
        ends.add(Outside.in(null, null));
        // spec S6.10, S6.11: and by one between such a workload and another node's host endpoint
        List<Endpoint> far =
            phase.steps().set.endpoints().stream()
                .filter(e -> e.isHost() && e.node() != null)
                .toList();
        if (!far.isEmpty()) {
          ends.add(new Side.Endpoints(far, null));
        }
      }
      long t0 = System.nanoTime();
      try (StepGoals goals =
          side.chain().local()
              ? StepGoals.local(
                  net, side.hosts(), ends, List.of(new Side.Endpoints(hosts, null)), FlowSpec.ANY)
              : StepGoals.forward(net, d, side.hosts(), ends, FlowSpec.ANY)) {
        synchronized (this) {
          openNanos += System.nanoTime() - t0;
          opens++;
        }
        Family fam = new Family(goals, side);
        for (Pending q : on.get(side)) {
          if (!q.done) {
            ask(fam, q);
          }
        }
      }
    }
    deferred.forEach(this::conclude);
  }

  /**
   * The finding about {@code q}'s rule once every family it is on was asked: redundant when live
   * and removing it changed no verdict anywhere, unmatchable when it matched no packet anywhere,
   * else shadowed by the union of the covers found.
   */
  private void conclude(Pending q) {
    if (q.done) {
      return;
    }
    q.done = true;
    RuleRef rule = q.rule;
    if (q.live) {
      if (!q.needsRedundancy() || q.notRedundant) {
        return;
      }
      Walk with = phase.steps().walk(q.takenAt, q.taken, rule.policy(), rule.index(), null, -1);
      Walk without = phase.steps().walk(q.takenAt, q.taken, null, -1, rule.policy(), rule.index());
      if (!with.took() || with.allowed() != without.allowed()) {
        throw Examples.disagreement(
            "the solver says removing the rule changes no verdict", rule, q.taken);
      }
      phase
          .findings()
          .add(new Finding.RedundantRule(rule, phase.examples().at(q.takenAt, q.taken, rule)));
    } else if (!q.matched) {
      phase.findings().add(causes.of(rule, onForward(q)));
    } else {
      List<Cover> covers = List.copyOf(q.covers.values());
      boolean conflict =
          rule.action() != Action.LOG && covers.stream().anyMatch(c -> c.action() != rule.action());
      phase
          .findings()
          .add(
              new Finding.ShadowedRule(
                  rule, covers, conflict, phase.examples().at(q.blockedAt, q.blocked, null)));
    }
  }

  /**
   * The solver phase: each group (namespace or global policies, direction) is an independent
   * question family. With many groups they run on up to {@code min(CPUs, 4)} workers, each with its
   * own Z3 session, groups dealt largest first to the least loaded worker (by open rules) before
   * any runs, so that each worker's sequence (and so every answer) is the same in every run on the
   * machine.
   */
  void run(Map<List<Object>, List<Pending>> pending, Supplier<Network> first) {
    List<Map.Entry<List<Object>, List<Pending>>> groups = new ArrayList<>(pending.entrySet());
    int total = groups.stream().mapToInt(g -> g.getValue().size()).sum();
    java.util.concurrent.atomic.AtomicInteger solved =
        new java.util.concurrent.atomic.AtomicInteger();
    int workers = groups.size() < 8 ? 1 : Math.min(4, Runtime.getRuntime().availableProcessors());
    if (workers <= 1) {
      for (Map.Entry<List<Object>, List<Pending>> g : groups) {
        solve(first.get(), (String) g.getKey().get(0), (Direction) g.getKey().get(1), g.getValue());
        progress.at("rules", solved.addAndGet(g.getValue().size()), total);
      }
    } else {
      parallel(groups, workers, solved, total);
    }
    if (groups.stream().anyMatch(g -> g.getValue().stream().anyMatch(this::onForward))) {
      forward(pending.values(), first.get());
    }
  }

  /** Whether {@code q}'s rule is on a forward side (spec S6.11). */
  private boolean onForward(Pending q) {
    return !phase.steps().forwarded(q.rule.policy(), q.rule.direction()).isEmpty();
  }

  /** The groups on {@code workers} workers (see {@link #run}). */
  private void parallel(
      List<Map.Entry<List<Object>, List<Pending>>> groups,
      int workers,
      java.util.concurrent.atomic.AtomicInteger solved,
      int total) {
    // largest groups first, each to the worker with the least work so far: balanced, and the same
    // assignment (so the same answers) in every run
    List<List<Map.Entry<List<Object>, List<Pending>>>> dealt = new ArrayList<>();
    long[] load = new long[workers];
    for (int w = 0; w < workers; w++) {
      dealt.add(new ArrayList<>());
    }
    List<Map.Entry<List<Object>, List<Pending>>> bySize = new ArrayList<>(groups);
    bySize.sort(
        java.util.Comparator.comparingInt(
            (Map.Entry<List<Object>, List<Pending>> g) -> -g.getValue().size()));
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
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(workers);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        List<Map.Entry<List<Object>, List<Pending>>> mine = dealt.get(w);
        done.add(
            pool.submit(
                () -> {
                  try (SolverSession own = new SolverSession(timeout)) {
                    Network net = Network.encode(phase.set(), own);
                    for (Map.Entry<List<Object>, List<Pending>> g : mine) {
                      solve(
                          net,
                          (String) g.getKey().get(0),
                          (Direction) g.getKey().get(1),
                          g.getValue());
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

  /**
   * The rule took no sampled packet: in this family, does it match some packet, does one reach it
   * (then it is live), and if none does, which earlier elements take the packets it matches (added
   * to its covers).
   */
  private void reachability(Family fam, Pending q) {
    StepGoals goals = fam.goals();
    RuleRef rule = q.rule;
    Policy p = rule.policy();
    Map.Entry<StepPath, Flow> mine = null;
    if (q.blocked != null && fam.holds(q.blockedAt)) {
      mine = Map.entry(q.blockedAt, q.blocked);
    }
    for (Pending.Blocked b : q.blockedBy.values()) {
      if (mine == null && fam.holds(b.at())) {
        mine = Map.entry(b.at(), b.flow());
      }
    }
    if (mine == null) {
      Answer a = ask("own", () -> goals.matchesOnOwn(p, rule.index()));
      switch (a.status()) {
        case UNSAT -> {
          return; // it matches no packet here
        }
        case UNKNOWN -> {
          inconclusive(q, "can any packet match it?", a);
          return;
        }
        case SAT -> {
          StepPath at = chainOf(fam, a, rule.direction());
          if (!phase.steps().matches(rule, a.flow())
              || at.tiers().stream().noneMatch(e -> e.has(p))) {
            throw Examples.disagreement(
                "the rule does not match the solver's packet at a step its policy applies to",
                rule,
                a.flow());
          }
          mine = Map.entry(at, a.flow());
        }
      }
    }
    q.matched = true;
    StepPath ownAt = mine.getKey();
    Flow own = mine.getValue();
    Answer reach = ask("reach", () -> goals.reaches(p, rule.index()));
    if (reach.status() == SolverSession.Status.UNKNOWN) {
      inconclusive(q, "is it ever reached?", reach);
      return;
    } else if (reach.sat()) {
      StepPath chain = chainOf(fam, reach, rule.direction());
      Walk w = phase.steps().walk(chain, reach.flow(), p, rule.index(), null, -1);
      if (!w.took()) {
        throw Examples.disagreement(
            "the solver says the rule takes this packet", rule, reach.flow());
      }
      q.live = true;
      q.taken = reach.flow();
      q.takenAt = chain;
      redundancy(fam, q);
      return;
    }
    Walk blocked = phase.steps().walk(ownAt, own, p, rule.index(), null, -1);
    if (blocked.took() || blocked.blocker() == null) {
      throw Examples.disagreement("the solver says no packet reaches the rule", rule, own);
    }
    if (q.blocked == null) {
      q.blocked = own;
      q.blockedAt = ownAt;
    }
    // The smallest covering set: the elements that take some packet the rule matches. The takes
    // are disjoint, so every such element is in every covering set, and they cover it. Z3's
    // unsat core over "element e does not take the packet" gives a covering set; each of its
    // elements is then kept iff it takes some matched packet (known from sampling, or a model).
    Map<String, Example> cover = new LinkedHashMap<>();
    for (Pending.Blocked b : q.blockedBy.values()) {
      if (fam.holds(b.at())) {
        cover.putIfAbsent(b.element(), phase.examples().at(b.at(), b.flow(), null));
      }
    }
    cover.computeIfAbsent(Steps.key(blocked.blocker()), k -> phase.examples().at(ownAt, own, null));
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
        throw Examples.disagreement(
            "an element that takes one of its packets is missing from a covering set", rule, own);
      }
      for (StepGoals.Element e : core.elements()) {
        if (cover.containsKey(e.key()) || disjoint(rule, e)) {
          continue;
        }
        Map.Entry<StepPath, Flow> hit = fam.side() == null ? concreteTakenBy(rule, e) : null;
        if (hit != null) {
          cover.put(e.key(), phase.examples().at(hit.getKey(), hit.getValue(), null));
          continue;
        }
        Answer a = ask("takenBy", () -> goals.takenBy(p, rule.index(), e));
        if (a.status() == SolverSession.Status.UNKNOWN) {
          inconclusive(q, "which earlier rules cover it?", a);
          return;
        }
        if (a.sat()) {
          StepPath chain = chainOf(fam, a, rule.direction());
          Walk w = phase.steps().walk(chain, a.flow(), p, rule.index(), null, -1);
          if (!phase.steps().matches(rule, a.flow()) || w.took() || !isElement(w.blocker(), e)) {
            throw Examples.disagreement(
                "the solver says " + e.key() + " takes this packet first", rule, a.flow());
          }
          cover.put(e.key(), phase.examples().at(chain, a.flow(), null));
        }
      }
    } else {
      // the relaxation found a packet (at an address an endpoint owns): enumerate the takers
      // instead
      while (true) {
        Answer a = ask("cover", () -> goals.matchesExcept(p, rule.index(), cover.keySet()));
        if (a.status() == SolverSession.Status.UNSAT) {
          break;
        }
        if (a.status() == SolverSession.Status.UNKNOWN) {
          inconclusive(q, "which earlier rules cover it?", a);
          return;
        }
        StepPath chain = chainOf(fam, a, rule.direction());
        Walk w = phase.steps().walk(chain, a.flow(), p, rule.index(), null, -1);
        if (!phase.steps().matches(rule, a.flow())
            || w.took()
            || w.blocker() == null
            || cover.containsKey(Steps.key(w.blocker()))) {
          throw Examples.disagreement(
              "the solver's packet is not taken by a new earlier element", rule, a.flow());
        }
        cover.put(Steps.key(w.blocker()), phase.examples().at(chain, a.flow(), null));
      }
    }
    int kept = 0;
    for (StepGoals.Element e : goals.blocking(p, rule.index())) {
      if (cover.containsKey(e.key())) {
        kept++;
        q.covers.putIfAbsent(e.key(), cover(e, cover.get(e.key())));
      }
    }
    if (kept != cover.size()) {
      throw Examples.disagreement("an element that takes its packets is not before it", rule, own);
    }
  }

  /** The rule is live and no sample's verdict changes without it: does one in this family? */
  private void redundancy(Family fam, Pending q) {
    RuleRef rule = q.rule;
    if (q.done || q.notRedundant || !q.needsRedundancy()) {
      return;
    }
    Answer a = ask("changes", () -> fam.goals().changesVerdict(rule.policy(), rule.index()));
    switch (a.status()) {
      case SAT -> {
        StepPath chain = chainOf(fam, a, rule.direction());
        Walk with = phase.steps().walk(chain, a.flow(), rule.policy(), rule.index(), null, -1);
        Walk without = phase.steps().walk(chain, a.flow(), null, -1, rule.policy(), rule.index());
        if (!with.took() || with.allowed() == without.allowed()) {
          throw Examples.disagreement(
              "the solver says removing the rule changes this packet's verdict", rule, a.flow());
        }
        q.notRedundant = true;
      }
      case UNKNOWN -> inconclusive(q, "does removing it change a verdict?", a);
      case UNSAT -> {
        // no change at this family's steps; the rule is redundant if none changes anywhere
      }
    }
  }

  /** A sampled packet the rule matches and that element {@code e} (a rule) takes first, or null. */
  private Map.Entry<StepPath, Flow> concreteTakenBy(RuleRef rule, StepGoals.Element e) {
    if (!(e instanceof StepGoals.RuleElement r)) {
      return null;
    }
    RuleRef theirs = ref(r, rule.direction());
    for (EClass c : Steps.spread(phase.steps().selected(rule.policy(), rule.direction()))) {
      StepPath chain = phase.steps().chain(c, rule.direction());
      Samples samples = phase.samples();
      List<Flow> mine = samples.flows(rule, chain.at(), Samples.FLOWS_PER_CLASS);
      List<Flow> other = samples.flows(theirs, chain.at(), Samples.FLOWS_PER_CLASS);
      for (Flow f : samples.hybrid(mine, other, rule.direction(), 4 * Samples.FLOWS_PER_RULE)) {
        if (!phase.steps().matches(rule, f)) {
          continue;
        }
        Walk w = phase.steps().walk(chain, f, rule.policy(), rule.index(), null, -1);
        if (!w.took() && isElement(w.blocker(), e)) {
          return Map.entry(chain, f);
        }
      }
    }
    return null;
  }

  private static RuleRef ref(StepGoals.RuleElement r, Direction d) {
    return RuleRef.of(r.tier(), r.policy(), d).stream()
        .filter(x -> x.index() == r.index())
        .findFirst()
        .orElseThrow();
  }

  /** The element is a rule that can match no packet the rule matches (so it takes none). */
  private boolean disjoint(RuleRef rule, StepGoals.Element e) {
    if (!(e instanceof StepGoals.RuleElement r)) {
      return false;
    }
    List<Rule> theirs =
        r.policy().rules(rule.direction()).stream().filter(x -> x.index() == r.index()).toList();
    return footprint.disjoint(rule.rules(), theirs, rule.direction());
  }

  private static boolean isElement(Decision t, StepGoals.Element e) {
    if (t == null) {
      return false;
    }
    if (e instanceof StepGoals.RuleElement r) {
      return t.kind() == Decision.Kind.RULE
          && t.policy() == r.policy()
          && t.rule().index() == r.index();
    }
    if (e instanceof StepGoals.TierDefault td) {
      return t.kind() == Decision.Kind.TIER_DEFAULT && t.tier().name().equals(td.tier().name());
    }
    return t.kind() == Decision.Kind.FAILSAFE;
  }

  private Cover cover(StepGoals.Element e, Example example) {
    if (e instanceof StepGoals.RuleElement r) {
      RuleRef ref =
          RuleRef.of(r.tier(), r.policy(), example != null ? example.direction() : directionOf(r))
              .stream()
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
    return r.policy().ingress().stream().anyMatch(x -> x.index() == r.index())
        ? Direction.INGRESS
        : Direction.EGRESS;
  }

  /**
   * The step of a solver answer: on a forward side, the side of the forward chain the packet meets
   * there; else the chain at its step end (a hypothetical endpoint gets its own).
   */
  private StepPath chainOf(Family fam, Answer a, Direction d) {
    if (fam.side() != null) {
      StepPath at = phase.steps().at(fam.side(), a.flow());
      if (at == null) {
        throw dev.tierproof.eval.Verdict.disagreement(
            "the solver's packet meets the forward side " + fam.side().name(), a.flow(), null);
      }
      return at;
    }
    Endpoint at = d == Direction.INGRESS ? a.flow().destination() : a.flow().source();
    if (at == null) {
      throw new IllegalStateException(
          "internal error: the solver's packet has no endpoint at the step");
    }
    EClass c = phase.steps().classOf(at);
    return c != null
        ? phase.steps().chain(c, d)
        : phase.evaluator().assuming(a.assumedProfiles()).chain(at, d);
  }
}
