package dev.tierproof.analysis;

import dev.tierproof.analysis.lint.Finding;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Which unmodelled elements could change an answer (specs/semantics.md S9.3): an element acts at
 * enforcement points ({@link Reach}); it matters to an answer shown by a flow when it acts at a
 * step of that flow and can turn its verdict, and to a proof over every flow of a question when one
 * of the question's ends could be such a point in the direction the end is evaluated (egress at the
 * source, ingress at the destination). An element standing for forwarded traffic does not act at a
 * workload on a node whose forward chain is walked ({@link Reach.Endpoints#walked}) for a flow
 * whose other end is outside the cluster or another workload (spec S6.10, S6.11, S9.3); one that
 * may drop the outer packet of encapsulation ({@link Reach.Outer}) matters to a flow between two
 * workloads whose ends may be on two nodes, one of them where it drops; one that nat-outgoing hides
 * the source from ({@link Reach.Masqueraded}) to a flow from a workload to another node's host
 * endpoint that Felix may masquerade ({@link Masquerading}). A flow shown places each end naming no
 * node ({@link Flow#sourcePlacement}): the element matters where it stands. Every command asks here
 * and nowhere else.
 */
public final class Relevance {

  private static final String NAMESPACE_NAME = "pcns.kubernetes.io/metadata.name";

  private Relevance() {}

  /**
   * The elements that could change the verdict of some flow from {@code source} to {@code
   * destination}: {@link #map}'s for that pair, and between two address ranges those standing for
   * forwarded traffic (spec S6.6).
   */
  public static List<Unmodelled> question(
      List<Unmodelled> all, PolicySet set, End source, End destination) {
    List<Unmodelled> out = map(all, set, false, source, destination);
    return source instanceof End.Addresses && destination instanceof End.Addresses
        ? withForwarded(all, out)
        : out;
  }

  /**
   * Whether every flow between {@code source} and {@code destination} is local (spec S6.12): two
   * endpoints of the input, a host endpoint and a workload on its node.
   */
  private static boolean local(End source, End destination) {
    return source instanceof End.Known a
        && destination instanceof End.Known b
        && Flow.mustBeLocal(a.endpoint(), b.endpoint());
  }

  /**
   * Whether every flow's end at {@code end} is outside the cluster: {@code world}, a DNS name, a
   * range that holds no endpoint of {@code set} ({@link #holds}).
   */
  private static boolean outside(End end, PolicySet set) {
    return end instanceof End.Addresses o && !holds(end, set, e -> true);
  }

  /**
   * What every flow's end at {@code end} is (spec S6.10): outside ({@link #outside}), outside or a
   * workload (a workload endpoint, any pod, a range holding no host endpoint), or anything.
   */
  private static Reach.Other other(End end, PolicySet set) {
    if (outside(end, set)) {
      return Reach.Other.OUTSIDE;
    }
    boolean noHost =
        end instanceof End.Known k
            ? !k.endpoint().isHost()
            : end instanceof End.Hypothetical
                || end instanceof End.Addresses && !holds(end, set, Endpoint::isHost);
    return noHost ? Reach.Other.FORWARDED : Reach.Other.ANY;
  }

  /**
   * {@code some} and the elements standing for forwarded traffic: a flow between two addresses
   * outside the cluster has no step of its own, but may be routed through a host (spec S6.6).
   */
  private static List<Unmodelled> withForwarded(List<Unmodelled> all, List<Unmodelled> some) {
    List<Unmodelled> out = new java.util.ArrayList<>(some);
    for (Unmodelled u : all) {
      if (forwarded(u) && routed(u) && !out.contains(u)) {
        out.add(u);
      }
    }
    return out;
  }

  /**
   * The elements that could change {@code verdict} or what decided it (explain, a probe): those
   * acting at one of its steps and, for an element that alters one rule ({@link
   * Reach.Endpoints#decider}), at a step that rule decided.
   */
  public static List<Unmodelled> verdict(List<Unmodelled> all, Flow flow, Verdict verdict) {
    return verdict(all, flow, verdict, null);
  }

  /**
   * {@link #verdict}, with {@code eval} (the evaluator that gave {@code verdict}) telling where
   * nat-outgoing's settled masquerade cannot turn it ({@link Masquerading#turns}).
   */
  public static List<Unmodelled> verdict(
      List<Unmodelled> all, Flow flow, Verdict verdict, dev.tierproof.eval.Evaluator eval) {
    List<Unmodelled> out = stepped(all, flow, verdict, eval);
    if (flow.source() != null || flow.destination() != null) {
      return out;
    }
    // spec S6.11, S9.2: between two addresses outside the cluster, routed through a node
    List<Unmodelled> routed = new java.util.ArrayList<>(out);
    for (Unmodelled u : all) {
      if (u.reach() instanceof Reach.Endpoints r
          && r.routes(flow.transit())
          && !routed.contains(u)) {
        routed.add(u);
      }
    }
    return routed;
  }

  /** {@link #verdict}'s elements acting at the flow's steps. */
  private static List<Unmodelled> stepped(
      List<Unmodelled> all, Flow flow, Verdict verdict, dev.tierproof.eval.Evaluator eval) {
    // spec S6.10, S6.11: a flow meets a forward chain only between a workload and outside the
    // cluster (its one step of its own is the workload's) or another workload
    List<Step> own = verdict.steps().stream().filter(s -> !s.forward()).toList();
    Reach.Other other =
        own.stream().anyMatch(s -> s.endpoint().isHost())
            ? Reach.Other.ANY
            : own.size() == 1 ? Reach.Other.OUTSIDE : Reach.Other.FORWARDED;
    // spec S6.12: a local flow (it has an own-node step) is never forwarded
    boolean local =
        verdict.steps().stream()
            .anyMatch(s -> s.decidedBy().kind() == dev.tierproof.eval.Decision.Kind.OWN_NODE);
    List<Step> steps = new java.util.ArrayList<>();
    for (Step s : verdict.steps()) {
      steps.add(s);
      if (s.decidedBy().reply() != null) {
        steps.add(s.decidedBy().reply().step()); // spec S6.5: the reply's step decided it too
      }
    }
    return keep(
        all,
        r ->
            !(local && r.forwardedOnly())
                && steps.stream()
                    .anyMatch(
                        (Step s) ->
                            r.covers(placed(flow, s), s.direction(), other)
                                && !(s.forward() && interfaces(r))
                                && (r.decider() == null || s.decidedBy().rule() == r.decider())),
        o ->
            Flow.betweenWorkloads(flow.source(), flow.destination())
                && o.reaches(
                    java.util.Collections.singletonList(flow.sourcePlacement()),
                    java.util.Collections.singletonList(flow.destinationPlacement())),
        m -> m.reaches(flow) && Masquerading.turns(m, flow, verdict, eval));
  }

  /**
   * The endpoint of step {@code s} of {@code flow} where the flow places it (spec S6.10-S6.12): a
   * workload naming no node on the node the flow places its end on; else as it is (placed
   * elsewhere, a workload naming no node stands for any node no placement names).
   */
  private static Endpoint placed(Flow flow, Step s) {
    Endpoint e = s.endpoint();
    boolean egress = s.direction() == Direction.EGRESS;
    String node = egress ? flow.sourcePlacement() : flow.destinationPlacement();
    boolean end = e.equals(egress ? flow.source() : flow.destination());
    return e.isHost() || e.node() != null || node == null || !end ? e : e.withNode(node);
  }

  /**
   * The elements that could change the verdict of a witness flow (replayed through eval), which
   * proves that some flow is allowed (or, when {@code verdict} denies, that not every flow is): as
   * {@link #verdict} (with {@code eval}, null: without it), without those that cannot turn the
   * witness's verdict.
   */
  public static List<Unmodelled> witness(
      List<Unmodelled> all, Flow flow, Verdict verdict, dev.tierproof.eval.Evaluator eval) {
    return verdict(all, flow, verdict, eval).stream()
        .filter(u -> verdict.allowed() ? !allowsOnly(u) : !deniesOnly(u))
        .toList();
  }

  /** The element only denies allowed flows: an {@code http} match, an outer packet's drop. */
  private static boolean deniesOnly(Unmodelled u) {
    return u.reach() instanceof Reach.Outer
        || u.reach() instanceof Reach.Endpoints r && r.effect() == Reach.Effect.DENIES;
  }

  /** The element only allows denied flows: a profile's Pass. */
  private static boolean allowsOnly(Unmodelled u) {
    return u.reach() instanceof Reach.Endpoints r && r.effect() == Reach.Effect.ALLOWS;
  }

  /**
   * The elements that could allow some flow from {@code source} to {@code destination} when none is
   * allowed here: as {@link #question}, without those that only deny.
   */
  public static List<Unmodelled> absence(
      List<Unmodelled> all, PolicySet set, End source, End destination) {
    return question(all, set, source, destination).stream().filter(u -> !deniesOnly(u)).toList();
  }

  /**
   * verify: a witness answers by its verdict ({@link #witness}, judged with {@code eval}), a proof
   * that none exists by {@link #absence}.
   */
  public static List<Unmodelled> verify(
      List<Unmodelled> all,
      PolicySet set,
      End source,
      End destination,
      VerifyResult r,
      dev.tierproof.eval.Evaluator eval) {
    if (r.witness() != null) {
      return witness(all, r.witness(), r.explanation(), eval);
    }
    return r.result() == VerifyResult.Result.UNKNOWN
        ? question(all, set, source, destination)
        : absence(all, set, source, destination);
  }

  /**
   * {@code r} with a witness no element reaches when its witness is reached by one and another
   * placement of the same packet (spec S6.10-S6.12) is allowed and reached by none: that placement,
   * replayed through {@code eval}, is a real answer (S9.3); else {@code r} as it is.
   */
  public static VerifyResult placed(
      List<Unmodelled> all, dev.tierproof.eval.Evaluator eval, VerifyResult r) {
    if (r.witness() == null || witness(all, r.witness(), r.explanation(), eval).isEmpty()) {
      return r;
    }
    for (Flow p : eval.placements(r.witness())) {
      Verdict v = eval.evaluate(p);
      if (v.allowed() && witness(all, p, v, eval).isEmpty()) {
        return new VerifyResult(
            r.claim(), r.result(), p, v, r.blockers(), r.solver(), r.blockersIncomplete());
      }
    }
    return r;
  }

  /**
   * The elements acting where {@code policy} acts: at an endpoint it selects, in a direction it
   * governs; with {@code hypothetical}, also at endpoints that could exist.
   */
  public static List<Unmodelled> policy(
      List<Unmodelled> all, PolicySet set, Policy policy, boolean hypothetical) {
    return keep(
        all,
        r ->
            Stream.of(Direction.values())
                .filter(policy::governs)
                .anyMatch(
                    d ->
                        set.endpoints().stream()
                                .anyMatch(
                                    e ->
                                        policy.selector().matches(e.labels())
                                            && covers(r, e, d, set, Far.INSIDE))
                            || hypothetical
                                && r.directions().contains(d)
                                && fresh(r, null, policy.selector())),
        o ->
            hypothetical
                || set.endpoints().stream()
                    .anyMatch(e -> !e.isHost() && policy.selector().matches(e.labels())),
        m -> false); // spec S9.3: no finding's (see lint)
  }

  /**
   * The elements that could change a lint finding or run ({@link #findings}, {@link #anywhere}):
   * all but those nat-outgoing hides the source from ({@link Reach.Masqueraded}, spec S9.3): a
   * masqueraded packet is one lint already asks about at the host endpoint (a packet from the
   * workload's node's address, or from any address where that is not known); only the flow it
   * belongs to differs, which no finding is about.
   */
  public static List<Unmodelled> lint(List<Unmodelled> all) {
    return all.stream().filter(u -> !(u.reach() instanceof Reach.Masqueraded)).toList();
  }

  /**
   * The elements that could change the verdict of some flow: acting at some endpoint of the input,
   * or with {@code hypothetical} at one that could exist, and those standing for forwarded traffic
   * through a selected host endpoint (which may be between two addresses outside the cluster).
   */
  public static List<Unmodelled> anywhere(
      List<Unmodelled> all, PolicySet set, boolean hypothetical) {
    List<Unmodelled> out =
        keep(
            all,
            r ->
                r.directions().stream()
                    .anyMatch(
                        d ->
                            set.endpoints().stream()
                                    .anyMatch(e -> r.covers(e, d) && !settled(r, e, set))
                                || hypothetical && fresh(r, null, null) && !settled(r, null, set)),
            o -> true,
            m -> Masquerading.reaches(m, null, null, set, hypothetical, e -> held(e, set)));
    return withForwarded(all, out); // spec S6.6: also between addresses outside the cluster
  }

  /**
   * Whether every flow of workload {@code e} (null: a pod that could be deployed) that element
   * {@code r}, standing for forwarded traffic only, could act on is walked (spec S6.11, S9.3): its
   * forwarded flows with outside or a workload are walked on {@code r}'s nodes ({@link
   * Reach.Endpoints#walkedAt}), its flows with a host endpoint on its own node are local (S6.12),
   * and the input has no host endpoint on another node (all of them on one node, {@code e}'s when
   * it names one).
   */
  private static boolean settled(Reach.Endpoints r, Endpoint e, PolicySet set) {
    if (!r.forwardedOnly() || !forwarded(r) || e != null && e.isHost()) {
      return false;
    }
    String node = e == null ? null : e.node();
    if (!r.walkedAt(node)) {
      return false;
    }
    java.util.Set<String> hostNodes = new java.util.HashSet<>();
    set.endpoints().stream().filter(Endpoint::isHost).forEach(h -> hostNodes.add(h.node()));
    return hostNodes.size() <= 1
        && !hostNodes.contains(null)
        && (node == null || hostNodes.isEmpty() || hostNodes.contains(node));
  }

  /**
   * The map's: the elements that could change the verdict of some flow between a pair of groups the
   * map covers, from {@code from} to {@code to} (null: any endpoint of the input, and with {@code
   * hypothetical} any that could exist). An element standing for forwarded traffic does not act at
   * a workload on a node whose forward chain is walked when the other end is outside the cluster
   * (spec S6.11, S9.3); the map shows no flow between two addresses outside the cluster, so those
   * routed through a host are not its question.
   */
  public static List<Unmodelled> map(
      List<Unmodelled> all, PolicySet set, boolean hypothetical, End from, End to) {
    Far fromFar = Far.of(from, set);
    Far toFar = Far.of(to, set);
    boolean local = local(from, to);
    return keep(
        all,
        r ->
            !(local && r.forwardedOnly())
                && (mapped(r, from, Direction.EGRESS, set, hypothetical, toFar)
                    || mapped(r, to, Direction.INGRESS, set, hypothetical, fromFar)),
        o -> o.reaches(nodes(from, set), nodes(to, set)),
        m -> Masquerading.reaches(m, from, to, set, hypothetical, e -> held(e, set)));
  }

  /**
   * The nodes a workload at {@code end} may be on (null in the list: elsewhere, on a node no
   * placement names), for {@link Reach.Outer#reaches}: a workload's own node; for one naming no
   * node, a pod not yet deployed, or any endpoint ({@code end} null), elsewhere and every walked
   * node (spec S6.11); none for an end holding no workload.
   */
  private static List<String> nodes(End end, PolicySet set) {
    List<String> out = new java.util.ArrayList<>();
    boolean floating = end == null || end instanceof End.Hypothetical h && !h.existingOnly();
    for (Endpoint e : end == null ? set.endpoints() : held(end, set)) {
      if (e.isHost()) {
        continue;
      }
      if (e.node() == null) {
        floating = true;
      } else if (!out.contains(e.node())) {
        out.add(e.node());
      }
    }
    if (floating) {
      out.add(null);
      out.addAll(set.walked());
    }
    return out;
  }

  /**
   * The elements that could change some flow with one end at {@code end}, either way, whatever the
   * other end: with those acting everywhere, a bound on {@link #map}'s answer for every pair with
   * that end, cheap to ask once per end of many pairs.
   */
  public static List<Unmodelled> at(List<Unmodelled> all, PolicySet set, End end) {
    return keep(
        all,
        r ->
            acts(r, end, Direction.EGRESS, set, Far.ANY)
                || acts(r, end, Direction.INGRESS, set, Far.ANY),
        o -> !nodes(end, set).isEmpty(),
        m ->
            Masquerading.reaches(m, end, null, set, true, e -> held(e, set))
                || Masquerading.reaches(m, null, end, set, true, e -> held(e, set)));
  }

  /**
   * What the far end of a flow is for every flow ({@code every}), and whether for some flow it is
   * outside the cluster or a workload, so that the flow is forwarded ({@code may}).
   */
  private record Far(Reach.Other every, boolean may) {

    static final Far INSIDE = new Far(Reach.Other.ANY, false);

    /** Any end: inside the cluster or outside. */
    static final Far ANY = new Far(Reach.Other.ANY, true);

    /** The far end {@code end}: null any end the map covers, outside ones included. */
    static Far of(End end, PolicySet set) {
      Reach.Other every = end == null ? Reach.Other.ANY : other(end, set);
      return new Far(
          every, end == null || end instanceof End.Addresses || every != Reach.Other.ANY);
    }
  }

  /** {@link #acts} at {@code end}, or with none at any endpoint that exists or could. */
  private static boolean mapped(
      Reach.Endpoints r, End end, Direction d, PolicySet set, boolean hypothetical, Far far) {
    if (end != null) {
      return acts(r, end, d, set, far);
    }
    return set.endpoints().stream().anyMatch(e -> covers(r, e, d, set, far))
        || hypothetical
            && (r.directions().contains(d) && fresh(r, null, null)
                || far.may() && forwardedAt(r, null, set));
  }

  /**
   * Lint: none for a finding about what policies select or how they are written (dead policy, dead
   * tier, ungoverned direction, a GlobalNetworkPolicy selecting host endpoints): no element changes
   * that; for any other finding about a policy, the elements acting where the policy acts, and the
   * policy's own forwarded traffic (its rules act on it too, spec S6.6); else {@link #anywhere}.
   * {@code hypothetical} when the scope holds endpoints that could exist.
   */
  public static Map<Finding, List<Unmodelled>> findings(
      List<Unmodelled> all, PolicySet set, List<Finding> findings, boolean hypothetical) {
    Map<Finding, List<Unmodelled>> out = new IdentityHashMap<>();
    List<Unmodelled> any = anywhere(all, set, hypothetical);
    for (Finding f : findings) {
      boolean selection =
          f instanceof Finding.DeadPolicy
              || f instanceof Finding.DeadTier
              || f instanceof Finding.DirectionNotGoverned
              || f instanceof Finding.GnpSelectsHosts;
      out.put(
          f,
          selection
              ? List.of()
              : f.policy() != null ? ofPolicy(all, set, f.policy(), any, hypothetical) : any);
    }
    return out;
  }

  /** {@link #policy}, and the elements recorded for the policy itself that act somewhere. */
  private static List<Unmodelled> ofPolicy(
      List<Unmodelled> all, PolicySet set, Policy p, List<Unmodelled> any, boolean hypothetical) {
    List<Unmodelled> out = new java.util.ArrayList<>(policy(any, set, p, hypothetical));
    for (Unmodelled u : all) {
      // spec S6.11: routed flows between outside addresses are walked where its nodes are
      boolean own = forwarded(u) && routed(u) || u.reach() instanceof Reach.Outer;
      if (own && u.span().equals(p.span()) && !out.contains(u)) {
        out.add(u); // spec S6.6: its rules also act on forwarded traffic, which is not modelled
      }
    }
    return out;
  }

  /**
   * Whether element {@code u} acts on some flow between two outside addresses routed through a node
   * (spec S6.11, S9.2): through one it acts on and does not walk ({@link Reach.Endpoints#routes}).
   */
  private static boolean routed(Unmodelled u) {
    return u.reach() instanceof Reach.Endpoints r && r.routes(null);
  }

  /** An element standing for a policy's forwarded traffic through host endpoints (spec S6.6). */
  private static boolean forwarded(Unmodelled u) {
    return FORWARDED.contains(u.kind()) && u.reach() instanceof Reach.Endpoints r && forwarded(r);
  }

  /** {@link #forwarded(Unmodelled)}'s reach: at workloads, altering no one rule. */
  private static boolean forwarded(Reach.Endpoints r) {
    return r.decider() == null && r.kinds().equals(java.util.Set.of(Endpoint.Kind.WORKLOAD));
  }

  /** The kinds of the elements that stand for a policy's forwarded traffic (spec S6.6). */
  private static final java.util.Set<String> FORWARDED =
      java.util.Set.of("doNotTrack", "preDNAT", "applyOnForward");

  /**
   * Check: the elements that could change an invariant's result: of its witness when the witness is
   * what proves it ({@link #witness}; a probe's flow: {@link #verdict}), else for flows between its
   * ends (not those that only deny when the result says no flow is allowed); none for {@code
   * covered} (which policies select an endpoint); for {@code no-new-reachability} and {@code
   * no-findings} every element acting at some endpoint that exists or could.
   */
  public static List<Unmodelled> invariant(
      List<Unmodelled> all, PolicySet set, CheckResult result) {
    Invariant.Assertion a = result.invariant().assertion();
    boolean proven = result.status() == CheckResult.Status.PROVEN;
    boolean violated = result.status() == CheckResult.Status.VIOLATED;
    Verdict shown = result.explanation();
    if (a instanceof Invariant.Isolated x) {
      return violated && shown != null
          ? witness(all, result.witness(), shown, null)
          : pairs(all, set, x.from(), x.to(), proven);
    }
    if (a instanceof Invariant.Reachable x) {
      boolean some = !x.all();
      boolean byWitness = (some ? proven : violated) && shown != null;
      return byWitness
          ? witness(all, result.witness(), shown, null)
          : pairs(all, set, x.from(), x.to(), some && violated);
    }
    if (a instanceof Invariant.Probe x) {
      return shown != null
          ? verdict(all, result.witness(), shown)
          : question(all, set, x.from(), x.to());
    }
    if (a instanceof Invariant.Covered) {
      return List.of(); // which policies select an endpoint: no element changes that
    }
    return anywhere(all, set, true);
  }

  /**
   * Elements that could change some flow between an end of {@code from} and one of {@code to}: for
   * each pair of ends, {@link #question}'s (what {@code verify} asks of the same ends); with {@code
   * none}, not those that only deny. In {@code all}'s order.
   */
  private static List<Unmodelled> pairs(
      List<Unmodelled> all, PolicySet set, List<End> from, List<End> to, boolean none) {
    java.util.Set<Unmodelled> some = new java.util.HashSet<>();
    for (End f : from) {
      for (End t : to) {
        some.addAll(none ? absence(all, set, f, t) : question(all, set, f, t));
      }
    }
    return all.stream().filter(some::contains).toList();
  }

  /**
   * The elements of {@code all} that act everywhere, those at endpoints {@code acts} accepts, those
   * dropping outer packets that {@code drops} accepts, and those that nat-outgoing hides the source
   * from that {@code masquerades} accepts.
   */
  private static List<Unmodelled> keep(
      List<Unmodelled> all,
      Predicate<Reach.Endpoints> acts,
      Predicate<Reach.Outer> drops,
      Predicate<Reach.Masqueraded> masquerades) {
    return all.stream()
        .filter(
            u ->
                u.reach() instanceof Reach.Everywhere
                    || u.reach() instanceof Reach.Endpoints r && acts.test(r)
                    || u.reach() instanceof Reach.Outer o && drops.test(o)
                    || u.reach() instanceof Reach.Masqueraded m && masquerades.test(m))
        .toList();
  }

  /**
   * Whether {@code r} acts at an endpoint {@code end} can be, in {@code d}, for a flow whose other
   * end is as {@code far} says.
   */
  private static boolean acts(Reach.Endpoints r, End end, Direction d, PolicySet set, Far far) {
    // spec S9.3
    if (!r.directions().contains(d) && !r.kinds().contains(Endpoint.Kind.HOST)) {
      return false;
    }
    return holds(end, set, e -> covers(r, e, d, set, far))
        || end instanceof End.Hypothetical h
            && !h.existingOnly()
            && (r.directions().contains(d)
                    && !(Reach.Endpoints.walkedFlow(far.every())
                        && r.walkedAt(null)) // spec S6.11: no node
                    && fresh(r, h.namespace(), h.selector())
                || far.may() && forwardedAt(r, null, set));
  }

  /**
   * The element acts at the step at {@code e} in {@code d} (of a flow whose other end is as {@code
   * far} says): there (not at a workload on a walked node when the far end is outside for every
   * flow, spec S6.11); at a host endpoint whose untracked Allows in {@code d} need replies, in the
   * other direction, which decides them (spec S6.5); or, for a workload on a walked node and a far
   * end that may be outside, at that node's host endpoint, whose forward ingress and egress steps
   * such a flow meets (spec S6.11).
   */
  private static boolean covers(
      Reach.Endpoints r, Endpoint e, Direction d, PolicySet set, Far far) {
    return r.covers(e, d, far.every())
        || far.may() && forwardedAt(r, e, set)
        || e.isHost()
            && r.covers(e, d.opposite())
            && set.policies().stream()
                .anyMatch(
                    p ->
                        p.doNotTrack()
                            && dev.tierproof.eval.Evaluator.applies(p, e, d)
                            && p.rules(d).stream()
                                .anyMatch(x -> x.action() == dev.tierproof.model.Action.ALLOW));
  }

  /**
   * Whether {@code r} acts at the forward steps of workload {@code e}'s flows with outside: at the
   * host endpoint of a walked node whose forward chain holds a policy ({@link PolicySet#walked};
   * else it forwards every packet and its steps are left out), either way: {@code e}'s node, or any
   * such node for a workload naming none or a pod that could be deployed ({@code e} null), which
   * may be placed there (spec S6.11).
   */
  private static boolean forwardedAt(Reach.Endpoints r, Endpoint e, PolicySet set) {
    if (e != null && e.isHost() || !r.kinds().contains(Endpoint.Kind.HOST) || interfaces(r)) {
      return false;
    }
    for (Map.Entry<String, java.util.List<Endpoint>> h : WalkedHosts.of(set).entrySet()) {
      if ((e == null || e.node() == null || e.node().equals(h.getKey()))
          && h.getValue().stream()
              .anyMatch(x -> r.covers(x, Direction.INGRESS) || r.covers(x, Direction.EGRESS))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code r} is the reach of a node whose host endpoints differ (every host endpoint of
   * the node, {@code load.Gaps}' interfaces): which interface a packet to or from the host crosses
   * (spec S6.6). A forwarded packet's interfaces are walked, each choice (S6.10), so it does not
   * act on forward steps.
   */
  private static boolean interfaces(Reach.Endpoints r) {
    return r.nodes() != null
        && r.selector() == null
        && r.profile() == null
        && r.kinds().equals(java.util.EnumSet.of(Endpoint.Kind.HOST));
  }

  /**
   * The host endpoints governing an interface of {@link PolicySet#walked}'s nodes ({@link
   * dev.tierproof.model.Ports#governing}), by node, of the set last asked: {@link #forwardedAt}
   * asks per endpoint of a question's ends, and both scans (the endpoints, the policies) would
   * otherwise be repeated per endpoint.
   */
  private record WalkedHosts(PolicySet set, Map<String, java.util.List<Endpoint>> hosts) {
    private static volatile WalkedHosts last;

    static Map<String, java.util.List<Endpoint>> of(PolicySet set) {
      WalkedHosts w = last;
      if (w == null || w.set() != set) {
        Map<String, java.util.List<Endpoint>> hosts = new java.util.LinkedHashMap<>();
        set.ports().forEach((n, p) -> hosts.put(n, p.governing()));
        w = new WalkedHosts(set, java.util.Collections.unmodifiableMap(hosts));
        last = w;
      }
      return w.hosts();
    }
  }

  /** Whether {@code end} can be an endpoint of the input that {@code p} accepts (spec S9.3). */
  private static boolean holds(End end, PolicySet set, Predicate<Endpoint> p) {
    return held(end, set).stream().anyMatch(p);
  }

  /** The endpoints of {@code set} that {@code end} can be (spec S9.3). */
  private static List<Endpoint> held(End end, PolicySet set) {
    if (end instanceof End.Known k) {
      return List.of(k.endpoint());
    }
    if (end instanceof End.Addresses o) {
      // a range holds the endpoints at addresses in it, and may hold those without an address
      // (S5.4)
      return o.range() == null || o.domain() != null
          ? List.of()
          : set.endpoints().stream()
              .filter(e -> e.ips().isEmpty() || e.ips().stream().anyMatch(o.range()::contains))
              .toList();
    }
    return ((End.Hypothetical) end).existing(set);
  }

  /**
   * Whether a workload endpoint not yet deployed, in {@code namespace} (null: any) with labels
   * satisfying {@code selector} (null: any), could be one the element acts at. Conservative: only a
   * different pinned namespace or profile rules it out.
   */
  private static boolean fresh(Reach.Endpoints r, String namespace, Selector selector) {
    if (!r.kinds().contains(Endpoint.Kind.WORKLOAD)) {
      return false;
    }
    String ns = namespace != null ? namespace : pinned(selector);
    String theirs = pinned(r.selector());
    if (ns != null && theirs != null && !ns.equals(theirs)) {
      return false;
    }
    if (r.profile() == null) {
      return true;
    }
    // a pod's profiles are kns.<ns> and ksa.<ns>.<sa> (spec S2.8)
    return ns == null
        ? r.profile().startsWith("kns.") || r.profile().startsWith("ksa.")
        : r.profile().equals("kns." + ns) || r.profile().startsWith("ksa." + ns + ".");
  }

  /**
   * The namespace a selector requires by a top-level {@code projectcalico.org/namespace == 'ns'}
   * (or its namespace's name label, {@code pcns.kubernetes.io/metadata.name == 'ns'}), else null.
   */
  private static String pinned(Selector s) {
    if (s instanceof Selector.Compare c
        && c.op() == Selector.Op.EQ
        && (c.key().equals(Endpoint.NAMESPACE_LABEL) || c.key().equals(NAMESPACE_NAME))) {
      return c.value();
    }
    if (s instanceof Selector.And a) {
      return a.operands().stream()
          .map(Relevance::pinned)
          .filter(x -> x != null)
          .findFirst()
          .orElse(null);
    }
    return null;
  }
}
