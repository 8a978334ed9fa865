package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import java.util.Set;

/**
 * What an element tierproof does not model could change (specs/semantics.md S9.2): nothing, every
 * flow, or the traffic of some enforcement points in some directions.
 */
public sealed interface Reach {

  Reach NOWHERE = new Nowhere();
  Reach EVERYWHERE = new Everywhere();

  /** The element cannot change any verdict (a policy that selects nothing). */
  record Nowhere() implements Reach {}

  /** The element could change the verdict of any flow. */
  record Everywhere() implements Reach {}

  /** What the other end of a flow is, for every flow of a question (spec S6.10, S6.11, S9.3). */
  enum Other {
    /** Outside the cluster. */
    OUTSIDE,
    /** Outside the cluster or a workload endpoint: the flow is forwarded at its workload ends. */
    FORWARDED,
    /** Anything, a host endpoint included. */
    ANY
  }

  /** Which way an element can turn verdicts. */
  enum Effect {
    /** allowed flows denied and denied flows allowed */
    EITHER,
    /** only allowed flows denied (an {@code http} match narrows its Allow rule) */
    DENIES,
    /** only denied flows allowed (a profile's Pass denies here, iptables goes on) */
    ALLOWS
  }

  /**
   * The element acts at endpoints of {@code kinds} whose effective labels satisfy {@code selector}
   * (null: any) and whose profiles include {@code profile} (null: any), in {@code directions}.
   *
   * @param decider null, or the one rule the element alters ({@code http}: L7 narrows its match; a
   *     profile's Pass: it may go on instead of denying): a step that rule did not decide stays
   * @param effect which way it can turn verdicts
   * @param nodes null, or the nodes the element acts on: an endpoint on another node is out of its
   *     reach, one whose node is unknown is in it (forwarded traffic crosses the host endpoints of
   *     its workload's node, spec S6.6)
   * @param walked the nodes whose forward chain is modelled (spec S6.11): at a workload on one of
   *     them the element does not act on the flows whose other end is outside the cluster, nor
   *     (with {@code pods}) on those whose other end is a workload (S6.10)
   * @param pods the element leaves a walked node's flows between two workloads alone (false for a
   *     pre-DNAT policy that may drop the outer packet of encapsulation, S6.10, S9.2)
   * @param forwardedOnly the element acts on forwarded traffic only ({@link #forwardedOnly}): not
   *     on a local flow ({@link Flow#local})
   */
  record Endpoints(
      Set<Direction> directions,
      Set<Endpoint.Kind> kinds,
      Selector selector,
      String profile,
      Rule decider,
      Effect effect,
      Set<String> nodes,
      Set<String> walked,
      boolean pods,
      boolean forwardedOnly)
      implements Reach {

    public Endpoints(
        Set<Direction> directions, Set<Endpoint.Kind> kinds, Selector selector, String profile) {
      this(directions, kinds, selector, profile, null, Effect.EITHER, null, Set.of(), true, false);
    }

    public Endpoints(
        Set<Direction> directions,
        Set<Endpoint.Kind> kinds,
        Selector selector,
        String profile,
        Rule decider,
        Effect effect) {
      this(directions, kinds, selector, profile, decider, effect, null, Set.of(), true, false);
    }

    public Endpoints {
      directions = Set.copyOf(directions);
      kinds = Set.copyOf(kinds);
      nodes = nodes == null ? null : Set.copyOf(nodes);
      walked = Set.copyOf(walked);
    }

    /** The same reach, altering only {@code rule}, turning verdicts only as {@code way}. */
    public Endpoints deciding(Rule rule, Effect way) {
      return new Endpoints(
          directions, kinds, selector, profile, rule, way, nodes, walked, pods, forwardedOnly);
    }

    /** The same reach, on {@code on} only ({@link #nodes}). */
    public Endpoints on(Set<String> on) {
      return new Endpoints(
          directions, kinds, selector, profile, decider, effect, on, walked, pods, forwardedOnly);
    }

    /**
     * The same reach, leaving out the forwarded flows of workloads on {@code w} ({@link #walked}),
     * with another workload too when {@code withPods} ({@link #pods}).
     */
    public Endpoints walking(Set<String> w, boolean withPods) {
      return new Endpoints(
          directions, kinds, selector, profile, decider, effect, nodes, w, withPods, forwardedOnly);
    }

    /**
     * Whether the element acts at {@code e} for {@code direction} on a flow whose other end is as
     * {@code other} says: {@link #covers(Endpoint, Direction)}, but not at a workload {@link
     * #walkedAt} its node when the other end is outside (or, {@link #pods}, a workload: the flow is
     * forwarded there and its chains are walked, spec S6.10, S6.11).
     */
    public boolean covers(Endpoint e, Direction direction, Other other) {
      return covers(e, direction) && !(walkedFlow(other) && !e.isHost() && walkedAt(e.node()));
    }

    /**
     * Whether a workload's flows with {@code other} at the far end are left alone on a walked node:
     * with outside, or with a workload unless {@link #pods} says not.
     */
    public boolean walkedFlow(Other other) {
      return other == Other.OUTSIDE || other == Other.FORWARDED && pods;
    }

    /**
     * Whether the forwarded flows of a workload on {@code node} (null: naming none, so on any node)
     * meet this element only on walked forward chains (spec S6.11, S9.2): the node is {@link
     * #walked}; for a workload naming no node, every node the element acts on is.
     */
    public boolean walkedAt(String node) {
      return node != null ? walked.contains(node) : nodes != null && walked.containsAll(nodes);
    }

    /**
     * The same reach, acting on forwarded traffic only ({@code only}): never on a flow between a
     * host endpoint and a workload on its node, which Felix's raw and forward chains never see (an
     * untracked or forward path's policy; a pre-DNAT one does see a workload's packets to its host,
     * spec S6.10, S6.12).
     */
    public Endpoints forwardedOnly(boolean only) {
      return new Endpoints(
          directions, kinds, selector, profile, decider, effect, nodes, walked, pods, only);
    }

    /** Whether the element acts at {@code e} for {@code direction}. */
    public boolean covers(Endpoint e, Direction direction) {
      return directions.contains(direction)
          && kinds.contains(e.kind())
          && (selector == null || selector.matches(e.labels()))
          && (profile == null || e.profiles().contains(profile))
          && (nodes == null || e.node() == null || nodes.contains(e.node()));
    }
  }
}
