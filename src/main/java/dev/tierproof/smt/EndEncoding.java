package dev.tierproof.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Site;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import dev.tierproof.smt.Alternative.External;
import dev.tierproof.smt.Alternative.Hypothetical;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.source.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * One end of a flow as formulas over its {@link EndLayout}: which alternative the solver chose, the
 * end's address and port, the symbolic labels and named ports of its hypothetical alternatives,
 * membership in end sets, and the chain of the step at it (compiled once per endpoint class, {@link
 * Chain}). Decodes the chosen alternative of a model into an endpoint.
 */
final class EndEncoding {

  /** A hypothetical endpoint's named port: it has one of that name, with this protocol and port. */
  record PortVar(BoolExpr has, BitVecExpr protocol, BitVecExpr port) {}

  private final Terms t;
  private final Context ctx;
  private final FlowVars v;
  private final Network net;
  private final EndLayout layout;
  private final Chain.Compiler compiler;
  private final boolean source;
  private final Direction dir;
  private final BitVecExpr addr;
  private final BitVecExpr port;
  private final Map<Cidr, BoolExpr> nets = new HashMap<>();
  private final SymbolicLabels labels;
  private final Map<String, PortVar> namedPorts = new TreeMap<>();
  private final Map<ClassKey, Chain> chains = new HashMap<>();
  private Chain hypotheticalChain;
  private Choice pick;
  private BoolExpr free;
  private BoolExpr fresh;
  private BoolExpr verdict;

  /** The name of the end's Z3 constants. */
  private final String side;

  /** Creates the symbolic labels and named ports of the layout's hypothetical alternatives. */
  EndEncoding(
      Terms t,
      FlowVars v,
      Network net,
      EndLayout layout,
      List<Selector> observed,
      Chain.Compiler compiler) {
    this(t, v, net, layout, observed, compiler, layout.source() ? "src" : "dst");
  }

  /** As above, its constants named {@code side}. */
  EndEncoding(
      Terms t,
      FlowVars v,
      Network net,
      EndLayout layout,
      List<Selector> observed,
      Chain.Compiler compiler,
      String side) {
    this.side = side;
    this.t = t;
    this.ctx = t.ctx();
    this.v = v;
    this.net = net;
    this.layout = layout;
    this.compiler = compiler;
    this.source = layout.source();
    this.dir = layout.direction();
    this.addr = source ? v.src : v.dst;
    this.port = source ? v.sport : v.dport;
    if (!layout.hasHypothetical()) {
      labels = SymbolicLabels.none(t);
      return;
    }
    labels =
        SymbolicLabels.of(
            t,
            side + ".label",
            layout.symbolic(observed),
            layout.anyNamespace(),
            net.namespaceNames(),
            layout.views());
    for (String name : layout.portNames()) {
      if (!namedPorts.containsKey(name)) {
        String n = side + ".port" + namedPorts.size();
        namedPorts.put(
            name,
            new PortVar(
                ctx.mkBoolConst(n + ".has"),
                ctx.mkBVConst(n + ".proto", 8),
                ctx.mkBVConst(n + ".port", 16)));
      }
    }
  }

  EndLayout layout() {
    return layout;
  }

  /** The end's address (128 bits, IPv4-mapped). */
  BitVecExpr address() {
    return addr;
  }

  /** The packet's port at this end. */
  BitVecExpr port() {
    return port;
  }

  /**
   * The end is at an address its alternative does not fix (external, hypothetical, address-less);
   * after {@link #scope}.
   */
  BoolExpr free() {
    return free;
  }

  /** The end is hypothetical; after {@link #scope}. */
  BoolExpr fresh() {
    return fresh;
  }

  /** Alternative {@code option} is chosen; after {@link #scope}. */
  BoolExpr is(int option) {
    return pick.is(option);
  }

  /** The selector over this end's symbolic labels (keys fixed by the common view folded). */
  BoolExpr selector(Selector s) {
    return labels.selector(s);
  }

  /** The names of the hypothetical endpoints' named ports that rules or tests observe. */
  Set<String> namedPortNames() {
    return java.util.Collections.unmodifiableSet(namedPorts.keySet());
  }

  /** The hypothetical endpoints' named port {@code name}, or null when no rule observes it. */
  PortVar namedPort(String name) {
    return namedPorts.get(name);
  }

  /** The address is in the CIDR: its family, and its top {@code prefix} bits (family-relative). */
  BoolExpr netIn(Cidr c) {
    return nets.computeIfAbsent(
        c,
        k -> {
          BoolExpr fam = k.family() == 6 ? v.v6 : ctx.mkNot(v.v6);
          if (k.prefix() == 0) {
            return fam;
          }
          int bits = k.address().bits();
          BigInteger top = k.address().familyValue().shiftRight(bits - k.prefix());
          BoolExpr in =
              ctx.mkEq(
                  ctx.mkExtract(bits - 1, bits - k.prefix(), addr),
                  ctx.mkBV(top.toString(), k.prefix()));
          return ctx.mkAnd(fam, in);
        });
  }

  /** The ranges the formulas built so far test the address against. */
  Set<Cidr> tested() {
    return Set.copyOf(nets.keySet());
  }

  /**
   * The chosen alternative is an endpoint that {@code where} accepts, seen as its {@link
   * Network#placementKey} ({@code "host N"}: a host endpoint on N; N: a workload on N; {@code ""}:
   * a workload naming no node, a pod not yet deployed included). Grouping keeps placements apart.
   */
  BoolExpr placed(java.util.function.Predicate<String> where) {
    return chosen(
        o -> {
          String p =
              o instanceof Concrete k
                  ? net.placementKey(k.endpoint())
                  : o instanceof Addressless f
                      ? net.placementKey(f.endpoint())
                      : o instanceof Hypothetical && !net.hostNodes.isEmpty() ? "" : null;
          return p != null && where.test(p);
        });
  }

  /**
   * The chosen alternative is a workload on {@code node}, or one naming no node that the flow
   * places there ({@link FlowVars#node} at the source, {@link FlowVars#dnode} at the destination;
   * {@link dev.tierproof.model.Flow#sourcePlacement}).
   */
  BoolExpr onNode(String node) {
    Choice c = source ? v.node : v.dnode;
    return t.or(placed(node::equals), t.and(placed(String::isEmpty), c.is(net.nodeIndex(node))));
  }

  /**
   * The chosen alternative is a workload endpoint: an input one, one without an address, any pod.
   */
  BoolExpr workload() {
    return chosen(
        o ->
            o instanceof Concrete k
                ? !k.endpoint().isHost()
                : o instanceof Addressless f ? !f.endpoint().isHost() : o instanceof Hypothetical);
  }

  /**
   * The chosen alternative is one whose flows with a workload on {@code node} are forwarded there
   * ({@code model.Flow#forwarded}, spec S6.10, S6.11): outside the cluster, a workload, or a host
   * endpoint of a node other than {@code node}.
   */
  BoolExpr far(String node) {
    return t.or(
        outside(),
        workload(),
        chosen(
            o -> {
              Endpoint e =
                  o instanceof Concrete k
                      ? k.endpoint()
                      : o instanceof Addressless f ? f.endpoint() : null;
              return e != null && e.isHost() && e.node() != null && !e.node().equals(node);
            }));
  }

  /** The chosen alternative is outside the cluster (false when the end has none). */
  BoolExpr outside() {
    return chosen(External.class::isInstance);
  }

  /** The chosen alternative is one {@code which} accepts. */
  private BoolExpr chosen(java.util.function.Predicate<Alternative> which) {
    List<BoolExpr> any = new ArrayList<>();
    List<Alternative> options = layout.options();
    for (int i = 0; i < options.size(); i++) {
      if (which.test(options.get(i))) {
        any.add(is(i));
      }
    }
    return t.or(any);
  }

  /** The end's constraints: one alternative chosen, and what that alternative implies. */
  BoolExpr scope() {
    List<Alternative> options = layout.options();
    pick = Choice.of(ctx, side + ".option", options.size());
    List<BoolExpr> freeOpts = new ArrayList<>();
    List<BoolExpr> freshOpts = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      Alternative o = options.get(i);
      if (!(o instanceof Concrete)) {
        freeOpts.add(is(i));
      }
      if (o instanceof Hypothetical) {
        freshOpts.add(is(i));
      }
    }
    free = t.define(t.or(freeOpts));
    fresh = t.define(t.or(freshOpts));
    List<BoolExpr> c = new ArrayList<>();
    c.add(pick.domain());
    c.addAll(labels.domains());
    for (PortVar p : namedPorts.values()) {
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
    return t.and(c);
  }

  private BoolExpr option(Alternative o) {
    List<BoolExpr> c = new ArrayList<>();
    if (o instanceof Concrete k) {
      c.add(ctx.mkEq(addr, v.bv128(k.address().value())));
      c.add(k.address().family() == 6 ? v.v6 : ctx.mkNot(v.v6));
    } else if (o instanceof Addressless f) {
      c.add(range(f.range()));
    } else if (o instanceof External x) {
      c.add(range(x.range()));
      if (x.domain() != null) {
        c.add(v.domain.is(Outside.domainClass(x.domain(), net.domains)));
      }
    } else if (o instanceof Hypothetical f) {
      c.add(range(f.range()));
      c.add(selector(f.residual()));
      c.addAll(labels.agreeWith(f.view()));
      if (f.ns().name() == null) {
        c.add(labels.newNamespace(net.namespaceNames()));
      }
      if (f.ports() != null) {
        namedPorts.forEach((name, var) -> c.add(portAs(var, name, f.ports())));
      }
    }
    if (!source && !(o instanceof External)) {
      c.add(v.domain.is(0));
    }
    return t.and(c);
  }

  /** The named port {@code name} is as in {@code ports}: absent, or with its protocol and port. */
  private BoolExpr portAs(PortVar var, String name, List<NamedPort> ports) {
    NamedPort np = ports.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    return np == null
        ? ctx.mkNot(var.has())
        : ctx.mkAnd(
            var.has(),
            ctx.mkEq(var.protocol(), ctx.mkBV(np.protocol(), 8)),
            ctx.mkEq(var.port(), ctx.mkBV(np.port(), 16)));
  }

  private BoolExpr range(Cidr r) {
    return r == null ? ctx.mkTrue() : netIn(r);
  }

  /** The end is at an alternative of {@code kind} (true when it has none: no preference then). */
  BoolExpr at(Class<? extends Alternative> kind) {
    List<BoolExpr> any = new ArrayList<>();
    List<Alternative> options = layout.options();
    for (int i = 0; i < options.size(); i++) {
      if (kind.isInstance(options.get(i))) {
        any.add(is(i));
      }
    }
    return any.isEmpty() ? ctx.mkTrue() : t.or(any);
  }

  /**
   * At an alternative of {@code kind}, the end's address is {@code address} of the flow's family (4
   * or 6).
   */
  BoolExpr at(Class<? extends Alternative> kind, IntFunction<Ip> address) {
    BoolExpr in = at(kind);
    if (in.isTrue()) {
      return in;
    }
    BoolExpr here =
        t.ite(
            v.v6,
            ctx.mkEq(addr, v.bv128(address.apply(6).value())),
            ctx.mkEq(addr, v.bv128(address.apply(4).value())));
    return ctx.mkImplies(in, here);
  }

  // ---------------------------------------------------------------------------------------------
  // the step at this end (spec S4)

  /** The step at this end allows the flow: true for an external end (spec S5.1). */
  BoolExpr verdict() {
    if (verdict != null) {
      return verdict;
    }
    List<BoolExpr> c = new ArrayList<>();
    List<Alternative> options = layout.options();
    for (int i = 0; i < options.size(); i++) {
      Chain chain = chain(options.get(i));
      if (chain != null) {
        c.add(ctx.mkImplies(is(i), chain.verdict()));
      }
    }
    verdict = t.define(t.and(c));
    return verdict;
  }

  /**
   * The chain of the step at alternative {@code o}: shared by a class of endpoints, or by all
   * hypothetical ones; null for an external end.
   */
  Chain chain(Alternative o) {
    ClassKey cls = o.cls();
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
            return compiler
                .at(k.node())
                .compile(
                    dir,
                    k.host(),
                    net.skeleton(null, k.labels(), k.site(), dir),
                    List.of(Map.entry(ctx.mkTrue(), ps)),
                    this::selector,
                    k.host() ? net.skeleton(null, k.labels(), k.site(), dir.opposite()) : null);
          });
    }
    if (!(o instanceof Hypothetical)) {
      return null;
    }
    if (hypotheticalChain == null) {
      Map<List<Profile>, List<BoolExpr>> byProfile = new LinkedHashMap<>();
      List<Alternative> options = layout.options();
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i) instanceof Hypothetical f) {
          byProfile.computeIfAbsent(f.profiles(), x -> new ArrayList<>()).add(is(i));
        }
      }
      List<Map.Entry<BoolExpr, List<Profile>>> profiles = new ArrayList<>();
      byProfile.forEach((p, opts) -> profiles.add(Map.entry(t.or(opts), p)));
      hypotheticalChain =
          compiler.compile(
              dir,
              false,
              net.skeleton(layout.common(), null, Site.WORKLOAD, dir),
              profiles,
              this::selector,
              null);
    }
    return hypotheticalChain;
  }

  /** Compiles every chain's deciding points, in the current scope (before a goal's). */
  void explain() {
    for (Alternative o : layout.options()) {
      Chain c = chain(o);
      if (c != null) {
        c.decided();
      }
    }
  }

  /**
   * Per alternative with a chain, "it is chosen" and its formula by {@code f} (null: none), or'ed.
   */
  BoolExpr anyChain(java.util.function.Function<Chain, BoolExpr> f) {
    List<BoolExpr> any = new ArrayList<>();
    List<Alternative> options = layout.options();
    for (int i = 0; i < options.size(); i++) {
      Chain c = chain(options.get(i));
      BoolExpr x = c == null ? null : f.apply(c);
      if (x != null && !x.isFalse()) {
        any.add(t.and(is(i), x));
      }
    }
    return t.or(any);
  }

  /**
   * The step is denied by a point not in {@code known}: a disjunction over the remaining denying
   * points (equivalent to "denied and not by a known point", since one point decides a step).
   */
  BoolExpr deniedExcept(Set<Point> known) {
    explain();
    return anyChain(c -> c.deniedExcept(known));
  }

  /** The step is decided by one of {@code points} (those of other directions ignored). */
  BoolExpr decidedByAny(Set<Point> points) {
    explain();
    return anyChain(c -> c.decidedByAny(points));
  }

  /**
   * The deciding points of the chosen alternative's step in {@code m}, for the decoded endpoint
   * {@code at}.
   */
  void decisions(Model m, Endpoint at, List<Point> out) {
    Chain c = chain(chosen(m));
    if (c == null) {
      return;
    }
    c.decided()
        .forEach(
            (p, f) -> {
              if (m.eval(f, true).isTrue()) {
                out.add(
                    p.kind() == Point.Kind.PROFILE
                            && Network.NEW_NAMESPACE.name().equals(p.profile())
                        ? Point.profile(p.direction(), at.profiles().get(0), p.ruleIndex())
                        : p);
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // end sets

  /**
   * The chosen alternative is in {@code s} (exact for the sets the layout observed, see {@link
   * EndSet}).
   */
  BoolExpr member(EndSet s) {
    if (s instanceof EndSet.Any) {
      return ctx.mkTrue();
    }
    List<BoolExpr> any = new ArrayList<>();
    List<Alternative> options = layout.options();
    for (int i = 0; i < options.size(); i++) {
      BoolExpr m = member(options.get(i), s);
      if (!m.isFalse()) {
        any.add(t.and(is(i), m));
      }
    }
    return t.or(any);
  }

  private BoolExpr member(Alternative o, EndSet s) {
    if (s instanceof EndSet.Range r) {
      return o instanceof Concrete k
          ? ctx.mkBool(r.range().contains(k.address()))
          : netIn(r.range());
    }
    if (s instanceof Outside x) {
      if (!(o instanceof External)) {
        return ctx.mkFalse();
      }
      BoolExpr in =
          x.ranges().isEmpty() ? ctx.mkTrue() : t.or(x.ranges().stream().map(this::netIn).toList());
      if (x.domain() == null) {
        return in;
      }
      return source
          ? ctx.mkFalse()
          : t.and(in, v.domain.is(Outside.domainClass(x.domain(), net.domains)));
    }
    if (s instanceof EndSet.Endpoints e) {
      List<Endpoint> stands = layout.members(o);
      if (stands.stream().noneMatch(m -> e.endpoints().stream().anyMatch(x -> x == m))) {
        return ctx.mkFalse();
      }
      List<BoolExpr> c = new ArrayList<>();
      for (Cidr x : e.within()) {
        c.add(o instanceof Concrete k ? ctx.mkBool(x.contains(k.address())) : netIn(x));
      }
      for (Cidr x : e.except()) {
        c.add(o instanceof Concrete k ? ctx.mkBool(!x.contains(k.address())) : t.not(netIn(x)));
      }
      return t.and(c);
    }
    EndSet.Pods p = (EndSet.Pods) s;
    ClassKey cls = o.cls();
    if (cls != null) {
      return ctx.mkBool(
          p.existing()
              && !cls.host()
              && p.includes(cls.labels().get(Network.NAMESPACE))
              && (p.selector() == null || p.selector().matches(cls.labels())));
    }
    if (!(o instanceof Hypothetical f) || !p.includes(f.ns().name())) {
      return ctx.mkFalse();
    }
    List<BoolExpr> c = new ArrayList<>();
    if (p.selector() != null) {
      c.add(selector(Residual.of(p.selector(), f.view())));
    }
    for (Cidr x : p.within()) {
      c.add(netIn(x));
    }
    for (Cidr x : p.except()) {
      c.add(t.not(netIn(x)));
    }
    if (p.ports() != null) {
      namedPorts.forEach((name, var) -> c.add(portAs(var, name, p.ports())));
    }
    if (p.atPort() != null) {
      p.atPort()
          .forEach(
              (name, on) -> {
                BoolExpr a = PortAt.of(t, v, port, f.ports(), namedPorts.get(name), name);
                c.add(on ? a : t.not(a));
              });
    }
    return t.and(c);
  }

  // ---------------------------------------------------------------------------------------------
  // decoding

  Alternative chosen(Model m) {
    return layout.options().get(pick.in(m));
  }

  /** The endpoint this end is in the model: input endpoint, new hypothetical one, or none. */
  Endpoint endpoint(Model m, int family, Map<String, Profile> assumed, int[] count) {
    Alternative o = chosen(m);
    if (o instanceof Concrete k) {
      return k.endpoint();
    }
    if (o instanceof Addressless f) {
      return f.endpoint();
    }
    if (!(o instanceof Hypothetical f)) {
      return null;
    }
    Map<String, String> l = labels.decode(m, f.view());
    String ns = f.ns().name();
    if (ns == null) {
      ns = l.containsKey(Network.NAMESPACE) ? l.get(Network.NAMESPACE) : newNamespaceName();
      l.put(Network.NAMESPACE, ns);
      l.put(Network.NAMESPACE_NAME, ns);
    }
    List<NamedPort> ports = f.ports();
    if (ports == null) {
      ports = new ArrayList<>();
      for (Map.Entry<String, PortVar> e : namedPorts.entrySet()) {
        PortVar var = e.getValue();
        if (m.eval(var.has(), true).isTrue()) {
          ports.add(
              new NamedPort(
                  e.getKey(),
                  ((BitVecNum) m.eval(var.protocol(), true)).getInt(),
                  ((BitVecNum) m.eval(var.port(), true)).getInt()));
        }
      }
    }
    if (f.ns().assumed()) {
      Map<String, String> pcns = new TreeMap<>();
      l.forEach(
          (k, val) -> {
            if (k.startsWith(Network.PCNS)) {
              pcns.put(k, val);
            }
          });
      Profile profile = Network.namespaceProfile(ns, pcns);
      assumed.put(profile.name(), profile);
    }
    Ip ip = new Ip(family, ((BitVecNum) m.eval(addr, true)).getBigInteger());
    return Endpoint.workload(
        ns,
        "hypothetical-" + ++count[0],
        "Hypothetical",
        l,
        List.of(ip),
        ports,
        List.of("kns." + ns),
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

  /** The alternatives (with the endpoints each stands for), symbolic labels and named ports. */
  String describe() {
    StringBuilder out = new StringBuilder(layout.describe());
    out.append("\n  labels ").append(labels.vocabulary());
    namedPorts.forEach(
        (k, p) -> out.append("\n  named port ").append(k).append(' ').append(p.has()));
    return out.toString();
  }

  /**
   * The labels hypothetical endpoints here have symbolically, with their literals (null: compared
   * as a string).
   */
  Map<String, List<String>> vocabulary() {
    return labels.vocabulary();
  }
}
