package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import java.util.Set;

/**
 * What an element tierproof does not model could change (specs/semantics.md S9.2): nothing, every
 * flow, the traffic of some enforcement points in some directions, the flows between workloads on
 * two nodes whose outer packet of encapsulation it may drop, the flows from a workload to another
 * node's host endpoint that nat-outgoing may masquerade, or a host's flows to itself.
 */
public sealed interface Reach {

  Reach NOWHERE = new Nowhere();
  Reach EVERYWHERE = new Everywhere();

  /** The element cannot change any verdict (a policy that selects nothing). */
  record Nowhere() implements Reach {}

  /** The element could change the verdict of any flow. */
  record Everywhere() implements Reach {}

  /**
   * The element (a pre-DNAT policy's ingress Deny rules) may drop the outer packet of a flow
   * encapsulated between two nodes (spec S6.10, S9.2): it only denies, and only flows between two
   * workloads on different nodes.
   *
   * @param drops the crossings whose outer packet it may drop: from a node ({@link Crossing#from},
   *     null: one whose addresses the input does not say) to a walked node it receives on
   * @param addressed the nodes whose addresses the input says (their host endpoints' {@code
   *     expectedIPs}); a crossing from any other node is looked up as from null
   */
  record Outer(Set<Crossing> drops, Set<String> addressed) implements Reach {

    public Outer {
      drops = Set.copyOf(drops);
      addressed = Set.copyOf(addressed);
    }

    /** Whether it may drop the outer packet from node {@code from} to node {@code to}. */
    public boolean drops(String from, String to) {
      return to != null
          && drops.contains(
              new Crossing(from != null && addressed.contains(from) ? from : null, to));
    }

    /**
     * Whether it may drop the outer packet of a flow between a workload on one of {@code a} and one
     * on one of {@code b}, either way (each a node, or null: elsewhere, a node no placement names):
     * the two ends are apart (two nodes, or an end elsewhere) and the packet between their nodes
     * may be dropped at one of them.
     */
    public boolean reaches(java.util.Collection<String> a, java.util.Collection<String> b) {
      for (String x : a) {
        for (String y : b) {
          boolean apart = x == null || y == null || !x.equals(y);
          if (apart && (drops(x, y) || drops(y, x))) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /**
   * The element (rules of a host endpoint that see a packet's source, spec S6.10, S9.2) acts on the
   * flows from a workload to one of {@code hosts} ({@link Endpoint#ref}) that Felix may masquerade
   * as from the workload's node: the workload not on that host endpoint's node (one naming no node
   * placed elsewhere, {@link Flow#local}), its address in a nat-outgoing pool and the host
   * endpoint's in none ({@link NatOutgoing}); {@code masquerade} says which source it then sees.
   *
   * @param sources the source sides of its ingress rules that read the source (spec S6.10)
   * @param ported the host endpoints of {@code hosts} where it may read a packet's source port: all
   *     of them where a side of {@code sources} has ports or a {@code services} side; a named one
   *     where it is untracked (a failsafe reply's skip of the untracked path, S6.4)
   */
  record Masqueraded(
      Set<String> hosts,
      Masquerade masquerade,
      java.util.List<EntityMatch> sources,
      Set<String> ported)
      implements Reach {

    public Masqueraded {
      hosts = Set.copyOf(hosts);
      sources = java.util.List.copyOf(sources);
      ported = Set.copyOf(ported);
    }

    /** What the pools say ({@link Masquerade#pools}). */
    public NatOutgoing pools() {
      return masquerade.pools();
    }

    /** Whether it acts on {@code flow}, placed as it is. */
    public boolean reaches(Flow flow) {
      Endpoint w = flow.source();
      Endpoint h = flow.destination();
      return h != null
          && hosts.contains(h.ref())
          && masquerade.seen(flow).kind() != Masquerade.Kind.KEPT;
    }

    /**
     * Whether it acts on some flow from workload {@code w} (null: a pod not yet deployed, on any
     * node at any pool's address) to host endpoint {@code h}: {@code w} may be on another node.
     */
    public boolean reaches(Endpoint w, Endpoint h) {
      NatOutgoing pools = masquerade.pools();
      if (!h.isHost() || !hosts.contains(h.ref()) || !pools.to(h, null)) {
        return false;
      }
      if (w == null) {
        return pools.any();
      }
      return !w.isHost() && (w.node() == null || !w.node().equals(h.node())) && pools.from(w, null);
    }
  }

  /**
   * The element acts on a host's packets to its own addresses on {@code nodes} (spec S6.13, S9.2):
   * the flows between two host endpoints of one of them ({@link Loopbacks#hostOwn}). With {@code
   * walk} it may change their verdicts. Without, only whether they are flows at all (on the eBPF
   * dataplane no program sees them, so no question holds them): it matters to an answer a flow of
   * theirs shows (a witness, a diff's class, a map's edge), never to a claim about every flow of a
   * question, which holds of fewer flows too.
   */
  record HostLoopback(Set<String> nodes, boolean walk) implements Reach {

    public HostLoopback {
      nodes = Set.copyOf(nodes);
    }

    /** Whether it acts on the flows from {@code a} to {@code b}. */
    public boolean reaches(Endpoint a, Endpoint b) {
      return Loopbacks.hostOwn(a, b) && nodes.contains(a.node());
    }
  }

  /** An outer packet of encapsulation from node {@code from} (null: unknown) to node {@code to}. */
  record Crossing(String from, String to) {}

  /** What the other end of a flow is, for every flow of a question (spec S6.10, S6.11, S9.3). */
  enum Other {
    /** Outside the cluster. */
    OUTSIDE,
    /**
     * Outside the cluster, a workload endpoint, or a host endpoint of another node than the
     * workload's: the flow is forwarded at its workload ends ({@link Flow#forwarded}).
     */
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
   *     them the element does not act on the flows whose other end is outside the cluster, a
   *     workload or a host endpoint of another node (S6.10; the outer packet of encapsulation is an
   *     element of its own, {@link Outer})
   * @param forwardedOnly the element acts on forwarded traffic only ({@link #forwardedOnly}): not
   *     on a local flow ({@link Flow#local})
   * @param routed the element also acts on the flows between two addresses outside the cluster
   *     routed through one of its {@link #nodes} that it does not {@link #walked walk} ({@link
   *     #routes}; spec S6.11, S9.2)
   * @param throughWalked with {@link #routed}, its nodes are walked ones (their routes are
   *     placements of their own), so it does not act on a route through no walked node
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
      boolean forwardedOnly,
      boolean routed,
      boolean throughWalked)
      implements Reach {

    public Endpoints(
        Set<Direction> directions, Set<Endpoint.Kind> kinds, Selector selector, String profile) {
      this(directions, kinds, selector, profile, null, Effect.EITHER);
    }

    public Endpoints(
        Set<Direction> directions,
        Set<Endpoint.Kind> kinds,
        Selector selector,
        String profile,
        Rule decider,
        Effect effect) {
      this(
          directions,
          kinds,
          selector,
          profile,
          decider,
          effect,
          null,
          Set.of(),
          false,
          false,
          false);
    }

    public Endpoints {
      directions = Set.copyOf(directions);
      kinds = Set.copyOf(kinds);
      nodes = nodes == null ? null : Set.copyOf(nodes);
      walked = Set.copyOf(walked);
    }

    /** The same element ({@link #directions} to {@link #profile}) with the rest as given. */
    private Endpoints with(
        Rule decider,
        Effect effect,
        Set<String> nodes,
        Set<String> walked,
        boolean forwardedOnly,
        boolean routed,
        boolean throughWalked) {
      return new Endpoints(
          directions,
          kinds,
          selector,
          profile,
          decider,
          effect,
          nodes,
          walked,
          forwardedOnly,
          routed,
          throughWalked);
    }

    /** The same reach, altering only {@code rule}, turning verdicts only as {@code way}. */
    public Endpoints deciding(Rule rule, Effect way) {
      return with(rule, way, nodes, walked, forwardedOnly, routed, throughWalked);
    }

    /** The same reach, on {@code on} only ({@link #nodes}). */
    public Endpoints on(Set<String> on) {
      return with(decider, effect, on, walked, forwardedOnly, routed, throughWalked);
    }

    /**
     * The same reach, leaving out the forwarded flows of workloads on {@code w} ({@link #walked}).
     */
    public Endpoints walking(Set<String> w) {
      return with(decider, effect, nodes, w, forwardedOnly, routed, throughWalked);
    }

    /**
     * Whether the element acts at {@code e} for {@code direction} on a flow whose other end is as
     * {@code other} says: {@link #covers(Endpoint, Direction)}, but not at a workload {@link
     * #walkedAt} its node when the other end is outside, a workload or a host endpoint of another
     * node: the flow is forwarded there and its chains are walked, spec S6.10, S6.11).
     */
    public boolean covers(Endpoint e, Direction direction, Other other) {
      return covers(e, direction) && !(walkedFlow(other) && !e.isHost() && walkedAt(e.node()));
    }

    /**
     * Whether a workload's flows with {@code other} at the far end are left alone on a walked node:
     * with outside, with a workload, or with a host endpoint of another node.
     */
    public static boolean walkedFlow(Other other) {
      return other != Other.ANY;
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
      return with(decider, effect, nodes, walked, only, routed, throughWalked);
    }

    /** The same reach, acting on routed flows between outside addresses ({@link #routed}). */
    public Endpoints routing(boolean r) {
      return with(decider, effect, nodes, walked, forwardedOnly, r, throughWalked);
    }

    /** The same reach, routed only through its (walked) nodes ({@link #throughWalked}). */
    public Endpoints routedThroughWalked() {
      return with(decider, effect, nodes, walked, forwardedOnly, routed, true);
    }

    /**
     * Whether the element acts on a flow between two addresses outside the cluster routed through
     * {@code node} (null: through no walked node, so through any other node): {@link #routed}, and
     * the node is one of {@link #nodes} (null: any) not {@link #walked}; for null, some node it
     * acts on is not walked (spec S6.11, S9.2).
     */
    public boolean routes(String node) {
      if (!routed) {
        return false;
      }
      return node == null
          ? !throughWalked && !walkedAt(null)
          : (nodes == null || nodes.contains(node)) && !walked.contains(node);
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
