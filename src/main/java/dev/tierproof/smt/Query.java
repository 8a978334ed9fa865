package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One question's formulas, asserted in their own solver scope: the flows from one of the source
 * alternatives to one of the destination alternatives within the bounds, and per enforcement step
 * the verdict (spec S4, S5). Goals ({@link #allowed}, {@link #denied}, ...) are checked in nested
 * scopes, so one query answers a family of related goals incrementally.
 *
 * <p>The ends ({@link EndLayout}, {@link EndEncoding}) are laid out first, then rule matching
 * ({@link RuleMatch}) and the chains ({@link Chain}) are compiled over them; {@link Witness}
 * decodes the models. Addresses that no endpoint may own (hypothetical and outside ends) are
 * symbolic; "owned by no endpoint" is enforced lazily: a model at an owned address is refuted by
 * the run of owned addresses around it and solved again (exact, since unsat without the refutations
 * implies unsat with them).
 */
public final class Query implements AutoCloseable {

  /** Solver time after which a witness is not polished any more ({@link Witness#preferences}). */
  private static final long PREFERENCE_BUDGET_MILLIS = 1000;

  /**
   * Above this many runs of owned addresses, {@link #excludeOwned} leaves them to lazy refutation.
   */
  private static final int EAGER_RUNS = 4096;

  /** An alternative of the stepping end that is an endpoint: when it is chosen, and its chain. */
  record StepChain(BoolExpr chosen, Chain chain) {}

  private final Network net;
  private final Context ctx;
  private final Terms t;
  private final FlowVars v;
  private final SolverSession session;
  private final FlowSpec bounds;
  private final EndEncoding src;
  private final EndEncoding dst;
  private final RuleMatch rules;

  /** Rule matching on the reply of the flow (spec S6.5): its source is the flow's destination. */
  private final RuleMatch replies;

  private Witness witness; // paired with a diff's base by pair
  private final BoolExpr allowed;

  /** A flow this version holds as loopback and a diff's other walks (spec S6.13): delivered. */
  private final BoolExpr delivered;

  private final Forwarding forwarding; // the forward chains flows meet (S6.11); none for a step
  private final StepChain forwardSide; // lint's side of a forward chain; null: an end's own step

  /** Its answers also decoded by {@code base}'s encoding (a diff, {@link Answer#base}). */
  void pair(Query base) {
    witness = witness.pairedWith(base.witness);
  }

  /** The flow is local ({@link #placements()}); false in lint's queries, which reason per step. */
  private BoolExpr local;

  /**
   * Per node of {@link Network#nodes}, the flow places its source end there ({@link
   * dev.tierproof.model.Flow#sourcePlacement}, {@link #placements()}); none in lint's queries.
   */
  private List<BoolExpr> on = List.of();

  /** {@link #on} of the destination end; none in lint's queries. */
  private List<BoolExpr> dstOn = List.of();

  /** Null: both steps are encoded; else only the step in this direction (lint). */
  private final Direction step;

  /** The ranges the verdict formulas test each end's address against (set once they are built). */
  private Set<Cidr> srcEncoded = Set.of();

  private Set<Cidr> dstEncoded = Set.of();

  /** Owned addresses are excluded up front ({@link #excludeOwned}): models need no refutation. */
  private boolean eager;

  private int named;
  private boolean closed;

  Query(Network net, List<Side> sources, List<Side> destinations, FlowSpec bounds) {
    this(net, sources, destinations, bounds, null, Observe.NONE, null, false);
  }

  /**
   * With {@code step} non-null, only the enforcement step in that direction is encoded (egress: at
   * the sources, ingress: at the destinations), with lint's positions ({@link Chain}); the other
   * end is a peer whose own step is not evaluated, so its alternatives are grouped only by what the
   * step's rules observe. With {@code forward} too (host endpoints whose forward chains apply the
   * same policies), the one step encoded is instead the side in {@code step} of their forward chain
   * (lint, spec S6.11), met by a flow between a workload on one of their nodes and outside or
   * another workload, or with {@code atLocal} their local pre-DNAT path (S6.12), met by a
   * workload's flow to a host endpoint of its node: no end's own chain is compiled, and the ends
   * are grouped by that side's rules and by class. {@code observe}: what the query observes besides
   * its chains.
   */
  Query(
      Network net,
      List<Side> sources,
      List<Side> destinations,
      FlowSpec bounds,
      Direction step,
      Observe observe,
      List<Endpoint> forward,
      boolean atLocal) {
    this.step = step;
    this.net = net;
    this.session = net.session;
    this.t = new Terms(session);
    this.ctx = t.ctx();
    this.v = net.vars;
    this.bounds = bounds;
    Direction own = forward == null ? step : null;
    EndLayout from = new EndLayout(net, true, own, observe.apart());
    EndLayout to = new EndLayout(net, false, own, observe.apart());
    from.expand(sources);
    to.expand(destinations);
    // first and in the caller's order, so that the two queries of a pair number their named ports
    // alike
    collect(from, to, observe.rules(), false);
    collect(from, to, observe.replies(), true);
    from.observe(observe.sources());
    to.observe(observe.destinations());
    from.cut(net.set.failsafe().nets()); // spec S6.2: a failsafe port's net tests the peer
    to.cut(net.set.failsafe().nets());
    Set<Rule> involved = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Rule> replying = Collections.newSetFromMap(new IdentityHashMap<>());
    if (forward != null) {
      for (Network.TierPart part : net.forwardSkeleton(forward.get(0), step)) {
        part.policies().forEach(a -> involved.addAll(a.policy().rules(step)));
      }
    } else {
      if (step != Direction.INGRESS) {
        from.involve(involved);
        from.involveReplies(replying);
      }
      if (step != Direction.EGRESS) {
        to.involve(involved);
        to.involveReplies(replying);
      }
    }
    collect(from, to, involved, false);
    collect(from, to, replying, true);
    if (step == null) {
      collect(from, to, net.forwardRules(), false);
    }
    from.group();
    to.group();
    Masquerades masq = new Masquerades(net, from, step == null ? involved : null, replying);
    boolean passOn = net.set.profilePassGoesOn();
    boolean fs = net.set.forwardFailsafe();
    boolean ebpf = net.set.dataplane() == dev.tierproof.model.Dataplane.BPF;
    Chain.Compiler back =
        new Chain.Compiler(
            t, v.reply(), this::replyMatch, false, null, passOn, fs, net.set.failsafe(), ebpf);
    Chain.Compiler compiler =
        new Chain.Compiler(
            t, v, this::match, step != null, back, passOn, fs, net.set.failsafe(), ebpf);
    src = new EndEncoding(t, v, net, from, observe.selectors(), compiler);
    dst =
        new EndEncoding(
            t,
            v,
            net,
            to,
            observe.selectors(),
            masq.compiler(compiler, this::match, this::replyMatch));
    rules = new RuleMatch(t, v, net, src, dst);
    replies = new RuleMatch(t, v.reply(), net, dst, src);
    if (observe.claim()) {
      session.acquire(this);
    }
    try {
      session.add(v.wellFormed());
      session.add(PacketBounds.of(ctx, v, bounds));
      session.add(src.scope());
      session.add(dst.scope());
      session.add(Loopback.exclude(t, src, dst, net.loopbacks)); // spec S5.6, S6.13
      session.add(masq.scope(t, v, src, dst, compiler)); // spec S6.10: nat-outgoing's translation
      local = ctx.mkFalse();
      if (step == null) {
        session.add(placements());
      }
      forwarding = step == null ? new Forwarding(t, net, src, dst, compiler) : new Forwarding(t);
      witness = new Witness(net, v, src, dst, this::stepped, forwarding);
      forwardSide =
          forward == null
              ? null
              : atLocal
                  ? Forwarding.localSide(t, net, src, dst, compiler, forward)
                  : Forwarding.side(t, net, src, dst, compiler, forward, step);
      Direction only = step != null ? step : observe.only();
      BoolExpr walked =
          forwardSide != null
              ? t.or(t.not(forwardSide.chosen()), forwardSide.chain().verdict())
              : only == null
                  ? t.and(
                      verdictAt(Direction.EGRESS),
                      verdictAt(Direction.INGRESS),
                      forwarding.verdict())
                  : t.and(verdictAt(only), forwarding.verdict());
      // spec S6.13: a flow this version holds as loopback and a diff's other walks
      delivered = Loopback.delivered(t, src, dst, net.own, net.loopbacks);
      allowed = t.or(delivered, walked);
      srcEncoded = withFailsafeNets(src.tested());
      dstEncoded = withFailsafeNets(dst.tested());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Registers the sides of {@code rules} with the ends; those of rules deciding replies ({@code
   * replies}, spec S6.5) see the source end as the reply's destination.
   */
  private static void collect(
      EndLayout from, EndLayout to, java.util.Collection<Rule> rules, boolean replies) {
    for (Rule r : rules) {
      from.collect(replies ? r.destination() : r.source());
      to.collect(replies ? r.source() : r.destination());
    }
  }

  /**
   * Sets {@link #on}, {@link #dstOn} and {@link #local}, and returns what keeps {@link
   * FlowVars#node} and {@link FlowVars#dnode} canonical. The flow places its source end on node N
   * when it is a workload on N or naming none that {@link FlowVars#node} places there, and the
   * destination is a host endpoint on N (local, spec S6.12), or outside the cluster, a workload or
   * a host endpoint of another node with N {@link Network#walkable} (S6.10, S6.11, {@link
   * EndEncoding#far}); its destination end likewise ({@link FlowVars#dnode}). A flow between two
   * outside addresses routed through a walked node N has both on N ({@link Forwarding#through}),
   * else neither. An end naming no node whose placement can matter (the other end is outside, a
   * host endpoint or a workload) is placed on a node only where that matters, so each placement has
   * one value; any other end's choice is never read.
   */
  private BoolExpr placements() {
    if (net.nodes.isEmpty()) { // no node to place an end on: defining the terms below costs Z3 time
      local = ctx.mkFalse();
      return ctx.mkTrue();
    }
    List<BoolExpr> locals = new ArrayList<>();
    List<BoolExpr> nodes = new ArrayList<>();
    List<BoolExpr> dstNodes = new ArrayList<>();
    List<BoolExpr> canonical = new ArrayList<>();
    BoolExpr srcFloats = t.define(t.and(src.placed(String::isEmpty), placeable(dst)));
    BoolExpr dstFloats = t.define(t.and(dst.placed(String::isEmpty), placeable(src)));
    BoolExpr routed = t.define(t.and(src.outside(), dst.outside()));
    for (String n : net.nodes) {
      String host = Endpoint.hostKey(n);
      BoolExpr ls = t.and(dst.placed(host::equals), src.onNode(n));
      BoolExpr ld = t.and(src.placed(host::equals), dst.onNode(n));
      boolean walked = net.walkable.contains(n);
      BoolExpr through = Forwarding.through(t, net, src, dst, n);
      BoolExpr s =
          t.define(t.or(ls, walked ? t.and(src.onNode(n), dst.far(n)) : ctx.mkFalse(), through));
      BoolExpr d =
          t.define(t.or(ld, walked ? t.and(dst.onNode(n), src.far(n)) : ctx.mkFalse(), through));
      locals.add(ls);
      locals.add(ld);
      nodes.add(s);
      dstNodes.add(d);
      int i = net.nodeIndex(n);
      canonical.add(t.or(t.not(t.and(srcFloats, v.node.is(i))), s));
      canonical.add(t.or(t.not(t.and(dstFloats, v.dnode.is(i))), d));
      // spec S6.11: a flow between two outside addresses is routed through a walked node or none
      canonical.add(t.or(t.not(t.and(routed, v.node.is(i))), through));
      canonical.add(t.or(t.not(t.and(routed, v.dnode.is(i))), through));
    }
    on = List.copyOf(nodes);
    dstOn = List.copyOf(dstNodes);
    local = t.define(t.or(locals));
    return t.and(canonical);
  }

  /**
   * The end is one whose other end's placement can matter: outside, a host endpoint or a workload.
   */
  private BoolExpr placeable(EndEncoding other) {
    return t.or(other.outside(), other.placed(Endpoint::isHostKey), other.workload());
  }

  /**
   * {@link FlowVars#node} and {@link FlowVars#dnode} are this query's placements ({@link
   * #placements()}): for a diff's current set, so that the base, sharing the variables, places each
   * end naming no node there as the current input places it (spec S6.11, S6.12; a flow's ends are
   * the current set's, {@code analysis.Replay}).
   */
  BoolExpr placedHere() {
    List<BoolExpr> all = new ArrayList<>();
    for (int i = 0; i < on.size(); i++) {
      all.add(ctx.mkEq(v.node.is(i + 1), on.get(i)));
      all.add(ctx.mkEq(v.dnode.is(i + 1), dstOn.get(i)));
    }
    return t.and(all);
  }

  /**
   * The flow places its ends as {@code p} says ({@link dev.tierproof.model.Placement}, each null:
   * on no node).
   */
  BoolExpr placedOn(dev.tierproof.model.Placement p) {
    return t.and(
        p.source() == null ? t.not(t.or(on)) : at(on, p.source()),
        p.destination() == null ? t.not(t.or(dstOn)) : at(dstOn, p.destination()),
        crossing(p.source(), p.sourceInterfaces(), true),
        crossing(p.destination(), p.destinationInterfaces(), false));
  }

  /**
   * The flow crosses one of the interface choices {@code ifaces} on {@code node} at its source end
   * (with {@code source}) or its destination end (true when there are none: any choice, or none
   * applies).
   */
  private BoolExpr crossing(String node, java.util.Set<String> ifaces, boolean source) {
    dev.tierproof.model.Ports p = node == null ? null : net.ports.get(node);
    return ifaces.isEmpty() || p == null
        ? ctx.mkTrue()
        : t.or(ifaces.stream().map(i -> net.chosen(t, p, i, source)).toList());
  }

  private BoolExpr at(List<BoolExpr> on, String node) {
    int i = net.nodes.indexOf(node);
    return i < 0 ? ctx.mkFalse() : on.get(i);
  }

  /**
   * The flow meets the step in {@code direction} ({@code eval.Hop.stepped}): always unless it is
   * local; a local flow only the egress of its workload toward its host, and not for an ICMPv6
   * message of {@link dev.tierproof.model.Protocols#HOST_DISCOVERY}.
   */
  BoolExpr stepped(Direction direction) {
    if (direction == Direction.INGRESS) {
      return t.not(local);
    }
    return t.or(
        t.not(local), t.and(src.placed(p -> !Endpoint.isHostKey(p)), t.not(v.hostDiscovery())));
  }

  /** Rule matching, for the chains (compiled after {@link #rules} is set). */
  private BoolExpr match(Rule r) {
    return rules.match(r);
  }

  /** Rule matching on the flow's reply, for the chains of replies. */
  private BoolExpr replyMatch(Rule r) {
    return replies.match(r);
  }

  private EndEncoding end(Direction direction) {
    return direction == Direction.EGRESS ? src : dst;
  }

  /** Some flow of the query that every step allows; the witness prefers TCP and usual ports. */
  public Answer allowed() {
    return solve(allowed, true, false);
  }

  /** Some flow of the query that some step denies. */
  public Answer denied() {
    return solve(ctx.mkNot(allowed), false, false);
  }

  /**
   * Some flow of the query whose step in {@code direction} denies it by a deciding point not in
   * {@code known}; answers carry the encoding's decisions.
   */
  public Answer deniedExcept(Direction direction, Set<Point> known) {
    return solve(
        t.or(
            t.and(stepped(direction), end(direction).deniedExcept(known)),
            forwarding.deniedExcept(direction, known)),
        false,
        true);
  }

  /**
   * Some flow of the query whose step in {@code point.direction()}, or the side of a forward chain
   * in that direction it meets, is decided by {@code point}.
   */
  public Answer decidedBy(Point point) {
    Direction d = point.direction();
    return solve(
        t.or(
            t.and(stepped(d), end(d).decidedByAny(Set.of(point))),
            forwarding.decidedByAny(d, Set.of(point))),
        false,
        true);
  }

  /**
   * Some flow of the query, with the encoding's verdict and decisions (for explanation and tests).
   */
  public Answer any() {
    return solve(ctx.mkTrue(), false, true);
  }

  /**
   * Some flow of the query that every step allows and that lies in none of {@code carveOuts} (exact
   * for end sets the query observed, see {@link Regions#query}); the witness prefers TCP and usual
   * ports.
   */
  public Answer allowedOutside(List<Region> carveOuts) {
    List<BoolExpr> in = carveOuts.stream().map(this::in).toList();
    return solve(t.and(allowed, t.not(t.or(in))), true, false);
  }

  /**
   * Some flow whose step in {@code direction} (egress at the source, ingress at the destination) is
   * at an endpoint that no enforced policy selects for that direction: the step enters no tier and
   * goes straight to the profiles (spec S4.1, S4.2, S4.6).
   */
  public Answer unselected(Direction direction) {
    return solve(
        t.and(stepped(direction), end(direction).anyChain(Chain::unselected)), false, false);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      session.release(this);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // formulas for the questions built on top (StepGoals, DiffQuery)

  /**
   * The stepping end's alternatives that are endpoints, with their chains (only with a step
   * direction); on a forward side, that side ({@link #forwardSide}).
   */
  List<StepChain> stepChains() {
    if (forwardSide != null) {
      return List.of(forwardSide);
    }
    EndEncoding at = end(step);
    List<StepChain> out = new ArrayList<>();
    List<Alternative> options = at.layout().options();
    for (int i = 0; i < options.size(); i++) {
      Chain c = at.chain(options.get(i));
      if (c != null) {
        out.add(new StepChain(at.is(i), c));
      }
    }
    return out;
  }

  /**
   * Every step allows the flow (only the step the query encodes, see {@link Observe#only}, and the
   * forward chains).
   */
  BoolExpr allowedExpr() {
    return allowed;
  }

  /** {@link #delivered}: false but in a diff whose versions hold other loopback flows. */
  BoolExpr deliveredExpr() {
    return delivered;
  }

  /** The forward chain the flow meets, if any, allows it (spec S6.11). */
  BoolExpr forwardVerdict() {
    return forwarding.verdict();
  }

  /**
   * The step in {@code direction} allows the flow (egress at the source, ingress at the
   * destination).
   */
  BoolExpr verdictAt(Direction direction) {
    return t.or(t.not(stepped(direction)), end(direction).verdict());
  }

  /** The flow is in {@code r}: its ends in the region's end sets, the packet within its bounds. */
  BoolExpr in(Region r) {
    return t.and(
        src.member(r.source()),
        dst.member(r.destination()),
        r.bounds() == null ? ctx.mkTrue() : PacketBounds.of(ctx, v, r.bounds()),
        r.placed() == null
            ? ctx.mkTrue()
            : t.or(r.placed().each().stream().map(this::placedOn).toList()));
  }

  /**
   * The input endpoints that the alternative of {@code e} stands for at the source (or
   * destination): {@code e} and every endpoint the query cannot tell from it.
   */
  List<Endpoint> group(boolean source, Endpoint e) {
    List<Endpoint> m = (source ? src : dst).layout().membersOf(e);
    return m == null ? List.of(e) : m;
  }

  /**
   * The labels that hypothetical endpoints at the source (or destination) have symbolically, with
   * the literals selectors compare each to (null: a key compared as a string).
   */
  Map<String, List<String>> vocabulary(boolean source) {
    return (source ? src : dst).vocabulary();
  }

  Set<String> portNames(boolean source) {
    return (source ? src : dst).namedPortNames();
  }

  /**
   * The ranges the query's verdict formulas test the source (or destination) address against:
   * rules' nets, network sets' nets, the sides' ranges (not the ranges of later tests).
   */
  Set<Cidr> cidrs(boolean source) {
    return source ? srcEncoded : dstEncoded;
  }

  private Set<Cidr> withFailsafeNets(Set<Cidr> tested) {
    Set<Cidr> out = new java.util.LinkedHashSet<>(tested);
    out.addAll(net.set.failsafe().nets()); // spec S6.2: the peer's address against a port's net
    return Set.copyOf(out);
  }

  /** Both ends' layout: the two queries of a pair must agree on it to share their variables. */
  String layout() {
    return src.describe() + "\n" + dst.describe();
  }

  // ---------------------------------------------------------------------------------------------
  // solving

  /**
   * Some flow of the query satisfying {@code goal}, decoded (not replayed); TCP and usual ports
   * preferred.
   */
  Answer solveGoal(BoolExpr goal) {
    return solve(goal, true, false);
  }

  /**
   * Some flow of the query satisfying {@code goal}, as the solver found it: for questions whose
   * flow no one reads.
   */
  Answer solvePlain(BoolExpr goal) {
    return solve(goal, false, false);
  }

  /**
   * Asserts "a free end's address is owned by no endpoint" up front, as one exclusion per run of
   * consecutive owned addresses, when there are at most {@link #EAGER_RUNS} runs (the lazy
   * refutation would otherwise exclude them one run at a time; exact either way), and that two free
   * ends are at different addresses (spec S5.3, S5.4). Then {@link #solveNamed} checks under an
   * assumption instead of a scope.
   */
  void excludeOwned() {
    List<BoolExpr> free = List.of(src.free(), dst.free());
    if (!free.get(0).isFalse() && !free.get(1).isFalse()) {
      session.add(
          ctx.mkImplies(
              ctx.mkAnd(free.get(0), free.get(1)),
              ctx.mkNot(ctx.mkEq(src.address(), dst.address()))));
    }
    Map<Integer, java.util.TreeMap<java.math.BigInteger, java.math.BigInteger>> runs = net.runs();
    int total = runs.values().stream().mapToInt(Map::size).sum();
    if (total > EAGER_RUNS) {
      return;
    }
    eager = true;
    for (EndEncoding end : List.of(src, dst)) {
      if (total == 0 || end.free().isFalse()) {
        continue;
      }
      List<BoolExpr> c = new ArrayList<>();
      runs.forEach(
          (family, rs) -> {
            BoolExpr fam = family == 6 ? v.v6 : ctx.mkNot(v.v6);
            rs.forEach(
                (first, last) ->
                    c.add(ctx.mkNot(ctx.mkAnd(fam, v.inRange(end.address(), first, last)))));
          });
      session.add(ctx.mkImplies(end.free(), t.and(c)));
    }
  }

  /**
   * As {@link #solveGoal}; after {@link #excludeOwned} took effect, one check under an assumption
   * naming the goal (no scope to push and pop, so what the solver learned stays).
   */
  Answer solveNamed(BoolExpr goal) {
    if (!eager || goal.isFalse()) {
      return solveGoal(goal);
    }
    BoolExpr name = ctx.mkBoolConst("lint.goal." + named++);
    session.add(ctx.mkImplies(name, goal));
    SolverSession.Check c = session.check(name);
    if (c.status() == SolverSession.Status.SAT) {
      return witness.refutations(c.model()).isEmpty()
          ? witness.decode(c.model(), c.millis(), false, allowed)
          : solveGoal(goal);
    }
    return new Answer(c.status(), null, false, List.of(), Map.of(), c.reason(), c.millis());
  }

  private Answer solve(BoolExpr goal, boolean prefer, boolean explain) {
    if (closed) {
      throw new IllegalStateException("query is closed");
    }
    if (explain) {
      src.explain();
      dst.explain();
      forwarding.explain();
    }
    long millis = 0;
    while (true) {
      List<BoolExpr> refute;
      session.push();
      try {
        session.add(goal);
        SolverSession.Check c = session.check();
        millis += c.millis();
        if (c.status() != SolverSession.Status.SAT) {
          return new Answer(c.status(), null, false, List.of(), Map.of(), c.reason(), millis);
        }
        refute = witness.refutations(c.model());
        if (refute.isEmpty()) {
          Model model = c.model();
          int kept = 0;
          try {
            for (BoolExpr p : prefer ? witness.preferences(bounds) : List.<BoolExpr>of()) {
              if (millis > PREFERENCE_BUDGET_MILLIS) {
                break; // a hard question: the first witness will do
              }
              session.push();
              session.add(p);
              SolverSession.Check nice = session.check();
              millis += nice.millis();
              if (nice.status() == SolverSession.Status.SAT
                  && witness.refutations(nice.model()).isEmpty()) {
                model = nice.model();
                kept++;
              } else {
                session.pop();
              }
            }
            return witness.decode(model, millis, explain, allowed);
          } finally {
            for (int i = 0; i < kept; i++) {
              session.pop();
            }
          }
        }
      } finally {
        session.pop();
      }
      refute.forEach(session::add);
    }
  }
}
