package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.analysis.DiffResult.InputChange;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffEncoding;
import dev.tierproof.smt.DiffQuery;
import dev.tierproof.smt.DiffQuery.Change;
import dev.tierproof.smt.EndSet;
import dev.tierproof.smt.FlowBounds;
import dev.tierproof.smt.Region;
import dev.tierproof.smt.SolverSession;
import dev.tierproof.source.Span;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The semantic diff of two policy sets (design.md §2 {@code diff}): every flow whose verdict
 * changed, grouped into classes.
 *
 * <p>The base's policies (tiers, policies, network sets, profiles) are compared with the current
 * ones over the current inventory (endpoints, namespaces and their labels); inventory changes are
 * listed as notes. {@link DiffEncoding#scopes} bounds where verdicts can differ; in each scope one
 * query holds both encodings over shared flow variables. Repeatedly: the solver finds a flow whose
 * verdicts differ outside the classes found so far; it is replayed through both evaluators (a
 * disagreement is an internal error); it is generalised into a class (source, destination,
 * protocol, port range: widened greedily while the solver proves every flow of the class changed
 * the same way); the class is excluded. When no changed flow is left in any scope, the result is
 * complete: no other flow changed. A solver {@code unknown} or the class cap stops the search
 * with an inconclusive result.
 */
public final class Diff {

  public static final int DEFAULT_MAX_CLASSES = 100;

  /** Keys a class selector leaves out: the namespace is a class dimension of its own. */
  private static final List<String> AUTOMATIC =
      List.of(Endpoint.NAMESPACE_LABEL, "projectcalico.org/orchestrator", "projectcalico.org/name");

  private final PolicySet before;
  private final PolicySet after;
  private final Map<Map<String, Profile>, Evaluator[]> evaluators = new HashMap<>();
  private final Set<String> selectorKeys = new TreeSet<>();
  /** Where port ranges of rules and named ports start and end (a range [a, b] cuts at a and b + 1), with 0, 1 and 65536. */
  private final TreeSet<Integer> cuts = new TreeSet<>(List.of(0, 1, 65536));
  /** The protocols that rules, named ports and failsafe ports mention: the rest are alike. */
  private final Set<Integer> protocols = new TreeSet<>();
  private DiffQuery query;
  /** The answer the current class grows from. */
  private Answer witness;
  private DiffEncoding encoding;
  private DiffEncoding.Scope scope;
  /** Per end of the current scope, the namespaces all of whose pods it holds. */
  private final Map<Boolean, Set<String>> whole = new HashMap<>();
  private int checks;
  /** Every input endpoint's addresses. */
  private Set<dev.tierproof.model.Ip> owned;

  /** The base's version of each current endpoint that differs in the base (the flows name the current ones). */
  private final Map<Endpoint, Endpoint> twins;

  /** Each input endpoint's position in the input. */
  private final Map<Endpoint, Integer> position = new java.util.IdentityHashMap<>();

  private Diff(PolicySet before, PolicySet after) {
    this.before = before;
    this.after = after;
    this.twins = twins(before, after);
    after.endpoints().forEach(e -> position.put(e, position.size()));
    for (Endpoint e : after.endpoints()) {
      for (dev.tierproof.model.NamedPort np : e.ports()) {
        cuts.add(np.port());
        cuts.add(np.port() + 1);
        protocols.add(np.protocol());
      }
      if (e.isHost()) {
        protocols.addAll(List.of(Protocols.TCP, Protocols.UDP)); // failsafe ports (spec S6.2)
      }
    }
    for (PolicySet s : List.of(before, after)) {
      s.profiles().values().forEach(pr -> {
        pr.ingress().forEach(this::keys);
        pr.egress().forEach(this::keys);
      });
      for (Policy p : s.policies()) {
        selectorKeys.addAll(p.selector().keys());
        for (Rule r : p.ingress()) {
          keys(r);
        }
        for (Rule r : p.egress()) {
          keys(r);
        }
      }
    }
  }

  private void keys(Rule r) {
    if (r.protocol() != null) {
      protocols.add(r.protocol());
    }
    if (r.notProtocol() != null) {
      protocols.add(r.notProtocol());
    }
    for (var m : List.of(r.source(), r.destination())) {
      for (List<dev.tierproof.model.Port> ports : List.of(m.ports(), m.notPorts())) {
        for (dev.tierproof.model.Port p : ports) {
          if (p instanceof dev.tierproof.model.Port.Range x) {
            cuts.add(x.min());
            cuts.add(x.max() + 1);
          }
        }
      }
      if (m.selector() != null) {
        selectorKeys.addAll(m.selector().keys());
      }
      if (m.notSelector() != null) {
        selectorKeys.addAll(m.notSelector().keys());
      }
    }
  }

  /**
   * Compares {@code base} with {@code current} over the ends of {@code ends}; {@code timeout} bounds each solver check, {@code
   * maxClasses} the number of classes before the search stops (inconclusive).
   */
  public static DiffResult run(PolicySet base, PolicySet current, Scope ends, Duration timeout, int maxClasses) {
    return run(base, current, ends, timeout, maxClasses, dev.tierproof.source.Progress.NONE);
  }

  /** The same, telling {@code progress} of each part of the flow space searched. */
  public static DiffResult run(
      PolicySet base, PolicySet current, Scope ends, Duration timeout, int maxClasses, dev.tierproof.source.Progress progress) {
    long start = System.nanoTime();
    List<String> notes = inventory(base, current);
    List<InputChange> changes = changes(base, current);
    PolicySet rebased = paired(base, current);
    Diff d = new Diff(rebased, current);
    List<ChangeClass> classes = new ArrayList<>();
    List<Region> regions = new ArrayList<>();
    String reason = null;
    int scopes;
    try (SolverSession session = new SolverSession(timeout)) {
      long t0 = System.nanoTime();
      DiffEncoding encoding = DiffEncoding.encode(rebased, current, session, ends == Scope.ANY);
      long t1 = System.nanoTime();
      List<DiffEncoding.Scope> all = encoding.scopes();
      trace("prep %d ms, encode %d ms, scopes %d ms", (t0 - start) / 1000000, (t1 - t0) / 1000000, (System.nanoTime() - t1) / 1000000);
      scopes = all.size();
      int searched = 0;
      search:
      for (DiffEncoding.Scope scope : all) {
        progress.at("parts of the flow space", searched++, all.size());
        long ts = System.nanoTime();
        // classes found elsewhere that may hold flows of this scope (the rest cannot)
        List<Region> near = new ArrayList<>();
        for (Region r : regions) {
          if (encoding.mayMeet(scope.sources(), r.source()) && encoding.mayMeet(scope.destinations(), r.destination())) {
            near.add(r);
          }
        }
        try (DiffQuery q = encoding.open(scope, near)) {
          trace("scope %s: %s -> %s: opened in %d ms", scope.reason(), scope.sources().describe(), scope.destinations().describe(), (System.nanoTime() - ts) / 1000000);
          d.query = q;
          d.encoding = encoding;
          d.scope = scope;
          d.whole.clear();
          while (true) {
            Answer a = q.find(Change.CHANGED, near);
            d.checks++;
            trace("  find: %s in %d ms", a.status(), a.millis());
            if (a.status() == SolverSession.Status.UNSAT) {
              break;
            }
            if (a.status() == SolverSession.Status.UNKNOWN) {
              reason = "the solver could not decide whether more flows changed (" + a.reason() + ")";
              break search;
            }
            if (classes.size() >= maxClasses) {
              reason = "stopped after " + maxClasses + " classes (--max-classes); more flows changed";
              break search;
            }
            long tg = System.nanoTime();
            Found f = d.generalize(a);
            trace("  generalized in %d ms", (System.nanoTime() - tg) / 1000000);
            if (f == null) {
              reason = "could not group the change of " + a.flow().describe() + " into a class the solver can prove";
              break search;
            }
            classes.add(f.change());
            classes = d.merge(classes); // joined as they come, so the cap counts joined classes
            trace("  class %s %s -> %s (%d checks so far)", f.change().kind(), f.change().source().display(), f.change().destination().display(), d.checks);
            regions.add(f.region());
            near.add(f.region());
          }
        } finally {
          d.query = null;
        }
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new DiffResult(
        reason == null ? DiffResult.Status.COMPLETE : DiffResult.Status.INCONCLUSIVE,
        order(classes.stream().map(d::canonical).toList()),
        changes,
        notes,
        reason,
        ends,
        new DiffResult.Stats(d.checks, millis, scopes));
  }

  /**
   * Classes that differ only in the namespaces (or the listed endpoints) of one end, joined: each
   * was proved, so their union changed alike. Scopes split per namespace find a change that
   * spans namespaces once per namespace; this is where it becomes one class again (with the first
   * class's witness).
   */
  private List<ChangeClass> merge(List<ChangeClass> classes) {
    List<ChangeClass> out = classes;
    for (int size = -1; size != out.size(); ) {
      size = out.size();
      out = mergeOnce(out);
    }
    return out;
  }

  private List<ChangeClass> mergeOnce(List<ChangeClass> classes) {
    List<ChangeClass> out = new ArrayList<>();
    next:
    for (ChangeClass c : classes) {
      for (int i = 0; i < out.size(); i++) {
        ChangeClass m = out.get(i);
        if (m.kind() != c.kind() || !m.packets().equals(c.packets())) {
          continue;
        }
        Ends src = m.source().equals(c.source()) ? m.source() : null;
        Ends dst = m.destination().equals(c.destination()) ? m.destination() : null;
        if (src != null && dst == null) {
          dst = join(m.destination(), c.destination());
        } else if (dst != null && src == null) {
          src = join(m.source(), c.source());
        }
        if (src != null && dst != null) {
          out.set(i, new ChangeClass(m.kind(), src, dst, m.packets(), m.witness(), m.before(), m.after()));
          continue next;
        }
      }
      out.add(c);
    }
    return out;
  }

  /** The union of two ends when it is an end again (namespaces or endpoints joined), else null. */
  private Ends join(Ends a, Ends b) {
    if (a.kind() == EndKind.ENDPOINTS && b.kind() == EndKind.ENDPOINTS) {
      if (!a.within().equals(b.within()) || !a.except().equals(b.except())) {
        return null;
      }
      List<Endpoint> all = new ArrayList<>(a.endpoints());
      all.addAll(b.endpoints());
      return endpoints(all, a.within(), a.except());
    }
    if (a.kind() != EndKind.PODS || b.kind() != EndKind.PODS || a.namespaces() == null || b.namespaces() == null) {
      return null;
    }
    Ends bAsA = new Ends(EndKind.PODS, a.namespaces(), b.excluded(), a.unlisted(), b.selector(), b.endpoints(), b.ranges(),
        b.domain(), b.within(), b.except(), b.ports(), b.existing());
    if (!bAsA.equals(a)) {
      return null;
    }
    Set<String> names = new TreeSet<>(a.namespaces());
    names.addAll(b.namespaces());
    return new Ends(EndKind.PODS, names, a.excluded(), a.unlisted() || b.unlisted(), a.selector(), a.endpoints(), a.ranges(),
        a.domain(), a.within(), a.except(), a.ports(), a.existing());
  }

  /**
   * The class with a witness that depends on the class alone (each end's first input endpoint, or
   * the first address of its first range outside; TCP in a class of any protocol; the class's
   * lowest port, or 443 in a class of any port; source port 40000: {@link
   * dev.tierproof.model.Placeholders}), when both
   * versions' evaluators confirm that it changed so; else the solver's witness. Which model the
   * solver returns can vary from run to run (with the order Z3 numbers its terms in); the report
   * should not.
   */
  private ChangeClass canonical(ChangeClass c) {
    Flow w = c.witness();
    Flow f = w;
    for (boolean source : List.of(true, false)) {
      Ends end = source ? c.source() : c.destination();
      if (end.kind() == EndKind.ENDPOINTS) {
        Endpoint e = end.endpoints().stream()
            .filter(x -> x.ips().stream().anyMatch(ip -> ip.family() == w.family())).findFirst().orElse(null);
        f = e == null ? null : moved(f, source, e);
      } else if (end.kind() == EndKind.OUTSIDE && !end.ranges().isEmpty()) {
        Cidr r = end.ranges().stream().filter(x -> x.family() == w.family()).findFirst().orElse(null);
        f = r == null ? null : movedOutside(f, source, prefix(r.address(), r.prefix()).address());
      } else {
        return c; // pods that could be deployed, or anywhere outside: the solver's witness
      }
      if (f == null) {
        return c;
      }
    }
    FlowSpec p = c.packets();
    int protocol = p.protocol() != null ? p.protocol() : representative(p.otherThan());
    boolean ports = Protocols.hasPorts(protocol);
    boolean icmp = Protocols.isIcmp(protocol);
    Integer port = !ports ? null : p.port() != null ? Integer.valueOf(p.port().min()) : Integer.valueOf(dev.tierproof.model.Placeholders.WITNESS_PORT);
    Integer sourcePort = !ports ? null : p.sourcePort() != null ? Integer.valueOf(p.sourcePort().min()) : Integer.valueOf(dev.tierproof.model.Placeholders.SOURCE_PORT);
    Integer type = !icmp ? null : p.icmpType() != null ? p.icmpType() : f.icmpType();
    Integer code = !icmp ? null : p.icmpCode() != null ? p.icmpCode() : f.icmpCode();
    Flow g = new Flow(protocol, f.sourceIp(), sourcePort, f.destinationIp(), port, type, code, f.destinationDomain(),
        f.source(), f.destination());
    Evaluator[] ev = evaluators.computeIfAbsent(Map.of(), this::evaluators);
    Verdict b = ev[0].evaluate(back(g));
    Verdict n = ev[1].evaluate(g);
    boolean so = c.kind() == Kind.OPENED ? !b.allowed() && n.allowed() : b.allowed() && !n.allowed();
    return so ? new ChangeClass(c.kind(), c.source(), c.destination(), p, g, b, n) : c;
  }

  /** TCP, else the first usual protocol (then any) that {@code excluded} leaves. */
  private static int representative(Set<Integer> excluded) {
    for (int p : List.of(Protocols.TCP, Protocols.UDP, 132, Protocols.ICMP, 47)) {
      if (!excluded.contains(p)) {
        return p;
      }
    }
    int p = 0;
    while (excluded.contains(p)) {
      p++;
    }
    return p;
  }

  /** A debugging aid: where the time went, on stderr when {@code TIERPROOF_DIFF_PROFILE} is set. */
  private static void trace(String format, Object... args) {
    if (System.getenv("TIERPROOF_DIFF_PROFILE") != null) {
      System.err.printf(format + "%n", args);
    }
  }

  /** The classes (joined as they were found) by kind, source, destination and packets. */
  private static List<ChangeClass> order(List<ChangeClass> classes) {
    List<ChangeClass> out = new ArrayList<>(classes);
    out.sort(
        java.util.Comparator.comparing((ChangeClass c) -> c.kind())
            .thenComparing(c -> c.source().display())
            .thenComparing(c -> c.destination().display())
            .thenComparing(c -> DiffResult.packets(c.packets())));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // one class

  private record Found(ChangeClass change, Region region) {}

  /** The current candidate class: ends and packet bounds (null fields: unconstrained). */
  private record Cls(
      EndSet src, EndSet dst, Integer protocol, int[] port, int[] sourcePort, Integer icmpType, Integer icmpCode,
      Integer ipVersion, Set<Integer> otherThan) {
    Cls(EndSet src, EndSet dst, Integer protocol, int[] port, int[] sourcePort, Integer icmpType, Integer icmpCode, Integer ipVersion) {
      this(src, dst, protocol, port, sourcePort, icmpType, icmpCode, ipVersion, Set.of());
    }

    Cls with(EndSet s, EndSet d) {
      return new Cls(s, d, protocol, port, sourcePort, icmpType, icmpCode, ipVersion, otherThan);
    }

    Cls packets(Integer proto, int[] p, int[] sp, Integer type, Integer code, Integer version) {
      return new Cls(src, dst, proto, p, sp, type, code, version);
    }

    /** Every protocol but {@code protocols}, any port, in the class's family. */
    Cls otherThan(Set<Integer> protocols) {
      return new Cls(src, dst, null, null, null, null, null, ipVersion, protocols);
    }

    Region region() {
      FlowBounds b =
          new FlowBounds(
              protocol,
              port == null ? null : port[0],
              port == null ? null : port[1],
              sourcePort == null ? null : sourcePort[0],
              sourcePort == null ? null : sourcePort[1],
              icmpType,
              icmpCode,
              ipVersion,
              otherThan);
      return new Region(src, dst, b);
    }
  }

  private Found generalize(Answer a) {
    witness = a;
    Flow w = a.flow();
    Verdict[] v = replay(a);
    Kind kind = v[1].allowed() ? Kind.OPENED : Kind.CLOSED;
    Change change = kind == Kind.OPENED ? Change.OPENED : Change.CLOSED;
    boolean ports = Protocols.hasPorts(w.protocol());
    boolean icmp = Protocols.isIcmp(w.protocol());
    Cls c =
        new Cls(
            tightest(w, true),
            tightest(w, false),
            w.protocol(),
            ports ? new int[] {w.destinationPort(), w.destinationPort()} : null,
            ports ? new int[] {w.sourcePort(), w.sourcePort()} : null,
            icmp ? w.icmpType() : null,
            icmp ? w.icmpCode() : null,
            w.family());
    Cls guess = optimistic(c, change, w, true);
    if (guess != null && !uniform(guess, change)) {
      // the outside ranges that looked alike did not all change so: the witness's range alone
      guess = widerThanOne(guess.src()) || widerThanOne(guess.dst()) ? optimistic(c, change, w, false) : null;
      guess = guess != null && uniform(guess, change) ? guess : null;
    }
    if (guess != null) {
      // one proof for the class the evaluators suggest; then only what is wider still
      c = guess;
      for (boolean source : List.of(true, false)) {
        Cls any = source ? c.with(new EndSet.Any(), c.dst()) : c.with(c.src(), new EndSet.Any());
        if (uniform(any, change)) {
          c = any;
        }
      }
      Cls anyProtocol = c.packets(null, null, null, null, null, c.ipVersion());
      if (c.icmpType() == null && uniform(anyProtocol, change)) {
        c = anyProtocol;
      } else {
        c = otherProtocols(c, change);
      }
      for (boolean source : List.of(true, false)) {
        c = widerOutside(c, change, w, source);
      }
      return found(kind, c, w, v);
    }
    c = tight(c, change, w);
    if (c == null) {
      return null;
    }
    for (boolean source : List.of(true, false)) {
      EndSet end = source ? c.src() : c.dst();
      if (end instanceof EndSet.Pods p && (!p.within().isEmpty() || !p.except().isEmpty())) {
        Cls t = source ? c.with(p.at(List.of(), List.of()), c.dst()) : c.with(c.src(), p.at(List.of(), List.of()));
        if (uniform(t, change)) {
          c = t;
        }
      } else if (end instanceof EndSet.Endpoints x && (!x.within().isEmpty() || !x.except().isEmpty())) {
        EndSet.Endpoints anywhere = new EndSet.Endpoints(x.endpoints());
        Cls t = source ? c.with(anywhere, c.dst()) : c.with(c.src(), anywhere);
        if (uniform(t, change)) {
          c = t;
        }
      }
    }
    for (boolean source : List.of(true, false)) {
      EndSet end = source ? c.src() : c.dst();
      if (end instanceof EndSet.Pods p && p.ports() != null) {
        Cls t = source ? c.with(p.declaring(null), c.dst()) : c.with(c.src(), p.declaring(null));
        if (uniform(t, change)) {
          c = t;
        }
      }
    }
    // pins that the class does not need: source port, ICMP code, address family
    Cls loose = c.packets(c.protocol(), c.port(), null, c.icmpType(), icmp ? null : c.icmpCode(), null);
    if (uniform(loose, change)) {
      c = loose;
    } else {
      for (Function<Cls, Cls> drop :
          List.<Function<Cls, Cls>>of(
              x -> x.packets(x.protocol(), x.port(), null, x.icmpType(), x.icmpCode(), x.ipVersion()),
              x -> x.packets(x.protocol(), x.port(), x.sourcePort(), x.icmpType(), null, x.ipVersion()),
              x -> x.packets(x.protocol(), x.port(), x.sourcePort(), x.icmpType(), x.icmpCode(), null))) {
        Cls t = drop.apply(c);
        if (!t.equals(c) && uniform(t, change)) {
          c = t;
        }
      }
    }
    c = c.with(widen(c, change, w, true), c.dst());
    c = c.with(c.src(), widen(c, change, w, false));
    c = widenPackets(c, change, w);
    return found(kind, c, w, v);
  }

  /**
   * The class the evaluators suggest around a witness between input endpoints or outside
   * addresses: each end widened to the input endpoints of the scope at which the witness changed
   * so, or to the ranges that changed alike ({@code union}; else the narrowest range the encodings
   * test around the address); the ports to the run of whole intervals in which it changed so; no
   * source port, ICMP code or family pin. Null when the scope holds pods that could be deployed.
   */
  private Cls optimistic(Cls c, Change change, Flow w, boolean union) {
    for (DiffEncoding.EndScope end : List.of(scope.sources(), scope.destinations())) {
      if (end.everything() || end.unlisted() || !end.namespaces().isEmpty()) {
        return null; // pods that could be deployed: classes of namespaces and labels
      }
    }
    EndSet[] ends = new EndSet[2];
    for (boolean source : List.of(true, false)) {
      EndSet tight = source ? c.src() : c.dst();
      EndSet guess;
      if (tight instanceof EndSet.Endpoints) {
        guess = candidates((EndSet.Endpoints) tight, change, w, source);
      } else if (tight instanceof EndSet.Outside o) {
        guess = new EndSet.Outside(
            union ? alike(change, w, source) : List.of(narrowestTested(source ? w.sourceIp() : w.destinationIp(), source)), o.domain());
      } else {
        return null;
      }
      ends[source ? 0 : 1] = guess;
    }
    int[] ports = c.port() == null ? null : guessPorts(change, w);
    if (ports != null && ports[0] <= 1 && ports[1] == 65535) {
      ports = null;
    }
    boolean icmp = Protocols.isIcmp(w.protocol());
    return new Cls(ends[0], ends[1], c.protocol(), ports, null, c.icmpType(), icmp ? null : c.icmpCode(), null);
  }

  /**
   * The ranges where an outside end changed as the witness's did, as the evaluators see it: the
   * narrowest tested range around the witness's address, and every tested range holding no
   * narrower tested range at whose first address the witness, moved there, changed alike (a
   * rule's peers that are a list of network sets become one class, settled by one proof).
   */
  private List<Cidr> alike(Change change, Flow w, boolean source) {
    dev.tierproof.model.Ip ip = source ? w.sourceIp() : w.destinationIp();
    Cidr mine = narrowestTested(ip, source);
    List<Cidr> tested = query.cidrs(source).stream().filter(r -> r.family() == ip.family() && r.prefix() < ip.bits()).toList();
    Evaluator[] ev = evaluators.computeIfAbsent(witness.assumedProfiles(), this::evaluators);
    TreeSet<Cidr> out = new TreeSet<>(java.util.Comparator.comparing(Cidr::low).thenComparing(Cidr::prefix));
    out.add(mine);
    for (Cidr r : tested) {
      if (r.equals(mine) || tested.stream().anyMatch(x -> x.prefix() > r.prefix() && r.contains(x.address()))) {
        continue;
      }
      Flow f = movedOutside(w, source, prefix(r.address(), r.prefix()).address());
      if (f != null && changed(ev, f, change)) {
        out.add(r);
      }
    }
    out.removeIf(r -> out.stream().anyMatch(x -> x.prefix() < r.prefix() && x.contains(r.address())));
    return List.copyOf(out);
  }

  private static boolean widerThanOne(EndSet s) {
    return s instanceof EndSet.Outside o && o.ranges().size() > 1;
  }

  /** The narrowest range the encodings test that holds {@code ip}, else {@code ip} alone. */
  private Cidr narrowestTested(dev.tierproof.model.Ip ip, boolean source) {
    return query.cidrs(source).stream()
        .filter(r -> r.family() == ip.family() && r.contains(ip) && r.prefix() < ip.bits())
        .max(java.util.Comparator.comparingInt(Cidr::prefix))
        .orElse(Cidr.host(ip));
  }

  private Found found(Kind kind, Cls c, Flow w, Verdict[] v) {
    Ends source = ends(c.src());
    Ends destination = ends(c.dst());
    FlowSpec packets =
        new FlowSpec(
            c.protocol(),
            c.port() == null ? null : new FlowSpec.PortRange(c.port()[0], c.port()[1]),
            c.sourcePort() == null ? null : new FlowSpec.PortRange(c.sourcePort()[0], c.sourcePort()[1]),
            c.icmpType(),
            c.icmpCode(),
            c.ipVersion(),
            c.otherThan());
    return new Found(new ChangeClass(kind, source, destination, packets, w, v[0], v[1]), c.region());
  }

  /**
   * Every flow of the class changed so: proved by the solver in the current scope, which must hold
   * the whole class (outside the scopes nothing changed); unknown counts as no.
   */
  private boolean uniform(Cls c, Change change) {
    return inScope(c) && unchanged(c, change).status() == SolverSession.Status.UNSAT;
  }

  /** The ranges (that the encodings test at an end) an address is in and out of, in a fixed order. */
  private record Ranges(List<Cidr> in, List<Cidr> out) {}

  private Ranges ranges(boolean source, dev.tierproof.model.Ip a) {
    List<Cidr> in = new ArrayList<>();
    List<Cidr> out = new ArrayList<>();
    for (Cidr r : query.cidrs(source)) {
      (r.contains(a) ? in : out).add(r);
    }
    java.util.Comparator<Cidr> order = java.util.Comparator.comparing(Cidr::toString);
    in.sort(order);
    out.sort(order);
    return new Ranges(in, out);
  }

  /**
   * The tightest class: hypothetical ends at an address in exactly the ranges (that the encodings
   * test) the witness's address is in; null when even it is not uniform.
   */
  private Cls tight(Cls c, Change change, Flow w) {
    for (boolean source : List.of(true, false)) {
      EndSet end = source ? c.src() : c.dst();
      if (end instanceof EndSet.Pods p) {
        Ranges r = ranges(source, source ? w.sourceIp() : w.destinationIp());
        p = p.at(r.in(), r.out());
        if (!encoding.contains(source ? scope.sources() : scope.destinations(), p)) {
          p = p.hypothetical();
        }
        c = source ? c.with(p, c.dst()) : c.with(c.src(), p);
      }
    }
    return uniform(c, change) ? c : null;
  }

  private boolean inScope(Cls c) {
    return encoding.contains(scope.sources(), c.src()) && encoding.contains(scope.destinations(), c.dst());
  }

  /** The namespaces all of whose pods, existing and hypothetical, the current scope holds at one end. */
  private Set<String> whole(boolean source) {
    return whole.computeIfAbsent(
        source,
        s -> {
          DiffEncoding.EndScope end = s ? scope.sources() : scope.destinations();
          Set<String> out = new TreeSet<>();
          for (String ns : end.namespaces()) {
            if (encoding.contains(end, EndSet.Pods.in(ns, null))) {
              out.add(ns);
            }
          }
          return out;
        });
  }

  /** A flow of the class that did not change so ({@code sat}), none ({@code unsat}), or unknown. */
  private Answer unchanged(Cls c, Change change) {
    Flow sampled = sampled(c, change);
    if (sampled != null) {
      return new Answer(SolverSession.Status.SAT, sampled, false, List.of(), witness.assumedProfiles(), null, 0);
    }
    checks++;
    Answer a = query.unchangedIn(c.region(), change);
    trace("    unchanged %s in %d ms: %s -> %s", a.status(), a.millis(), c.src().getClass().getSimpleName(), c.dst().getClass().getSimpleName());
    return a;
  }

  private Set<dev.tierproof.model.Ip> owned() {
    if (owned == null) {
      owned = new java.util.HashSet<>();
      after.endpoints().forEach(e -> owned.addAll(e.ips()));
    }
    return owned;
  }

  /**
   * Cheap counterexamples first: the witness with one end moved to an input endpoint of the class
   * (a few per namespace), evaluated by both versions' evaluators; the first flow that did not
   * change so, or null (then only the solver can tell).
   */
  private Flow sampled(Cls c, Change change) {
    Flow w = witness.flow();
    Evaluator[] ev = evaluators.computeIfAbsent(witness.assumedProfiles(), this::evaluators);
    for (boolean source : List.of(true, false)) {
      for (Endpoint e : samples(source ? c.src() : c.dst())) {
        Flow f = moved(w, source, e);
        if (f == null) {
          continue;
        }
        if (!changed(ev, f, change)) {
          return f;
        }
      }
    }
    return null;
  }

  /** Up to two input endpoints per namespace (and host endpoints) of an end set. */
  private List<Endpoint> samples(EndSet s) {
    List<Endpoint> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<Endpoint> pool =
        s instanceof EndSet.Endpoints e ? e.endpoints()
            : s instanceof EndSet.Pods || s instanceof EndSet.Any ? after.endpoints()
            : List.of();
    for (Endpoint e : pool) {
      if (s instanceof EndSet.Pods p
          && (!p.existing() || e.isHost() || !p.includes(e.namespace())
              || (p.selector() != null && !p.selector().matches(e.labels())))) {
        continue;
      }
      String key = e.isHost() ? "" : e.namespace();
      if (seen.merge(key, 1, Integer::sum) <= 2) {
        out.add(e);
      }
    }
    return out;
  }

  /** The flow with one end at {@code e} (its first address of the flow's family), or null. */
  private static Flow moved(Flow w, boolean source, Endpoint e) {
    dev.tierproof.model.Ip ip = e.ips().stream().filter(x -> x.family() == w.family()).findFirst().orElse(null);
    if (ip == null || (source ? ip.equals(w.destinationIp()) : ip.equals(w.sourceIp()))) {
      return null;
    }
    return source
        ? new Flow(w.protocol(), ip, w.sourcePort(), w.destinationIp(), w.destinationPort(), w.icmpType(), w.icmpCode(),
            w.destinationDomain(), e, w.destination())
        : new Flow(w.protocol(), w.sourceIp(), w.sourcePort(), ip, w.destinationPort(), w.icmpType(), w.icmpCode(),
            null, w.source(), e);
  }

  /** The smallest end set of a witness end: its group of endpoints, its hypothetical pod's labels, its address. */
  private EndSet tightest(Flow w, boolean source) {
    Endpoint e = source ? w.source() : w.destination();
    if (e == null) {
      String domain = source ? null : w.destinationDomain();
      return EndSet.Outside.in(Cidr.host(source ? w.sourceIp() : w.destinationIp()), domain);
    }
    if (input(e)) {
      if (!e.ips().isEmpty()) {
        return new EndSet.Endpoints(query.group(source, e));
      }
      // spec S5.4: at a free address, in exactly the ranges (that the encodings test) the witness's is in
      Ranges r = ranges(source, source ? w.sourceIp() : w.destinationIp());
      return new EndSet.Endpoints(query.group(source, e), r.in(), r.out());
    }
    return pods(e, source, true).declaring(e.ports());
  }

  private boolean input(Endpoint e) {
    return after.endpoints().stream().anyMatch(x -> x == e);
  }

  /**
   * Hypothetical and existing pods in the endpoint's namespace with its labels: the keys that
   * policies observe, present with their values ({@code exact}: absent ones absent too).
   */
  private EndSet.Pods pods(Endpoint e, boolean source, boolean exact) {
    Selector sel = labels(e, source, exact);
    String ns = e.namespace();
    boolean listed = ns != null && mentioned(ns);
    return new EndSet.Pods(listed ? Set.of(ns) : Set.of(), Set.of(), !listed, sel);
  }

  /** Whether the input mentions the namespace, as the encoding counts them (else it is one the input lacks). */
  private boolean mentioned(String ns) {
    return encoding.namespaces().contains(ns);
  }

  /** A selector for the endpoint's observed labels; null when there are none. */
  private Selector labels(Endpoint e, boolean source, boolean exact) {
    Map<String, List<String>> vocabulary = query.vocabulary(source);
    Set<String> keys = vocabulary.isEmpty() ? selectorKeys : vocabulary.keySet();
    List<Selector> terms = new ArrayList<>();
    boolean listed = e.namespace() != null && mentioned(e.namespace());
    for (String k : new TreeSet<>(keys)) {
      // a listed namespace's labels are known; those of a namespace the input lacks are not
      if (AUTOMATIC.contains(k) || (k.startsWith("pcns.") && listed)) {
        continue;
      }
      String value = e.labels().get(k);
      List<String> literals = vocabulary.isEmpty() ? null : vocabulary.get(k);
      if (value == null) {
        if (exact) {
          terms.add(new Selector.Not(new Selector.Has(k)));
        }
      } else if (literals == null || literals.contains(value)) {
        terms.add(new Selector.Compare(k, Selector.Op.EQ, value));
      } else {
        terms.add(new Selector.Has(k));
        if (!literals.isEmpty()) {
          terms.add(new Selector.InSet(k, literals, true));
        }
      }
    }
    return terms.isEmpty() ? null : terms.size() == 1 ? terms.get(0) : new Selector.And(terms);
  }

  /** The widest end set on one side that keeps the class uniform, from anything down to the tightest. */
  private EndSet widen(Cls c, Change change, Flow w, boolean source) {
    EndSet tight = source ? c.src() : c.dst();
    Endpoint e = source ? w.source() : w.destination();
    Function<EndSet, Cls> at = s -> source ? c.with(s, c.dst()) : c.with(c.src(), s);
    if (uniform(at.apply(new EndSet.Any()), change)) {
      return new EndSet.Any();
    }
    if (e == null) {
      return outside(at, change, tight, w, source);
    }
    if (e.isHost()) {
      return endpoints(tight, at, change, w, source);
    }
    String ns = e.namespace();
    boolean listed = ns != null && mentioned(ns);
    List<Cidr> within = tight instanceof EndSet.Pods tp ? tp.within() : List.of();
    List<Cidr> away = tight instanceof EndSet.Pods tp ? tp.except() : List.of();
    List<dev.tierproof.model.NamedPort> named = tight instanceof EndSet.Pods tp ? tp.ports() : null;
    Function<EndSet.Pods, EndSet.Pods> keep = p -> p.declaring(named).at(within, away);
    // every pod the scope holds, then without the namespaces that the solver shows unchanged
    DiffEncoding.EndScope end = source ? scope.sources() : scope.destinations();
    Set<String> excluded = new TreeSet<>(encoding.namespaces());
    excluded.removeAll(whole(source));
    boolean wide = listed ? !excluded.contains(ns) : end.unlisted();
    EndSet.Pods labelled = keep.apply(pods(e, source, false));
    if (wide) {
      EndSet.Pods p = refine(keep.apply(new EndSet.Pods(null, excluded, end.unlisted(), null)), at, change, w, source, true);
      if (p != null) {
        return p;
      }
      if (labelled.selector() != null) {
        p = refine(keep.apply(new EndSet.Pods(null, excluded, end.unlisted(), labelled.selector())), at, change, w, source, true);
        if (p != null) {
          return simplify(p, at, change, source);
        }
      }
    }
    EndSet.Pods namespace =
        refine(keep.apply(new EndSet.Pods(listed ? Set.of(ns) : Set.of(), Set.of(), !listed, null)), at, change, w, source, false);
    if (namespace != null) {
      return namespace;
    }
    if (labelled.selector() != null) {
      EndSet.Pods p = refine(labelled, at, change, w, source, false);
      if (p != null) {
        return simplify(p, at, change, source);
      }
    }
    EndSet.Pods exactly = keep.apply(pods(e, source, true));
    if (!exactly.equals(labelled) && exactly.selector() != null) {
      EndSet.Pods p = refine(exactly, at, change, w, source, false);
      if (p != null) {
        return simplify(p, at, change, source);
      }
    }
    return endpoints(tight, at, change, w, source);
  }

  /**
   * The witness's group of input endpoints widened to every input endpoint of the scope's end at
   * which the witness, moved there, changed the same way (both evaluators say so), when the solver
   * proves that class uniform; else {@code tight}.
   */
  private EndSet endpoints(EndSet tight, Function<EndSet, Cls> at, Change change, Flow w, boolean source) {
    if (!(tight instanceof EndSet.Endpoints t)) {
      return tight;
    }
    EndSet.Endpoints wide = candidates(t, change, w, source);
    return wide != t && uniform(at.apply(wide), change) ? wide : tight;
  }

  /** {@code t} with every input endpoint of the scope's end at which the witness, moved there, changed so. */
  private EndSet.Endpoints candidates(EndSet.Endpoints t, Change change, Flow w, boolean source) {
    Set<Endpoint> have = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    have.addAll(t.endpoints());
    List<Endpoint> more = new ArrayList<>(t.endpoints());
    Evaluator[] ev = evaluators.computeIfAbsent(witness.assumedProfiles(), this::evaluators);
    for (Endpoint x : (source ? scope.sources() : scope.destinations()).endpoints()) {
      Flow f = have.contains(x) ? null : moved(w, source, x);
      if (f != null && changed(ev, f, change)) {
        more.add(x);
      }
    }
    return more.size() == t.endpoints().size() ? t : new EndSet.Endpoints(more);
  }

  private boolean changed(Evaluator[] ev, Flow f, Change change) {
    boolean before = ev[0].evaluate(back(f)).allowed();
    boolean now = ev[1].evaluate(f).allowed();
    return change == Change.OPENED ? !before && now : before && !now;
  }

  /**
   * The candidate, narrowed until every flow of its class changed so, or null: a counterexample
   * in another namespace removes that namespace ({@code namespaces}).
   */
  private EndSet.Pods refine(
      EndSet.Pods p, Function<EndSet, Cls> at, Change change, Flow w, boolean source, boolean namespaces) {
    Endpoint e = source ? w.source() : w.destination();
    if (namespaces && p.namespaces() == null) {
      // the namespaces where a sampled input endpoint did not change so leave at once
      Set<String> more = new TreeSet<>(p.excluded());
      Evaluator[] ev = evaluators.computeIfAbsent(witness.assumedProfiles(), this::evaluators);
      for (Endpoint x : samples(p)) {
        Flow f = moved(w, source, x);
        if (f != null && !x.isHost() && !Objects.equals(x.namespace(), e.namespace()) && !changed(ev, f, change)) {
          more.add(x.namespace());
        }
      }
      p = new EndSet.Pods(null, more, p.unlisted(), p.selector(), p.within(), p.except(), p.ports(), p.existing());
    }
    // each round costs a solver check; past a dozen namespaces, narrower levels are cheaper
    for (int round = 0; round < 12; round++) {
      Cls c = at.apply(p);
      if (!inScope(c)) {
        // the scope holds only the hypothetical pods of the class (the input's did not change)
        if (p.existing() && !input(e)) {
          p = p.hypothetical();
          continue;
        }
        return null;
      }
      Answer x = unchanged(c, change);
      if (x.status() == SolverSession.Status.UNSAT) {
        return p;
      }
      if (!x.sat()) {
        return null;
      }
      Endpoint o = source ? x.flow().source() : x.flow().destination();
      if (o == null || o.isHost()) {
        return null;
      }
      boolean same = Objects.equals(o.namespace(), e.namespace()) || (!mentioned(o.namespace()) && !mentioned(e.namespace()));
      if (namespaces && p.namespaces() == null && !same) {
        if (mentioned(o.namespace())) {
          Set<String> more = new TreeSet<>(p.excluded());
          more.add(o.namespace());
          p = new EndSet.Pods(null, more, p.unlisted(), p.selector(), p.within(), p.except(), p.ports(), p.existing());
        } else {
          p = new EndSet.Pods(null, p.excluded(), false, p.selector(), p.within(), p.except(), p.ports(), p.existing());
        }
        continue;
      }
      if (input(o)) {
        return null;
      }
      // a hypothetical pod whose address makes the difference: keep hypothetical pods to the
      // ranges (that the encodings test) the witness's address is in, and out of the others
      // that hold the counterexample's
      dev.tierproof.model.Ip a = source ? x.flow().sourceIp() : x.flow().destinationIp();
      dev.tierproof.model.Ip mine = source ? w.sourceIp() : w.destinationIp();
      List<Cidr> in = new ArrayList<>(p.within());
      List<Cidr> out = new ArrayList<>(p.except());
      boolean moved = false;
      List<Cidr> tested = new ArrayList<>(query.cidrs(source));
      tested.sort(java.util.Comparator.comparing(Cidr::toString));
      for (Cidr r : tested) {
        if (r.contains(a) && !r.contains(mine) && !out.contains(r)) {
          out.add(r);
          moved = true;
        } else if (!r.contains(a) && r.contains(mine) && !in.contains(r)) {
          in.add(r);
          moved = true;
        }
      }
      if (!moved) {
        return null;
      }
      p = p.at(in, out);
    }
    return null;
  }

  /**
   * Drops the selector's terms one by one while the class stays uniform; then weakens each term
   * that pins a key ({@code k == v}, {@code !has(k)}) to "none of the other values the policies
   * compare it to" ({@code k not in {...}}, which holds without the key too) and drops those
   * values one by one while the class stays uniform: pods the policies tell apart only by values
   * they do not have become one class.
   */
  private EndSet.Pods simplify(EndSet.Pods p, Function<EndSet, Cls> at, Change change, boolean source) {
    if (p.selector() == null) {
      return p;
    }
    List<Selector> terms = new ArrayList<>(p.selector() instanceof Selector.And and ? and.operands() : List.of(p.selector()));
    for (int i = terms.size() - 1; i >= 0 && terms.size() > 1; i--) {
      List<Selector> fewer = new ArrayList<>(terms);
      fewer.remove(i);
      if (uniform(at.apply(p.selecting(and(fewer))), change)) {
        terms = fewer;
      }
    }
    Map<String, List<String>> vocabulary = query.vocabulary(source);
    for (int i = 0; i < terms.size(); i++) {
      Selector t = terms.get(i);
      String key;
      String own;
      if (t instanceof Selector.Compare c && c.op() == Selector.Op.EQ) {
        key = c.key();
        own = c.value();
      } else if (t instanceof Selector.Not n && n.operand() instanceof Selector.Has h) {
        key = h.key();
        own = null;
      } else {
        continue;
      }
      List<String> literals = vocabulary.get(key);
      if (literals == null) {
        continue; // compared as a string (prefixes, contains): no set of values to exclude
      }
      List<String> others = new ArrayList<>(literals);
      others.remove(own);
      if (others.isEmpty()) {
        continue;
      }
      List<Selector> trial = new ArrayList<>(terms);
      trial.set(i, new Selector.InSet(key, others, true));
      if (!uniform(at.apply(p.selecting(and(trial))), change)) {
        continue;
      }
      terms = trial;
      for (String o : List.copyOf(others)) {
        List<String> fewer = new ArrayList<>(((Selector.InSet) terms.get(i)).values());
        fewer.remove(o);
        if (fewer.isEmpty()) {
          break; // no term at all was tried above
        }
        trial = new ArrayList<>(terms);
        trial.set(i, new Selector.InSet(key, fewer, true));
        if (uniform(at.apply(p.selecting(and(trial))), change)) {
          terms = trial;
        }
      }
    }
    return p.selecting(and(terms));
  }

  private static Selector and(List<Selector> terms) {
    return terms.size() == 1 ? terms.get(0) : new Selector.And(terms);
  }

  /** An outside end: anywhere outside, else the widest prefix around the witness address. */
  private EndSet outside(Function<EndSet, Cls> at, Change change, EndSet tight, Flow w, boolean source) {
    dev.tierproof.model.Ip ip = source ? w.sourceIp() : w.destinationIp();
    String domain = ((EndSet.Outside) tight).domain();
    if (uniform(at.apply(EndSet.Outside.in(null, null)), change)) {
      return EndSet.Outside.in(null, null);
    }
    if (domain != null && uniform(at.apply(EndSet.Outside.in(null, domain)), change)) {
      return EndSet.Outside.in(null, domain);
    }
    int bits = ip.bits();
    int good = bits; // the /bits class is the tightest, known uniform
    int bad = -1;
    int lo = 0;
    // first the narrowest range the encodings test that holds the address (a network set, a rule's
    // nets): when it is uniform and the witness, moved to the other half of the next wider range,
    // did not change so, no wider range is uniform
    Cidr guess = narrowestTested(ip, source);
    if (guess.prefix() < bits && uniform(at.apply(EndSet.Outside.in(guess, domain)), change)) {
      good = guess.prefix();
      Flow f = good == 0 ? null : movedOutside(w, source, sibling(guess));
      if (f != null && !changed(evaluators.computeIfAbsent(witness.assumedProfiles(), this::evaluators), f, change)) {
        bad = good - 1;
      }
    }
    // smallest prefix length (widest range) that stays uniform: binary search on the length
    while (good - Math.max(lo, bad + 1) > 0) {
      int mid = (Math.max(lo, bad + 1) + good) / 2;
      Cidr range = prefix(ip, mid);
      if (uniform(at.apply(EndSet.Outside.in(range, domain)), change)) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    return EndSet.Outside.in(prefix(ip, good), domain);
  }

  /** The first address of the other half of the range one bit wider than {@code r}. */
  private static dev.tierproof.model.Ip sibling(Cidr r) {
    BigInteger v = r.address().familyValue().flipBit(r.address().bits() - r.prefix());
    return r.family() == 4 ? dev.tierproof.model.Ip.v4(v.longValue()) : new dev.tierproof.model.Ip(6, v);
  }

  /** The witness with its outside end at {@code ip}, or null when an endpoint owns that address. */
  private Flow movedOutside(Flow w, boolean source, dev.tierproof.model.Ip ip) {
    if (owned().contains(ip)) {
      return null;
    }
    return source
        ? new Flow(w.protocol(), ip, w.sourcePort(), w.destinationIp(), w.destinationPort(), w.icmpType(), w.icmpCode(),
            w.destinationDomain(), null, w.destination())
        : new Flow(w.protocol(), w.sourceIp(), w.sourcePort(), ip, w.destinationPort(), w.icmpType(), w.icmpCode(),
            w.destinationDomain(), w.source(), null);
  }

  private static Cidr prefix(dev.tierproof.model.Ip ip, int length) {
    int host = ip.bits() - length;
    BigInteger v = ip.familyValue().shiftRight(host).shiftLeft(host);
    dev.tierproof.model.Ip base =
        ip.family() == 4 ? dev.tierproof.model.Ip.v4(v.longValue()) : new dev.tierproof.model.Ip(6, v);
    return new Cidr(base, length);
  }

  /**
   * "Every other protocol": the class's protocol widened to every protocol that no rule, named
   * port or failsafe port mentions, when it is one of those and the solver proves it uniform;
   * else {@code c}. Such protocols are alike to every rule but for carrying ports.
   */
  private Cls otherProtocols(Cls c, Change change) {
    if (c.protocol() == null || protocols.contains(c.protocol()) || c.sourcePort() != null) {
      return c;
    }
    Cls t = c.otherThan(protocols);
    return uniform(t, change) ? t : c;
  }

  /**
   * An outside end (a range the evaluators suggested) widened to anywhere outside, or to the
   * widest prefix around the witness's address, when that stays uniform.
   */
  private Cls widerOutside(Cls c, Change change, Flow w, boolean source) {
    EndSet end = source ? c.src() : c.dst();
    if (!(end instanceof EndSet.Outside o) || o.ranges().isEmpty()) {
      return c;
    }
    Function<EndSet, Cls> at = s -> source ? c.with(s, c.dst()) : c.with(c.src(), s);
    if (o.ranges().size() > 1) {
      Cls any = at.apply(EndSet.Outside.in(null, o.domain()));
      return uniform(any, change) ? any : c;
    }
    EndSet wide = outside(at, change, o, w, source);
    return at.apply(wide);
  }

  /** Protocol and destination ports: any protocol, else any port, else the widest range around the witness port. */
  private Cls widenPackets(Cls c, Change change, Flow w) {
    Cls any = c.packets(null, null, null, null, null, c.ipVersion());
    if (c.sourcePort() == null && c.icmpType() == null && uniform(any, change)) {
      return any;
    }
    Cls others = otherProtocols(c, change);
    if (others != c) {
      return others;
    }
    if (c.port() == null) {
      if (c.icmpType() != null) {
        Cls anyType = c.packets(c.protocol(), null, c.sourcePort(), null, null, c.ipVersion());
        if (uniform(anyType, change)) {
          return anyType;
        }
      }
      return c;
    }
    int p = w.destinationPort();
    Cls anyPort = c.packets(c.protocol(), null, c.sourcePort(), null, null, c.ipVersion());
    // first the run of whole intervals that the evaluators suggest: one check when it holds, and
    // no wider run of whole intervals can (the witness, moved past either end, did not change so)
    int[] guess = p < 1 ? null : guessPorts(change, w);
    if (guess != null && guess[0] <= 1 && guess[1] == 65535) {
      if (uniform(anyPort, change)) {
        return anyPort;
      }
    } else if (guess != null) {
      Cls t = c.packets(c.protocol(), guess, c.sourcePort(), null, null, c.ipVersion());
      if (uniform(t, change)) {
        return t;
      }
    } else if (uniform(anyPort, change)) {
      return anyPort;
    }
    // the widest range of whole "elementary" port intervals (between the ports that rules and
    // named ports mention) around the witness port, else a binary search inside its interval
    if (p < 1) {
      return search(c, change, p);
    }
    List<Integer> cut = new ArrayList<>(cuts);
    int k = java.util.Collections.binarySearch(cut, p + 1);
    int right = k >= 0 ? k : -k - 1; // first cut > p
    int left = right - 1; // last cut <= p
    Function<int[], Boolean> ok =
        r -> uniform(c.packets(c.protocol(), r, c.sourcePort(), null, null, c.ipVersion()), change);
    if (!ok.apply(new int[] {cut.get(left), cut.get(right) - 1})) {
      return search(c, change, p);
    }
    int good = right; // [cut[left], cut[good] - 1] is uniform
    int bad = cut.size();
    for (int step = 1; good + step < cut.size(); step *= 2) {
      if (ok.apply(new int[] {cut.get(left), cut.get(good + step) - 1})) {
        good += step;
      } else {
        bad = good + step;
        break;
      }
    }
    while (bad - good > 1) {
      int mid = (good + bad) / 2;
      if (ok.apply(new int[] {cut.get(left), cut.get(mid) - 1})) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    int hi = cut.get(good) - 1;
    int low = left; // [cut[low], hi] is uniform
    int below = -1;
    for (int step = 1; low - step >= 0; step *= 2) {
      if (ok.apply(new int[] {cut.get(low - step), hi})) {
        low -= step;
      } else {
        below = low - step;
        break;
      }
    }
    while (low - below > 1) {
      int mid = (low + below) / 2;
      if (ok.apply(new int[] {cut.get(mid), hi})) {
        low = mid;
      } else {
        below = mid;
      }
    }
    return c.packets(c.protocol(), new int[] {cut.get(low), hi}, c.sourcePort(), null, null, c.ipVersion());
  }

  /**
   * The run of elementary port intervals (between {@link #cuts}) around the witness's port in
   * which the witness, moved to each interval's first port, changed so: a guess, for the solver to
   * prove.
   */
  private int[] guessPorts(Change change, Flow w) {
    Evaluator[] ev = evaluators.computeIfAbsent(witness.assumedProfiles(), this::evaluators);
    java.util.function.IntPredicate ok =
        port -> changed(ev, new Flow(w.protocol(), w.sourceIp(), w.sourcePort(), w.destinationIp(), port, w.icmpType(),
            w.icmpCode(), w.destinationDomain(), w.source(), w.destination()), change);
    List<Integer> cut = new ArrayList<>(cuts);
    int k = java.util.Collections.binarySearch(cut, w.destinationPort() + 1);
    int hi = k >= 0 ? k : -k - 1; // the first cut above the port: the run ends before cut[hi]
    int lo = hi - 1; // the run starts at cut[lo]
    while (hi < cut.size() - 1 && ok.test(cut.get(hi))) {
      hi++;
    }
    while (lo > 0 && ok.test(cut.get(lo - 1))) {
      lo--;
    }
    return new int[] {cut.get(lo), cut.get(hi) - 1};
  }

  /** The widest port range around {@code p} by binary search (hypothetical pods' named ports can be any port). */
  private Cls search(Cls c, Change change, int p) {
    int hi = p;
    int bad = 65536;
    while (bad - hi > 1) {
      int mid = hi + (bad - hi) / 2;
      Cls t = c.packets(c.protocol(), new int[] {p, mid}, c.sourcePort(), null, null, c.ipVersion());
      Answer x = unchanged(t, change);
      if (x.status() == SolverSession.Status.UNSAT) {
        hi = mid;
      } else {
        Integer at = x.sat() ? x.flow().destinationPort() : null;
        bad = at != null && at > hi ? Math.min(mid, at) : mid;
      }
    }
    int lo = p;
    bad = 0;
    while (lo - bad > 1) {
      int mid = lo - (lo - bad) / 2;
      Cls t = c.packets(c.protocol(), new int[] {mid, hi}, c.sourcePort(), null, null, c.ipVersion());
      Answer x = unchanged(t, change);
      if (x.status() == SolverSession.Status.UNSAT) {
        lo = mid;
      } else {
        Integer at = x.sat() ? x.flow().destinationPort() : null;
        bad = at != null && at < lo ? Math.max(mid, at) : mid;
      }
    }
    return c.packets(c.protocol(), new int[] {lo, hi}, c.sourcePort(), null, null, c.ipVersion());
  }

  /** Endpoints as an end: once each, in input order (equal sets make equal ends); address-less ones at free addresses within and except these ranges. */
  private Ends endpoints(List<Endpoint> endpoints, List<Cidr> within, List<Cidr> except) {
    TreeMap<Integer, Endpoint> ordered = new TreeMap<>();
    endpoints.forEach(e -> ordered.putIfAbsent(position.get(e), e));
    return new Ends(EndKind.ENDPOINTS, null, Set.of(), false, null, List.copyOf(ordered.values()), List.of(), null, within, except, null, true);
  }

  private Ends ends(EndSet s) {
    if (s instanceof EndSet.Any) {
      return Ends.ANY;
    }
    if (s instanceof EndSet.Pods p) {
      return new Ends(EndKind.PODS, p.namespaces(), p.excluded(), p.unlisted(), p.selector(), List.of(), List.of(), null, p.within(), p.except(), p.ports(), p.existing());
    }
    if (s instanceof EndSet.Endpoints e) {
      return endpoints(e.endpoints(), e.within(), e.except());
    }
    if (s instanceof EndSet.Outside o) {
      return new Ends(EndKind.OUTSIDE, null, Set.of(), false, null, List.of(), o.ranges(), o.domain(), List.of(), List.of(), null, true);
    }
    EndSet.Range r = (EndSet.Range) s;
    return new Ends(EndKind.OUTSIDE, null, Set.of(), false, null, List.of(), List.of(r.range()), null, List.of(), List.of(), null, true);
  }

  // ---------------------------------------------------------------------------------------------
  // replay

  /** Both versions' verdicts on the answer's flow; they must differ, and the current one must be the solver's. */
  private Verdict[] replay(Answer a) {
    Evaluator[] ev = evaluators.computeIfAbsent(a.assumedProfiles(), this::evaluators);
    Flow f = a.flow();
    Verdict b = ev[0].evaluate(back(f));
    Verdict n = ev[1].evaluate(f);
    if (n.allowed() != a.allowed() || b.allowed() == n.allowed()) {
      throw new IllegalStateException(
          "internal error: solver and evaluator disagree on a changed flow: the solver says it is "
              + (a.allowed() ? "allowed" : "denied") + " now and the other way before; flow " + f.describe()
              + "; eval before " + b.describe() + "; eval now " + n.describe());
    }
    return new Verdict[] {b, n};
  }

  /**
   * For a base {@link #paired} with {@code after}: each current endpoint whose base version
   * differs, to that version.
   */
  public static Map<Endpoint, Endpoint> twins(PolicySet paired, PolicySet after) {
    Map<Endpoint, Endpoint> out = new java.util.IdentityHashMap<>();
    for (int i = 0; i < after.endpoints().size(); i++) {
      if (paired.endpoints().get(i) != after.endpoints().get(i)) {
        out.put(after.endpoints().get(i), paired.endpoints().get(i));
      }
    }
    return out;
  }

  private Flow back(Flow f) {
    return back(f, twins);
  }

  /** The flow as the base sees it: its input endpoints in their base versions ({@link #twins}). */
  public static Flow back(Flow f, Map<Endpoint, Endpoint> twins) {
    Endpoint s = f.source() == null ? null : twins.getOrDefault(f.source(), f.source());
    Endpoint d = f.destination() == null ? null : twins.getOrDefault(f.destination(), f.destination());
    if (s == f.source() && d == f.destination()) {
      return f;
    }
    return new Flow(f.protocol(), f.sourceIp(), f.sourcePort(), f.destinationIp(), f.destinationPort(), f.icmpType(),
        f.icmpCode(), f.destinationDomain(), s, d);
  }

  private Evaluator[] evaluators(Map<String, Profile> extra) {
    return new Evaluator[] {new Evaluator(withProfiles(before, extra)), new Evaluator(withProfiles(after, extra))};
  }

  private static PolicySet withProfiles(PolicySet set, Map<String, Profile> extra) {
    if (extra.isEmpty()) {
      return set;
    }
    Map<String, Profile> profiles = new LinkedHashMap<>(set.profiles());
    profiles.putAll(extra);
    return new PolicySet(set.tiers(), set.endpoints(), set.networkSets(), profiles, set.namespaces());
  }

  // ---------------------------------------------------------------------------------------------
  // inputs

  /**
   * The base as the diff compares it with {@code current}, endpoint by endpoint: the base's tiers,
   * network sets and profiles; the current endpoints in order, each in its base version when the
   * base has it (same kind, source and reference) with other labels, named ports or profiles (at
   * the current addresses: a changed address is compared as the current one), else the current
   * one; the current namespaces, each with its base labels when the base declares it. What only
   * the current input has is taken as it is now, in both.
   */
  public static PolicySet paired(PolicySet base, PolicySet current) {
    Map<String, Endpoint> old = byRef(base.endpoints());
    List<Endpoint> endpoints = new ArrayList<>();
    for (Endpoint e : current.endpoints()) {
      Endpoint b = old.get(key(e));
      boolean same = b == null
          || (b.labels().equals(e.labels()) && b.ports().equals(e.ports()) && b.profiles().equals(e.profiles()));
      endpoints.add(same ? e : new Endpoint(b.kind(), b.namespace(), b.name(), b.source(), b.labels(), e.ips(), b.ports(),
          b.profiles(), b.node(), b.span()));
    }
    Map<String, Namespace> namespaces = new LinkedHashMap<>();
    current.namespaces().forEach((n, ns) -> namespaces.put(n, base.namespaces().getOrDefault(n, ns)));
    Map<String, Profile> profiles = new LinkedHashMap<>();
    current.profiles().forEach((name, p) -> {
      if (builtIn(name)) {
        profiles.put(name, base.profiles().getOrDefault(name, p));
      }
    });
    base.profiles().forEach((name, p) -> {
      if (builtIn(name)) {
        profiles.putIfAbsent(name, p);
      } else {
        profiles.put(name, p);
      }
    });
    return new PolicySet(base.tiers(), endpoints, base.networkSets(), profiles, namespaces);
  }

  private static boolean builtIn(String profile) {
    return profile.startsWith("kns.") || profile.startsWith("ksa.") || profile.equals("projectcalico-default-allow");
  }

  /**
   * What the comparison cannot compare, or compares in a way worth saying: endpoints only in one
   * input, endpoints at other addresses, namespaces only in one input.
   */
  static List<String> inventory(PolicySet base, PolicySet current) {
    List<String> out = new ArrayList<>();
    Map<String, Endpoint> b = byRef(base.endpoints());
    Map<String, Endpoint> c = byRef(current.endpoints());
    List<String> added = c.keySet().stream().filter(k -> !b.containsKey(k)).toList();
    List<String> removed = b.keySet().stream().filter(k -> !c.containsKey(k)).toList();
    List<String> moved =
        c.keySet().stream().filter(b::containsKey).filter(k -> !b.get(k).ips().equals(c.get(k).ips())).toList();
    if (!added.isEmpty()) {
      out.add(count(added, "endpoint") + " only in the current input (" + sample(added)
          + "): the base's policies are applied to " + (added.size() == 1 ? "it" : "them") + " as " + (added.size() == 1 ? "it is" : "they are") + " now");
    }
    if (!removed.isEmpty()) {
      out.add(count(removed, "endpoint") + " only in the base (" + sample(removed) + "): not compared, their flows are gone");
    }
    if (!moved.isEmpty()) {
      out.add(count(moved, "endpoint") + " at other addresses in the base (" + sample(moved) + "): compared at the current addresses");
    }
    List<String> ns = new ArrayList<>();
    Set<String> names = new TreeSet<>(base.namespaces().keySet());
    names.addAll(current.namespaces().keySet());
    for (String n : names) {
      if (base.namespaces().containsKey(n) != current.namespaces().containsKey(n)) {
        ns.add(n);
      }
    }
    if (!ns.isEmpty()) {
      out.add(count(ns, "namespace") + " only in one input (" + sample(ns) + "): compared with the labels the current input gives");
    }
    return out;
  }

  private static Map<String, Endpoint> byRef(List<Endpoint> endpoints) {
    Map<String, Endpoint> out = new TreeMap<>();
    for (Endpoint e : endpoints) {
      out.putIfAbsent(key(e), e);
    }
    return out;
  }

  private static String key(Endpoint e) {
    return e.kind() + " " + e.source() + " " + e.ref();
  }

  private static String count(List<String> items, String noun) {
    return items.size() + " " + noun + (items.size() == 1 ? "" : "s");
  }

  private static String sample(List<String> items) {
    List<String> shown = items.stream().limit(3).map(s -> "`" + s.substring(s.lastIndexOf(' ') + 1) + "`").toList();
    return String.join(", ", shown) + (items.size() > 3 ? ", ..." : "");
  }

  /** Policies, tiers, network sets and declared profiles that were added, removed or modified. */
  static List<InputChange> changes(PolicySet base, PolicySet current) {
    List<InputChange> out = new ArrayList<>();
    compare(out, base.policies(), current.policies(),
        p -> p.kind().felixName() + " " + p.displayName(), Diff::content, Policy::span);
    compare(out, base.tiers(), current.tiers(),
        t -> "Tier " + t.name(), t -> java.util.Arrays.asList(t.order(), t.defaultAction(), t.declared()), Tier::span);
    compare(out, base.networkSets(), current.networkSets(),
        s -> (s.namespace() == null ? "GlobalNetworkSet " + s.name() : "NetworkSet " + s.namespace() + "/" + s.name()),
        s -> List.of(s.labels(), s.nets(), s.allowedEgressDomains()), NetworkSet::span);
    List<InputChange> inventory = new ArrayList<>();
    compare(inventory, base.endpoints(), current.endpoints(), e -> e.source() + " " + e.ref(),
        e -> List.of(e.labels(), e.ports(), e.profiles()), Endpoint::span);
    compare(inventory, List.copyOf(base.namespaces().values()), List.copyOf(current.namespaces().values()),
        n -> "Namespace " + n.name(), Namespace::labels, Namespace::span);
    inventory.stream().filter(x -> x.how().equals("modified")).forEach(out::add);
    compare(out,
        base.profiles().values().stream().filter(p -> !builtIn(p.name())).toList(),
        current.profiles().values().stream().filter(p -> !builtIn(p.name())).toList(),
        p -> "Profile " + p.name(), p -> List.of(p.labels(), rules(p.ingress()), rules(p.egress())), Profile::span);
    return out;
  }

  private static <T> void compare(
      List<InputChange> out, List<T> base, List<T> current, Function<T, String> name,
      Function<T, Object> content, Function<T, Span> span) {
    Map<String, T> b = new LinkedHashMap<>();
    base.forEach(x -> b.putIfAbsent(name.apply(x), x));
    Map<String, T> c = new LinkedHashMap<>();
    current.forEach(x -> c.putIfAbsent(name.apply(x), x));
    Set<String> all = new LinkedHashSet<>(b.keySet());
    all.addAll(c.keySet());
    for (String n : all) {
      T x = b.get(n);
      T y = c.get(n);
      if (x == null) {
        out.add(new InputChange(n, "added", Span.NONE, span.apply(y)));
      } else if (y == null) {
        out.add(new InputChange(n, "removed", span.apply(x), Span.NONE));
      } else if (!content.apply(x).equals(content.apply(y))) {
        out.add(new InputChange(n, "modified", span.apply(x), span.apply(y)));
      }
    }
  }

  private static Object content(Policy p) {
    return java.util.Arrays.asList(
        p.tier(), p.order(), p.selector(), p.types(), rules(p.ingress()), rules(p.egress()),
        p.doNotTrack(), p.preDnat(), p.applyOnForward());
  }

  private static List<Rule> rules(List<Rule> rules) {
    return rules.stream()
        .map(r -> new Rule(r.index(), r.action(), r.ipVersion(), r.protocol(), r.notProtocol(), r.icmp(),
            r.notIcmp(), r.source(), r.destination(), r.http(), Span.NONE))
        .toList();
  }
}
