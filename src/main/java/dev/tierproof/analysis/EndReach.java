package dev.tierproof.analysis;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Reach;
import dev.tierproof.selector.Selector;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where an unmodelled element's endpoint reach ({@link Reach.Endpoints}) acts for a question's end
 * (spec S9.3): at the endpoints of the input the end can be, at a pod that could be deployed there,
 * and at the forward steps of a walked node (S6.11). {@link Relevance} asks it per question, map
 * pair and check invariant.
 */
final class EndReach {

  private static final String NAMESPACE_NAME = "pcns.kubernetes.io/metadata.name";

  private EndReach() {}

  /**
   * What the far end of a flow is for every flow ({@code every}), whether for some flow it is
   * outside the cluster or a workload, so that the flow is forwarded ({@code may}), and the nodes
   * of the host endpoints it can be ({@code hosts}, null in it: one naming no node; {@code hosts}
   * null: not told), whose flows with a workload on another node are forwarded there too (spec
   * S6.10, S6.11).
   */
  record Far(Reach.Other every, boolean may, java.util.Set<String> hosts) {

    static final Far INSIDE = new Far(Reach.Other.ANY, false, null);

    /** Any end: inside the cluster or outside. */
    static final Far ANY = new Far(Reach.Other.ANY, true, null);

    /** The far end {@code end}: null any end the map covers, outside ones included. */
    static Far of(End end, PolicySet set) {
      Reach.Other every = end == null ? Reach.Other.ANY : Relevance.other(end, set);
      java.util.Set<String> hosts = null;
      if (end != null) {
        hosts = new java.util.HashSet<>();
        for (Endpoint e : held(end, set)) {
          if (e.isHost()) {
            hosts.add(e.node());
          }
        }
      }
      return new Far(
          every, end == null || end instanceof End.Addresses || every != Reach.Other.ANY, hosts);
    }

    /**
     * What the far end is for every flow with workload {@code e}: {@link #every}, but forwarded at
     * {@code e}'s node when every host endpoint it can be is on another node (spec S6.11).
     */
    Reach.Other at(Endpoint e) {
      return every == Reach.Other.ANY
              && hosts != null
              && !e.isHost()
              && e.node() != null
              && !hosts.contains(null)
              && !hosts.contains(e.node())
          ? Reach.Other.FORWARDED
          : every;
    }

    /**
     * Whether workload {@code e} names no node and every host endpoint the far end can be names
     * one: its flows are forwarded at its node (elsewhere, or a walked one) but where it is placed
     * on a host endpoint's node (local, spec S6.11, S6.12).
     */
    boolean placed(Endpoint e) {
      return every == Reach.Other.ANY
          && hosts != null
          && !e.isHost()
          && e.node() == null
          && !hosts.contains(null);
    }

    /**
     * Whether {@code r} acts at workload {@code e} (naming no node, {@link #placed}) in {@code d}
     * placed on a host endpoint's node: a local flow, which forwarded-only elements never see.
     */
    boolean local(Reach.Endpoints r, Endpoint e, Direction d) {
      return !r.forwardedOnly()
          && hosts.stream().anyMatch(m -> r.covers(e.withNode(m), d, Reach.Other.ANY));
    }

    /**
     * Whether some flow with workload {@code e} (null: one naming no node, or a pod that could be
     * deployed) is forwarded at its node: {@link #may}, or the far end can be a host endpoint of
     * another node (spec S6.10, S6.11).
     */
    boolean forwards(Endpoint e) {
      return may
          || hosts != null
              && hosts.stream()
                  .anyMatch(
                      n -> n != null && (e == null || e.node() == null || !n.equals(e.node())));
    }
  }

  /**
   * Whether {@code r} acts at an endpoint {@code end} can be, in {@code d}, for a flow whose other
   * end is as {@code far} says.
   */
  static boolean acts(Reach.Endpoints r, End end, Direction d, PolicySet set, Far far) {
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
                || far.forwards(null) && forwardedAt(r, null, set));
  }

  /**
   * The element acts at the step at {@code e} in {@code d} (of a flow whose other end is as {@code
   * far} says): there (not at a workload on a walked node when the far end is outside, a workload
   * or a host endpoint of another node for every flow, spec S6.11); at a host endpoint whose
   * untracked Allows in {@code d} need replies, in the other direction, which decides them (spec
   * S6.5); or, for a workload on a walked node and a far end that may be outside, a workload or a
   * host endpoint of another node, at that node's host endpoint, whose forward ingress and egress
   * steps such a flow meets (spec S6.11); or, at a host endpoint in ingress whose far end may be a
   * workload of its node, at the local pre-DNAT path that flow meets first (S6.12).
   */
  static boolean covers(Reach.Endpoints r, Endpoint e, Direction d, PolicySet set, Far far) {
    return (far.placed(e)
            ? r.covers(e, d, Reach.Other.FORWARDED) || far.local(r, e, d)
            : r.covers(e, d, e.isHost() ? far.every() : far.at(e)))
        || far.forwards(e) && forwardedAt(r, e, set)
        || d == Direction.INGRESS && far.every() != Reach.Other.OUTSIDE && localPreDnat(r, e, set)
        || e.isHost()
            && r.covers(e, d.opposite())
            && set.policies().stream()
                .anyMatch(
                    p ->
                        p.doNotTrack()
                            && dev.tierproof.eval.Evaluator.applies(p, e, d, set.dataplane())
                            && p.rules(d).stream()
                                .anyMatch(x -> x.action() == dev.tierproof.model.Action.ALLOW));
  }

  /**
   * Whether {@code r} acts at the local pre-DNAT path a workload's packet to host endpoint {@code
   * e} meets (spec S6.12): the pre-DNAT policies in ingress of {@code e}'s node's all-interfaces
   * endpoint ({@link dev.tierproof.model.Ports#other}), walked before the workload's egress step.
   * Like other forward steps, not for a node whose host endpoints differ ({@link #interfaces}).
   */
  private static boolean localPreDnat(Reach.Endpoints r, Endpoint e, PolicySet set) {
    dev.tierproof.model.Ports p = e.isHost() ? set.ports().get(e.node()) : null;
    Endpoint star = p == null ? null : p.other();
    return star != null
        && !interfaces(r)
        && r.covers(star, Direction.INGRESS)
        && set.policies().stream()
            .anyMatch(
                x ->
                    x.preDnat()
                        && dev.tierproof.eval.Evaluator.applies(
                            x, star, Direction.INGRESS, set.dataplane()));
  }

  /**
   * Whether {@code r} acts at the forward steps of workload {@code e}'s flows with outside: at the
   * host endpoint of a walked node whose forward chain holds a policy ({@link PolicySet#walked};
   * else it forwards every packet and its steps are left out), either way: {@code e}'s node, or any
   * such node for a workload naming none or a pod that could be deployed ({@code e} null), which
   * may be placed there (spec S6.11).
   */
  static boolean forwardedAt(Reach.Endpoints r, Endpoint e, PolicySet set) {
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
  static boolean interfaces(Reach.Endpoints r) {
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
  static boolean holds(End end, PolicySet set, Predicate<Endpoint> p) {
    return held(end, set).stream().anyMatch(p);
  }

  /** The endpoints of {@code set} that {@code end} can be (spec S9.3). */
  static List<Endpoint> held(End end, PolicySet set) {
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
  static boolean fresh(Reach.Endpoints r, String namespace, Selector selector) {
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
          .map(EndReach::pinned)
          .filter(x -> x != null)
          .findFirst()
          .orElse(null);
    }
    return null;
  }
}
