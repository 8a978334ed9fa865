package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.TierPart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Questions about the rules of one enforcement step (spec S4), for rule hygiene (lint): does a
 * rule match some packet on its own, is it ever reached, which earlier elements take the packets
 * it matches, and does removing it change a verdict. The step is at one of the {@code at}
 * alternatives (input endpoints, hypothetical endpoints) in one direction; the other end of the
 * packet is any of the {@code peers}. Only the step's own chain is encoded (the peers' steps are
 * not).
 *
 * <p>A <em>rule</em> here is a written rule: the entry {@code index} of a policy's list, i.e. the
 * consecutive Calico rules that share that index (one for Calico policies, several for a
 * Kubernetes NetworkPolicy entry). An {@link Element} is something that can take a packet before
 * a rule: an Allow, Deny or Pass rule, a tier's implicit deny, or a host endpoint's failsafe
 * ports. Along one chain, every packet that does not reach a rule is taken by exactly one earlier
 * element ("takes" = reached undecided and fires), so the takes-formulas of the elements before a
 * rule are disjoint and together cover "not reached"; this makes the smallest covering set of a
 * shadowed rule unique: the elements that take some packet the rule matches.
 *
 * <p>Every goal is solved in its own scope of the underlying {@link Query}, with its refutations
 * of owned addresses; answers are decoded flows to be replayed through eval by the caller. Not
 * thread-safe; close it before opening another query on the same session.
 */
public final class StepGoals implements AutoCloseable {

  /** Something that can take a packet before a rule. */
  public sealed interface Element permits RuleElement, TierDefault, Failsafe {
    /** A stable key: {@code tier/policy-sort-key/index}, {@code tier/default}, {@code failsafe}. */
    String key();
  }

  /** Rule {@code index} (as written) of {@code policy} in {@code tier}, with its action. */
  public record RuleElement(Tier tier, Policy policy, int index, Action action) implements Element {
    @Override
    public String key() {
      return tier.name() + "/" + policy.sortKey() + "/" + index;
    }
  }

  /** The implicit deny at the end of an entered tier whose rules neither decided nor passed. */
  public record TierDefault(Tier tier) implements Element {
    @Override
    public String key() {
      return tier.name() + "/default";
    }
  }

  /** A host endpoint's failsafe ports (spec S6.2), allowed before any policy. */
  public record Failsafe() implements Element {
    @Override
    public String key() {
      return "failsafe";
    }
  }

  /** The elements in an unsat core, or the status when there is none. */
  public record Core(SolverSession.Status status, List<Element> elements, String reason) {
    public Core {
      elements = List.copyOf(elements);
    }
  }

  /** Per alternative of the stepping end, per written rule: the formulas of its position. */
  private record At(BoolExpr reached, BoolExpr fires, BoolExpr changes) {}

  private record Key(Policy policy, int index) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.policy == policy && k.index == index;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(policy) * 31 + index;
    }
  }

  private final Query query;
  private final Context ctx;
  private final SolverSession session;
  private final Direction dir;
  private final List<Query.StepOption> options;
  /** Per option: rule → formulas at its position. */
  private final List<Map<Key, At>> positions = new ArrayList<>();
  /** Per option: element key → its takes formula; in chain order. */
  private final List<Map<String, BoolExpr>> takes = new ArrayList<>();
  /** Per option: rule → the keys of the elements that can take a packet before it. */
  private final List<Map<Key, List<String>>> before = new ArrayList<>();
  private final Map<String, Element> elements = new LinkedHashMap<>();
  private int fresh;
  /** Owned addresses are excluded up front: models need no refutation, checks can use assumptions. */
  private boolean eager;

  /** Above this many runs of owned addresses, they are left to the query's lazy refutation. */
  private static final int EAGER_RUNS = 4096;

  private StepGoals(Network net, Query query) {
    this.query = query;
    this.ctx = query.context();
    this.session = query.session();
    this.dir = query.stepDirection();
    this.options = query.stepOptions();
    excludeOwned(net);
    for (Query.StepOption o : options) {
      build(o);
    }
  }

  /**
   * "A free end's address is owned by no endpoint" up front, as one exclusion per run of
   * consecutive owned addresses, when there are not too many runs: the query would otherwise
   * refute such models one run at a time (exact either way; this only saves iterations).
   */
  private void excludeOwned(Network net) {
    List<BoolExpr> ends = query.freeEnds();
    List<com.microsoft.z3.BitVecExpr> at = query.endAddresses();
    if (!ends.get(0).isFalse() && !ends.get(1).isFalse()) {
      // two ends at addresses no endpoint owns are two different machines (spec S5.3, S5.4)
      session.add(ctx.mkImplies(ctx.mkAnd(ends.get(0), ends.get(1)), ctx.mkNot(ctx.mkEq(at.get(0), at.get(1)))));
    }
    Map<Integer, java.util.TreeSet<java.math.BigInteger>> owned = new java.util.HashMap<>();
    for (dev.tierproof.model.Endpoint e : net.set.endpoints()) {
      for (dev.tierproof.model.Ip ip : e.ips()) {
        owned.computeIfAbsent(ip.family(), k -> new java.util.TreeSet<>()).add(ip.value());
      }
    }
    Map<Integer, List<java.math.BigInteger[]>> runs = new java.util.HashMap<>();
    int total = 0;
    for (Map.Entry<Integer, java.util.TreeSet<java.math.BigInteger>> e : owned.entrySet()) {
      List<java.math.BigInteger[]> rs = new ArrayList<>();
      for (java.math.BigInteger v : e.getValue()) {
        if (!rs.isEmpty() && rs.get(rs.size() - 1)[1].add(java.math.BigInteger.ONE).equals(v)) {
          rs.get(rs.size() - 1)[1] = v;
        } else {
          rs.add(new java.math.BigInteger[] {v, v});
        }
      }
      runs.put(e.getKey(), rs);
      total += rs.size();
    }
    if (total > EAGER_RUNS) {
      return;
    }
    eager = true;
    if (total == 0) {
      return;
    }
    FlowVars v = net.vars;
    List<BoolExpr> free = query.freeEnds();
    List<com.microsoft.z3.BitVecExpr> addr = query.endAddresses();
    for (int end = 0; end < 2; end++) {
      if (free.get(end).isFalse()) {
        continue;
      }
      List<BoolExpr> c = new ArrayList<>();
      for (Map.Entry<Integer, List<java.math.BigInteger[]>> e : runs.entrySet()) {
        BoolExpr fam = e.getKey() == 6 ? v.v6 : ctx.mkNot(v.v6);
        for (java.math.BigInteger[] r : e.getValue()) {
          c.add(ctx.mkNot(ctx.mkAnd(fam, v.inRange(addr.get(end), r[0], r[1]))));
        }
      }
      session.add(ctx.mkImplies(free.get(end), and(c)));
    }
  }

  /**
   * Opens the question "the step in {@code direction} at one of {@code at}, the packet's other end
   * one of {@code peers}, within {@code bounds}".
   */
  public static StepGoals open(
      Network network, Direction direction, List<Side> at, List<Side> peers, FlowBounds bounds) {
    List<Side> sources = direction == Direction.EGRESS ? at : peers;
    List<Side> destinations = direction == Direction.EGRESS ? peers : at;
    Query q = new Query(network, sources, destinations, bounds, direction);
    try {
      return new StepGoals(network, q);
    } catch (RuntimeException e) {
      q.close();
      throw e;
    }
  }

  /**
   * Some packet satisfying {@code goal}: with owned addresses excluded up front, one check under
   * an assumption naming the goal (no scope to push and pop, so what the solver learned stays);
   * else the query's own solve with lazy refutations.
   */
  private Answer solve(BoolExpr goal) {
    if (!eager || goal.isFalse()) {
      return query.stepSolve(goal);
    }
    BoolExpr name = ctx.mkBoolConst("lint.goal." + fresh++);
    session.add(ctx.mkImplies(name, goal));
    SolverSession.Check c = session.check(name);
    if (c.status() == SolverSession.Status.SAT) {
      Answer a = query.stepDecode(c.model(), c.millis());
      return a != null ? a : query.stepSolve(goal);
    }
    return new Answer(c.status(), null, false, List.of(), Map.of(), c.reason(), c.millis());
  }

  /** Some packet at a selected endpoint that {@code policy}'s rule {@code index} matches (reached or not). */
  public Answer matchesOnOwn(Policy policy, int index) {
    return solve(own(new Key(policy, index)));
  }

  /** Some packet that reaches rule {@code index} of {@code policy} and that it matches (it takes it). */
  public Answer reaches(Policy policy, int index) {
    Key k = new Key(policy, index);
    List<BoolExpr> any = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      At a = positions.get(i).get(k);
      if (a != null) {
        any.add(and(options.get(i).chosen(), a.reached(), a.fires()));
      }
    }
    return solve(or(any));
  }

  /**
   * Some packet that the rule takes and whose verdict at this step would differ without the rule
   * (Allow and Deny rules: the rest of the chain decides otherwise; Pass rules: continuing in the
   * tier decides otherwise than the next tiers).
   */
  public Answer changesVerdict(Policy policy, int index) {
    Key k = new Key(policy, index);
    List<BoolExpr> any = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      At a = positions.get(i).get(k);
      if (a != null && a.changes() != null) {
        any.add(and(options.get(i).chosen(), a.reached(), a.fires(), a.changes()));
      }
    }
    return solve(or(any));
  }

  /** The elements that can take a packet before the rule, on some alternative, in chain order. */
  public List<Element> blocking(Policy policy, int index) {
    Key k = new Key(policy, index);
    java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
    for (Map<Key, List<String>> b : before) {
      keys.addAll(b.getOrDefault(k, List.of()));
    }
    return keys.stream().map(elements::get).toList();
  }

  /**
   * For a rule no packet reaches: some packet that the rule matches on its own and that none of
   * the elements named by {@code keys} ({@link Element#key()}) takes. Enumerating with it finds the smallest covering set of a
   * shadowed rule: each model is taken by an element not yet named (the takes-formulas are
   * disjoint, so that element belongs to every covering set), until {@code UNSAT} proves the
   * named elements cover the rule.
   */
  public Answer matchesExcept(Policy policy, int index, java.util.Collection<String> keys) {
    // Stated positively: "taken by one of the other blocking elements". Equivalent once the rule
    // is known to be unreached (the takes partition the packets it does not reach), and much
    // easier for the solver to refute than a conjunction of negations.
    List<BoolExpr> others = new ArrayList<>();
    for (Element e : blocking(policy, index)) {
      if (!keys.contains(e.key())) {
        others.add(takesOf(e.key()));
      }
    }
    return solve(and(own(new Key(policy, index)), or(others)));
  }

  /**
   * True when the elements named by {@code keys} cover the rule: no packet the rule matches is
   * taken by another blocking element (checked without the refutations of owned addresses: a
   * relaxation, so {@code UNSAT} is exact). Null when the relaxation is satisfiable or unknown.
   */
  public SolverSession.Status coveredBy(Policy policy, int index, java.util.Collection<String> keys) {
    List<BoolExpr> others = new ArrayList<>();
    for (Element e : blocking(policy, index)) {
      if (!keys.contains(e.key())) {
        others.add(takesOf(e.key()));
      }
    }
    session.push();
    try {
      session.add(and(own(new Key(policy, index)), or(others)));
      return session.check().status();
    } finally {
      session.pop();
    }
  }

  /** The element with this key, if some chain of the question has it. */
  public java.util.Optional<Element> element(String key) {
    return java.util.Optional.ofNullable(elements.get(key));
  }

  /** Some packet that the rule matches on its own and that {@code element} takes before it. */
  public Answer takenBy(Policy policy, int index, Element element) {
    return solve(and(own(new Key(policy, index)), takesOf(element.key())));
  }

  /**
   * A covering set of the rule's blocking elements: "the rule matches on its own and none of the
   * set's elements takes the packet" is unsatisfiable. Computed as an unsat core over one tracked
   * assumption per blocking element (Z3's core, not minimised: minimising it cost more than the
   * {@link #takenBy} questions it saves). The check runs without
   * the lazy refutations of owned addresses (a relaxation, so {@code UNSAT} is exact and the set
   * does cover); {@code SAT} means the relaxation found a packet, and the caller asks the full
   * question. Since the elements' takes-formulas are disjoint, the smallest covering set is unique
   * (the elements that take some packet the rule matches): callers keep a core element only if
   * {@link #takenBy} finds it such a packet, whose model is that element's example.
   */
  public Core core(Policy policy, int index) {
    Key k = new Key(policy, index);
    List<Element> blocking = blocking(policy, index);
    session.push();
    try {
      session.add(own(k));
      List<BoolExpr> assumptions = new ArrayList<>();
      Map<String, Element> byName = new LinkedHashMap<>();
      for (Element e : blocking) {
        BoolExpr a = ctx.mkBoolConst("lint.assume." + fresh++);
        session.add(ctx.mkImplies(a, ctx.mkNot(takesOf(e.key()))));
        assumptions.add(a);
        byName.put(a.toString(), e);
      }
      SolverSession.Check c = session.check(assumptions.toArray(BoolExpr[]::new));
      if (c.status() != SolverSession.Status.UNSAT) {
        return new Core(c.status(), List.of(), c.reason());
      }
      List<BoolExpr> core = List.of(session.core());
      java.util.Set<String> names = new java.util.HashSet<>();
      core.forEach(x -> names.add(x.toString()));
      List<Element> out = new ArrayList<>();
      byName.forEach((name, e) -> {
        if (names.contains(name)) {
          out.add(e);
        }
      });
      return new Core(SolverSession.Status.UNSAT, out, null);
    } finally {
      session.pop();
    }
  }

  @Override
  public void close() {
    query.close();
  }

  // ---------------------------------------------------------------------------------------------

  /** The rule matches at an alternative whose step its policy applies to. */
  private BoolExpr own(Key k) {
    List<BoolExpr> any = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      At a = positions.get(i).get(k);
      if (a != null) {
        any.add(and(options.get(i).chosen(), a.fires()));
      }
    }
    return or(any);
  }

  private BoolExpr takesOf(String key) {
    List<BoolExpr> any = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      BoolExpr t = takes.get(i).get(key);
      if (t != null) {
        any.add(and(options.get(i).chosen(), t));
      }
    }
    return or(any);
  }

  /** One written rule's Calico rules: consecutive rules of a policy's list sharing an index. */
  private static List<List<Rule>> entries(List<Rule> rules) {
    List<List<Rule>> out = new ArrayList<>();
    for (Rule r : rules) {
      if (!out.isEmpty() && out.get(out.size() - 1).get(0).index() == r.index()) {
        out.get(out.size() - 1).add(r);
      } else {
        List<Rule> e = new ArrayList<>();
        e.add(r);
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Front to back: where each rule is reached and which element takes what; back to front: the
   * verdict from each position on, for "does removing it change the verdict" (spec S4.3-S4.7).
   */
  private void build(Query.StepOption o) {
    Map<Key, BoolExpr> reached = new java.util.HashMap<>();
    Map<Key, At> at = new java.util.HashMap<>();
    Map<String, BoolExpr> tk = new LinkedHashMap<>();
    Map<Key, List<String>> bf = new java.util.HashMap<>();
    List<String> blockedSoFar = new ArrayList<>();
    BoolExpr reach = ctx.mkTrue();
    if (o.host()) {
      BoolExpr fs = query.stepFailsafe();
      Element e = new Failsafe();
      elements.putIfAbsent(e.key(), e);
      tk.put(e.key(), define(fs));
      blockedSoFar.add(e.key());
      reach = not(fs);
    }
    List<List<BoolExpr>> appl = new ArrayList<>();
    Map<Key, BoolExpr> matchOf = new java.util.HashMap<>();
    for (TierPart part : o.tiers()) {
      List<BoolExpr> ap = new ArrayList<>();
      for (Applied a : part.policies()) {
        ap.add(query.stepApplies(a));
      }
      appl.add(ap);
      Tier tier = part.tier();
      BoolExpr r = reach;
      List<BoolExpr> passed = new ArrayList<>();
      List<String> inTier = new ArrayList<>();
      for (int pi = 0; pi < part.policies().size(); pi++) {
        Policy p = part.policies().get(pi).policy();
        for (List<Rule> entry : entries(p.rules(dir))) {
          Key k = new Key(p, entry.get(0).index());
          BoolExpr m = or(entry.stream().map(query::stepMatch).toList());
          BoolExpr fire = define(and(ap.get(pi), m));
          matchOf.put(k, fire);
          reached.put(k, r);
          List<String> blockers = new ArrayList<>(blockedSoFar);
          blockers.addAll(inTier);
          bf.put(k, blockers);
          Action action = entry.get(0).action();
          if (action == Action.LOG) {
            continue; // spec S4.3: never terminal
          }
          RuleElement e = new RuleElement(tier, p, k.index(), action);
          elements.putIfAbsent(e.key(), e);
          BoolExpr takesIt = define(and(r, fire));
          tk.put(e.key(), takesIt);
          inTier.add(e.key());
          if (action == Action.PASS) {
            passed.add(takesIt);
          } else {
            blockedSoFar.add(e.key());
          }
          r = define(and(r, not(fire)));
        }
      }
      BoolExpr entered = or(ap);
      if (tier.defaultAction() != Action.PASS) {
        TierDefault e = new TierDefault(tier);
        elements.putIfAbsent(e.key(), e);
        tk.put(e.key(), define(and(r, entered)));
        blockedSoFar.add(e.key());
        passed.add(and(r, not(entered)));
      } else {
        passed.add(r);
      }
      reach = define(or(passed));
    }
    // back to front: the verdict from each position on (spec S4.5-S4.7), as Query's chains
    List<BoolExpr> tails = new ArrayList<>();
    for (Map.Entry<BoolExpr, List<Profile>> e : o.profiles()) {
      BoolExpr t = ctx.mkFalse();
      List<Profile> ps = e.getValue();
      for (int i = ps.size() - 1; i >= 0; i--) {
        List<Rule> rules = ps.get(i).rules(dir);
        for (int j = rules.size() - 1; j >= 0; j--) {
          Rule rule = rules.get(j);
          if (rule.action() != Action.LOG) {
            t = (BoolExpr) ctx.mkITE(query.stepMatch(rule), ctx.mkBool(rule.action() == Action.ALLOW), t);
          }
        }
      }
      tails.add(and(e.getKey(), t));
    }
    BoolExpr next = define(or(tails));
    for (int ti = o.tiers().size() - 1; ti >= 0; ti--) {
      TierPart part = o.tiers().get(ti);
      List<BoolExpr> ap = appl.get(ti);
      BoolExpr entered = or(ap);
      BoolExpr x = part.tier().defaultAction() == Action.PASS ? next : and(not(entered), next);
      for (int pi = part.policies().size() - 1; pi >= 0; pi--) {
        Policy p = part.policies().get(pi).policy();
        List<List<Rule>> es = entries(p.rules(dir));
        for (int ei = es.size() - 1; ei >= 0; ei--) {
          List<Rule> entry = es.get(ei);
          Key k = new Key(p, entry.get(0).index());
          BoolExpr after = define(x);
          Action action = entry.get(0).action();
          BoolExpr with =
              switch (action) {
                case ALLOW -> ctx.mkTrue();
                case DENY -> ctx.mkFalse();
                case PASS -> next;
                case LOG -> null;
              };
          at.put(k, new At(reached.get(k), matchOf.get(k), with == null ? null : define(ctx.mkXor(with, after))));
          for (int j = entry.size() - 1; j >= 0; j--) {
            Rule rule = entry.get(j);
            if (rule.action() == Action.LOG) {
              continue;
            }
            BoolExpr fire = and(ap.get(pi), query.stepMatch(rule));
            BoolExpr result =
                switch (rule.action()) {
                  case ALLOW -> ctx.mkTrue();
                  case PASS -> next;
                  default -> ctx.mkFalse();
                };
            x = fire.isFalse() ? x : (BoolExpr) ctx.mkITE(fire, result, x);
          }
        }
      }
      next = define(x);
    }
    positions.add(at);
    takes.add(tk);
    before.add(bf);
  }

  private BoolExpr define(BoolExpr e) {
    if (e.isTrue() || e.isFalse() || e.isConst()) {
      return e;
    }
    BoolExpr name = ctx.mkBoolConst("lint.d" + fresh++);
    session.add(ctx.mkEq(name, e));
    return name;
  }

  private BoolExpr not(BoolExpr x) {
    return x.isTrue() ? ctx.mkFalse() : x.isFalse() ? ctx.mkTrue() : ctx.mkNot(x);
  }

  private BoolExpr and(BoolExpr... xs) {
    return and(List.of(xs));
  }

  private BoolExpr and(List<BoolExpr> xs) {
    List<BoolExpr> rest = new ArrayList<>();
    for (BoolExpr x : xs) {
      if (x.isFalse()) {
        return x;
      }
      if (!x.isTrue()) {
        rest.add(x);
      }
    }
    return rest.isEmpty() ? ctx.mkTrue() : rest.size() == 1 ? rest.get(0) : ctx.mkAnd(rest.toArray(BoolExpr[]::new));
  }

  private BoolExpr or(List<BoolExpr> xs) {
    List<BoolExpr> rest = new ArrayList<>();
    for (BoolExpr x : xs) {
      if (x.isTrue()) {
        return x;
      }
      if (!x.isFalse()) {
        rest.add(x);
      }
    }
    return rest.isEmpty() ? ctx.mkFalse() : rest.size() == 1 ? rest.get(0) : ctx.mkOr(rest.toArray(BoolExpr[]::new));
  }
}
