package dev.tierproof.analysis;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.PolicySet;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffEncoding;
import dev.tierproof.smt.DiffQuery.Change;
import dev.tierproof.smt.EndSet;
import dev.tierproof.smt.Outside;
import dev.tierproof.smt.SolverSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Widens the ends of a diff class (diff classes): an end of input endpoints to those at which the
 * witness changed alike; pods to namespaces, labels or selectors the solver proves uniform; an
 * outside end to anywhere outside, else to the widest prefix around the witness's address. Every
 * step asks {@link Generalizer#uniform}.
 */
final class WidenEnds {

  /** Keys a class selector leaves out: the namespace is a class dimension of its own. */
  private static final List<String> AUTOMATIC =
      List.of(Endpoint.NAMESPACE_LABEL, "projectcalico.org/orchestrator", "projectcalico.org/name");

  private static final String NAMESPACE_NAME = "pcns.projectcalico.org/name";

  private final Generalizer g;
  private final PolicySet after;

  /** The label keys the policies' selectors mention. */
  private final Set<String> selectorKeys;

  /** The comparisons the policies' selectors make per key. */
  private final StringAtoms atoms;

  WidenEnds(Generalizer g, PolicySet after, Set<String> selectorKeys, StringAtoms atoms) {
    this.g = g;
    this.after = after;
    this.selectorKeys = selectorKeys;
    this.atoms = atoms;
  }

  /**
   * The ranges where an outside end changed as the witness's did, as the evaluators see it: the
   * narrowest tested range around the witness's address, and every tested range holding no narrower
   * tested range at whose first address the witness, moved there, changed alike (a rule's peers
   * that are a list of network sets become one class, settled by one proof).
   */
  List<Cidr> alike(Change change, Flow w, boolean source) {
    dev.tierproof.model.Ip ip = source ? w.sourceIp() : w.destinationIp();
    Cidr mine = narrowestTested(ip, source);
    List<Cidr> tested =
        g.query.cidrs(source).stream()
            .filter(r -> r.family() == ip.family() && r.prefix() < ip.bits())
            .toList();
    TreeSet<Cidr> out =
        new TreeSet<>(java.util.Comparator.comparing(Cidr::low).thenComparing(Cidr::prefix));
    out.add(mine);
    for (Cidr r : tested) {
      if (r.equals(mine)
          || tested.stream().anyMatch(x -> x.prefix() > r.prefix() && r.contains(x.address()))) {
        continue;
      }
      Flow f = g.movedOutside(w, source, Generalizer.prefix(r.address(), r.prefix()).address());
      if (f != null && g.changed(f, change)) {
        out.add(r);
      }
    }
    out.removeIf(
        r -> out.stream().anyMatch(x -> x.prefix() < r.prefix() && x.contains(r.address())));
    return List.copyOf(out);
  }

  static boolean widerThanOne(EndSet s) {
    return s instanceof Outside o && o.ranges().size() > 1;
  }

  /** The narrowest range the encodings test that holds {@code ip}, else {@code ip} alone. */
  Cidr narrowestTested(dev.tierproof.model.Ip ip, boolean source) {
    return g.query.cidrs(source).stream()
        .filter(r -> r.family() == ip.family() && r.contains(ip) && r.prefix() < ip.bits())
        .max(java.util.Comparator.comparingInt(Cidr::prefix))
        .orElse(Cidr.host(ip));
  }

  /**
   * The smallest end set of a witness end: its group of endpoints, its hypothetical pod's labels,
   * its address.
   */
  EndSet tightest(Flow w, boolean source) {
    Endpoint e = source ? w.source() : w.destination();
    if (e == null) {
      // spec S3.6: a witness reached by no name policy tells apart holds for no such name
      String domain =
          source
              ? null
              : w.destinationDomain() != null
                  ? w.destinationDomain()
                  : g.encoding.names() ? Outside.UNNAMED : null;
      return Outside.in(Cidr.host(source ? w.sourceIp() : w.destinationIp()), domain);
    }
    if (input(e)) {
      if (!e.ips().isEmpty()) {
        return new EndSet.Endpoints(g.query.group(source, e));
      }
      // spec S5.4: at a free address, in exactly the ranges (that the encodings test) the witness's
      // is in
      Generalizer.Ranges r = g.ranges(source, source ? w.sourceIp() : w.destinationIp());
      return new EndSet.Endpoints(g.query.group(source, e), r.in(), r.out());
    }
    return pods(e, source, true).declaring(e.ports());
  }

  /**
   * The candidate with its hypothetical pods at {@code source} declaring, in place of exactly the
   * witness's named ports, each observed name at the flow's port as the witness's pod does or not
   * (spec S3.5: a rule sees no more of them), then without the names the class does not need; the
   * candidate itself when that class is not uniform.
   */
  Candidate atPort(Candidate c, Change change, Flow w, boolean source) {
    EndSet.Pods p = (EndSet.Pods) (source ? c.src() : c.dst());
    Endpoint e = source ? w.source() : w.destination();
    Integer port = source ? w.sourcePort() : w.destinationPort();
    java.util.Map<String, Boolean> on = new java.util.TreeMap<>();
    for (String name : g.query.portNames(source)) {
      on.put(
          name,
          port != null
              && e.ports().stream()
                  .anyMatch(
                      np ->
                          np.name().equals(name)
                              && np.protocol() == w.protocol()
                              && np.port() == port));
    }
    Function<java.util.Map<String, Boolean>, Candidate> at =
        m -> {
          EndSet.Pods q = p.declaring(null).declaringAtPort(m);
          return source ? c.with(q, c.dst()) : c.with(c.src(), q);
        };
    if (on.isEmpty() || !g.uniform(at.apply(on), change)) {
      return c;
    }
    for (String name : List.copyOf(on.keySet())) {
      java.util.Map<String, Boolean> fewer = new java.util.TreeMap<>(on);
      fewer.remove(name);
      if (!fewer.isEmpty() && g.uniform(at.apply(fewer), change)) {
        on = fewer;
      }
    }
    return at.apply(on);
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

  /**
   * Whether the input mentions the namespace, as the encoding counts them (else it is one the input
   * lacks).
   */
  private boolean mentioned(String ns) {
    return g.encoding.namespaces().contains(ns);
  }

  /** A selector for the endpoint's observed labels; null when there are none. */
  private Selector labels(Endpoint e, boolean source, boolean exact) {
    Map<String, List<String>> vocabulary = g.query.vocabulary(source);
    Set<String> keys = vocabulary.isEmpty() ? selectorKeys : vocabulary.keySet();
    List<Selector> terms = new ArrayList<>();
    boolean listed = e.namespace() != null && mentioned(e.namespace());
    for (String k : new TreeSet<>(keys)) {
      if (k.equals(Endpoint.NAMESPACE_LABEL)
          && !listed
          && e.namespace() != null
          && !vocabulary.isEmpty()) {
        // spec S5.3: a namespace the input lacks has a name the policies may tell apart too
        Selector name = unlistedName(e.namespace(), vocabulary.get(k));
        if (name != null) {
          terms.add(name);
        }
        continue;
      }
      // a declared namespace's labels are known, a listed one's name; the rest are not (spec S5.3)
      if (AUTOMATIC.contains(k)
          || (k.startsWith("pcns.")
              && listed
              && (k.equals(NAMESPACE_NAME) || g.encoding.labelled(e.namespace())))) {
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

  /**
   * The name of a namespace the input lacks as the policies see it: the name itself when they
   * compare it with that value or as a string ({@code literals} null), else none of the values they
   * compare it with (the input's namespaces aside: such a namespace is none of them); null when
   * they compare it with no other value.
   */
  private Selector unlistedName(String ns, List<String> literals) {
    if (literals == null || literals.contains(ns)) {
      return new Selector.Compare(Endpoint.NAMESPACE_LABEL, Selector.Op.EQ, ns);
    }
    List<String> others = literals.stream().filter(n -> !mentioned(n)).toList();
    return others.isEmpty() ? null : new Selector.InSet(Endpoint.NAMESPACE_LABEL, others, true);
  }

  /**
   * The widest end set on one side that keeps the class uniform, from anything down to the
   * tightest.
   */
  EndSet widen(Candidate c, Change change, Flow w, boolean source) {
    EndSet tight = source ? c.src() : c.dst();
    Endpoint e = source ? w.source() : w.destination();
    Function<EndSet, Candidate> at = s -> source ? c.with(s, c.dst()) : c.with(c.src(), s);
    if (g.uniform(at.apply(new EndSet.Any()), change)) {
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
    java.util.Map<String, Boolean> atPort = tight instanceof EndSet.Pods tp ? tp.atPort() : null;
    Function<EndSet.Pods, EndSet.Pods> keep =
        p -> p.declaring(named).declaringAtPort(atPort).at(within, away);
    // every pod the scope holds, then without the namespaces that the solver shows unchanged
    DiffEncoding.EndScope end = source ? g.scope.sources() : g.scope.destinations();
    Set<String> excluded = new TreeSet<>(g.encoding.namespaces());
    excluded.removeAll(g.whole(source));
    boolean wide = listed ? !excluded.contains(ns) : end.unlisted();
    EndSet.Pods labelled = keep.apply(pods(e, source, false));
    if (wide) {
      EndSet.Pods p =
          refine(
              keep.apply(new EndSet.Pods(null, excluded, end.unlisted(), null)),
              at,
              change,
              w,
              source,
              true);
      if (p != null) {
        return p;
      }
      if (labelled.selector() != null) {
        p =
            refine(
                keep.apply(new EndSet.Pods(null, excluded, end.unlisted(), labelled.selector())),
                at,
                change,
                w,
                source,
                true);
        if (p != null) {
          return simplify(p, at, change, source);
        }
      }
    }
    EndSet.Pods namespace =
        refine(
            keep.apply(new EndSet.Pods(listed ? Set.of(ns) : Set.of(), Set.of(), !listed, null)),
            at,
            change,
            w,
            source,
            false);
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
  private EndSet endpoints(
      EndSet tight, Function<EndSet, Candidate> at, Change change, Flow w, boolean source) {
    if (!(tight instanceof EndSet.Endpoints t)) {
      return tight;
    }
    EndSet.Endpoints wide = candidates(t, change, w, source);
    return wide != t && g.uniform(at.apply(wide), change) ? wide : tight;
  }

  /**
   * {@code t} with every input endpoint of the scope's end at which the witness, moved there,
   * changed so.
   */
  EndSet.Endpoints candidates(EndSet.Endpoints t, Change change, Flow w, boolean source) {
    Set<Endpoint> have = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    have.addAll(t.endpoints());
    List<Endpoint> more = new ArrayList<>(t.endpoints());
    for (Endpoint x : (source ? g.scope.sources() : g.scope.destinations()).endpoints()) {
      Flow f = have.contains(x) ? null : Generalizer.moved(w, source, x);
      if (f != null && g.changed(f, change)) {
        more.add(x);
      }
    }
    return more.size() == t.endpoints().size() ? t : new EndSet.Endpoints(more);
  }

  /**
   * The candidate, narrowed until every flow of its class changed so, or null: a counterexample in
   * another namespace removes that namespace ({@code namespaces}).
   */
  private EndSet.Pods refine(
      EndSet.Pods p,
      Function<EndSet, Candidate> at,
      Change change,
      Flow w,
      boolean source,
      boolean namespaces) {
    Endpoint e = source ? w.source() : w.destination();
    if (namespaces && p.namespaces() == null) {
      // the namespaces where a sampled input endpoint did not change so leave at once
      Set<String> more = new TreeSet<>(p.excluded());
      for (Endpoint x : g.samples(p)) {
        Flow f = Generalizer.moved(w, source, x);
        if (f != null
            && !x.isHost()
            && !Objects.equals(x.namespace(), e.namespace())
            && !g.changed(f, change)) {
          more.add(x.namespace());
        }
      }
      p = p.everywhereBut(more, p.unlisted());
    }
    // each round costs a solver check; past a dozen namespaces, narrower levels are cheaper
    for (int round = 0; round < 12; round++) {
      Candidate c = at.apply(p);
      if (!g.inScope(c)) {
        // the scope holds only the hypothetical pods of the class (the input's did not change)
        if (p.existing() && !input(e)) {
          p = p.hypothetical();
          continue;
        }
        return null;
      }
      Answer x = g.unchanged(c, change);
      if (x.status() == SolverSession.Status.UNSAT) {
        return round == 0 ? p : loosen(p, at, change);
      }
      if (!x.sat()) {
        return null;
      }
      Endpoint o = source ? x.flow().source() : x.flow().destination();
      if (o == null || o.isHost()) {
        return null;
      }
      boolean same =
          Objects.equals(o.namespace(), e.namespace())
              || (!mentioned(o.namespace()) && !mentioned(e.namespace()));
      if (namespaces && p.namespaces() == null && !same) {
        if (mentioned(o.namespace())) {
          Set<String> more = new TreeSet<>(p.excluded());
          more.add(o.namespace());
          p = p.everywhereBut(more, p.unlisted());
        } else {
          p = p.everywhereBut(p.excluded(), false);
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
      List<Cidr> tested = new ArrayList<>(g.query.cidrs(source));
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
   * {@code p} without each range of its hypothetical pods' {@code within}, then of their {@code
   * except}, that the class does not need (each step proved uniform): the ranges a counterexample
   * added beside the one that told it apart leave again, so the class is not one cell of the ranges
   * but the union of those that changed alike.
   */
  EndSet.Pods loosen(EndSet.Pods p, Function<EndSet, Candidate> at, Change change) {
    for (boolean inside : List.of(true, false)) {
      for (Cidr r : List.copyOf(inside ? p.within() : p.except())) {
        List<Cidr> in = new ArrayList<>(p.within());
        List<Cidr> out = new ArrayList<>(p.except());
        (inside ? in : out).remove(r);
        EndSet.Pods q = p.at(in, out);
        if (g.uniform(at.apply(q), change)) {
          p = q;
        }
      }
    }
    return p;
  }

  /**
   * Drops the selector's terms one by one while the class stays uniform; then weakens each term
   * that pins a key ({@code k == v}, {@code !has(k)}) to "none of the other values the policies
   * compare it to" ({@code k not in {...}}, which holds without the key too) and drops those values
   * one by one while the class stays uniform: pods the policies tell apart only by values they do
   * not have become one class; a key compared as a string ({@code contains}, prefixes), to the
   * values that every comparison of it treats alike ({@link StringAtoms#around}).
   */
  private EndSet.Pods simplify(
      EndSet.Pods p, Function<EndSet, Candidate> at, Change change, boolean source) {
    if (p.selector() == null) {
      return p;
    }
    List<Selector> terms =
        new ArrayList<>(
            p.selector() instanceof Selector.And and ? and.operands() : List.of(p.selector()));
    for (int i = terms.size() - 1; i >= 0 && terms.size() > 1; i--) {
      List<Selector> fewer = new ArrayList<>(terms);
      fewer.remove(i);
      if (g.uniform(at.apply(p.selecting(and(fewer))), change)) {
        terms = fewer;
      }
    }
    Map<String, List<String>> vocabulary = g.query.vocabulary(source);
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
        // compared as a string (prefixes, contains): the values no comparison tells from its own
        Selector alike = own == null ? null : atoms.around(key, own);
        List<Selector> trial = new ArrayList<>(terms);
        if (alike != null) {
          trial.set(i, alike);
          if (g.uniform(at.apply(p.selecting(and(trial))), change)) {
            terms = trial;
          } else if (p.existing()
              && !input(source ? g.witness.flow().source() : g.witness.flow().destination())
              && g.uniform(at.apply(p.hypothetical().selecting(and(trial))), change)) {
            // spec S5.3: an input pod of such a value that did not change so (its profiles, its
            // node) keeps the class of a witness not yet deployed to such pods, not to one value
            terms = trial;
            p = p.hypothetical();
          }
        }
        continue;
      }
      List<String> others = new ArrayList<>(literals);
      others.remove(own);
      if (others.isEmpty()) {
        continue;
      }
      List<Selector> trial = new ArrayList<>(terms);
      trial.set(i, new Selector.InSet(key, others, true));
      if (!g.uniform(at.apply(p.selecting(and(trial))), change)) {
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
        if (g.uniform(at.apply(p.selecting(and(trial))), change)) {
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
  private EndSet outside(
      Function<EndSet, Candidate> at, Change change, EndSet tight, Flow w, boolean source) {
    dev.tierproof.model.Ip ip = source ? w.sourceIp() : w.destinationIp();
    String domain = ((Outside) tight).domain();
    if (g.uniform(at.apply(Outside.in(null, null)), change)) {
      return Outside.in(null, null);
    }
    if (domain != null && g.uniform(at.apply(Outside.in(null, domain)), change)) {
      return Outside.in(null, domain);
    }
    int bits = ip.bits();
    int good = bits; // the /bits class is the tightest, known uniform
    int bad = -1;
    int lo = 0;
    // first the narrowest range the encodings test that holds the address (a network set, a rule's
    // nets): when it is uniform and the witness, moved to the other half of the next wider range,
    // did not change so, no wider range is uniform
    Cidr guess = narrowestTested(ip, source);
    if (guess.prefix() < bits && g.uniform(at.apply(Outside.in(guess, domain)), change)) {
      good = guess.prefix();
      Flow f = good == 0 ? null : g.movedOutside(w, source, Generalizer.sibling(guess));
      if (f != null && !g.changed(f, change)) {
        bad = good - 1;
      }
    }
    // smallest prefix length (widest range) that stays uniform: binary search on the length
    while (good - Math.max(lo, bad + 1) > 0) {
      int mid = (Math.max(lo, bad + 1) + good) / 2;
      Cidr range = Generalizer.prefix(ip, mid);
      if (g.uniform(at.apply(Outside.in(range, domain)), change)) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    return Outside.in(Generalizer.prefix(ip, good), domain);
  }

  /**
   * An outside end (a range the evaluators suggested) widened to anywhere outside, or to the widest
   * prefix around the witness's address, when that stays uniform.
   */
  Candidate widerOutside(Candidate c, Change change, Flow w, boolean source) {
    EndSet end = source ? c.src() : c.dst();
    if (!(end instanceof Outside o) || o.ranges().isEmpty()) {
      return c;
    }
    Function<EndSet, Candidate> at = s -> source ? c.with(s, c.dst()) : c.with(c.src(), s);
    if (o.ranges().size() > 1) {
      Candidate any = at.apply(Outside.in(null, o.domain()));
      return g.uniform(any, change) ? any : c;
    }
    EndSet wide = outside(at, change, o, w, source);
    return at.apply(wide);
  }
}
