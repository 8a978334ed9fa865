package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.TierPart;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The chain compiler: one enforcement step's evaluation order (spec S4) at one kind of endpoint,
 * compiled once into everything the questions ask of it. Back to front, at compilation: the {@link
 * #verdict} (profiles, then tiers from the last; Pass jumps to the next tier's start) and, for
 * lint, per written rule the verdict with and without it. Front to back, on first use: what each
 * {@link Taker} takes (reached undecided, and it fires), for lint where each written rule is
 * reached and whether removing it changes the verdict ({@link #position}), and the deciding {@link
 * Point}s ({@link #decided}).
 *
 * <p>At a host endpoint the chain is its paths in order (spec S6.4): failsafe ports, the untracked
 * tiers (skipped by a failsafe reply) and the pre-DNAT tiers, whose ends always pass, then the
 * normal tiers and profiles; one list of {@link TierPart}s, each naming its path. An untracked
 * Allow there decides by the reply its packet needs (spec S6.5): the same endpoint's chain of the
 * other direction, compiled by the compiler's {@link Compiler#reply} over the reversed packet, in
 * which an untracked Allow needs no reply and a reply dropped for want of a connection passes only
 * by one; its deciding points carry the reply's ({@link Point#reply}).
 *
 * <p>A side of a host endpoint's forward chain (spec S6.7, S6.8, {@link Compiler#forward}) is
 * compiled alike: at a named host endpoint's ingress side its untracked tiers, then its pre-DNAT
 * tiers (failsafe packets skip them, {@link Skip}, but on eBPF, {@link Compiler#forwardFailsafe})
 * whose ends pass, then its forward tiers, which end in their default action; no failsafe port
 * decides, there are no profiles, and a packet nothing decided is allowed ({@link
 * Point.Kind#FORWARDED}).
 *
 * <p>Along the chain every packet is taken by exactly one taker or reaches the profiles, so the
 * takes-formulas are disjoint. A <em>written rule</em> is the entry {@code index} of a policy's
 * list: the consecutive Calico rules sharing that index (one for Calico policies, several for a
 * Kubernetes NetworkPolicy entry). Every named subformula is defined in the query's scope.
 */
final class Chain {

  /**
   * What the chains of one query are compiled with: its terms and packet, rule matching (spec S3),
   * {@code positions}: whether lint's {@link Position}s are wanted (Log rules included: a query of
   * one step observes their sides), and {@code reply}: what the chains of the replies that
   * untracked Allows need are compiled with (the reversed packet and its rule matching, spec S6.5),
   * null when this compiles such replies (an untracked Allow there needs none), and {@code passOn}:
   * a profile's Pass goes on to the next profile ({@code PolicySet#profilePassGoesOn}), else it
   * denies (spec S4.6), and {@code forwardFailsafe}: a packet to an inbound failsafe port skips a
   * forward chain's pre-DNAT path ({@code PolicySet#forwardFailsafe}, spec S6.7, S6.11), and {@code
   * failsafe}: the failsafe ports ({@code PolicySet#failsafe}, S6.2), and {@code ebpf}: eBPF drops
   * fewer replies of untracked Allows ({@code PolicySet#dropsReply}, S6.5).
   */
  record Compiler(
      Terms t,
      FlowVars v,
      Function<Rule, BoolExpr> match,
      boolean positions,
      Compiler reply,
      boolean passOn,
      boolean forwardFailsafe,
      dev.tierproof.model.FailsafePorts failsafe,
      boolean ebpf) {

    /**
     * This compiler for the steps of host endpoints on {@code node} (null: naming none): the
     * failsafe ports of that node ({@code FailsafePorts#at}, spec S6.2), its replies' too.
     */
    Compiler at(String node) {
      return new Compiler(
          t,
          v,
          match,
          positions,
          reply == null ? null : reply.at(node),
          passOn,
          forwardFailsafe,
          failsafe.at(node),
          ebpf);
    }

    /**
     * The chain of the step in {@code dir} at an endpoint whose applying policies are {@code tiers}
     * (their residuals encoded by {@code selector}), a host endpoint when {@code host} (failsafe
     * ports first, spec S6.2), and with {@code profiles}: each list with the condition under which
     * it is the endpoint's. {@code back}: at a host endpoint, the applying policies of the other
     * direction, where the replies of untracked Allows are decided (spec S6.5); else null.
     */
    Chain compile(
        Direction dir,
        boolean host,
        List<TierPart> tiers,
        List<Map.Entry<BoolExpr, List<Profile>>> profiles,
        Function<Selector, BoolExpr> selector,
        List<TierPart> back) {
      return new Chain(this, dir, host, false, false, tiers, profiles, selector, back);
    }

    /**
     * The side in {@code dir} of the forward chain of a host endpoint whose applying policies there
     * are {@code tiers} ({@link Network#forwardSkeleton}: concrete labels, every residual true);
     * with {@code local}, the pre-DNAT path of an all-interfaces endpoint that a workload's packet
     * to its own host meets (spec S6.12: what nothing decides goes on, {@link Point#ownNode}; a
     * failsafe port skips it, on eBPF a host-discovery message instead).
     */
    Chain forward(Direction dir, List<TierPart> tiers, boolean local) {
      return new Chain(
          this,
          dir,
          false,
          true,
          local,
          tiers,
          List.of(),
          s -> {
            throw new IllegalStateException("a forward chain's policies apply or not");
          },
          null);
    }
  }

  /**
   * Something that takes packets, in chain order: a host endpoint's failsafe ports ({@code
   * FAILSAFE}, and as a {@code PASS} the failsafe packets that skip the first path, {@link Skip}),
   * an Allow, Deny or Pass written rule ({@code RULE}), or an entered tier's implicit deny ({@code
   * TIER_DEFAULT}). {@code takes}: the packet reaches it undecided and it fires.
   */
  record Taker(
      Point.Kind kind, Tier tier, Policy policy, int index, Action action, BoolExpr takes) {}

  /**
   * A written rule's place in the chain: {@code reached} undecided, {@code fires} (its policy
   * applies and one of its rules matches), {@code changes} (the verdict from its position on
   * differs without it; null for Log rules and unless compiled with positions), and the takers that
   * can take a packet {@code before} it.
   */
  record Position(BoolExpr reached, BoolExpr fires, BoolExpr changes, List<Taker> before) {}

  /**
   * What the verdict would be from a written rule's position on: {@code with} it, and {@code
   * without} it.
   */
  private record Removal(Key key, BoolExpr with, BoolExpr without) {}

  /** A written rule: policy (by identity) and index. */
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

  private final Compiler c;
  private final Terms t;
  private final Context ctx;
  private final Direction dir;
  private final boolean host;

  /** A side of a host endpoint's forward chain (spec S6.7). */
  private final boolean forward;

  /** The local pre-DNAT path ({@link Compiler#forward}). */
  private final boolean local;

  private final List<TierPart> tiers;
  private final List<Map.Entry<BoolExpr, List<Profile>>> profiles;
  private final Function<Selector, BoolExpr> selector;
  private final BoolExpr failsafe;

  /** The other direction's applying policies, for replies (spec S6.5); null: no replies here. */
  private final List<TierPart> backTiers;

  /** The chain of the replies, over the reversed packet; made on first use. */
  private Chain back;

  /** What an untracked Allow decides: its reply's verdict when it needs one (spec S6.5). */
  private BoolExpr untrackedAllow;

  /** What Felix's failsafe handling takes past the chain's first paths, in order ({@link Skip}). */
  private final List<Skip> skips;

  /** Per tier, per policy: it applies at the endpoint. */
  private final List<List<BoolExpr>> applies = new ArrayList<>();

  /**
   * With positions, per Allow/Deny/Pass written rule in compilation order: its own result and the
   * chain's without it.
   */
  private final List<Removal> removals = new ArrayList<>();

  private final BoolExpr verdict;

  private List<Taker> takers;
  private Map<Key, Position> positions;

  /** Per taker of kind {@code TIER_DEFAULT}: its tier's index. */
  private Map<Taker, Integer> tierOf;

  private BoolExpr toProfiles;
  private Map<Point, BoolExpr> decided;
  private final Set<Point> denying = new LinkedHashSet<>();

  private Chain(
      Compiler c,
      Direction dir,
      boolean host,
      boolean forward,
      boolean local,
      List<TierPart> tiers,
      List<Map.Entry<BoolExpr, List<Profile>>> profiles,
      Function<Selector, BoolExpr> selector,
      List<TierPart> backTiers) {
    this.c = c;
    this.t = c.t();
    this.ctx = t.ctx();
    this.dir = dir;
    this.host = host;
    this.forward = forward;
    this.local = local;
    this.tiers = tiers;
    this.profiles = profiles;
    this.selector = selector;
    this.backTiers = host && c.reply() != null ? backTiers : null;
    this.failsafe = host ? c.v().failsafe(c.failsafe(), dir) : null;
    this.skips = Skip.of(c, dir, host, forward, local, tiers);
    tiers.forEach(x -> applies.add(null));
    this.verdict = compile();
  }

  /** The step allows the packet. */
  BoolExpr verdict() {
    return verdict;
  }

  /** The step enters no tier: no policy applies (spec S4.2), so the profiles decide. */
  BoolExpr unselected() {
    List<BoolExpr> entered = new ArrayList<>();
    applies.forEach(entered::addAll);
    return t.not(t.or(entered));
  }

  /** The takers in chain order. */
  List<Taker> takers() {
    walk();
    return takers;
  }

  /**
   * Where rule {@code index} of {@code policy} is in the chain (with positions); null when its
   * policy does not apply here.
   */
  Position position(Policy policy, int index) {
    walk();
    return positions.get(new Key(policy, index));
  }

  /** Per deciding point (spec S4, S6.2): "the step reaches it undecided and it decides". */
  Map<Point, BoolExpr> decided() {
    if (decided == null) {
      decide();
    }
    return decided;
  }

  /** The points of {@link #decided} that deny. */
  Set<Point> denying() {
    decided();
    return denying;
  }

  /**
   * The step is denied by a point not in {@code known}: a disjunction over the remaining denying
   * points (one point decides a step); null when there are none.
   */
  BoolExpr deniedExcept(Set<Point> known) {
    List<BoolExpr> here = new ArrayList<>();
    for (Point p : denying()) {
      if (!known.contains(p)) { // (a new namespace's placeholder profile only allows)
        here.add(decided().get(p));
      }
    }
    return here.isEmpty() ? null : t.or(here);
  }

  /**
   * The step is decided by one of {@code points} (those of other directions ignored; a point named
   * without its reply stands for each reply it may have, spec S6.5; a namespace profile's for the
   * placeholder profile of a new namespace); null when none can.
   */
  BoolExpr decidedByAny(Set<Point> points) {
    List<BoolExpr> here = new ArrayList<>();
    for (Point p : points) {
      BoolExpr d = decided().get(p);
      if (p.reply() == null) {
        for (Map.Entry<Point, BoolExpr> e : decided().entrySet()) {
          if (e.getKey().reply() != null && e.getKey().alone().equals(p)) {
            here.add(e.getValue());
          }
        }
      }
      if (d == null
          && p.kind() == Point.Kind.PROFILE
          && p.profile() != null
          && p.profile().startsWith("kns.")) {
        d =
            decided()
                .get(Point.profile(p.direction(), Network.NEW_NAMESPACE.name(), p.ruleIndex()));
      }
      if (d != null) {
        here.add(d);
      }
    }
    return here.isEmpty() ? null : t.or(here);
  }

  /**
   * What an Allow rule of {@code part} decides: allowed; for an untracked one whose packet needs a
   * reply, that reply's verdict at the same endpoint in the other direction (spec S6.5).
   */
  private BoolExpr allowed(TierPart part) {
    if (part.path() != HostPath.UNTRACKED || backTiers == null) {
      return ctx.mkTrue();
    }
    if (untrackedAllow == null) {
      untrackedAllow = t.define(t.ite(c.v().needsReply(), back().asReply(), ctx.mkTrue()));
    }
    return untrackedAllow;
  }

  /** The chain of the replies: this endpoint's other direction over the reversed packet. */
  private Chain back() {
    if (back == null) {
      back = c.reply().compile(dir.opposite(), host, backTiers, profiles, selector, null);
    }
    return back;
  }

  /**
   * This chain's verdict on the reply of an untracked Allow (spec S6.5): one dropped for want of a
   * connection ({@code PolicySet#dropsReply}) passes only by an untracked Allow, any other by the
   * verdict.
   */
  private BoolExpr asReply() {
    List<BoolExpr> untracked = new ArrayList<>();
    for (Taker k : takers()) {
      if (k.kind() == Point.Kind.RULE
          && k.action() == Action.ALLOW
          && HostPath.of(k.policy()) == HostPath.UNTRACKED) {
        untracked.add(k.takes());
      }
    }
    return t.define(t.ite(c.v().invalidAsNew(c.ebpf()), t.or(untracked), verdict));
  }

  /**
   * The deciding points on the reply of an untracked Allow ({@link #asReply}): an untracked rule's
   * as they are, the others' for a reply not so dropped, else {@link Point#invalid}.
   */
  private Map<Point, BoolExpr> decidedAsReply() {
    BoolExpr invalid = c.v().invalidAsNew(c.ebpf());
    Map<Point, BoolExpr> out = new LinkedHashMap<>();
    List<BoolExpr> untracked = new ArrayList<>();
    decided()
        .forEach(
            (p, f) -> {
              if (p.kind() == Point.Kind.RULE && HostPath.of(p.policy()) == HostPath.UNTRACKED) {
                out.put(p, f);
                untracked.add(f);
              } else {
                out.put(p, t.and(t.not(invalid), f));
              }
            });
    out.put(Point.invalid(dir), t.define(t.and(invalid, t.not(t.or(untracked)))));
    return out;
  }

  /**
   * What a rule of {@code action} in {@code part} decides; a Pass goes on to {@code next} (S4.4).
   */
  private BoolExpr result(Action action, TierPart part, BoolExpr next) {
    return switch (action) {
      case ALLOW -> allowed(part);
      case PASS -> next;
      default -> ctx.mkFalse();
    };
  }

  private BoolExpr applies(Applied a) {
    return Residual.isTrue(a.residual()) ? ctx.mkTrue() : selector.apply(a.residual());
  }

  /**
   * Back to front: profiles, then tiers from the last (spec S4.3-S4.7), on a host endpoint the
   * normal path's, then the pre-DNAT and untracked paths' (S6.4); on a forward chain, what nothing
   * decided is allowed (S6.8).
   */
  private BoolExpr compile() {
    List<BoolExpr> tails = new ArrayList<>();
    for (Map.Entry<BoolExpr, List<Profile>> e : profiles) {
      BoolExpr x = ctx.mkFalse(); // spec S4.7
      List<Profile> ps = e.getValue();
      for (int i = ps.size() - 1; i >= 0; i--) {
        BoolExpr nextProfile = x;
        List<Rule> rules = ps.get(i).rules(dir);
        for (int j = rules.size() - 1; j >= 0; j--) {
          Rule r = rules.get(j);
          if (r.action() != Action.LOG) {
            // spec S4.6: Pass in a profile denies, or goes on to the next profile
            BoolExpr result =
                r.action() == Action.PASS && c.passOn()
                    ? nextProfile
                    : ctx.mkBool(r.action() == Action.ALLOW);
            x = t.ite(c.match().apply(r), result, x);
          }
        }
        x = c.passOn() ? t.define(x) : x;
      }
      tails.add(t.and(e.getKey(), x));
    }
    BoolExpr next = forward ? ctx.mkTrue() : t.define(t.or(tails));
    Map<Skip, BoolExpr> after = new HashMap<>(); // where each skip's packets go on
    for (int ti = tiers.size() - 1; ti >= 0; ti--) {
      TierPart part = tiers.get(ti);
      for (Skip s : skips) {
        if (s.paths().contains(part.path())) {
          after.putIfAbsent(s, next);
        }
      }
      List<BoolExpr> appl = part.policies().stream().map(this::applies).toList();
      applies.set(ti, appl);
      BoolExpr entered = t.or(appl);
      // spec S4.5: an entered tier ends in its default action (S6.4: off the normal path, Pass)
      BoolExpr x =
          !part.path().endsInDefault() || part.tier().defaultAction() == Action.PASS
              ? next
              : t.and(t.not(entered), next);
      for (int pi = part.policies().size() - 1; pi >= 0; pi--) {
        Policy p = part.policies().get(pi).policy();
        List<List<Rule>> es = entries(p.rules(dir));
        for (int ei = es.size() - 1; ei >= 0; ei--) {
          List<Rule> entry = es.get(ei);
          if (c.positions() && entry.get(0).action() != Action.LOG) {
            BoolExpr with = result(entry.get(0).action(), part, next);
            removals.add(new Removal(new Key(p, entry.get(0).index()), with, x));
          }
          for (int j = entry.size() - 1; j >= 0; j--) {
            Rule r = entry.get(j);
            if (r.action() == Action.LOG) {
              continue; // spec S4.3: Log is never terminal
            }
            BoolExpr fire = t.and(appl.get(pi), c.match().apply(r));
            x = fire.isFalse() ? x : t.ite(fire, result(r.action(), part, next), x);
          }
        }
      }
      next = t.define(x);
    }
    for (int i = skips.size() - 1; i >= 0; i--) { // spec S6.4, S6.7, S6.7.1
      next = t.define(t.ite(skips.get(i).when(), after.get(skips.get(i)), next));
    }
    return host ? t.define(ctx.mkOr(failsafe, next)) : next;
  }

  /** Front to back through the tiers: what each taker takes, where each written rule is reached. */
  private void walk() {
    if (takers != null) {
      return;
    }
    takers = new ArrayList<>();
    positions = new HashMap<>();
    tierOf = new java.util.IdentityHashMap<>(); // takers are records of whole policies
    List<Taker> blocked = new ArrayList<>();
    BoolExpr reach = ctx.mkTrue();
    if (host) {
      Taker fs = new Taker(Point.Kind.FAILSAFE, null, null, -1, Action.ALLOW, t.define(failsafe));
      takers.add(fs);
      blocked.add(fs);
      reach = t.not(failsafe);
    }
    // spec S6.4, S6.7, S6.7.1: a skip takes the packet from the skipped paths' rules only (as a
    // Pass from its tier's, S4.4)
    List<Taker> skippers = new ArrayList<>();
    for (Skip s : skips) {
      Taker skipper =
          new Taker(
              Point.Kind.FAILSAFE, null, null, -1, Action.PASS, t.define(t.and(reach, s.when())));
      reach = t.define(t.and(reach, t.not(s.when())));
      takers.add(skipper);
      blocked.add(skipper);
      skippers.add(skipper);
    }
    for (int ti = 0; ti < tiers.size(); ti++) {
      TierPart part = tiers.get(ti);
      Tier tier = part.tier();
      for (int i = 0; i < skips.size(); i++) {
        if (skippers.get(i) != null && !skips.get(i).paths().contains(part.path())) {
          reach = t.define(t.or(reach, skippers.get(i).takes()));
          blocked.remove(skippers.get(i));
          skippers.set(i, null);
        }
      }
      List<BoolExpr> appl = applies.get(ti);
      BoolExpr r = reach;
      List<BoolExpr> passed = new ArrayList<>();
      List<Taker> inTier = new ArrayList<>();
      for (int pi = 0; pi < part.policies().size(); pi++) {
        Policy p = part.policies().get(pi).policy();
        for (List<Rule> entry : entries(p.rules(dir))) {
          Key k = new Key(p, entry.get(0).index());
          Action action = entry.get(0).action();
          if (action == Action.LOG && !c.positions()) {
            continue; // spec S4.3: never terminal (its rules' sides are observed only for lint)
          }
          BoolExpr fire = t.and(appl.get(pi), t.or(entry.stream().map(c.match()).toList()));
          if (c.positions()) {
            fire = t.define(fire);
            List<Taker> before = new ArrayList<>(blocked.size() + inTier.size());
            before.addAll(blocked);
            before.addAll(inTier);
            positions.put(k, new Position(r, fire, null, Collections.unmodifiableList(before)));
          }
          if (action == Action.LOG) {
            continue;
          }
          Taker e =
              new Taker(Point.Kind.RULE, tier, p, k.index(), action, t.define(t.and(r, fire)));
          takers.add(e);
          inTier.add(e);
          if (action == Action.PASS) {
            passed.add(e.takes()); // spec S4.4
          } else {
            blocked.add(e);
          }
          r = t.define(t.and(r, t.not(fire)));
        }
      }
      BoolExpr entered = t.or(appl);
      if (part.path().endsInDefault() && tier.defaultAction() != Action.PASS) {
        // spec S4.5
        Taker e =
            new Taker(
                Point.Kind.TIER_DEFAULT, tier, null, -1, Action.DENY, t.define(t.and(r, entered)));
        takers.add(e);
        blocked.add(e);
        tierOf.put(e, ti);
        passed.add(t.and(r, t.not(entered)));
      } else {
        passed.add(r);
      }
      reach = t.define(t.or(passed));
    }
    for (Taker k : skippers) {
      if (k != null) {
        reach = t.define(t.or(reach, k.takes())); // only skipped tiers: the packet goes on
      }
    }
    toProfiles = reach;
    // lint: whether removing a rule changes the verdict, named after what the walk named
    Map<Key, BoolExpr> changes = new HashMap<>();
    for (Removal a : removals) {
      changes.put(a.key(), t.define(ctx.mkXor(a.with(), t.define(a.without()))));
    }
    positions.replaceAll(
        (k, p) -> new Position(p.reached(), p.fires(), changes.get(k), p.before()));
  }

  /**
   * The deciding points: the takers that decide, each tier default per last applying policy, then
   * the profiles (on a forward chain: what nothing decided, allowed).
   */
  private void decide() {
    walk();
    Map<Point, List<BoolExpr>> out = new LinkedHashMap<>();
    for (Taker k : takers) {
      if (k.takes().isFalse() || k.action() == Action.PASS) {
        continue;
      }
      if (k.kind() == Point.Kind.FAILSAFE) {
        out.computeIfAbsent(Point.failsafe(dir), x -> new ArrayList<>()).add(k.takes());
      } else if (k.kind() == Point.Kind.RULE
          && k.action() == Action.ALLOW
          && backTiers != null
          && HostPath.of(k.policy()) == HostPath.UNTRACKED) {
        // spec S6.5: an untracked Allow decides with what decides its packet's reply, if any
        Point point = Point.rule(dir, k.tier().name(), k.policy(), k.index());
        BoolExpr needs = c.v().needsReply();
        out.computeIfAbsent(point, x -> new ArrayList<>()).add(t.and(k.takes(), t.not(needs)));
        Chain b = back();
        b.decidedAsReply()
            .forEach(
                (q, f) -> {
                  Point pq = point.withReply(q);
                  out.computeIfAbsent(pq, x -> new ArrayList<>()).add(t.and(k.takes(), needs, f));
                  if (q.kind() == Point.Kind.INVALID || b.denying().contains(q)) {
                    denying.add(pq);
                  }
                });
      } else if (k.kind() == Point.Kind.RULE) {
        Point point = Point.rule(dir, k.tier().name(), k.policy(), k.index());
        out.computeIfAbsent(point, x -> new ArrayList<>()).add(k.takes());
        if (k.action() == Action.DENY) {
          denying.add(point);
        }
      } else {
        // the implicit deny, named by the last policy that applies (as eval names it)
        int ti = tierOf.get(k);
        List<BoolExpr> appl = applies.get(ti);
        for (int pi = 0; pi < appl.size(); pi++) {
          List<BoolExpr> last = new ArrayList<>();
          last.add(appl.get(pi));
          for (int q = pi + 1; q < appl.size(); q++) {
            last.add(t.not(appl.get(q)));
          }
          BoolExpr isLast = t.and(last);
          if (!isLast.isFalse()) {
            Point point =
                Point.tierDefault(dir, k.tier().name(), tiers.get(ti).policies().get(pi).policy());
            out.computeIfAbsent(point, x -> new ArrayList<>()).add(t.and(k.takes(), isLast));
            denying.add(point);
          }
        }
      }
    }
    if (forward) { // spec S6.12: what the local pre-DNAT path does not decide goes on
      out.computeIfAbsent(local ? Point.ownNode(dir) : Point.forwarded(dir), x -> new ArrayList<>())
          .add(toProfiles);
    }
    for (Map.Entry<BoolExpr, List<Profile>> e : profiles) {
      // reaching the next profile, by the profile rule that last passed (S4.6; none: unnamed)
      Map<Point, BoolExpr> reach = new LinkedHashMap<>();
      reach.put(Point.noProfile(dir), t.define(t.and(toProfiles, e.getKey())));
      for (Profile prof : e.getValue()) {
        BoolExpr r = t.define(t.or(List.copyOf(reach.values())));
        Map<Point, BoolExpr> on = new LinkedHashMap<>();
        for (Rule rule : prof.rules(dir)) {
          if (rule.action() == Action.LOG) {
            continue;
          }
          BoolExpr m = c.match().apply(rule);
          if (rule.action() == Action.PASS && c.passOn()) { // spec S4.6: on to the next profile
            on.merge(Point.noProfile(dir, prof.name(), rule.index()), t.and(r, m), t::or);
          } else {
            Point point = Point.profile(dir, prof.name(), rule.index());
            out.computeIfAbsent(point, x -> new ArrayList<>()).add(t.define(t.and(r, m)));
            if (rule.action() != Action.ALLOW) {
              denying.add(point); // spec S4.6: Pass in a profile denies
            }
          }
          r = t.define(t.and(r, t.not(m)));
        }
        BoolExpr none = r; // no rule of the profile matched: the last Pass stays the one named
        reach.forEach((p, x) -> on.merge(p, t.and(x, none), t::or));
        reach = on;
      }
      reach.forEach( // spec S4.7, named by the Pass that went on past the last profile (S4.6)
          (p, x) -> {
            out.computeIfAbsent(p, k -> new ArrayList<>()).add(t.define(x));
            denying.add(p);
          });
    }
    decided = new LinkedHashMap<>();
    out.forEach((p, fs) -> decided.put(p, t.define(t.or(fs))));
  }

  /** One written rule's Calico rules: consecutive rules of a policy's list sharing an index. */
  private static List<List<Rule>> entries(List<Rule> rules) {
    List<List<Rule>> out = new ArrayList<>();
    for (Rule r : rules) {
      if (out.isEmpty() || out.get(out.size() - 1).get(0).index() != r.index()) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(r);
    }
    return out;
  }
}
