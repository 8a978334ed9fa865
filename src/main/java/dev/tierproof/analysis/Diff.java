package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.analysis.DiffResult.InputChange;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Input;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Scope;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffEncoding;
import dev.tierproof.smt.DiffQuery;
import dev.tierproof.smt.DiffQuery.Change;
import dev.tierproof.smt.Region;
import dev.tierproof.smt.SolverSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 * complete: no other flow changed. A solver {@code unknown} or the class cap stops the search with
 * an inconclusive result.
 */
public final class Diff {

  public static final int DEFAULT_MAX_CLASSES = 100;

  /** Both versions' evaluators: every change is confirmed by them. */
  private final Replay replay;

  /** Grows each witness into a class, one scope at a time. */
  private final Generalizer gen;

  private Diff(PolicySet before, PolicySet after) {
    this.replay = Replay.between(before, after);
    this.gen = new Generalizer(after, replay, Mentions.of(before, after));
  }

  /**
   * Compares {@code base} with {@code current} over the ends of {@code ends}; {@code timeout}
   * bounds each solver check, {@code maxClasses} the number of classes before the search stops
   * (inconclusive).
   */
  public static DiffResult run(
      PolicySet base, PolicySet current, Scope ends, Duration timeout, int maxClasses) {
    return run(base, current, ends, timeout, maxClasses, dev.tierproof.source.Progress.NONE);
  }

  /**
   * {@link #run(PolicySet, PolicySet, Scope, Duration, int, dev.tierproof.source.Progress)} over
   * two loaded inputs, also listing the Services, EndpointSlices and Endpoints that changed what a
   * {@code services} rule side matches (spec S3.9): a policy whose rules changed only there is not
   * listed itself.
   */
  public static DiffResult run(
      Input base,
      Input current,
      Scope ends,
      Duration timeout,
      int maxClasses,
      dev.tierproof.source.Progress progress) {
    return run(base.set(), current.set(), ends, timeout, maxClasses, progress)
        .withChanges(Inventory.services(base, current));
  }

  /** The same, telling {@code progress} of each part of the flow space searched. */
  public static DiffResult run(
      PolicySet base,
      PolicySet current,
      Scope ends,
      Duration timeout,
      int maxClasses,
      dev.tierproof.source.Progress progress) {
    long start = System.nanoTime();
    List<String> notes = Inventory.notes(base, current);
    List<InputChange> changes = Inventory.changes(base, current);
    PolicySet rebased = paired(base, current);
    Diff d = new Diff(rebased, current);
    List<ChangeClass> classes = new ArrayList<>();
    int ranged = 0; // classes found with ranges outside, before their join: they count on the cap
    List<Region> regions = new ArrayList<>();
    String reason = null;
    int scopes;
    try (SolverSession session = SolverSession.pinned(timeout)) {
      long t0 = System.nanoTime();
      DiffEncoding encoding = DiffEncoding.encode(rebased, current, session, ends == Scope.ANY);
      long t1 = System.nanoTime();
      List<DiffEncoding.Suspect> all = encoding.suspects();
      trace(
          "prep %d ms, encode %d ms, scopes %d ms",
          (t0 - start) / 1000000, (t1 - t0) / 1000000, (System.nanoTime() - t1) / 1000000);
      scopes = all.size();
      int searched = 0;
      search:
      for (DiffEncoding.Suspect scope : all) {
        progress.at("parts of the flow space", searched++, all.size());
        long ts = System.nanoTime();
        // classes found elsewhere that may hold flows of this scope (the rest cannot)
        List<Region> near = new ArrayList<>();
        for (Region r : regions) {
          if (encoding.mayMeet(scope.sources(), r.source())
              && encoding.mayMeet(scope.destinations(), r.destination())) {
            near.add(r);
          }
        }
        try (DiffQuery q = encoding.open(scope, near)) {
          trace(
              "scope %s: %s -> %s: opened in %d ms",
              scope.reason(),
              scope.sources().describe(),
              scope.destinations().describe(),
              (System.nanoTime() - ts) / 1000000);
          d.gen.at(encoding, scope, q);
          while (true) {
            Answer a = q.find(Change.CHANGED, near);
            d.gen.checks++;
            trace("  find: %s in %d ms", a.status(), a.millis());
            if (a.status() == SolverSession.Status.UNSAT) {
              break;
            }
            if (a.status() == SolverSession.Status.UNKNOWN) {
              reason =
                  "the solver could not decide whether more flows changed (" + a.reason() + ")";
              break search;
            }
            if (classes.size() >= maxClasses || ranged >= maxClasses) {
              reason =
                  "stopped after " + maxClasses + " classes (--max-classes); more flows changed";
              break search;
            }
            long tg = System.nanoTime();
            Generalizer.Found f = d.gen.generalize(a);
            trace("  generalized in %d ms", (System.nanoTime() - tg) / 1000000);
            if (f == null) {
              reason =
                  "could not group the change of "
                      + a.flow().describe()
                      + " into a class the solver can prove";
              break search;
            }
            classes.add(f.change());
            if (!f.change().source().ranges().isEmpty()
                || !f.change().destination().ranges().isEmpty()) {
              ranged++; // the widening finds a range outside block by block: each is work
            }
            classes = d.merge(classes); // joined as they come, so the cap counts joined classes
            trace(
                "  class %s %s -> %s (%d checks so far)",
                f.change().kind(),
                f.change().source().display(),
                f.change().destination().display(),
                d.gen.checks);
            regions.add(f.region());
            near.add(f.region());
          }
        } finally {
          d.gen.at(encoding, scope, null);
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
        new DiffResult.Stats(d.gen.checks, millis, scopes));
  }

  /**
   * Classes that differ only in the namespaces (or the listed endpoints, or the ranges outside, or
   * anything of a pod end: {@link EndUnion}) of one end, or only in their placements, or only in
   * their destination ports, or in their protocols where the union is every protocol but some
   * ({@link ProtocolJoin}), joined: each was proved, so their union changed alike. Scopes split per
   * namespace find a change that spans namespaces once per namespace; this is where it becomes one
   * class again (with the first class's witness).
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
        FlowSpec ports = PortJoin.joined(m, c);
        if (ports == null) {
          ports = ProtocolJoin.joined(m, c);
        }
        if (ports != null) {
          out.set(
              i,
              new ChangeClass(
                  m.kind(),
                  m.source(),
                  m.destination(),
                  ports,
                  m.placed(),
                  m.witness(),
                  m.before(),
                  m.after()));
          continue next;
        }
        if (m.kind() != c.kind() || !m.packets().equals(c.packets())) {
          continue;
        }
        if (!java.util.Objects.equals(m.placed(), c.placed())) {
          if (m.placed() != null
              && c.placed() != null
              && m.source().equals(c.source())
              && m.destination().equals(c.destination())) {
            // spec S6.10-S6.12: the same flows changed alike placed otherwise: one class
            out.set(
                i,
                new ChangeClass(
                    m.kind(),
                    m.source(),
                    m.destination(),
                    m.packets(),
                    m.placed().and(c.placed()),
                    m.witness(),
                    m.before(),
                    m.after()));
            continue next;
          }
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
          out.set(
              i,
              new ChangeClass(
                  m.kind(), src, dst, m.packets(), m.placed(), m.witness(), m.before(), m.after()));
          continue next;
        }
      }
      out.add(c);
    }
    return out;
  }

  /**
   * The union of two ends when it is an end again (namespaces, endpoints or ranges outside joined;
   * pod ends always, {@link EndUnion}), else null.
   */
  private Ends join(Ends a, Ends b) {
    if (a.kind() == EndKind.OUTSIDE && b.kind() == EndKind.OUTSIDE) {
      // the greedy widening finds a range outside block by block: one class again
      if (a.ranges().isEmpty()
          || b.ranges().isEmpty()
          || !java.util.Objects.equals(a.domain(), b.domain())) {
        return null;
      }
      List<Cidr> all = new ArrayList<>(a.ranges());
      all.addAll(b.ranges());
      return a.withRanges(dev.tierproof.model.Cidrs.union(all));
    }
    if (a.kind() == EndKind.ENDPOINTS && b.kind() == EndKind.ENDPOINTS) {
      if (!a.within().equals(b.within()) || !a.except().equals(b.except())) {
        return null;
      }
      List<Endpoint> all = new ArrayList<>(a.endpoints());
      all.addAll(b.endpoints());
      return gen.endpoints(all, a.within(), a.except());
    }
    if (a.kind() != EndKind.PODS || b.kind() != EndKind.PODS) {
      return null;
    }
    return EndUnion.of(a, b, Diff::pods);
  }

  /**
   * The union of two pod ends (without {@link Ends#more}) when it is one pod end again (namespaces
   * or selectors joined), else null.
   */
  private static Ends pods(Ends a, Ends b) {
    Ends labels = SelectorJoin.joined(a, b);
    if (labels != null) {
      return labels;
    }
    if (a.namespaces() == null || b.namespaces() == null) {
      return everywhereBut(a, b);
    }
    if (!b.withNamespaces(a.namespaces(), a.unlisted()).equals(a)) {
      return null;
    }
    Set<String> names = new TreeSet<>(a.namespaces());
    names.addAll(b.namespaces());
    return a.withNamespaces(names, a.unlisted() || b.unlisted());
  }

  /**
   * The union of two pod ends alike but in their namespaces, one of them in every namespace of the
   * input but some: every namespace but those neither holds (with the namespaces the input lacks
   * when either holds them); null when they differ otherwise.
   */
  static Ends everywhereBut(Ends a, Ends b) {
    if (!b.withNamespaces(null, false)
        .withExcluded(Set.of())
        .equals(a.withNamespaces(null, false).withExcluded(Set.of()))) {
      return null;
    }
    Set<String> excluded = new TreeSet<>(a.namespaces() == null ? a.excluded() : b.excluded());
    Ends other = a.namespaces() == null ? b : a;
    if (other.namespaces() == null) {
      excluded.retainAll(other.excluded());
    } else {
      excluded.removeAll(other.namespaces());
    }
    return a.withNamespaces(null, a.unlisted() || b.unlisted()).withExcluded(excluded);
  }

  /**
   * The class with a witness that depends on the class alone (each end's first input endpoint, or
   * explain's address outside when a range outside holds it, else the first address of its first
   * range outside; TCP in a class of any protocol; the class's lowest port, or 443 in a class of
   * any port; the lowest ICMP type a class of all types but some holds; source port 40000: {@link
   * dev.tierproof.model.Placeholders}), when both versions' evaluators confirm that it changed so;
   * else the solver's witness. Which model the solver returns can vary from run to run (with the
   * order Z3 numbers its terms in); the report should not.
   */
  private ChangeClass canonical(ChangeClass c) {
    Flow w = c.witness();
    Flow f = w;
    for (boolean source : List.of(true, false)) {
      Ends end = source ? c.source() : c.destination();
      if (end.kind() == EndKind.ENDPOINTS) {
        Endpoint e =
            end.endpoints().stream()
                .filter(x -> x.ips().stream().anyMatch(ip -> ip.family() == w.family()))
                .findFirst()
                .orElse(null);
        f = e == null ? null : Generalizer.moved(f, source, e);
      } else if (end.kind() == EndKind.OUTSIDE && !end.ranges().isEmpty()) {
        Cidr r =
            end.ranges().stream().filter(x -> x.family() == w.family()).findFirst().orElse(null);
        dev.tierproof.model.Ip usual = dev.tierproof.model.Placeholders.outside(w.family(), source);
        f =
            r == null
                ? null
                : gen.movedOutside(
                    f,
                    source,
                    end.ranges().stream().anyMatch(x -> x.contains(usual))
                        ? usual // explain's address outside, when the class holds it
                        : Generalizer.prefix(r.address(), r.prefix()).address());
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
    Integer port =
        !ports
            ? null
            : p.port() != null
                ? Integer.valueOf(p.port().min())
                : Integer.valueOf(dev.tierproof.model.Placeholders.WITNESS_PORT);
    Integer sourcePort =
        !ports
            ? null
            : p.sourcePort() != null
                ? Integer.valueOf(p.sourcePort().min())
                : Integer.valueOf(dev.tierproof.model.Placeholders.SOURCE_PORT);
    Integer type =
        !icmp
            ? null
            : p.icmpType() != null
                ? p.icmpType()
                : p.icmpTypesNot().isEmpty()
                    ? f.icmpType()
                    : Integer.valueOf(
                        java.util.stream.IntStream.range(0, 256)
                            .filter(t -> !p.icmpTypesNot().contains(t))
                            .findFirst()
                            .getAsInt());
    Integer code = !icmp ? null : p.icmpCode() != null ? p.icmpCode() : f.icmpCode();
    Flow g = f.withPacket(protocol, sourcePort, port, type, code);
    Verdict b = replay.before(g, Map.of());
    Verdict n = replay.now(g, Map.of());
    boolean so =
        (c.kind() == Kind.OPENED ? !b.allowed() && n.allowed() : b.allowed() && !n.allowed())
            && (c.placed() == null || c.placed().holds(g, replay.walked())); // spec S6.11, S6.12
    return so ? new ChangeClass(c.kind(), c.source(), c.destination(), p, c.placed(), g, b, n) : c;
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
  static void trace(String format, Object... args) {
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

  /**
   * For a base {@link #paired} with {@code after}: each current endpoint whose base version
   * differs, to that version.
   */
  static Map<Endpoint, Endpoint> twins(PolicySet paired, PolicySet after) {
    Map<Endpoint, Endpoint> out = new java.util.IdentityHashMap<>();
    for (int i = 0; i < after.endpoints().size(); i++) {
      if (paired.endpoints().get(i) != after.endpoints().get(i)) {
        out.put(after.endpoints().get(i), paired.endpoints().get(i));
      }
    }
    return out;
  }

  /**
   * The base as the diff compares it with {@code current}, endpoint by endpoint: the base's tiers,
   * network sets and profiles; the current endpoints in order, each in its base version when the
   * base has it (same kind, source and reference) with other labels, named ports, profiles or node
   * (at the current addresses: a changed address is compared as the current one), else the current
   * one; the current namespaces, each with its base labels when the base declares it. What only the
   * current input has is taken as it is now, in both.
   */
  public static PolicySet paired(PolicySet base, PolicySet current) {
    Map<String, Endpoint> old = Inventory.byRef(base.endpoints());
    List<Endpoint> endpoints = new ArrayList<>();
    for (Endpoint e : current.endpoints()) {
      Endpoint b = old.get(Inventory.key(e));
      boolean same =
          b == null
              || (b.labels().equals(e.labels())
                  && b.ports().equals(e.ports())
                  && b.profiles().equals(e.profiles())
                  && b.site() == e.site()
                  && java.util.Objects.equals(b.node(), e.node())); // spec S6.12
      endpoints.add(same ? e : b.withIps(e.ips()));
    }
    Map<String, Namespace> namespaces = new LinkedHashMap<>();
    current
        .namespaces()
        .forEach((n, ns) -> namespaces.put(n, base.namespaces().getOrDefault(n, ns)));
    Map<String, Profile> profiles = new LinkedHashMap<>();
    current
        .profiles()
        .forEach(
            (name, p) -> {
              if (Inventory.builtIn(name)) {
                profiles.put(name, base.profiles().getOrDefault(name, p));
              }
            });
    base.profiles()
        .forEach(
            (name, p) -> {
              if (Inventory.builtIn(name)) {
                profiles.putIfAbsent(name, p);
              } else {
                profiles.put(name, p);
              }
            });
    return new PolicySet(
        base.tiers(),
        endpoints,
        base.networkSets(),
        profiles,
        namespaces,
        base.dataplane(),
        base.failsafe(),
        base.pools());
  }
}
