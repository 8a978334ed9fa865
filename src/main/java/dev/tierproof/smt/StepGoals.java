package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Tier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Questions about the rules of one enforcement step (spec S4), for rule hygiene (lint): does a rule
 * match some packet on its own, is it ever reached, which earlier elements take the packets it
 * matches, and does removing it change a verdict. The step is at one of the {@code at} alternatives
 * (input endpoints, hypothetical endpoints) in one direction; the other end of the packet is any of
 * the {@code peers}. Only the step's own chain is encoded (the peers' steps are not); or ({@link
 * #forward}) the step is a side of walked nodes' host endpoints' forward chain (spec S6.11), met by
 * a flow between a workload on one of their nodes and outside or another workload.
 *
 * <p>A <em>rule</em> here is a written rule: the entry {@code index} of a policy's list, i.e. the
 * consecutive Calico rules that share that index (one for Calico policies, several for a Kubernetes
 * NetworkPolicy entry). An {@link Element} is something that can take a packet before a rule: an
 * Allow, Deny or Pass rule, a tier's implicit deny, or a host endpoint's failsafe ports. Along one
 * chain, every packet that does not reach a rule is taken by exactly one earlier element ("takes" =
 * reached undecided and fires), so the takes-formulas of the elements before a rule are disjoint
 * and together cover "not reached"; this makes the smallest covering set of a shadowed rule unique:
 * the elements that take some packet the rule matches.
 *
 * <p>Every formula is read off the step's compiled chains ({@link Chain#takers}, {@link
 * Chain#position}); goals are solved by the underlying {@link Query} (with owned addresses excluded
 * up front when they are few, {@link Query#excludeOwned}); answers are decoded flows to be replayed
 * through eval by the caller. Not thread-safe; close it before opening another query on the same
 * session.
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

  private final Query query;
  private final Terms t;
  private final SolverSession session;
  private final List<Query.StepChain> options;

  private final Map<String, Element> elements = new LinkedHashMap<>();

  /** Each taker's element key (computed once: blocking lists are long). */
  private final Map<Chain.Taker, String> keys = new IdentityHashMap<>();

  /** Per rule position: element key → what it takes before the rule (computed on first use). */
  private final Map<Chain.Position, Map<String, BoolExpr>> before = new IdentityHashMap<>();

  private int fresh;

  private StepGoals(Network net, Query query) {
    this.query = query;
    this.session = net.session;
    this.t = new Terms(session);
    this.options = query.stepChains();
    query.excludeOwned();
    for (Query.StepChain o : options) {
      for (Chain.Taker k : o.chain().takers()) {
        if (!keys.containsKey(k)) {
          Element e = element(k);
          elements.putIfAbsent(e.key(), e);
          keys.put(k, e.key());
        }
      }
    }
  }

  private static Element element(Chain.Taker k) {
    return switch (k.kind()) {
      case FAILSAFE -> new Failsafe();
      case TIER_DEFAULT -> new TierDefault(k.tier());
      default -> new RuleElement(k.tier(), k.policy(), k.index(), k.action());
    };
  }

  /**
   * Opens the question "the step in {@code direction} at one of {@code at}, the packet's other end
   * one of {@code peers}, within {@code bounds}".
   */
  public static StepGoals open(
      Network network, Direction direction, List<Side> at, List<Side> peers, FlowSpec bounds) {
    List<Side> sources = direction == Direction.EGRESS ? at : peers;
    List<Side> destinations = direction == Direction.EGRESS ? peers : at;
    return of(
        network,
        new Query(network, sources, destinations, bounds, direction, Observe.NONE, null, false));
  }

  /**
   * Opens the question "the side in {@code direction} of the forward chain of {@code hosts} (host
   * endpoints of walked nodes whose forward chains apply the same policies, spec S6.11), met by a
   * flow between one of {@code ends} and another": a workload on one of their nodes (or naming
   * none, placed there) and outside the cluster or a workload. The chain's elements are those of
   * {@link Chain.Compiler#forward}: no failsafe port decides, an inbound one takes a packet from
   * the pre-DNAT rules ({@link Failsafe}).
   */
  public static StepGoals forward(
      Network network,
      Direction direction,
      List<dev.tierproof.model.Endpoint> hosts,
      List<Side> ends,
      FlowSpec bounds) {
    return of(
        network,
        new Query(network, ends, ends, bounds, direction, Observe.NONE, List.copyOf(hosts), false));
  }

  /**
   * Opens the question "the local pre-DNAT path of {@code stars} (all-interfaces endpoints of
   * settled nodes whose pre-DNAT paths apply the same policies, spec S6.12), met by a flow from one
   * of {@code sources} (workloads that can be on their nodes) to one of {@code destinations} (host
   * endpoints there)". The chain's elements are those of {@link Chain.Compiler#forward} with {@code
   * local}.
   */
  public static StepGoals local(
      Network network,
      List<dev.tierproof.model.Endpoint> stars,
      List<Side> sources,
      List<Side> destinations,
      FlowSpec bounds) {
    return of(
        network,
        new Query(
            network,
            sources,
            destinations,
            bounds,
            Direction.INGRESS,
            Observe.NONE,
            List.copyOf(stars),
            true));
  }

  /** The goals over {@code q}, which is closed if they cannot be made. */
  private static StepGoals of(Network network, Query q) {
    try {
      return new StepGoals(network, q);
    } catch (RuntimeException e) {
      q.close();
      throw e;
    }
  }

  private Answer solve(BoolExpr goal) {
    return query.solveNamed(goal);
  }

  /**
   * Some packet at a selected endpoint that {@code policy}'s rule {@code index} matches (reached or
   * not).
   */
  public Answer matchesOnOwn(Policy policy, int index) {
    return solve(own(policy, index));
  }

  /**
   * Some packet at an endpoint both policies select that rule {@code ia} of {@code a} and rule
   * {@code ib} of {@code b} both match on their own, reached or not (two admin policies of equal
   * priority overlap, lint TP206).
   */
  public Answer bothMatch(Policy a, int ia, Policy b, int ib) {
    return solve(t.and(own(a, ia), own(b, ib)));
  }

  /**
   * Some packet that reaches rule {@code index} of {@code policy} and that it matches (it takes
   * it).
   */
  public Answer reaches(Policy policy, int index) {
    return solve(atPosition(policy, index, p -> t.and(p.reached(), p.fires())));
  }

  /**
   * Some packet that the rule takes and whose verdict at this step would differ without the rule
   * (Allow and Deny rules: the rest of the chain decides otherwise; Pass rules: continuing in the
   * tier decides otherwise than the next tiers).
   */
  public Answer changesVerdict(Policy policy, int index) {
    return solve(
        atPosition(
            policy,
            index,
            p -> p.changes() == null ? null : t.and(p.reached(), p.fires(), p.changes())));
  }

  /** The elements that can take a packet before the rule, on some alternative, in chain order. */
  public List<Element> blocking(Policy policy, int index) {
    java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
    for (Query.StepChain o : options) {
      Chain.Position p = o.chain().position(policy, index);
      if (p != null) {
        p.before().forEach(k -> keys.add(this.keys.get(k)));
      }
    }
    return keys.stream().map(elements::get).toList();
  }

  /**
   * For a rule no packet reaches: some packet that the rule matches on its own and that none of the
   * elements named by {@code keys} ({@link Element#key()}) takes. Enumerating with it finds the
   * smallest covering set of a shadowed rule: each model is taken by an element not yet named (the
   * takes-formulas are disjoint, so that element belongs to every covering set), until {@code
   * UNSAT} proves the named elements cover the rule.
   */
  public Answer matchesExcept(Policy policy, int index, java.util.Collection<String> keys) {
    // Stated positively: "taken by one of the other blocking elements". Equivalent once the rule
    // is known to be unreached (the takes partition the packets it does not reach), and much
    // easier for the solver to refute than a conjunction of negations.
    List<BoolExpr> others = new ArrayList<>();
    for (Element e : blocking(policy, index)) {
      if (!keys.contains(e.key())) {
        others.add(takesOf(policy, index, e.key()));
      }
    }
    return solve(t.and(own(policy, index), t.or(others)));
  }

  /**
   * True when the elements named by {@code keys} cover the rule: no packet the rule matches is
   * taken by another blocking element (checked without the refutations of owned addresses: a
   * relaxation, so {@code UNSAT} is exact). Null when the relaxation is satisfiable or unknown.
   */
  public SolverSession.Status coveredBy(
      Policy policy, int index, java.util.Collection<String> keys) {
    List<BoolExpr> others = new ArrayList<>();
    for (Element e : blocking(policy, index)) {
      if (!keys.contains(e.key())) {
        others.add(takesOf(policy, index, e.key()));
      }
    }
    session.push();
    try {
      session.add(t.and(own(policy, index), t.or(others)));
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
    return solve(t.and(own(policy, index), takesOf(policy, index, element.key())));
  }

  /**
   * A covering set of the rule's blocking elements: "the rule matches on its own and none of the
   * set's elements takes the packet" is unsatisfiable. Computed as an unsat core over one tracked
   * assumption per blocking element (Z3's core, not minimised: minimising it cost more than the
   * {@link #takenBy} questions it saves). The check runs without the lazy refutations of owned
   * addresses (a relaxation, so {@code UNSAT} is exact and the set does cover); {@code SAT} means
   * the relaxation found a packet, and the caller asks the full question. Since the elements'
   * takes-formulas are disjoint, the smallest covering set is unique (the elements that take some
   * packet the rule matches): callers keep a core element only if {@link #takenBy} finds it such a
   * packet, whose model is that element's example.
   */
  public Core core(Policy policy, int index) {
    List<Element> blocking = blocking(policy, index);
    session.push();
    try {
      session.add(own(policy, index));
      List<BoolExpr> assumptions = new ArrayList<>();
      Map<String, Element> byName = new LinkedHashMap<>();
      for (Element e : blocking) {
        BoolExpr a = t.ctx().mkBoolConst("lint.assume." + fresh++);
        session.add(t.ctx().mkImplies(a, t.ctx().mkNot(takesOf(policy, index, e.key()))));
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
      byName.forEach(
          (name, e) -> {
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
  private BoolExpr own(Policy policy, int index) {
    return atPosition(policy, index, Chain.Position::fires);
  }

  /**
   * Per alternative whose chain has the rule: "it is chosen" and {@code f} of the rule's position
   * (null: nothing), or'ed.
   */
  private BoolExpr atPosition(
      Policy policy, int index, java.util.function.Function<Chain.Position, BoolExpr> f) {
    List<BoolExpr> any = new ArrayList<>();
    for (Query.StepChain o : options) {
      Chain.Position p = o.chain().position(policy, index);
      BoolExpr x = p == null ? null : f.apply(p);
      if (x != null) {
        any.add(t.and(o.chosen(), x));
      }
    }
    return t.or(any);
  }

  /**
   * What the element with this key takes before the rule, per alternative whose chain has the rule:
   * its takers among the rule's {@link Chain.Position#before} (the failsafe ports' skip of a path
   * is before that path's rules only, Chain.Taker), or'ed.
   */
  private BoolExpr takesOf(Policy policy, int index, String key) {
    List<BoolExpr> any = new ArrayList<>();
    for (Query.StepChain o : options) {
      Chain.Position p = o.chain().position(policy, index);
      BoolExpr x = p == null ? null : before.computeIfAbsent(p, this::byKey).get(key);
      if (x != null) {
        any.add(t.and(o.chosen(), x));
      }
    }
    return t.or(any);
  }

  private Map<String, BoolExpr> byKey(Chain.Position p) {
    Map<String, BoolExpr> out = new LinkedHashMap<>();
    p.before().forEach(k -> out.merge(keys.get(k), k.takes(), t::or));
    return out;
  }
}
