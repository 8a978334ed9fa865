package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Site;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
import dev.tierproof.smt.Network.TierPart;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two encodings of the same flows, one per policy set of a {@link DiffEncoding}: one query per set,
 * over the same ends, sharing every variable of the packet and of its ends (both observe the rules
 * and selectors of both sets, so they lay out their ends alike; a difference is an internal error).
 * A flow whose verdicts differ is a change: {@link Change#OPENED} when only the second set allows
 * it. Goals are solved in nested scopes; answers are decoded flows (with the second set's verdict)
 * to replay through both evaluators. Not thread-safe; close it before opening another query on the
 * session.
 */
public final class DiffQuery implements AutoCloseable {

  /** Which changes a goal is about. */
  public enum Change {
    /** Denied before, allowed after. */
    OPENED,
    /** Allowed before, denied after. */
    CLOSED,
    /** Either. */
    CHANGED
  }

  private final SolverSession session;
  private final Context ctx;
  private final Query before;
  private final Query after;
  private final Direction only;

  /** {@link #cidrs} per end (both encodings' sets are fixed once they are built). */
  private final Map<Boolean, Set<Cidr>> cidrs = new java.util.HashMap<>();

  private boolean closed;

  /**
   * {@code only}: the one step that may differ (the other is the same in both sets), or null;
   * {@code twins}: the base's versions of current endpoints that differ (the sides, the regions and
   * the answers speak of the current ones); {@code twinClasses}: the changed endpoints grouped by
   * both versions, kept apart from the rest so that both queries group their ends alike.
   */
  DiffQuery(
      Network before,
      Network after,
      List<Side> sources,
      List<Side> destinations,
      List<Region> observed,
      Direction only,
      Map<Endpoint, Endpoint> twins,
      List<List<Endpoint>> twinClasses) {
    this.only = only;
    this.session = after.session;
    this.ctx = session.ctx();
    session.acquire(this);
    try {
      java.util.function.UnaryOperator<Endpoint> back = e -> twins.getOrDefault(e, e);
      List<Side> sourcesBefore = sides(sources, back);
      List<Side> destinationsBefore = sides(destinations, back);
      List<Rule> rules = new ArrayList<>();
      Set<Rule> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      List<Rule> replies = new ArrayList<>();
      Set<Rule> seenReplies = Collections.newSetFromMap(new IdentityHashMap<>());
      List<Selector> selectors = new ArrayList<>();
      for (Network net : List.of(before, after)) {
        boolean b = net == before;
        addRules(net.forwardRules(), rules, seen); // spec S6.11: both lay out their ends alike
        for (Direction d : List.of(Direction.EGRESS, Direction.INGRESS)) {
          List<Side> at =
              d == Direction.EGRESS
                  ? (b ? sourcesBefore : sources)
                  : (b ? destinationsBefore : destinations);
          observed(net, at, d, rules, seen, selectors);
          replies(net, at, d, replies, seenReplies);
        }
      }
      observed.forEach(
          r -> {
            Regions.selectors(r.source(), selectors);
            Regions.selectors(r.destination(), selectors);
          });
      List<EndSet> from = new ArrayList<>();
      List<EndSet> to = new ArrayList<>();
      twinClasses.forEach(c -> from.add(new EndSet.Endpoints(c)));
      twinClasses.forEach(c -> to.add(new EndSet.Endpoints(c)));
      observed.forEach(
          r -> {
            from.add(r.source());
            to.add(r.destination());
          });
      for (Network net : List.of(before, after)) { // spec S6.2: both cut at either's failsafe nets
        net.set.failsafe().nets().forEach(c -> from.add(new EndSet.Range(c)));
        net.set.failsafe().nets().forEach(c -> to.add(new EndSet.Range(c)));
      }
      // at an address a changed endpoint owns, the other owners' groups may differ by version
      Set<dev.tierproof.model.Ip> apart = new java.util.HashSet<>();
      twins.forEach(
          (a, b) -> {
            apart.addAll(a.ips());
            apart.addAll(b.ips());
          });
      Observe observe = new Observe(rules, selectors, from, to, false, null, apart, replies);
      Observe step =
          new Observe(
              observe.rules(),
              observe.selectors(),
              ends(from, back),
              ends(to, back),
              false,
              only,
              apart,
              replies);
      this.before =
          new Query(
              before, sourcesBefore, destinationsBefore, FlowSpec.ANY, null, step, null, false);
      this.after =
          new Query(after, sources, destinations, FlowSpec.ANY, null, observe, null, false);
      session.add(this.after.placedHere());
      this.after.pair(this.before); // the base's own reading of each answer (Replay#change)
      if (!this.before.layout().equals(this.after.layout())) {
        throw new IllegalStateException(
            "internal error: the two encodings of a diff lay out their ends differently:\n"
                + this.before.layout()
                + "\n---\n"
                + this.after.layout());
      }
    } catch (RuntimeException e) {
      session.release(this);
      throw e;
    }
  }

  /** Some flow that changed as {@code change} says and lies in none of {@code excluded}. */
  public Answer find(Change change, List<Region> excluded) {
    open();
    List<BoolExpr> out = new ArrayList<>();
    for (Region r : excluded) {
      out.add(after.in(r));
    }
    BoolExpr goal = changed(change);
    if (!out.isEmpty()) {
      goal = ctx.mkAnd(goal, ctx.mkNot(ctx.mkOr(out.toArray(BoolExpr[]::new))));
    }
    return after.solveGoal(goal);
  }

  /**
   * Some flow of {@code region} that did not change as {@code change} says (none: it is a class of
   * changes); its flow is the solver's first, not a readable witness.
   */
  public Answer unchangedIn(Region region, Change change) {
    open();
    return after.solvePlain(ctx.mkAnd(after.in(region), ctx.mkNot(changed(change))));
  }

  /**
   * The ranges the encodings test the source (or destination) address against: outside addresses in
   * none of them, or in the same ones, are alike to both (membership and being owned by an endpoint
   * are all that either encoding observes of an address).
   */
  public Set<Cidr> cidrs(boolean source) {
    open();
    return cidrs.computeIfAbsent(
        source,
        s -> {
          Set<Cidr> out = new java.util.HashSet<>(before.cidrs(s));
          out.addAll(after.cidrs(s));
          return Set.copyOf(out);
        });
  }

  /** The input endpoints the diff cannot tell from {@code e} at the source (or destination). */
  public List<Endpoint> group(boolean source, Endpoint e) {
    open();
    return after.group(source, e);
  }

  /**
   * The labels that policies of either set observe on hypothetical endpoints at the source (or
   * destination), with the literals they compare each to (null: a key compared as a string).
   */
  public Map<String, List<String>> vocabulary(boolean source) {
    open();
    return after.vocabulary(source);
  }

  /**
   * The named ports that policies of either set (or the classes tested) observe on hypothetical
   * endpoints at the source (or destination).
   */
  public Set<String> portNames(boolean source) {
    open();
    return after.portNames(source);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      session.release(this);
    }
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("diff query is closed");
    }
  }

  private BoolExpr changed(Change change) {
    BoolExpr b = before.allowedExpr();
    BoolExpr a =
        only == null
            ? after.allowedExpr()
            : ctx.mkAnd(after.verdictAt(only), after.forwardVerdict());
    BoolExpr differ =
        switch (change) {
          case OPENED -> ctx.mkAnd(ctx.mkNot(b), a);
          case CLOSED -> ctx.mkAnd(b, ctx.mkNot(a));
          case CHANGED -> ctx.mkXor(b, a);
        };
    if (only == null) {
      return differ;
    }
    // the other step is the same in both sets: encoded once, it must allow; a flow one version
    // delivers as loopback (spec S6.13) is no such flow, but the loopback suspect's
    return ctx.mkAnd(
        ctx.mkNot(before.deliveredExpr()),
        ctx.mkNot(after.deliveredExpr()),
        after.verdictAt(only == Direction.EGRESS ? Direction.INGRESS : Direction.EGRESS),
        differ);
  }

  /**
   * What a query's step at these ends involves in one network (as the query's ends find it): the
   * rules of every chain (collected in order, once) and the policy selectors' residuals over the
   * hypothetical endpoints' common labels.
   */
  private static void observed(
      Network net,
      List<Side> sides,
      Direction dir,
      List<Rule> rules,
      Set<Rule> seen,
      List<Selector> selectors) {
    List<NsOption> fresh = new ArrayList<>();
    for (Side s : sides) {
      if (s instanceof Side.Fresh f) {
        for (NsOption ns : net.namespaceOptions(f.namespace())) {
          if (!Residual.isFalse(Residual.of(f.selector(), ns.view()))) {
            fresh.add(ns);
          }
        }
      }
    }
    for (ClassKey k : classes(sides)) {
      rules(net, k, dir, rules, seen);
    }
    if (fresh.isEmpty()) {
      return;
    }
    LabelView common = LabelView.common(fresh.stream().map(NsOption::view).toList());
    add(net.skeleton(common, null, Site.WORKLOAD, dir), dir, rules, seen, selectors);
    for (NsOption f : fresh) {
      Profile p = f.name() == null ? Network.NEW_NAMESPACE : f.profile();
      if (p != null) {
        addRules(p.rules(dir), rules, seen);
      }
    }
  }

  /**
   * The rules that decide the replies of untracked Allows at the host endpoints of these ends in
   * one network: their other direction's (spec S6.5), collected in order, once.
   */
  private static void replies(
      Network net, List<Side> sides, Direction dir, List<Rule> rules, Set<Rule> seen) {
    for (ClassKey k : classes(sides)) {
      if (net.untracked(k.site(), k.labels(), dir)) {
        rules(net, k, dir.opposite(), rules, seen);
      }
    }
  }

  /** The classes of the input endpoints of {@code sides} (in their ranges). */
  private static Set<ClassKey> classes(List<Side> sides) {
    Set<ClassKey> classes = new LinkedHashSet<>();
    for (Side s : sides) {
      if (s instanceof Side.Endpoints e) {
        for (Endpoint ep : e.endpoints()) {
          if (ep.ips().isEmpty()
              || e.range() == null
              || ep.ips().stream().anyMatch(e.range()::contains)) {
            classes.add(ClassKey.of(ep));
          }
        }
      }
    }
    return classes;
  }

  /** The rules of the step at endpoints of class {@code k} in {@code dir}: policies', profiles'. */
  private static void rules(
      Network net, ClassKey k, Direction dir, List<Rule> rules, Set<Rule> seen) {
    add(net.skeleton(null, k.labels(), k.site(), dir), dir, rules, seen, null);
    for (String name : k.profiles()) {
      Profile p = net.set.profiles().get(name);
      if (p != null) {
        addRules(p.rules(dir), rules, seen);
      }
    }
  }

  private static List<Side> sides(
      List<Side> sides, java.util.function.UnaryOperator<Endpoint> back) {
    return sides.stream().map(x -> x instanceof Side.Endpoints e ? e.mapped(back) : x).toList();
  }

  private static List<EndSet> ends(
      List<EndSet> sets, java.util.function.UnaryOperator<Endpoint> back) {
    return sets.stream().map(x -> x instanceof EndSet.Endpoints e ? e.mapped(back) : x).toList();
  }

  private static void add(
      List<TierPart> parts,
      Direction dir,
      List<Rule> rules,
      Set<Rule> seen,
      List<Selector> selectors) {
    for (TierPart t : parts) {
      for (Applied a : t.policies()) {
        addRules(a.policy().rules(dir), rules, seen);
        if (selectors != null) {
          selectors.add(a.residual());
        }
      }
    }
  }

  private static void addRules(List<Rule> list, List<Rule> rules, Set<Rule> seen) {
    for (Rule r : list) {
      if (r.action() != Action.LOG && seen.add(r)) {
        rules.add(r);
      }
    }
  }
}
