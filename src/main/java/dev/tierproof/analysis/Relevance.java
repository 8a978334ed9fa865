package dev.tierproof.analysis;

import static dev.tierproof.analysis.EndReach.acts;
import static dev.tierproof.analysis.EndReach.covers;
import static dev.tierproof.analysis.EndReach.forwardedAt;
import static dev.tierproof.analysis.EndReach.fresh;
import static dev.tierproof.analysis.EndReach.held;
import static dev.tierproof.analysis.EndReach.holds;
import static dev.tierproof.analysis.EndReach.interfaces;

import dev.tierproof.analysis.EndReach.Far;
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
 * whose other end is outside the cluster, another workload or a host endpoint of another node (spec
 * S6.10, S6.11, S9.3); one that may drop the outer packet of encapsulation ({@link Reach.Outer})
 * matters to a flow between two workloads whose ends may be on two nodes, one of them where it
 * drops; one that nat-outgoing hides the source from ({@link Reach.Masqueraded}) to a flow from a
 * workload to another node's host endpoint that Felix may masquerade ({@link Masquerading}). A flow
 * shown places each end naming no node ({@link Flow#sourcePlacement}): the element matters where it
 * stands. Every command asks here and nowhere else.
 */
public final class Relevance {

  private Relevance() {}

  /**
   * The elements that could change the verdict of some flow from {@code source} to {@code
   * destination}: {@link #map}'s for that pair, and between two address ranges those standing for
   * forwarded traffic (spec S6.6).
   */
  public static List<Unmodelled> question(
      List<Unmodelled> all, PolicySet set, End source, End destination) {
    List<Unmodelled> out = between(all, set, false, source, destination, false);
    return source instanceof End.Addresses && destination instanceof End.Addresses
        ? withForwarded(all, set, out)
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
  static Reach.Other other(End end, PolicySet set) {
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
   * outside the cluster has no step of its own, but may be routed through a host (spec S6.6), and
   * through a walked node it meets the forward chains of that node's host endpoints (S6.11), so the
   * elements acting at those endpoints too.
   */
  private static List<Unmodelled> withForwarded(
      List<Unmodelled> all, PolicySet set, List<Unmodelled> some) {
    List<Unmodelled> out = new java.util.ArrayList<>(some);
    for (Unmodelled u : all) {
      if (!out.contains(u) && (forwarded(u) && routed(u) || atWalkedHost(u, set))) {
        out.add(u);
      }
    }
    return out;
  }

  /** {@code u} acts at a host endpoint of a walked node, either way. */
  private static boolean atWalkedHost(Unmodelled u, PolicySet set) {
    return u.reach() instanceof Reach.Endpoints r
        && set.endpoints().stream()
            .anyMatch(
                h ->
                    h.isHost()
                        && h.node() != null
                        && set.walked().contains(h.node())
                        && (r.covers(h, Direction.INGRESS) || r.covers(h, Direction.EGRESS)));
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
    // cluster (its one step of its own is the workload's), another workload or a host endpoint of
    // another node
    List<Step> own = verdict.steps().stream().filter(s -> !s.forward()).toList();
    Reach.Other other =
        own.stream().anyMatch(s -> s.endpoint().isHost()) && !hostElsewhere(flow)
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
        m -> m.reaches(flow) && Masquerading.turns(m, flow, verdict, eval),
        h -> h.reaches(flow.source(), flow.destination()));
  }

  /**
   * Whether {@code flow} is between a workload and a host endpoint of another node, so forwarded at
   * the workload's node (spec S6.10, S6.11): the host endpoint names its node and the flow is not
   * {@link Flow#local} (a workload naming no node placed elsewhere is on a node no placement names,
   * not the host endpoint's).
   */
  private static boolean hostElsewhere(Flow flow) {
    Endpoint s = flow.source();
    Endpoint d = flow.destination();
    return s != null
        && d != null
        && s.isHost() != d.isHost()
        && (s.isHost() ? s : d).node() != null
        && !flow.local();
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
    Flow p = placement(all, eval, r.witness(), r.explanation(), eval);
    return p == null
        ? r
        : new VerifyResult(
            r.claim(),
            r.result(),
            p,
            eval.evaluate(p),
            r.blockers(),
            r.solver(),
            r.blockersIncomplete());
  }

  /**
   * {@code r}, an isolation's or a reachability's outcome shown by a witness that an element
   * reaches, with the witness moved to a placement no element reaches where one shows the same
   * verdict ({@link #invariant} judges it, spec S9.3), as verify's ({@link #placed(List,
   * dev.tierproof.eval.Evaluator, VerifyResult)}).
   */
  public static CheckResult placed(
      List<Unmodelled> all, dev.tierproof.eval.Evaluator eval, CheckResult r) {
    Invariant.Assertion a = r.invariant().assertion();
    if (!(a instanceof Invariant.Isolated || a instanceof Invariant.Reachable)) {
      return r;
    }
    Flow p = placement(all, eval, r.witness(), r.explanation(), null);
    return p == null ? r : r.witnessed(p, eval.evaluate(p));
  }

  /**
   * A placement of witness {@code w} (verdict {@code v}) with the same verdict that no element of
   * {@code all} reaches as {@link #witness} judges it with {@code judge}; null when {@code w} is
   * reached by none, or no placement is.
   */
  private static Flow placement(
      List<Unmodelled> all,
      dev.tierproof.eval.Evaluator eval,
      Flow w,
      Verdict v,
      dev.tierproof.eval.Evaluator judge) {
    if (w == null || v == null || witness(all, w, v, judge).isEmpty()) {
      return null;
    }
    for (Flow p : eval.placements(w)) {
      Verdict pv = eval.evaluate(p);
      if (pv.allowed() == v.allowed() && witness(all, p, pv, judge).isEmpty()) {
        return p;
      }
    }
    return null;
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
        m -> false, // spec S9.3: no finding's (see lint)
        h -> false); // spec S6.13: no finding's (see lint)
  }

  /**
   * The elements that could change a lint finding or run ({@link #findings}, {@link #anywhere}):
   * all but those nat-outgoing hides the source from ({@link Reach.Masqueraded}, spec S9.3): a
   * masqueraded packet is one lint already asks about at the host endpoint (a packet from the
   * workload's node's address, or from any address where that is not known); only the flow it
   * belongs to differs, which no finding is about. Nor those acting on a host's flows to itself
   * ({@link Reach.HostLoopback}): a rule seeing fewer packets, or other walks of the same packets
   * at the same rules, keeps each finding's claim about every packet.
   */
  public static List<Unmodelled> lint(List<Unmodelled> all) {
    return all.stream()
        .filter(
            u ->
                !(u.reach() instanceof Reach.Masqueraded
                    || u.reach() instanceof Reach.HostLoopback))
        .toList();
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
            m -> Masquerading.reaches(m, null, null, set, hypothetical, e -> held(e, set)),
            Reach.HostLoopback::walk); // spec S6.13: else only flows shown (diff, below)
    return withForwarded(all, set, out); // spec S6.6: also between addresses outside the cluster
  }

  /**
   * diff: {@link #anywhere}'s, and those acting only on whether a host's flows to itself are flows
   * at all ({@link Reach.HostLoopback#walk} false, spec S6.13) when a class of {@code classes} may
   * hold such a flow: a change it lists may be no flow's there, while a claim that nothing else
   * changed holds of fewer flows too.
   */
  public static List<Unmodelled> diff(
      List<Unmodelled> all,
      PolicySet set,
      boolean hypothetical,
      List<DiffResult.ChangeClass> classes) {
    List<Unmodelled> out = new java.util.ArrayList<>(anywhere(all, set, hypothetical));
    for (Unmodelled u : all) {
      if (u.reach() instanceof Reach.HostLoopback h
          && !out.contains(u)
          && classes.stream().anyMatch(c -> hostOn(h, c.source()) && hostOn(h, c.destination()))) {
        out.add(u);
      }
    }
    return out;
  }

  /** Whether a class's end {@code e} may be a host endpoint of one of {@code h}'s nodes. */
  private static boolean hostOn(Reach.HostLoopback h, DiffResult.Ends e) {
    return switch (e.kind()) {
      case ANY -> true;
      case ENDPOINTS ->
          e.endpoints().stream().anyMatch(x -> x.isHost() && h.nodes().contains(x.node()));
      case PODS, OUTSIDE -> false;
    };
  }

  /**
   * Whether every flow of workload {@code e} (null: a pod that could be deployed) that element
   * {@code r}, standing for forwarded traffic only, could act on is walked (spec S6.11, S9.3): its
   * forwarded flows with outside, a workload or another node's host endpoint are walked on {@code
   * r}'s nodes ({@link Reach.Endpoints#walkedAt}), its flows with a host endpoint on its own node
   * are local (S6.12), those with a host endpoint of another node are forwarded and walked there
   * too (S6.10), and the input has no host endpoint naming no node.
   */
  private static boolean settled(Reach.Endpoints r, Endpoint e, PolicySet set) {
    if (!r.forwardedOnly() || !forwarded(r) || e != null && e.isHost()) {
      return false;
    }
    String node = e == null ? null : e.node();
    if (!r.walkedAt(node)) {
      return false;
    }
    return set.endpoints().stream().noneMatch(h -> h.isHost() && h.node() == null);
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
    return between(all, set, hypothetical, from, to, true);
  }

  /**
   * {@link #map}'s; with {@code shown} also those acting only on whether a host's flows to itself
   * are flows at all ({@link Reach.HostLoopback#walk} false), which matters to an answer a flow
   * shows (the map's edges) and to no claim about every flow.
   */
  private static List<Unmodelled> between(
      List<Unmodelled> all, PolicySet set, boolean hypothetical, End from, End to, boolean shown) {
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
        m -> Masquerading.reaches(m, from, to, set, hypothetical, e -> held(e, set)),
        h -> (shown || h.walk()) && hostOn(h, from, set) && hostOn(h, to, set));
  }

  /** Whether {@code end} (null: any) may be a host endpoint of one of {@code h}'s nodes. */
  private static boolean hostOn(Reach.HostLoopback h, End end, PolicySet set) {
    return end == null
        ? set.endpoints().stream().anyMatch(e -> e.isHost() && h.nodes().contains(e.node()))
        : holds(end, set, e -> e.isHost() && h.nodes().contains(e.node()));
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
                || Masquerading.reaches(m, null, end, set, true, e -> held(e, set)),
        h -> hostOn(h, end, set));
  }

  /** {@link EndReach#acts} at {@code end}, or with none at any endpoint that exists or could. */
  private static boolean mapped(
      Reach.Endpoints r, End end, Direction d, PolicySet set, boolean hypothetical, Far far) {
    if (end != null) {
      return acts(r, end, d, set, far);
    }
    return set.endpoints().stream().anyMatch(e -> covers(r, e, d, set, far))
        || hypothetical
            && (r.directions().contains(d) && fresh(r, null, null)
                || far.forwards(null) && forwardedAt(r, null, set));
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
    List<Unmodelled> out = new java.util.ArrayList<>(anywhere(all, set, true));
    if (shown != null) { // spec S6.13: a host's flow to itself shown may be no flow
      Flow w = result.witness();
      keep(all, r -> false, o -> false, m -> false, h -> h.reaches(w.source(), w.destination()))
          .stream()
          .filter(u -> !out.contains(u))
          .forEach(out::add);
    }
    return out;
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
   * dropping outer packets that {@code drops} accepts, those that nat-outgoing hides the source
   * from that {@code masquerades} accepts, and those acting on a host's flows to itself that {@code
   * own} accepts.
   */
  private static List<Unmodelled> keep(
      List<Unmodelled> all,
      Predicate<Reach.Endpoints> acts,
      Predicate<Reach.Outer> drops,
      Predicate<Reach.Masqueraded> masquerades,
      Predicate<Reach.HostLoopback> own) {
    return all.stream()
        .filter(
            u ->
                u.reach() instanceof Reach.Everywhere
                    || u.reach() instanceof Reach.Endpoints r && acts.test(r)
                    || u.reach() instanceof Reach.Outer o && drops.test(o)
                    || u.reach() instanceof Reach.Masqueraded m && masquerades.test(m)
                    || u.reach() instanceof Reach.HostLoopback h && own.test(h))
        .toList();
  }
}
