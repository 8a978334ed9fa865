package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Placement;
import dev.tierproof.model.Placements;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffEncoding;
import dev.tierproof.smt.DiffQuery;
import dev.tierproof.smt.DiffQuery.Change;
import dev.tierproof.smt.EndSet;
import dev.tierproof.smt.Outside;
import dev.tierproof.smt.Region;
import dev.tierproof.smt.SolverSession;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Grows one changed flow of a diff into a class of flows that all changed the same way (diff
 * classes): starting from the tightest class around the witness, each dimension is widened greedily
 * while the solver proves every flow of the class changed so ({@link #uniform}); the ends by {@link
 * WidenEnds}, the packets by {@link WidenPackets}. Cheap counterexamples come first: the witness
 * moved to other input endpoints, judged by both versions' evaluators ({@link Replay#changed}).
 * Works in one scope of the diff's encoding at a time ({@link #at}). Not thread-safe.
 */
final class Generalizer {

  private final PolicySet after;
  private final Replay replay;
  private final WidenEnds ends;
  private final WidenPackets packets;
  private final WidenPlacement placement;

  /** Each input endpoint's position in the input. */
  private final Map<Endpoint, Integer> position = new IdentityHashMap<>();

  /** Per end of the current scope, the namespaces all of whose pods it holds. */
  private final Map<Boolean, Set<String>> whole = new HashMap<>();

  /** Every input endpoint's addresses. */
  private Set<dev.tierproof.model.Ip> owned;

  DiffQuery query;

  /** The answer the current class grows from. */
  Answer witness;

  DiffEncoding encoding;
  DiffEncoding.Suspect scope;

  /** Solver checks so far. */
  int checks;

  Generalizer(PolicySet after, Replay replay, Mentions mentions) {
    this.after = after;
    this.replay = replay;
    this.ends = new WidenEnds(this, after, mentions.selectorKeys(), mentions.atoms());
    this.packets =
        new WidenPackets(this, mentions.cuts(), mentions.protocols(), mentions.failsafe());
    this.placement = new WidenPlacement(this, replay);
    after.endpoints().forEach(e -> position.put(e, position.size()));
  }

  /** Works in {@code scope} of {@code encoding} through {@code query} from now on. */
  void at(DiffEncoding encoding, DiffEncoding.Suspect scope, DiffQuery query) {
    this.encoding = encoding;
    this.scope = scope;
    this.query = query;
    whole.clear();
  }

  /** True when both versions' evaluators say {@code f} changed as {@code change} says. */
  boolean changed(Flow f, Change change) {
    return replay.changed(f, witness.assumedProfiles(), change);
  }

  record Found(ChangeClass change, Region region) {}

  Found generalize(Answer a) {
    witness = a;
    Flow w = a.flow();
    Verdict[] v = replay.change(a);
    Kind kind = v[1].allowed() ? Kind.OPENED : Kind.CLOSED;
    Change change = kind == Kind.OPENED ? Change.OPENED : Change.CLOSED;
    boolean ports = Protocols.hasPorts(w.protocol());
    boolean icmp = Protocols.isIcmp(w.protocol());
    // spec S6.11, S6.12: a witness whose other placements did not all change so keeps the class
    // to its own
    java.util.Set<String> walked = replay.walked();
    Placement mine = Placement.of(w, walked);
    Placements placed =
        w.placements(replay.ports()).stream()
                .allMatch(o -> mine.holds(o, walked) || changed(o, change))
            ? null
            : Placements.of(mine);
    Candidate c =
        new Candidate(
            ends.tightest(w, true),
            ends.tightest(w, false),
            new FlowSpec(
                w.protocol(),
                ports ? new Port.Range(w.destinationPort(), w.destinationPort()) : null,
                ports ? new Port.Range(w.sourcePort(), w.sourcePort()) : null,
                icmp ? w.icmpType() : null,
                icmp ? w.icmpCode() : null,
                w.family()),
            placed);
    if (c.dst() instanceof Outside o && Outside.UNNAMED.equals(o.domain())) {
      Candidate anyName = c.with(c.src(), new Outside(o.ranges(), null));
      if (uniform(anyName, change)) {
        c = anyName; // spec S3.6: by any name alike
      }
    }
    Candidate guess = optimistic(c, change, w, true);
    if (guess != null && !uniform(guess, change)) {
      // the outside ranges that looked alike did not all change so: the witness's range alone
      guess =
          WidenEnds.widerThanOne(guess.src()) || WidenEnds.widerThanOne(guess.dst())
              ? optimistic(c, change, w, false)
              : null;
      guess = guess != null && uniform(guess, change) ? guess : null;
    }
    if (guess != null) {
      // one proof for the class the evaluators suggest; then only what is wider still
      c = guess;
      for (boolean source : List.of(true, false)) {
        Candidate any =
            source ? c.with(new EndSet.Any(), c.dst()) : c.with(c.src(), new EndSet.Any());
        if (uniform(any, change)) {
          c = any;
        }
      }
      Candidate anyProtocol = c.anyPacket();
      if (c.packets().icmpType() == null && uniform(anyProtocol, change)) {
        c = anyProtocol;
      } else {
        c = packets.otherTypes(packets.otherProtocols(c, change), change, w);
      }
      for (boolean source : List.of(true, false)) {
        c = ends.widerOutside(c, change, w, source);
      }
      c = packets.otherRuns(c, change, w);
      return found(kind, placement.widen(c, change, w), w, v);
    }
    c = tight(c, change, w);
    if (c == null) {
      return null;
    }
    for (boolean source : List.of(true, false)) {
      EndSet end = source ? c.src() : c.dst();
      if (end instanceof EndSet.Pods p && (!p.within().isEmpty() || !p.except().isEmpty())) {
        Candidate t =
            source
                ? c.with(p.at(List.of(), List.of()), c.dst())
                : c.with(c.src(), p.at(List.of(), List.of()));
        if (uniform(t, change)) {
          c = t;
        } else {
          Candidate k = c;
          EndSet.Pods q =
              ends.loosen(p, s -> source ? k.with(s, k.dst()) : k.with(k.src(), s), change);
          c = source ? c.with(q, c.dst()) : c.with(c.src(), q);
        }
      } else if (end instanceof EndSet.Endpoints x
          && (!x.within().isEmpty() || !x.except().isEmpty())) {
        EndSet.Endpoints anywhere = new EndSet.Endpoints(x.endpoints());
        Candidate t = source ? c.with(anywhere, c.dst()) : c.with(c.src(), anywhere);
        if (uniform(t, change)) {
          c = t;
        }
      }
    }
    for (boolean source : List.of(true, false)) {
      EndSet end = source ? c.src() : c.dst();
      if (end instanceof EndSet.Pods p && p.ports() != null) {
        Candidate t =
            source ? c.with(p.declaring(null), c.dst()) : c.with(c.src(), p.declaring(null));
        if (uniform(t, change)) {
          c = t;
        } else {
          c = ends.atPort(c, change, w, source);
        }
      }
    }
    // pins that the class does not need: source port, ICMP code, address family
    FlowSpec p = c.packets();
    Candidate loose =
        c.with(
            new FlowSpec(
                p.protocol(), p.port(), null, p.icmpType(), icmp ? null : p.icmpCode(), null));
    if (uniform(loose, change)) {
      c = loose;
    } else {
      for (UnaryOperator<FlowSpec> drop :
          List.<UnaryOperator<FlowSpec>>of(
              x ->
                  new FlowSpec(
                      x.protocol(), x.port(), null, x.icmpType(), x.icmpCode(), x.ipVersion()),
              x ->
                  new FlowSpec(
                      x.protocol(), x.port(), x.sourcePort(), x.icmpType(), null, x.ipVersion()),
              x ->
                  new FlowSpec(
                      x.protocol(), x.port(), x.sourcePort(), x.icmpType(), x.icmpCode(), null))) {
        Candidate t = c.with(drop.apply(c.packets()));
        if (!t.equals(c) && uniform(t, change)) {
          c = t;
        }
      }
    }
    c = c.with(ends.widen(c, change, w, true), c.dst());
    c = c.with(c.src(), ends.widen(c, change, w, false));
    c = packets.widenPackets(c, change, w);
    c = packets.widenSourcePort(c, change, w);
    c = packets.otherRuns(c, change, w);
    return found(kind, placement.widen(c, change, w), w, v);
  }

  /**
   * The class the evaluators suggest around a witness between input endpoints or outside addresses:
   * each end widened to the input endpoints of the scope at which the witness changed so, or to the
   * ranges that changed alike ({@code union}; else the narrowest range the encodings test around
   * the address); the ports to the run of whole intervals in which it changed so; no source port,
   * ICMP code or family pin. Null when the scope holds pods that could be deployed.
   */
  private Candidate optimistic(Candidate c, Change change, Flow w, boolean union) {
    for (DiffEncoding.EndScope end : List.of(scope.sources(), scope.destinations())) {
      if (end.everything() || end.unlisted() || !end.namespaces().isEmpty()) {
        return null; // pods that could be deployed: classes of namespaces and labels
      }
    }
    EndSet[] guessed = new EndSet[2];
    for (boolean source : List.of(true, false)) {
      EndSet tight = source ? c.src() : c.dst();
      EndSet guess;
      if (tight instanceof EndSet.Endpoints) {
        guess = ends.candidates((EndSet.Endpoints) tight, change, w, source);
      } else if (tight instanceof Outside o) {
        guess =
            new Outside(
                union
                    ? ends.alike(change, w, source)
                    : List.of(
                        ends.narrowestTested(source ? w.sourceIp() : w.destinationIp(), source)),
                o.domain());
      } else {
        return null;
      }
      guessed[source ? 0 : 1] = guess;
    }
    Port.Range ports = c.packets().port() == null ? null : packets.guessPorts(change, w);
    if (ports != null && ports.min() <= 1 && ports.max() == 65535) {
      ports = null;
    }
    boolean icmp = Protocols.isIcmp(w.protocol());
    FlowSpec p = c.packets();
    return new Candidate(
        guessed[0],
        guessed[1],
        new FlowSpec(p.protocol(), ports, null, p.icmpType(), icmp ? null : p.icmpCode(), null),
        c.placed());
  }

  private Found found(Kind kind, Candidate c, Flow w, Verdict[] v) {
    Ends source = ends(c.src());
    Ends destination = ends(c.dst());
    return new Found(
        new ChangeClass(kind, source, destination, c.packets(), c.placed(), w, v[0], v[1]),
        c.region());
  }

  /**
   * Every flow of the class changed so: proved by the solver in the current scope, which must hold
   * the whole class (outside the scopes nothing changed); unknown counts as no.
   */
  boolean uniform(Candidate c, Change change) {
    return inScope(c) && unchanged(c, change).status() == SolverSession.Status.UNSAT;
  }

  /**
   * The ranges (that the encodings test at an end) an address is in and out of, in a fixed order.
   */
  record Ranges(List<Cidr> in, List<Cidr> out) {}

  Ranges ranges(boolean source, dev.tierproof.model.Ip a) {
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
   * test) the witness's address is in, with the input's pods of their labels or, when those did not
   * change alike, without them; null when even that is not uniform.
   */
  private Candidate tight(Candidate c, Change change, Flow w) {
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
    if (uniform(c, change)) {
      return c;
    }
    // spec S5.2: an endpoint with several addresses may change at some only: at the witness's
    Candidate at = c;
    for (boolean source : List.of(true, false)) {
      if ((source ? at.src() : at.dst()) instanceof EndSet.Endpoints x
          && x.within().isEmpty()
          && x.except().isEmpty()
          && x.endpoints().stream().anyMatch(e -> e.ips().size() > 1)) {
        Cidr ip = Cidr.host(source ? w.sourceIp() : w.destinationIp());
        EndSet.Endpoints pinned = new EndSet.Endpoints(x.endpoints(), List.of(ip), List.of());
        at = source ? at.with(pinned, at.dst()) : at.with(at.src(), pinned);
      }
    }
    if (at != c && uniform(at, change)) {
      return at;
    }
    // spec S5.3: input pods with the labels of a pod that could be deployed may still differ from
    // it in what no label says (their profiles, their node): the hypothetical pods alone
    Candidate h = c;
    for (boolean source : List.of(true, false)) {
      if ((source ? h.src() : h.dst()) instanceof EndSet.Pods p && p.existing()) {
        h = source ? h.with(p.hypothetical(), h.dst()) : h.with(h.src(), p.hypothetical());
      }
    }
    return h != c && inScope(h) && uniform(h, change) ? h : null;
  }

  boolean inScope(Candidate c) {
    return encoding.contains(scope.sources(), c.src())
        && encoding.contains(scope.destinations(), c.dst());
  }

  /**
   * The namespaces all of whose pods, existing and hypothetical, the current scope holds at one
   * end.
   */
  Set<String> whole(boolean source) {
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
  Answer unchanged(Candidate c, Change change) {
    Flow sampled = sampled(c, change);
    if (sampled != null) {
      return new Answer(
          SolverSession.Status.SAT, sampled, false, List.of(), witness.assumedProfiles(), null, 0);
    }
    checks++;
    Answer a = query.unchangedIn(c.region(), change);
    Diff.trace(
        "    unchanged %s in %d ms: %s -> %s%s",
        a.status(),
        a.millis(),
        c.src().getClass().getSimpleName(),
        c.dst().getClass().getSimpleName(),
        a.flow() == null ? "" : ": " + a.flow().describe());
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
  private Flow sampled(Candidate c, Change change) {
    Flow w = witness.flow();
    for (boolean source : List.of(true, false)) {
      for (Endpoint e : samples(source ? c.src() : c.dst())) {
        Flow f = moved(w, source, e);
        if (f == null
            || c.placed() != null && !c.placed().holds(f, replay.walked())
            || !at(source ? c.src() : c.dst(), source ? f.sourceIp() : f.destinationIp())) {
          continue; // not in the class
        }
        if (!changed(f, change)) {
          return f;
        }
      }
    }
    return null;
  }

  /** Whether an endpoint of {@code s} may be at {@code ip}: in its ranges, if it pins them. */
  private static boolean at(EndSet s, dev.tierproof.model.Ip ip) {
    return !(s instanceof EndSet.Endpoints x)
        || x.within().stream().allMatch(r -> r.contains(ip))
            && x.except().stream().noneMatch(r -> r.contains(ip));
  }

  /** Up to two input endpoints per namespace (and host endpoints) of an end set. */
  List<Endpoint> samples(EndSet s) {
    List<Endpoint> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<Endpoint> pool =
        s instanceof EndSet.Endpoints e
            ? e.endpoints()
            : s instanceof EndSet.Pods || s instanceof EndSet.Any ? after.endpoints() : List.of();
    for (Endpoint e : pool) {
      if (s instanceof EndSet.Pods p
          && (!p.existing()
              || e.isHost()
              || !p.includes(e.namespace())
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
  static Flow moved(Flow w, boolean source, Endpoint e) {
    dev.tierproof.model.Ip ip =
        e.ips().stream().filter(x -> x.family() == w.family()).findFirst().orElse(null);
    if (ip == null || (source ? ip.equals(w.destinationIp()) : ip.equals(w.sourceIp()))) {
      return null;
    }
    return w.moved(source, ip, e, source ? w.destinationDomain() : null);
  }

  /** The witness with its outside end at {@code ip}, or null when an endpoint owns that address. */
  Flow movedOutside(Flow w, boolean source, dev.tierproof.model.Ip ip) {
    if (owned().contains(ip)) {
      return null;
    }
    return w.moved(source, ip, null, w.destinationDomain());
  }

  static Cidr prefix(dev.tierproof.model.Ip ip, int length) {
    int host = ip.bits() - length;
    BigInteger v = ip.familyValue().shiftRight(host).shiftLeft(host);
    dev.tierproof.model.Ip base =
        ip.family() == 4
            ? dev.tierproof.model.Ip.v4(v.longValue())
            : new dev.tierproof.model.Ip(6, v);
    return new Cidr(base, length);
  }

  /** The first address of the other half of the range one bit wider than {@code r}. */
  static dev.tierproof.model.Ip sibling(Cidr r) {
    BigInteger v = r.address().familyValue().flipBit(r.address().bits() - r.prefix());
    return r.family() == 4
        ? dev.tierproof.model.Ip.v4(v.longValue())
        : new dev.tierproof.model.Ip(6, v);
  }

  /**
   * Endpoints as an end: once each, in input order (equal sets make equal ends); address-less ones
   * at free addresses within and except these ranges.
   */
  Ends endpoints(List<Endpoint> endpoints, List<Cidr> within, List<Cidr> except) {
    TreeMap<Integer, Endpoint> ordered = new TreeMap<>();
    endpoints.forEach(e -> ordered.putIfAbsent(position.get(e), e));
    return new Ends(
        EndKind.ENDPOINTS,
        null,
        Set.of(),
        false,
        null,
        List.copyOf(ordered.values()),
        List.of(),
        null,
        within,
        except,
        null,
        true,
        null);
  }

  Ends ends(EndSet s) {
    if (s instanceof EndSet.Any) {
      return Ends.ANY;
    }
    if (s instanceof EndSet.Pods p) {
      return new Ends(
          EndKind.PODS,
          p.namespaces(),
          p.excluded(),
          p.unlisted(),
          p.selector(),
          List.of(),
          List.of(),
          null,
          p.within(),
          p.except(),
          p.ports(),
          p.existing(),
          p.atPort());
    }
    if (s instanceof EndSet.Endpoints e) {
      return endpoints(e.endpoints(), e.within(), e.except());
    }
    if (s instanceof Outside o) {
      return outside(o.ranges(), o.domain());
    }
    return outside(List.of(((EndSet.Range) s).range()), null);
  }

  /**
   * Addresses outside the cluster in one of {@code ranges} (none: any), reached by {@code domain}.
   */
  private static Ends outside(List<Cidr> ranges, String domain) {
    return new Ends(
        EndKind.OUTSIDE,
        null,
        Set.of(),
        false,
        null,
        List.of(),
        ranges,
        domain,
        List.of(),
        List.of(),
        null,
        true,
        null);
  }
}
