package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Port;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.Applied;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
import dev.tierproof.smt.Network.TierPart;
import dev.tierproof.source.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One question's formulas, asserted in their own solver scope: the flows from one of the source
 * alternatives to one of the destination alternatives within the bounds, and per enforcement step
 * the verdict (spec S4, S5). Goals ({@link #allowed}, {@link #denied}, ...) are checked in nested
 * scopes, so one query answers a family of related goals incrementally.
 *
 * <p>Concrete ends are evaluated concretely: the candidate (endpoint, address) pairs of a side are
 * grouped by everything the involved rules can observe of them (endpoint class, family, CIDR
 * memberships, selector coverage, named ports), and Z3 chooses among the groups. Addresses that no
 * endpoint may own (hypothetical and outside ends) are symbolic; "owned by no endpoint" is
 * enforced lazily: a model at an owned address is refuted by the run of owned addresses around it
 * and solved again (exact, since unsat without the refutations implies unsat with them).
 */
public final class Query implements AutoCloseable {

  /** A selector test on a side: {@code pos}∧¬{@code neg} (pos non-null), or {@code neg} alone. */
  private record SelKey(Selector pos, Selector neg) {
    boolean matches(Map<String, String> labels) {
      if (pos == null) {
        return neg.matches(labels);
      }
      return pos.matches(labels) && (neg == null || !neg.matches(labels));
    }
  }

  /** At one address: which selector keys some entity satisfies, and the named ports per port key. */
  private record Observed(BitSet covered, List<Set<Long>> ports) {}

  /** A named port test: name, and the selector filtering the entities (null: every entity). */
  private record NpKey(String name, SelKey filter) {}

  private sealed interface Opt permits Concrete, FreeEndpoint, FreshOpt, OutsideOpt {}

  private record Concrete(Endpoint endpoint, Ip address, ClassKey cls, BitSet covered, List<Set<Long>> ports)
      implements Opt {}

  private record FreeEndpoint(Endpoint endpoint, ClassKey cls, Cidr range) implements Opt {}

  private record FreshOpt(NsOption ns, LabelView view, Selector residual, List<NamedPort> ports, Cidr range)
      implements Opt {}

  private record OutsideOpt(Cidr range, String domain) implements Opt {}

  private record NamedPortVar(BoolExpr has, BitVecExpr protocol, BitVecExpr port) {}

  /** Solver time after which a witness is not polished any more ({@link #preferences}). */
  private static final long PREFERENCE_BUDGET_MILLIS = 1000;

  private final Network net;
  private final Context ctx;
  private final FlowVars v;
  private final SolverSession session;
  private final FlowBounds bounds;
  private final End src;
  private final End dst;
  private final Map<Rule, BoolExpr> matches = new IdentityHashMap<>();
  private final Map<Cidr, BoolExpr> srcNets = new HashMap<>();
  private final Map<Cidr, BoolExpr> dstNets = new HashMap<>();
  private final BoolExpr allowed;
  /** Null: both steps are encoded; else only the step in this direction (see {@link #Query(Network, List, List, FlowBounds, Direction)}). */
  private final Direction step;
  /** Addresses whose candidates are grouped alone ({@link Observe#apart}). */
  private final Set<Ip> apart;
  /** The ranges the verdict formulas test each end's address against (set once they are built). */
  private Set<Cidr> srcEncoded = Set.of();
  private Set<Cidr> dstEncoded = Set.of();
  private boolean closed;

  Query(Network net, List<Side> sources, List<Side> destinations, FlowBounds bounds) {
    this(net, sources, destinations, bounds, null);
  }

  /**
   * With {@code step} non-null, only the enforcement step in that direction is encoded (egress:
   * at the sources, ingress: at the destinations); the other end is a peer whose own step is not
   * evaluated, so its alternatives are grouped only by what the step's rules observe. Used by
   * analyses of one step's rules (lint, {@link StepGoals}).
   */
  Query(Network net, List<Side> sources, List<Side> destinations, FlowBounds bounds, Direction step) {
    this(net, sources, destinations, bounds, step, Observe.NONE);
  }

  /** As {@link #Query(Network, List, List, FlowBounds, Direction)}, observing {@code observe} too. */
  Query(
      Network net, List<Side> sources, List<Side> destinations, FlowBounds bounds, Direction step, Observe observe) {
    this.step = step;
    this.apart = observe.apart();
    this.net = net;
    this.session = net.session;
    this.ctx = session.ctx();
    this.v = net.vars;
    this.bounds = bounds;
    src = new End(true);
    dst = new End(false);
    src.expand(sources);
    dst.expand(destinations);
    // first and in the caller's order, so that the two queries of a pair number their named ports alike
    for (Rule r : observe.rules()) {
      src.collect(r.source());
      dst.collect(r.destination());
    }
    src.observe(observe.sources());
    dst.observe(observe.destinations());
    Set<Rule> involved = Collections.newSetFromMap(new IdentityHashMap<>());
    if (step != Direction.INGRESS) {
      src.involve(involved);
    }
    if (step != Direction.EGRESS) {
      dst.involve(involved);
    }
    for (Rule r : involved) {
      src.collect(r.source());
      dst.collect(r.destination());
    }
    src.group();
    dst.group();
    src.vocabulary(observe.selectors());
    dst.vocabulary(observe.selectors());
    if (observe.claim()) {
      session.acquire(this);
    }
    try {
      session.add(v.wellFormed());
      session.add(bounds());
      session.add(src.scope());
      session.add(dst.scope());
      Direction only = step != null ? step : observe.only();
      allowed =
          only == null
              ? ctx.mkAnd(src.verdict(), dst.verdict())
              : (only == Direction.EGRESS ? src : dst).verdict();
      srcEncoded = Set.copyOf(srcNets.keySet());
      dstEncoded = Set.copyOf(dstNets.keySet());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
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
    End at = direction == Direction.EGRESS ? src : dst;
    return solve(at.deniedExcept(known), false, true);
  }

  /** Some flow of the query whose step in {@code point.direction()} is decided by {@code point}. */
  public Answer decidedBy(Point point) {
    End at = point.direction() == Direction.EGRESS ? src : dst;
    return solve(at.decidedByAny(Set.of(point)), false, true);
  }

  /** Some flow of the query, with the encoding's verdict and decisions (for explanation and tests). */
  public Answer any() {
    return solve(ctx.mkTrue(), false, true);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      session.release(this);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // solving

  private Answer solve(BoolExpr goal, boolean prefer, boolean explain) {
    if (closed) {
      throw new IllegalStateException("query is closed");
    }
    if (explain) {
      src.explain();
      dst.explain();
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
        refute = refutations(c.model());
        if (refute.isEmpty()) {
          Model model = c.model();
          int kept = 0;
          try {
            for (BoolExpr p : prefer ? preferences() : List.<BoolExpr>of()) {
              if (millis > PREFERENCE_BUDGET_MILLIS) {
                break; // a hard question: the first witness will do
              }
              session.push();
              session.add(p);
              SolverSession.Check nice = session.check();
              millis += nice.millis();
              if (nice.status() == SolverSession.Status.SAT && refutations(nice.model()).isEmpty()) {
                model = nice.model();
                kept++;
              } else {
                session.pop();
              }
            }
            return decode(model, millis, explain);
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

  /** For each side at a free address that an endpoint owns: the run of owned addresses to exclude. */
  private List<BoolExpr> refutations(Model m) {
    List<BoolExpr> out = new ArrayList<>();
    boolean v6 = m.eval(v.v6, true).isTrue();
    for (End end : List.of(src, dst)) {
      Opt o = end.chosen(m);
      if (o instanceof Concrete) {
        continue;
      }
      Ip ip = new Ip(v6 ? 6 : 4, ((BitVecNum) m.eval(end.addr, true)).getBigInteger());
      if (net.owned(ip)) {
        BigInteger[] run = net.run(ip);
        BoolExpr fam = v6 ? v.v6 : ctx.mkNot(v.v6);
        out.add(ctx.mkNot(ctx.mkAnd(end.free, fam, v.inRange(end.addr, run[0], run[1]))));
      }
    }
    return out;
  }

  /**
   * What makes a witness read naturally, most important first: TCP, no DNS name unless needed, a
   * destination port, an ephemeral source port. Each is kept only if the ones before it allow it.
   */
  private List<BoolExpr> preferences() {
    List<BoolExpr> nice = new ArrayList<>();
    if (bounds.protocol() == null) {
      nice.add(v.protoIs(Protocols.TCP));
    }
    nice.add(v.domain.is(0));
    if (bounds.ipVersion() == null) {
      nice.add(ctx.mkNot(v.v6)); // IPv4, as explain's flows
    }
    // the input's own endpoints before pods that could be deployed
    nice.add(src.at(Concrete.class));
    nice.add(dst.at(Concrete.class));
    if (bounds.portMin() == null) {
      nice.add(ctx.mkImplies(v.hasPorts, ctx.mkEq(v.dport, ctx.mkBV(Placeholders.WITNESS_PORT, 16))));
      nice.add(ctx.mkImplies(v.hasPorts, ctx.mkNot(ctx.mkEq(v.dport, ctx.mkBV(0, 16)))));
    }
    if (bounds.sourcePortMin() == null) {
      nice.add(ctx.mkImplies(v.hasPorts, ctx.mkEq(v.sport, ctx.mkBV(Placeholders.SOURCE_PORT, 16))));
      nice.add(ctx.mkImplies(v.hasPorts, v.between(v.sport, 16, 32768, 60999)));
    }
    // the addresses explain uses for ends that have none of their own
    nice.add(dst.at(OutsideOpt.class, f -> Placeholders.outside(f, false)));
    nice.add(src.at(OutsideOpt.class, f -> Placeholders.outside(f, true)));
    nice.add(src.at(FreshOpt.class, f -> Placeholders.pod(f, true)));
    nice.add(dst.at(FreshOpt.class, f -> Placeholders.pod(f, false)));
    nice.add(src.at(FreeEndpoint.class, f -> Placeholders.pod(f, true)));
    nice.add(dst.at(FreeEndpoint.class, f -> Placeholders.pod(f, false)));
    return nice;
  }

  private BoolExpr bounds() {
    return within(bounds);
  }

  /** The packet is within {@code b}. */
  BoolExpr within(FlowBounds b) {
    List<BoolExpr> c = new ArrayList<>();
    if (b.protocol() != null) {
      c.add(v.protoIs(b.protocol()));
    }
    b.otherThan().forEach(p -> c.add(ctx.mkNot(v.protoIs(p))));
    if (b.portMin() != null) {
      c.add(v.hasPorts);
      c.add(v.between(v.dport, 16, b.portMin(), b.portMax()));
    }
    if (b.sourcePortMin() != null) {
      c.add(v.hasPorts);
      c.add(v.between(v.sport, 16, b.sourcePortMin(), b.sourcePortMax()));
    }
    if (b.icmpType() != null) {
      c.add(v.isIcmp);
      c.add(ctx.mkEq(v.icmpType, ctx.mkBV(b.icmpType(), 8)));
    }
    if (b.icmpCode() != null) {
      c.add(v.isIcmp);
      c.add(ctx.mkEq(v.icmpCode, ctx.mkBV(b.icmpCode(), 8)));
    }
    if (b.ipVersion() != null) {
      c.add(b.ipVersion() == 6 ? v.v6 : ctx.mkNot(v.v6));
    }
    return ctx.mkAnd(c.toArray(BoolExpr[]::new));
  }

  private Answer decode(Model m, long millis, boolean explain) {
    boolean v6 = m.eval(v.v6, true).isTrue();
    int family = v6 ? 6 : 4;
    int proto = ((BitVecNum) m.eval(v.proto, true)).getInt();
    boolean ports = Protocols.hasPorts(proto);
    boolean icmp = Protocols.isIcmp(proto);
    Map<String, Profile> assumed = new LinkedHashMap<>();
    int[] fresh = {0};
    Endpoint source = src.endpoint(m, family, assumed, fresh);
    Endpoint destination = dst.endpoint(m, family, assumed, fresh);
    String domain = null;
    if (dst.chosen(m) instanceof OutsideOpt o) {
      domain = o.domain() != null ? o.domain() : net.domains.representative(v.domain.in(m));
    }
    Flow flow =
        new Flow(
            proto,
            new Ip(family, ((BitVecNum) m.eval(v.src, true)).getBigInteger()),
            ports ? ((BitVecNum) m.eval(v.sport, true)).getInt() : null,
            new Ip(family, ((BitVecNum) m.eval(v.dst, true)).getBigInteger()),
            ports ? ((BitVecNum) m.eval(v.dport, true)).getInt() : null,
            icmp ? ((BitVecNum) m.eval(v.icmpType, true)).getInt() : null,
            icmp ? ((BitVecNum) m.eval(v.icmpCode, true)).getInt() : null,
            domain,
            source,
            destination);
    List<Point> decisions = new ArrayList<>();
    if (explain) {
      src.decisions(m, source, decisions);
      dst.decisions(m, destination, decisions);
    }
    return new Answer(
        SolverSession.Status.SAT, flow, m.eval(allowed, true).isTrue(), decisions, assumed, null, millis);
  }

  // ---------------------------------------------------------------------------------------------
  // rules (spec S3)

  private BoolExpr match(Rule r) {
    BoolExpr known = matches.get(r);
    if (known != null) {
      return known;
    }
    List<BoolExpr> c = new ArrayList<>();
    if (r.ipVersion() != null) {
      c.add(r.ipVersion() == 6 ? v.v6 : ctx.mkNot(v.v6));
    }
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      for (List<Cidr> list : List.of(m.nets(), m.notNets())) {
        if (!list.isEmpty()) {
          if (list.stream().noneMatch(x -> x.family() == 4)) {
            c.add(v.v6); // spec S3.1: skipped for a family it has no CIDR of
          }
          if (list.stream().noneMatch(x -> x.family() == 6)) {
            c.add(ctx.mkNot(v.v6));
          }
        }
      }
    }
    if (r.protocol() != null) {
      c.add(v.protoIs(r.protocol()));
    }
    if (r.notProtocol() != null) {
      c.add(ctx.mkNot(v.protoIs(r.notProtocol())));
    }
    if (r.icmp() != null) {
      c.add(icmp(r.icmp()));
    }
    if (r.notIcmp() != null) {
      c.add(ctx.mkNot(icmp(r.notIcmp())));
    }
    c.add(src.side(r, r.source()));
    c.add(dst.side(r, r.destination()));
    BoolExpr m = define(ctx.mkAnd(c.toArray(BoolExpr[]::new)));
    matches.put(r, m);
    return m;
  }

  private BoolExpr icmp(dev.tierproof.model.Icmp i) {
    BoolExpr t = ctx.mkAnd(v.isIcmp, ctx.mkEq(v.icmpType, ctx.mkBV(i.type(), 8)));
    return i.code() == null ? t : ctx.mkAnd(t, ctx.mkEq(v.icmpCode, ctx.mkBV(i.code(), 8)));
  }

  private BoolExpr define(BoolExpr e) {
    if (e.isTrue() || e.isFalse() || e.isConst()) {
      return e;
    }
    BoolExpr name = (BoolExpr) ctx.mkFreshConst("d", ctx.getBoolSort());
    session.add(ctx.mkEq(name, e));
    return name;
  }

  private BoolExpr not(BoolExpr x) {
    return x.isTrue() ? ctx.mkFalse() : x.isFalse() ? ctx.mkTrue() : ctx.mkNot(x);
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

  /** The address is in the CIDR: its family, and its top {@code prefix} bits (family-relative). */
  private BoolExpr netIn(Cidr c, BitVecExpr addr, Map<Cidr, BoolExpr> cache) {
    return cache.computeIfAbsent(
        c,
        k -> {
          BoolExpr fam = k.family() == 6 ? v.v6 : ctx.mkNot(v.v6);
          if (k.prefix() == 0) {
            return fam;
          }
          int bits = k.address().bits();
          BigInteger top = k.address().familyValue().shiftRight(bits - k.prefix());
          BoolExpr in =
              ctx.mkEq(ctx.mkExtract(bits - 1, bits - k.prefix(), addr), ctx.mkBV(top.toString(), k.prefix()));
          return ctx.mkAnd(fam, in);
        });
  }

  private BoolExpr domainIn(List<String> patterns) {
    List<BoolExpr> out = new ArrayList<>();
    for (int i : net.domains.matching(patterns)) {
      out.add(v.domain.is(i));
    }
    return or(out);
  }

  // ---------------------------------------------------------------------------------------------
  // verdict chains (spec S4)

  /** One enforcement step's decision procedure at one kind of endpoint. */
  private final class Chain {
    final End at;
    final boolean host;
    final List<TierPart> tiers;
    /** Profile lists with the condition under which each is the endpoint's. */
    final List<Map.Entry<BoolExpr, List<Profile>>> profiles;

    final BoolExpr verdict;
    Map<Point, BoolExpr> decided;
    /** The points of {@link #decided} that deny. */
    final Set<Point> denying = new LinkedHashSet<>();
    Chain(End at, boolean host, List<TierPart> tiers, List<Map.Entry<BoolExpr, List<Profile>>> profiles) {
      this.at = at;
      this.host = host;
      this.tiers = tiers;
      this.profiles = profiles;
      this.verdict = build();
    }

    private BoolExpr applies(Applied a) {
      return Residual.isTrue(a.residual()) ? ctx.mkTrue() : at.selector(a.residual());
    }

    /** Back to front: profiles, then tiers from the last; Pass jumps to the next tier's start. */
    private BoolExpr build() {
      Direction dir = at.dir;
      List<BoolExpr> tails = new ArrayList<>();
      for (Map.Entry<BoolExpr, List<Profile>> e : profiles) {
        BoolExpr t = ctx.mkFalse(); // spec S4.7
        List<Profile> ps = e.getValue();
        for (int i = ps.size() - 1; i >= 0; i--) {
          List<Rule> rules = ps.get(i).rules(dir);
          for (int j = rules.size() - 1; j >= 0; j--) {
            Rule r = rules.get(j);
            if (r.action() != Action.LOG) {
              // spec S4.6: Pass in a profile denies
              t = (BoolExpr) ctx.mkITE(match(r), ctx.mkBool(r.action() == Action.ALLOW), t);
            }
          }
        }
        tails.add(and(List.of(e.getKey(), t)));
      }
      BoolExpr next = define(or(tails));
      for (int ti = tiers.size() - 1; ti >= 0; ti--) {
        TierPart part = tiers.get(ti);
        List<BoolExpr> appl = part.policies().stream().map(this::applies).toList();
        BoolExpr entered = or(appl);
        // spec S4.5: an entered tier ends in its default action
        BoolExpr x = part.tier().defaultAction() == Action.PASS ? next : and(List.of(not(entered), next));
        for (int pi = part.policies().size() - 1; pi >= 0; pi--) {
          List<Rule> rules = part.policies().get(pi).policy().rules(dir);
          for (int j = rules.size() - 1; j >= 0; j--) {
            Rule r = rules.get(j);
            if (r.action() == Action.LOG) {
              continue; // spec S4.3: Log is never terminal
            }
            BoolExpr fire = and(List.of(appl.get(pi), match(r)));
            BoolExpr result =
                switch (r.action()) {
                  case ALLOW -> ctx.mkTrue();
                  case PASS -> next; // spec S4.4
                  default -> ctx.mkFalse();
                };
            x = fire.isFalse() ? x : (BoolExpr) ctx.mkITE(fire, result, x);
          }
        }
        next = define(x);
      }
      return host ? define(ctx.mkOr(failsafe(dir), next)) : next;
    }

    /** Front to back: for each deciding point, "the step reaches it undecided and it decides". */
    void explain() {
      if (decided != null) {
        return;
      }
      Direction dir = at.dir;
      Map<Point, List<BoolExpr>> out = new LinkedHashMap<>();
      BoolExpr reach = ctx.mkTrue();
      if (host) {
        BoolExpr fs = failsafe(dir);
        out.computeIfAbsent(Point.failsafe(dir), k -> new ArrayList<>()).add(fs);
        reach = not(fs);
      }
      for (TierPart part : tiers) {
        List<BoolExpr> appl = part.policies().stream().map(this::applies).toList();
        String tier = part.tier().name();
        BoolExpr r = reach;
        List<BoolExpr> passed = new ArrayList<>();
        for (int pi = 0; pi < part.policies().size(); pi++) {
          Policy p = part.policies().get(pi).policy();
          for (Rule rule : p.rules(dir)) {
            if (rule.action() == Action.LOG) {
              continue;
            }
            BoolExpr fire = and(List.of(appl.get(pi), match(rule)));
            if (fire.isFalse()) {
              continue;
            }
            BoolExpr d = define(and(List.of(r, fire)));
            if (rule.action() == Action.PASS) {
              passed.add(d);
            } else {
              Point point = Point.rule(dir, tier, p, rule.index());
              out.computeIfAbsent(point, k -> new ArrayList<>()).add(d);
              if (rule.action() == Action.DENY) {
                denying.add(point);
              }
            }
            r = define(and(List.of(r, not(fire))));
          }
        }
        BoolExpr entered = or(appl);
        if (part.tier().defaultAction() != Action.PASS) {
          BoolExpr td = define(and(List.of(r, entered)));
          for (int pi = 0; pi < part.policies().size(); pi++) {
            List<BoolExpr> last = new ArrayList<>();
            last.add(appl.get(pi));
            for (int q = pi + 1; q < appl.size(); q++) {
              last.add(not(appl.get(q)));
            }
            BoolExpr isLast = and(last);
            if (!isLast.isFalse()) {
              Point point = Point.tierDefault(dir, tier, part.policies().get(pi).policy());
              out.computeIfAbsent(point, k -> new ArrayList<>()).add(and(List.of(td, isLast)));
              denying.add(point);
            }
          }
          passed.add(and(List.of(r, not(entered))));
        } else {
          passed.add(r);
        }
        reach = define(or(passed));
      }
      for (Map.Entry<BoolExpr, List<Profile>> e : profiles) {
        BoolExpr r = define(and(List.of(reach, e.getKey())));
        for (Profile prof : e.getValue()) {
          for (Rule rule : prof.rules(dir)) {
            if (rule.action() == Action.LOG) {
              continue;
            }
            BoolExpr m = match(rule);
            BoolExpr d = define(and(List.of(r, m)));
            Point point = Point.profile(dir, prof.name(), rule.index());
            out.computeIfAbsent(point, k -> new ArrayList<>()).add(d);
            if (rule.action() != Action.ALLOW) {
              denying.add(point); // spec S4.6: Pass in a profile denies
            }
            r = define(and(List.of(r, not(m))));
          }
        }
        out.computeIfAbsent(Point.noProfile(dir), k -> new ArrayList<>()).add(r);
        denying.add(Point.noProfile(dir));
      }
      decided = new LinkedHashMap<>();
      out.forEach((p, fs) -> decided.put(p, define(or(fs))));
    }
  }

  private BoolExpr failsafe(Direction dir) {
    List<BoolExpr> out = new ArrayList<>();
    for (dev.tierproof.model.Failsafe p : dev.tierproof.model.Failsafe.of(dir)) {
      out.add(ctx.mkAnd(v.protoIs(p.protocol()), ctx.mkEq(v.dport, ctx.mkBV(p.port(), 16)))); // spec S6.2
    }
    return or(out);
  }

  // ---------------------------------------------------------------------------------------------
  // ends

  /** One side of the flow: its alternatives, its address, and the step at it. */
  private final class End {
    final boolean source;
    final Direction dir;
    final BitVecExpr addr;
    final BitVecExpr port;
    final Map<Cidr, BoolExpr> nets;
    Choice pick;
    BoolExpr free;
    BoolExpr fresh;

    final List<Opt> options = new ArrayList<>();
    private final List<Map.Entry<Endpoint, Ip>> candidates = new ArrayList<>();
    private final Map<List<Object>, FreeEndpoint> freeEndpoints = new LinkedHashMap<>();
    /** Endpoints without addresses, with their side's range: grouped by {@link #group}. */
    private final List<Map.Entry<Endpoint, java.util.Optional<Cidr>>> addressless = new ArrayList<>();
    private final List<FreshOpt> freshOptions = new ArrayList<>();
    private LabelView common;

    private final List<Cidr> cidrs = new ArrayList<>();
    private final Map<SelKey, Integer> selKeys = new LinkedHashMap<>();
    private final Map<NpKey, Integer> npKeys = new LinkedHashMap<>();

    private final Map<String, LabelVar> labels = new TreeMap<>();
    private final Map<String, NamedPortVar> namedPorts = new TreeMap<>();
    private final Map<Selector, BoolExpr> selectors = new HashMap<>();
    private final Map<SelKey, BoolExpr> coverage = new HashMap<>();
    private final Map<NetworkSet, BoolExpr> netsets = new IdentityHashMap<>();
    private final Map<NpKey, BoolExpr> npAtoms = new HashMap<>();
    private final Map<ClassKey, Chain> chains = new HashMap<>();
    /** The endpoints each concrete or address-less option stands for. */
    private final Map<Opt, List<Endpoint>> members = new IdentityHashMap<>();
    /** Observed endpoint sets: grouping keeps their members apart from the rest. */
    private final List<Set<Endpoint>> marks = new ArrayList<>();
    /** The symbolic labels' literals by key (null: a string-valued key). */
    private final Map<String, List<String>> vocab = new TreeMap<>();
    private Chain freshChain;
    private BoolExpr verdict;

    End(boolean source) {
      this.source = source;
      this.dir = source ? Direction.EGRESS : Direction.INGRESS;
      this.addr = source ? v.src : v.dst;
      this.port = source ? v.sport : v.dport;
      this.nets = source ? srcNets : dstNets;
    }

    void expand(List<Side> sides) {
      Map<Endpoint, Set<Ip>> seen = new IdentityHashMap<>();
      for (Side s : sides) {
        if (s instanceof Side.Endpoints e) {
          for (Endpoint ep : e.endpoints()) {
            if (ep.ips().isEmpty()) {
              addressless.add(Map.entry(ep, java.util.Optional.ofNullable(e.range())));
              continue;
            }
            for (Ip ip : ep.ips()) {
              if ((e.range() == null || e.range().contains(ip))
                  && seen.computeIfAbsent(ep, k -> new java.util.HashSet<>()).add(ip)) {
                candidates.add(Map.entry(ep, ip));
              }
            }
          }
        } else if (s instanceof Side.Fresh f) {
          for (NsOption ns : net.namespaceOptions(f.namespace())) {
            LabelView view = ns.view();
            Selector residual = Residual.of(f.selector(), view);
            if (!Residual.isFalse(residual)) {
              freshOptions.add(new FreshOpt(ns, view, residual, f.ports(), f.range()));
            }
          }
        } else if (s instanceof Side.Outside o) {
          options.add(new OutsideOpt(o.range(), source ? null : o.domain()));
        }
      }
      if (!freshOptions.isEmpty()) {
        common = freshOptions.get(0).view();
        for (FreshOpt f : freshOptions) {
          Map<String, String> both = new LinkedHashMap<>(common.fixed());
          both.entrySet().removeIf(e -> !e.getValue().equals(f.view().fixed().get(e.getKey())));
          common =
              f.view().equals(common)
                  ? common
                  : new LabelView(both, Set.of());
        }
      }
    }

    /** Adds the rules of every chain this side may need; builds no formula. */
    void involve(Set<Rule> out) {
      Set<ClassKey> classes = new LinkedHashSet<>();
      candidates.forEach(c -> classes.add(ClassKey.of(c.getKey())));
      addressless.forEach(f -> classes.add(ClassKey.of(f.getKey())));
      for (ClassKey k : classes) {
        addRules(net.skeleton(null, k.labels(), dir), out);
        for (String name : k.profiles()) {
          Profile p = net.set.profiles().get(name);
          if (p != null) {
            p.rules(dir).stream().filter(r -> r.action() != Action.LOG).forEach(out::add);
          }
        }
      }
      if (common != null) {
        addRules(net.skeleton(common, null, dir), out);
        for (FreshOpt f : freshOptions) {
          profilesOf(f).forEach(p -> p.rules(dir).stream().filter(r -> r.action() != Action.LOG).forEach(out::add));
        }
      }
    }

    private void addRules(List<TierPart> parts, Set<Rule> out) {
      for (TierPart t : parts) {
        for (Applied a : t.policies()) {
          a.policy().rules(dir).stream().filter(r -> r.action() != Action.LOG || step != null).forEach(out::add);
        }
      }
    }

    /** Registers what a rule side observes of this end's address and peer. */
    void collect(EntityMatch m) {
      if (m.isEmpty() || m.service() != null) {
        return;
      }
      m.nets().forEach(c -> addCidr(c));
      m.notNets().forEach(c -> addCidr(c));
      SelKey key = selKey(m);
      if (key != null) {
        selKeys.putIfAbsent(key, selKeys.size());
      }
      for (List<Port> list : List.of(m.ports(), m.notPorts())) {
        for (Port p : list) {
          if (p instanceof Port.Named n) {
            NpKey k = new NpKey(n.name(), m.selector() == null ? null : new SelKey(m.selector(), m.notSelector()));
            npKeys.putIfAbsent(k, npKeys.size());
          }
        }
      }
    }

    private void addCidr(Cidr c) {
      if (!cidrs.contains(c)) {
        cidrs.add(c);
      }
    }

    private SelKey selKey(EntityMatch m) {
      if (m.selector() != null) {
        return new SelKey(m.selector(), m.notSelector());
      }
      return m.notSelector() != null ? new SelKey(null, m.notSelector()) : null;
    }

    /**
     * Groups the candidate (endpoint, address) pairs by everything the involved rules can observe,
     * and lays out the options: groups, endpoints without addresses, hypothetical, outside.
     */
    void group() {
      Map<List<Object>, Concrete> groups = new LinkedHashMap<>();
      List<SelKey> keys = new ArrayList<>(selKeys.keySet());
      List<NpKey> nps = new ArrayList<>(npKeys.keySet());
      Map<List<Object>, Observed> cache = new HashMap<>();
      for (Map.Entry<Endpoint, Ip> c : candidates) {
        Ip a = c.getValue();
        List<Endpoint> owners = net.owners(a);
        List<NetworkSet> sets = net.netsetsAt(a);
        BitSet in = new BitSet();
        for (int i = 0; i < cidrs.size(); i++) {
          in.set(i, cidrs.get(i).contains(a));
        }
        Observed seen = observed(owners, sets, keys, nps, cache);
        BitSet covered = seen.covered();
        List<Set<Long>> ports = seen.ports();
        ClassKey cls = ClassKey.of(c.getKey());
        BitSet marked = new BitSet();
        for (int i = 0; i < marks.size(); i++) {
          marked.set(i, marks.get(i).contains(c.getKey()));
        }
        List<Object> sig =
            apart.contains(a)
                ? List.of(c.getKey(), a)
                : List.of(step != null && step != dir ? "peer" : cls, a.family(), in, covered, ports, marked);
        Concrete g = groups.computeIfAbsent(sig, x -> new Concrete(c.getKey(), a, cls, covered, ports));
        members.computeIfAbsent(g, x -> new ArrayList<>()).add(c.getKey());
      }
      options.addAll(0, groups.values());
      for (Map.Entry<Endpoint, java.util.Optional<Cidr>> x : addressless) {
        Endpoint ep = x.getKey();
        Cidr range = x.getValue().orElse(null);
        ClassKey k = ClassKey.of(ep);
        BitSet marked = new BitSet();
        for (int i = 0; i < marks.size(); i++) {
          marked.set(i, marks.get(i).contains(ep));
        }
        FreeEndpoint fe =
            freeEndpoints.computeIfAbsent(
                java.util.Arrays.asList(k, ep.ports(), range, marked), y -> new FreeEndpoint(ep, k, range));
        members.computeIfAbsent(fe, y -> new ArrayList<>()).add(ep);
      }
      options.addAll(freeEndpoints.values());
      options.addAll(freshOptions);
    }

    /**
     * What the keys observe at an address with these owners and network sets; cached by the
     * owners' labels and ports and the sets, which is all it depends on.
     */
    private Observed observed(
        List<Endpoint> owners, List<NetworkSet> sets, List<SelKey> keys, List<NpKey> nps, Map<List<Object>, Observed> cache) {
      List<Object> key = new ArrayList<>();
      owners.forEach(o -> key.add(List.of(o.labels(), o.ports())));
      key.add(sets);
      return cache.computeIfAbsent(
          key,
          x -> {
            BitSet covered = new BitSet();
            for (int i = 0; i < keys.size(); i++) {
              SelKey k = keys.get(i);
              covered.set(
                  i,
                  owners.stream().anyMatch(o -> k.matches(o.labels()))
                      || sets.stream().anyMatch(n -> k.matches(n.labels())));
            }
            List<Set<Long>> ports = new ArrayList<>();
            for (NpKey k : nps) {
              Set<Long> found = new TreeSet<>();
              for (Endpoint o : owners) {
                if (k.filter() == null || k.filter().matches(o.labels())) {
                  for (NamedPort np : o.ports()) {
                    if (np.name().equals(k.name())) {
                      found.add(((long) np.protocol() << 16) | np.port());
                    }
                  }
                }
              }
              ports.add(found);
            }
            return new Observed(covered, ports);
          });
    }

    /** Creates the symbolic labels and named ports of hypothetical endpoints on this side. */
    void vocabulary(List<Selector> observed) {
      if (freshOptions.isEmpty()) {
        return;
      }
      Map<String, Set<String>> literals = new TreeMap<>();
      Set<String> strings = new java.util.HashSet<>();
      List<Selector> symbolic = new ArrayList<>();
      for (TierPart t : net.skeleton(common, null, dir)) {
        t.policies().forEach(a -> symbolic.add(a.residual()));
      }
      for (SelKey k : selKeys.keySet()) {
        if (k.pos() != null) {
          symbolic.add(Residual.of(k.pos(), common));
        }
        if (k.neg() != null) {
          symbolic.add(Residual.of(k.neg(), common));
        }
      }
      freshOptions.forEach(f -> symbolic.add(f.residual()));
      observed.forEach(s -> symbolic.add(Residual.of(s, common)));
      symbolic.forEach(s -> scan(s, literals, strings));
      boolean anyNamespace = freshOptions.stream().anyMatch(f -> f.ns().name() == null);
      if (anyNamespace) {
        Set<String> names = literals.computeIfAbsent(Network.NAMESPACE, k -> new TreeSet<>());
        names.addAll(net.namespaceNames());
        if (literals.containsKey(Network.NAMESPACE_NAME)) {
          names.addAll(literals.get(Network.NAMESPACE_NAME));
          literals.put(Network.NAMESPACE_NAME, names);
          if (strings.contains(Network.NAMESPACE) || strings.contains(Network.NAMESPACE_NAME)) {
            strings.add(Network.NAMESPACE);
            strings.add(Network.NAMESPACE_NAME);
          }
        }
      }
      for (FreshOpt f : freshOptions) {
        f.view().fixed().forEach((k, val) -> {
          if (literals.containsKey(k)) {
            literals.get(k).add(val);
          }
        });
      }
      String side = source ? "src" : "dst";
      int n = 0;
      for (Map.Entry<String, Set<String>> e : literals.entrySet()) {
        labels.put(
            e.getKey(),
            new LabelVar(ctx, side + ".label" + n++, new ArrayList<>(e.getValue()), strings.contains(e.getKey())));
        vocab.put(e.getKey(), strings.contains(e.getKey()) ? null : List.copyOf(e.getValue()));
      }
      for (NpKey k : npKeys.keySet()) {
        if (!namedPorts.containsKey(k.name())) {
          String name = side + ".port" + namedPorts.size();
          namedPorts.put(
              k.name(),
              new NamedPortVar(ctx.mkBoolConst(name + ".has"), ctx.mkBVConst(name + ".proto", 8), ctx.mkBVConst(name + ".port", 16)));
        }
      }
    }

    private void scan(Selector s, Map<String, Set<String>> literals, Set<String> strings) {
      if (s instanceof Selector.Has h) {
        literals.computeIfAbsent(h.key(), k -> new TreeSet<>());
      } else if (s instanceof Selector.Compare c) {
        literals.computeIfAbsent(c.key(), k -> new TreeSet<>()).add(c.value());
        if (c.op() != Selector.Op.EQ && c.op() != Selector.Op.NE) {
          strings.add(c.key());
        }
      } else if (s instanceof Selector.InSet i) {
        literals.computeIfAbsent(i.key(), k -> new TreeSet<>()).addAll(i.values());
      } else if (s instanceof Selector.Not x) {
        scan(x.operand(), literals, strings);
      } else if (s instanceof Selector.And a) {
        a.operands().forEach(o -> scan(o, literals, strings));
      } else if (s instanceof Selector.Or o) {
        o.operands().forEach(x -> scan(x, literals, strings));
      }
    }

    /** The end is at an option of {@code kind} (true when it has none: no preference then). */
    BoolExpr at(Class<? extends Opt> kind) {
      List<BoolExpr> any = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        if (kind.isInstance(options.get(i))) {
          any.add(is(i));
        }
      }
      return any.isEmpty() ? ctx.mkTrue() : or(any);
    }

    /** At an option of {@code kind}, the end's address is {@code address} of the flow's family (4 or 6). */
    BoolExpr at(Class<? extends Opt> kind, java.util.function.IntFunction<Ip> address) {
      BoolExpr in = at(kind);
      if (in.isTrue()) {
        return in;
      }
      BoolExpr here =
          (BoolExpr) ctx.mkITE(
              v.v6,
              ctx.mkEq(addr, v.bv128(address.apply(6).value())),
              ctx.mkEq(addr, v.bv128(address.apply(4).value())));
      return ctx.mkImplies(in, here);
    }

    BoolExpr is(int option) {
      return pick.is(option);
    }

    /** The side's constraints: one option chosen, and what that option implies. */
    BoolExpr scope() {
      pick = new Choice(ctx, source ? "src.option" : "dst.option", options.size());
      List<BoolExpr> freeOpts = new ArrayList<>();
      List<BoolExpr> freshOpts = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        Opt o = options.get(i);
        if (!(o instanceof Concrete)) {
          freeOpts.add(is(i));
        }
        if (o instanceof FreshOpt) {
          freshOpts.add(is(i));
        }
      }
      free = define(or(freeOpts));
      fresh = define(or(freshOpts));
      List<BoolExpr> c = new ArrayList<>();
      c.add(pick.domain());
      for (LabelVar l : labels.values()) {
        c.add(l.domain());
      }
      for (NamedPortVar p : namedPorts.values()) {
        // a pod's named port: TCP, UDP or SCTP, port 1-65535
        c.add(
            ctx.mkImplies(
                p.has(),
                ctx.mkAnd(
                    ctx.mkOr(
                        ctx.mkEq(p.protocol(), ctx.mkBV(Protocols.TCP, 8)),
                        ctx.mkEq(p.protocol(), ctx.mkBV(Protocols.UDP, 8)),
                        ctx.mkEq(p.protocol(), ctx.mkBV(Protocols.SCTP, 8))),
                    ctx.mkNot(ctx.mkEq(p.port(), ctx.mkBV(0, 16))))));
      }
      for (int i = 0; i < options.size(); i++) {
        c.add(ctx.mkImplies(is(i), option(options.get(i))));
      }
      return and(c);
    }

    private BoolExpr option(Opt o) {
      List<BoolExpr> c = new ArrayList<>();
      BoolExpr noDomain = v.domain.is(0);
      if (o instanceof Concrete k) {
        c.add(ctx.mkEq(addr, v.bv128(k.address().value())));
        c.add(k.address().family() == 6 ? v.v6 : ctx.mkNot(v.v6));
      } else if (o instanceof FreeEndpoint f) {
        c.add(range(f.range()));
      } else if (o instanceof OutsideOpt x) {
        c.add(range(x.range()));
        if (x.domain() != null) {
          c.add(v.domain.is(net.domains.classOf(x.domain())));
        }
      } else if (o instanceof FreshOpt f) {
        c.add(range(f.range()));
        c.add(selector(f.residual()));
        for (Map.Entry<String, LabelVar> e : labels.entrySet()) {
          String k = e.getKey();
          if (f.view().isFixed(k)) {
            c.add(e.getValue().test(Selector.Op.EQ, f.view().fixed().get(k)));
          } else if (f.view().isAbsent(k)) {
            c.add(ctx.mkNot(e.getValue().present));
          }
        }
        if (f.ns().name() == null) {
          LabelVar ns = labels.get(Network.NAMESPACE);
          c.add(ns.present);
          c.add(ns.nonEmpty());
          for (String known : net.namespaceNames()) {
            c.add(ctx.mkNot(ns.is(known)));
          }
          LabelVar name = labels.get(Network.NAMESPACE_NAME);
          if (name != null) {
            c.add(name.present);
            c.add(name.sameValue(ns));
          }
        }
        if (f.ports() != null) {
          for (Map.Entry<String, NamedPortVar> e : namedPorts.entrySet()) {
            NamedPort np = f.ports().stream().filter(p -> p.name().equals(e.getKey())).findFirst().orElse(null);
            NamedPortVar var = e.getValue();
            c.add(
                np == null
                    ? ctx.mkNot(var.has())
                    : ctx.mkAnd(
                        var.has(),
                        ctx.mkEq(var.protocol(), ctx.mkBV(np.protocol(), 8)),
                        ctx.mkEq(var.port(), ctx.mkBV(np.port(), 16))));
          }
        }
      }
      if (!source && !(o instanceof OutsideOpt)) {
        c.add(noDomain);
      }
      return and(c);
    }

    private BoolExpr range(Cidr r) {
      return r == null ? ctx.mkTrue() : netIn(r, addr, nets);
    }

    /** The selector over this side's symbolic labels (keys fixed by the common view folded). */
    BoolExpr selector(Selector s) {
      BoolExpr known = selectors.get(s);
      if (known != null) {
        return known;
      }
      BoolExpr out;
      if (s instanceof Selector.All || s instanceof Selector.Global) {
        out = ctx.mkTrue();
      } else if (s instanceof Selector.Has h) {
        out = label(h.key()).present;
      } else if (s instanceof Selector.Compare c) {
        LabelVar l = label(c.key());
        out = c.op() == Selector.Op.NE ? ctx.mkNot(l.test(Selector.Op.EQ, c.value())) : l.test(c.op(), c.value());
      } else if (s instanceof Selector.InSet i) {
        LabelVar l = label(i.key());
        List<BoolExpr> any = new ArrayList<>();
        i.values().forEach(x -> any.add(l.is(x)));
        BoolExpr in = ctx.mkAnd(l.present, or(any));
        out = i.negated() ? ctx.mkNot(in) : in;
      } else if (s instanceof Selector.Not n) {
        out = ctx.mkNot(selector(n.operand()));
      } else if (s instanceof Selector.And a) {
        out = and(a.operands().stream().map(this::selector).toList());
      } else {
        out = or(((Selector.Or) s).operands().stream().map(this::selector).toList());
      }
      selectors.put(s, out);
      return out;
    }

    private LabelVar label(String key) {
      LabelVar l = labels.get(key);
      if (l == null) {
        throw new IllegalStateException("label `" + key + "` missing from the vocabulary");
      }
      return l;
    }

    /** A rule side at this end (spec S3.4-S3.6). */
    BoolExpr side(Rule r, EntityMatch m) {
      if (m.isEmpty()) {
        return ctx.mkTrue();
      }
      if (m.service() != null) {
        return ctx.mkFalse();
      }
      List<BoolExpr> c = new ArrayList<>();
      if (!m.nets().isEmpty()) {
        c.add(or(m.nets().stream().map(x -> netIn(x, addr, nets)).toList()));
      }
      for (Cidr x : m.notNets()) {
        c.add(ctx.mkNot(netIn(x, addr, nets)));
      }
      if (!m.domains().isEmpty()) {
        c.add(source ? ctx.mkFalse() : domainIn(m.domains()));
      }
      SelKey key = selKey(m);
      if (key != null) {
        BoolExpr cov = covered(key);
        c.add(key.pos() != null ? cov : ctx.mkNot(cov));
      }
      if (!m.ports().isEmpty()) {
        c.add(ports(r, m, m.ports()));
      }
      if (!m.notPorts().isEmpty()) {
        c.add(ctx.mkNot(ports(r, m, m.notPorts())));
      }
      return and(c);
    }

    /** Some entity at this end's address (or its DNS name) satisfies the key. */
    private BoolExpr covered(SelKey key) {
      BoolExpr known = coverage.get(key);
      if (known != null) {
        return known;
      }
      int bit = selKeys.get(key);
      List<BoolExpr> any = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i) instanceof Concrete k && k.covered().get(bit)) {
          any.add(is(i));
        } else if (options.get(i) instanceof FreeEndpoint f && key.matches(f.endpoint().labels())) {
          any.add(is(i)); // spec S5.4: the endpoint is at its free address
        }
      }
      List<BoolExpr> inSets = new ArrayList<>();
      for (NetworkSet n : net.set.networkSets()) {
        if (key.matches(n.labels())) {
          if (!free.isFalse() && !n.nets().isEmpty()) {
            inSets.add(netsetIn(n));
          }
          if (!source && !n.allowedEgressDomains().isEmpty()) {
            any.add(domainIn(n.allowedEgressDomains()));
          }
        }
      }
      if (!inSets.isEmpty()) {
        any.add(ctx.mkAnd(free, or(inSets)));
      }
      if (!freshOptions.isEmpty()) {
        BoolExpr pos = key.pos() == null ? null : selector(Residual.of(key.pos(), common));
        BoolExpr neg = key.neg() == null ? null : selector(Residual.of(key.neg(), common));
        BoolExpr sym = pos == null ? neg : neg == null ? pos : ctx.mkAnd(pos, ctx.mkNot(neg));
        any.add(ctx.mkAnd(fresh, sym));
      }
      BoolExpr out = define(or(any));
      coverage.put(key, out);
      return out;
    }

    /** This end's address is in one of the network set's CIDRs. */
    private BoolExpr netsetIn(NetworkSet n) {
      return netsets.computeIfAbsent(n, k -> define(or(k.nets().stream().map(c -> netIn(c, addr, nets)).toList())));
    }

    /** The packet's port at this end is in the list (spec S3.5). */
    private BoolExpr ports(Rule r, EntityMatch m, List<Port> list) {
      List<BoolExpr> any = new ArrayList<>();
      for (Port p : list) {
        if (p instanceof Port.Range x) {
          any.add(v.between(port, 16, x.min(), x.max()));
        } else if (p instanceof Port.Named n) {
          NpKey k = new NpKey(n.name(), m.selector() == null ? null : new SelKey(m.selector(), m.notSelector()));
          BoolExpr atom = namedPort(k);
          any.add(r.protocol() == null ? atom : ctx.mkAnd(v.protoIs(r.protocol()), atom));
        }
      }
      return ctx.mkAnd(v.hasPorts, or(any));
    }

    private BoolExpr namedPort(NpKey k) {
      BoolExpr known = npAtoms.get(k);
      if (known != null) {
        return known;
      }
      int idx = npKeys.get(k);
      Map<Long, List<BoolExpr>> byPort = new TreeMap<>();
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i) instanceof Concrete c) {
          for (long pp : c.ports().get(idx)) {
            byPort.computeIfAbsent(pp, x -> new ArrayList<>()).add(is(i));
          }
        } else if (options.get(i) instanceof FreeEndpoint f
            && (k.filter() == null || k.filter().matches(f.endpoint().labels()))) {
          for (NamedPort np : f.endpoint().ports()) { // spec S5.4
            if (np.name().equals(k.name())) {
              byPort.computeIfAbsent(((long) np.protocol() << 16) | np.port(), x -> new ArrayList<>()).add(is(i));
            }
          }
        }
      }
      List<BoolExpr> any = new ArrayList<>();
      byPort.forEach(
          (pp, opts) ->
              any.add(
                  ctx.mkAnd(
                      v.protoIs((int) (pp >> 16)),
                      ctx.mkEq(port, ctx.mkBV((int) (pp & 0xffff), 16)),
                      or(opts))));
      NamedPortVar var = namedPorts.get(k.name());
      if (var != null) {
        BoolExpr filter = ctx.mkTrue();
        if (k.filter() != null) {
          BoolExpr pos = selector(Residual.of(k.filter().pos(), common));
          filter = k.filter().neg() == null ? pos : ctx.mkAnd(pos, ctx.mkNot(selector(Residual.of(k.filter().neg(), common))));
        }
        any.add(ctx.mkAnd(fresh, filter, var.has(), ctx.mkEq(port, var.port()), ctx.mkEq(v.proto, var.protocol())));
      }
      BoolExpr out = define(or(any));
      npAtoms.put(k, out);
      return out;
    }

    /** The step at this end: true for an outside end (spec S5.1). */
    BoolExpr verdict() {
      if (verdict != null) {
        return verdict;
      }
      List<BoolExpr> c = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        Chain chain = chain(options.get(i));
        if (chain != null) {
          c.add(ctx.mkImplies(is(i), chain.verdict));
        }
      }
      verdict = define(and(c));
      return verdict;
    }

    private Chain chain(Opt o) {
      ClassKey cls = o instanceof Concrete k ? k.cls() : o instanceof FreeEndpoint f ? f.cls() : null;
      if (cls != null) {
        return chains.computeIfAbsent(
            cls,
            k -> {
              List<Profile> ps = new ArrayList<>();
              for (String name : k.profiles()) {
                Profile p = net.set.profiles().get(name);
                if (p != null) {
                  ps.add(p);
                }
              }
              return new Chain(this, k.host(), net.skeleton(null, k.labels(), dir), List.of(Map.entry(ctx.mkTrue(), ps)));
            });
      }
      if (!(o instanceof FreshOpt)) {
        return null;
      }
      if (freshChain == null) {
        Map<List<Profile>, List<BoolExpr>> byProfile = new LinkedHashMap<>();
        for (int i = 0; i < options.size(); i++) {
          if (options.get(i) instanceof FreshOpt f) {
            byProfile.computeIfAbsent(profilesOf(f), x -> new ArrayList<>()).add(is(i));
          }
        }
        List<Map.Entry<BoolExpr, List<Profile>>> profiles = new ArrayList<>();
        byProfile.forEach((p, opts) -> profiles.add(Map.entry(or(opts), p)));
        freshChain = new Chain(this, false, net.skeleton(common, null, dir), profiles);
      }
      return freshChain;
    }

    /** A hypothetical endpoint's profiles: its namespace's, a placeholder for a new one, or none. */
    private List<Profile> profilesOf(FreshOpt f) {
      if (f.ns().name() == null) {
        return List.of(Network.NEW_NAMESPACE);
      }
      return f.ns().profile() == null ? List.of() : List.of(f.ns().profile());
    }

    void explain() {
      for (Opt o : options) {
        Chain c = chain(o);
        if (c != null) {
          c.explain();
        }
      }
    }

    /**
     * This step is denied by a point not in {@code known}: a disjunction over the remaining denying
     * points (equivalent to "denied and not by a known point", since one point decides a step).
     */
    BoolExpr deniedExcept(Set<Point> known) {
      explain();
      List<BoolExpr> any = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        Chain c = chain(options.get(i));
        if (c == null) {
          continue;
        }
        List<BoolExpr> here = new ArrayList<>();
        for (Point p : c.denying) {
          if (!known.contains(p)) { // (a new namespace's placeholder profile only allows)
            here.add(c.decided.get(p));
          }
        }
        if (!here.isEmpty()) {
          any.add(ctx.mkAnd(is(i), or(here)));
        }
      }
      return or(any);
    }

    /** This step is decided by one of {@code points} (those of other directions ignored). */
    BoolExpr decidedByAny(Set<Point> points) {
      explain();
      List<BoolExpr> any = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        Chain c = chain(options.get(i));
        if (c == null) {
          continue;
        }
        List<BoolExpr> here = new ArrayList<>();
        for (Point p : points) {
          BoolExpr d = c.decided.get(p);
          if (d == null && p.kind() == Point.Kind.PROFILE && p.profile() != null && p.profile().startsWith("kns.")) {
            d = c.decided.get(Point.profile(p.direction(), Network.NEW_NAMESPACE.name(), p.ruleIndex()));
          }
          if (d != null) {
            here.add(d);
          }
        }
        if (!here.isEmpty()) {
          any.add(ctx.mkAnd(is(i), or(here)));
        }
      }
      return or(any);
    }

    /** Registers end sets that tests will ask about, so that grouping keeps them exact. */
    void observe(List<EndSet> sets) {
      for (EndSet s : sets) {
        if (s instanceof EndSet.Range r) {
          addCidr(r.range());
        } else if (s instanceof EndSet.Endpoints e) {
          Set<Endpoint> in = Collections.newSetFromMap(new IdentityHashMap<>());
          in.addAll(e.endpoints());
          marks.add(in);
          e.within().forEach(this::addCidr);
          e.except().forEach(this::addCidr);
        }
      }
    }

    /** The chosen alternative is in {@code s} (exact for the sets this end observed, see {@link EndSet}). */
    BoolExpr member(EndSet s) {
      if (s instanceof EndSet.Any) {
        return ctx.mkTrue();
      }
      List<BoolExpr> any = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        BoolExpr m = member(options.get(i), s);
        if (!m.isFalse()) {
          any.add(and(List.of(is(i), m)));
        }
      }
      return or(any);
    }

    private BoolExpr member(Opt o, EndSet s) {
      if (s instanceof EndSet.Range r) {
        return o instanceof Concrete k ? ctx.mkBool(r.range().contains(k.address())) : netIn(r.range(), addr, nets);
      }
      if (s instanceof EndSet.Outside x) {
        if (!(o instanceof OutsideOpt)) {
          return ctx.mkFalse();
        }
        BoolExpr in = x.ranges().isEmpty() ? ctx.mkTrue() : or(x.ranges().stream().map(r -> netIn(r, addr, nets)).toList());
        if (x.domain() == null) {
          return in;
        }
        return source ? ctx.mkFalse() : and(List.of(in, v.domain.is(net.domains.classOf(x.domain()))));
      }
      if (s instanceof EndSet.Endpoints e) {
        List<Endpoint> stands = members.getOrDefault(o, List.of());
        if (stands.stream().noneMatch(m -> e.endpoints().stream().anyMatch(x -> x == m))) {
          return ctx.mkFalse();
        }
        List<BoolExpr> c = new ArrayList<>();
        for (Cidr x : e.within()) {
          c.add(o instanceof Concrete k ? ctx.mkBool(x.contains(k.address())) : netIn(x, addr, nets));
        }
        for (Cidr x : e.except()) {
          c.add(o instanceof Concrete k ? ctx.mkBool(!x.contains(k.address())) : not(netIn(x, addr, nets)));
        }
        return and(c);
      }
      EndSet.Pods p = (EndSet.Pods) s;
      ClassKey cls = o instanceof Concrete k ? k.cls() : o instanceof FreeEndpoint f ? f.cls() : null;
      if (cls != null) {
        return ctx.mkBool(
            p.existing()
                && !cls.host()
                && p.includes(cls.labels().get(Network.NAMESPACE))
                && (p.selector() == null || p.selector().matches(cls.labels())));
      }
      if (o instanceof FreshOpt f) {
        if (!p.includes(f.ns().name())) {
          return ctx.mkFalse();
        }
        List<BoolExpr> c = new ArrayList<>();
        if (p.selector() != null) {
          c.add(selector(Residual.of(p.selector(), f.view())));
        }
        for (Cidr x : p.within()) {
          c.add(netIn(x, addr, nets));
        }
        for (Cidr x : p.except()) {
          c.add(not(netIn(x, addr, nets)));
        }
        if (p.ports() != null) {
          namedPorts.forEach(
              (name, var) -> {
                NamedPort np = p.ports().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
                c.add(
                    np == null
                        ? not(var.has())
                        : and(
                            List.of(
                                var.has(),
                                ctx.mkEq(var.protocol(), ctx.mkBV(np.protocol(), 8)),
                                ctx.mkEq(var.port(), ctx.mkBV(np.port(), 16)))));
              });
        }
        return and(c);
      }
      return ctx.mkFalse();
    }

    /** The input endpoints of the alternative that stands for {@code e}, or null. */
    List<Endpoint> membersOf(Endpoint e) {
      for (List<Endpoint> m : members.values()) {
        if (m.stream().anyMatch(x -> x == e)) {
          List<Endpoint> out = new ArrayList<>();
          m.forEach(x -> {
            if (out.stream().noneMatch(y -> y == x)) {
              out.add(x);
            }
          });
          return out;
        }
      }
      return null;
    }

    /** The alternatives (with the endpoints each stands for), symbolic labels and named ports. */
    String layout() {
      StringBuilder out = new StringBuilder(source ? "src" : "dst");
      for (Opt o : options) {
        out.append("\n  ");
        if (o instanceof Concrete k) {
          out.append("endpoint ").append(k.endpoint().ref()).append(" at ").append(k.address());
        } else if (o instanceof FreeEndpoint f) {
          out.append("endpoint ").append(f.endpoint().ref()).append(" at a free address");
        } else if (o instanceof FreshOpt f) {
          out.append("hypothetical in ").append(f.ns().name()).append(" {").append(f.residual().canonical()).append('}');
        } else if (o instanceof OutsideOpt x) {
          out.append("outside ").append(x.range()).append(' ').append(x.domain());
        }
        for (Endpoint e : members.getOrDefault(o, List.of())) {
          out.append(' ').append(e.ref());
        }
      }
      out.append("\n  labels ").append(vocab);
      namedPorts.forEach((k, p) -> out.append("\n  named port ").append(k).append(' ').append(p.has()));
      return out.toString();
    }

    Opt chosen(Model m) {
      return options.get(pick.in(m));
    }

    void decisions(Model m, Endpoint at, List<Point> out) {
      Chain c = chain(chosen(m));
      if (c == null || c.decided == null) {
        return;
      }
      c.decided.forEach(
          (p, f) -> {
            if (m.eval(f, true).isTrue()) {
              out.add(
                  p.kind() == Point.Kind.PROFILE && Network.NEW_NAMESPACE.name().equals(p.profile())
                      ? Point.profile(p.direction(), at.profiles().get(0), p.ruleIndex())
                      : p);
            }
          });
    }

    /** The endpoint this end is in the model: input endpoint, new hypothetical one, or none. */
    Endpoint endpoint(Model m, int family, Map<String, Profile> assumed, int[] fresh) {
      Opt o = chosen(m);
      if (o instanceof Concrete k) {
        return k.endpoint();
      }
      if (o instanceof FreeEndpoint f) {
        return f.endpoint();
      }
      if (!(o instanceof FreshOpt f)) {
        return null;
      }
      Map<String, String> l = new TreeMap<>(f.view().fixed());
      labels.forEach(
          (k, var) -> {
            if (f.view().isSymbolic(k) && m.eval(var.present, true).isTrue()) {
              l.put(k, var.decode(m, k.equals(Network.NAMESPACE) || k.equals(Network.NAMESPACE_NAME) ? "new-namespace" : "other"));
            }
          });
      String ns = f.ns().name();
      if (ns == null) {
        ns = l.containsKey(Network.NAMESPACE) ? l.get(Network.NAMESPACE) : newNamespaceName();
        l.put(Network.NAMESPACE, ns);
        l.put(Network.NAMESPACE_NAME, ns);
      }
      List<NamedPort> ports = f.ports();
      if (ports == null) {
        ports = new ArrayList<>();
        for (Map.Entry<String, NamedPortVar> e : namedPorts.entrySet()) {
          NamedPortVar var = e.getValue();
          if (m.eval(var.has(), true).isTrue()) {
            ports.add(
                new NamedPort(
                    e.getKey(),
                    ((BitVecNum) m.eval(var.protocol(), true)).getInt(),
                    ((BitVecNum) m.eval(var.port(), true)).getInt()));
          }
        }
      }
      String profileName = "kns." + ns;
      if (f.ns().assumed()) {
        Map<String, String> pcns = new TreeMap<>();
        l.forEach((k, val) -> {
          if (k.startsWith(Network.PCNS)) {
            pcns.put(k, val);
          }
        });
        Profile profile = Network.namespaceProfile(ns, pcns);
        assumed.put(profile.name(), profile);
      }
      Ip ip = new Ip(family, ((BitVecNum) m.eval(addr, true)).getBigInteger());
      return new Endpoint(
          Endpoint.Kind.WORKLOAD,
          ns,
          "hypothetical-" + ++fresh[0],
          "Hypothetical",
          l,
          List.of(ip),
          ports,
          List.of(profileName),
          null,
          Span.NONE);
    }

    private String newNamespaceName() {
      String name = "new-namespace";
      for (int n = 2; net.namespaceNames().contains(name); n++) {
        name = "new-namespace-" + n;
      }
      return name;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // one step's formulas, for analyses of its rules (StepGoals); only with a step direction

  /** One alternative of the stepping end: when it is chosen, and what its chain is built from. */
  record StepOption(
      BoolExpr chosen, boolean host, List<TierPart> tiers, List<Map.Entry<BoolExpr, List<Profile>>> profiles) {}

  private End stepEnd() {
    return step == Direction.EGRESS ? src : dst;
  }

  Direction stepDirection() {
    return step;
  }

  /** The stepping end's alternatives that are endpoints (outside alternatives have no step). */
  List<StepOption> stepOptions() {
    End at = stepEnd();
    List<StepOption> out = new ArrayList<>();
    for (int i = 0; i < at.options.size(); i++) {
      Chain c = at.chain(at.options.get(i));
      if (c != null) {
        out.add(new StepOption(at.is(i), c.host, c.tiers, c.profiles));
      }
    }
    return out;
  }

  /** The policy applies at the stepping end (its residual over the end's symbolic labels). */
  BoolExpr stepApplies(Applied a) {
    return Residual.isTrue(a.residual()) ? ctx.mkTrue() : stepEnd().selector(a.residual());
  }

  /** Rule {@code r} (of the step's chains) matches the packet (spec S3). */
  BoolExpr stepMatch(Rule r) {
    return match(r);
  }

  /** A host endpoint's failsafe ports for the step's direction (spec S6.2). */
  BoolExpr stepFailsafe() {
    return failsafe(step);
  }

  Context context() {
    return ctx;
  }

  SolverSession session() {
    return session;
  }

  /** Per end (source first): true when it is at an address the option does not fix (outside, hypothetical, no address of its own). */
  List<BoolExpr> freeEnds() {
    return List.of(src.free, dst.free);
  }

  /** Per end (source first): its address. */
  List<BitVecExpr> endAddresses() {
    return List.of(src.addr, dst.addr);
  }

  /** Some flow of the query satisfying {@code goal}, decoded (not replayed); TCP and usual ports preferred. */
  Answer stepSolve(BoolExpr goal) {
    return solve(goal, true, false);
  }

  /**
   * The answer for a model of this query's scope that the caller found itself (e.g. by a check
   * under assumptions), when no end can be at an owned address (else null: use {@link #stepSolve}).
   */
  Answer stepDecode(Model m, long millis) {
    return refutations(m).isEmpty() ? decode(m, millis, false) : null;
  }

  // ---------------------------------------------------------------------------------------------
  // regions: carve-outs of claims, endpoints no policy selects, pairs of encodings (DiffQuery)

  /**
   * Some flow of the query that every step allows and that lies in none of {@code carveOuts}
   * (exact for end sets the query observed, see {@link Regions#query}); the witness prefers TCP
   * and usual ports.
   */
  public Answer allowedOutside(List<Region> carveOuts) {
    List<BoolExpr> in = carveOuts.stream().map(this::in).toList();
    return solve(and(List.of(allowed, not(or(in)))), true, false);
  }

  /**
   * Some flow whose step in {@code direction} (egress at the source, ingress at the destination)
   * is at an endpoint that no enforced policy selects for that direction: the step enters no tier
   * and goes straight to the profiles (spec S4.1, S4.2, S4.6).
   */
  public Answer unselected(Direction direction) {
    End at = direction == Direction.EGRESS ? src : dst;
    List<BoolExpr> any = new ArrayList<>();
    for (int i = 0; i < at.options.size(); i++) {
      Chain c = at.chain(at.options.get(i));
      if (c == null) {
        continue;
      }
      List<BoolExpr> entered = new ArrayList<>();
      for (TierPart part : c.tiers) {
        for (Applied a : part.policies()) {
          entered.add(c.applies(a));
        }
      }
      BoolExpr none = not(or(entered));
      if (!none.isFalse()) {
        any.add(and(List.of(at.is(i), none)));
      }
    }
    return solve(or(any), false, false);
  }

  /** Every step allows the flow (only the step the query encodes, see {@link Observe#only}). */
  BoolExpr allowedExpr() {
    return allowed;
  }

  /** The step in {@code direction} allows the flow (egress at the source, ingress at the destination). */
  BoolExpr verdictAt(Direction direction) {
    return (direction == Direction.EGRESS ? src : dst).verdict();
  }

  /** The flow is in {@code r}: its ends in the region's end sets, the packet within its bounds. */
  BoolExpr in(Region r) {
    return and(
        List.of(
            src.member(r.source()),
            dst.member(r.destination()),
            r.bounds() == null ? ctx.mkTrue() : within(r.bounds())));
  }

  /** Some flow of the query satisfying {@code goal}, decoded (not replayed); TCP and usual ports preferred. */
  Answer solveGoal(BoolExpr goal) {
    return solve(goal, true, false);
  }

  /** Some flow of the query satisfying {@code goal}, as the solver found it: for questions whose flow no one reads. */
  Answer solvePlain(BoolExpr goal) {
    return solve(goal, false, false);
  }

  /**
   * The input endpoints that the alternative of {@code e} stands for at the source (or
   * destination): {@code e} and every endpoint the query cannot tell from it.
   */
  List<Endpoint> group(boolean source, Endpoint e) {
    List<Endpoint> m = (source ? src : dst).membersOf(e);
    return m == null ? List.of(e) : m;
  }

  /**
   * The labels that hypothetical endpoints at the source (or destination) have symbolically, with
   * the literals selectors compare each to (null: a key compared as a string).
   */
  Map<String, List<String>> vocabulary(boolean source) {
    return Collections.unmodifiableMap((source ? src : dst).vocab);
  }

  /**
   * The ranges the query's verdict formulas test the source (or destination) address against:
   * rules' nets, network sets' nets, the sides' ranges (not the ranges of later tests).
   */
  Set<Cidr> cidrs(boolean source) {
    return source ? srcEncoded : dstEncoded;
  }

  /** Both ends' layout: the two queries of a pair must agree on it to share their variables. */
  String layout() {
    return src.layout() + "\n" + dst.layout();
  }
}
