package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Site;
import dev.tierproof.model.Tier;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The input's unmodelled elements and what each could change (specs/semantics.md S9.1, S9.2). The
 * warnings about them stay where the loader reads them; this only records them.
 */
final class Gaps {

  private static final Set<Endpoint.Kind> ANY_ENDPOINT = EnumSet.allOf(Endpoint.Kind.class);

  private Gaps() {}

  /** {@code k == 'v'} for each of the endpoint's labels: it and endpoints labelled like it. */
  private static List<Selector> labelled(Endpoint e) {
    return e.labels().entrySet().stream()
        .map(x -> (Selector) new Selector.Compare(x.getKey(), Selector.Op.EQ, x.getValue()))
        .toList();
  }

  private static Selector all(List<Selector> terms) {
    return terms.isEmpty() ? Selector.all() : Selectors.all(terms);
  }

  /** An address range of a workload endpoint, of which only host addresses are modelled. */
  static Unmodelled range(String endpoint, Span at) {
    return new Unmodelled(
        "ipNetworks",
        endpoint,
        at,
        "only host addresses of workload endpoints are modelled",
        Reach.EVERYWHERE);
  }

  /**
   * The elements of the built model: enforced untracked, pre-DNAT and applyOnForward policies
   * selecting a host endpoint (forwarded traffic); rules with {@code http} or an unresolved {@code
   * services} side; profile rules that Pass, or with those matches; untracked ingress policies
   * selecting an all-interfaces host endpoint. Which of them are unmodelled depends on the chosen
   * dataplane ({@link PolicySet#dataplane}, spec S4.6, S6.6, S6.11): on Felix's rule renderer
   * (iptables, nftables) a profile's Pass and untracked policy on an all-interfaces endpoint are
   * modelled; on eBPF a profile's Pass is, and untracked policy at host endpoints (an
   * all-interfaces endpoint's ingress too), and the walked forward chains are modelled but where
   * nat-outgoing translates the source ({@code natOutgoing}: a workload's pool may be nat-outgoing,
   * which the eBPF dataplane applies before the outgoing interface's forward egress rules see the
   * packet, S6.11; {@link #dataplanes}); with none chosen, untracked Allow rules whose replies the
   * dataplanes decide apart ({@link UntrackedReplies}). Where packets between two nodes may be
   * encapsulated as {@code modes} says ({@link IpPools}), VXLAN to {@code vxlanPort} (null: any
   * port, a {@code FelixConfiguration} may change it), a pre-DNAT policy whose ingress Deny rules
   * may drop an outer packet is also an element of its own, reaching the flows between workloads on
   * two nodes whose outer packet it may drop ({@link OuterPackets}, spec S6.10, S9.2; not on eBPF,
   * which never polices the outer packet).
   */
  static List<Unmodelled> of(
      PolicySet set, IpPools.Modes modes, Integer vxlanPort, boolean natOutgoing) {
    // spec S9.1, S9.2
    List<Unmodelled> out = new ArrayList<>();
    Dataplane dataplane = set.dataplane();
    boolean renderer = dataplane != null && dataplane.renderer();
    boolean bpf = dataplane == Dataplane.BPF;
    // spec S6.9-S6.11: these nodes' forward chains are walked, for every interface choice, for
    // their workloads' flows with outside, another workload or another node's host endpoint
    Set<String> walked = dev.tierproof.model.Ports.of(set.endpoints()).keySet();
    // spec S6.10: eBPF lets the outer packet between Calico hosts through
    OuterPackets outer = bpf ? null : new OuterPackets(modes, vxlanPort, set.endpoints(), walked);
    for (Tier t : set.tiers()) {
      for (Policy p : t.policies()) {
        if (p.staged()) {
          continue; // spec S2.5: never enforced
        }
        HostPath path = HostPath.of(p);
        if (path != HostPath.NORMAL || p.applyOnForward()) {
          // spec S6.6, S9.2: on a host endpoint's own traffic the untracked and pre-DNAT paths are
          // modelled (S6.4); of forwarded traffic (a workload at one end, S6.7-S6.11) only the
          // pre-DNAT and forward paths of a walked node, between its workloads and outside
          // spec S6.6: no dataplane enforces untracked egress policy at an all-interfaces endpoint
          // spec S6.6: iptables and nftables enforce no untracked policy there at all
          boolean egressOnly =
              path == HostPath.UNTRACKED && (renderer || !p.governs(Direction.INGRESS));
          List<Endpoint> hosts =
              set.endpoints().stream()
                  .filter(e -> e.isHost() && p.selector().matches(e.labels()))
                  .filter(e -> !(egressOnly && e.site() == Site.ALL_INTERFACES))
                  .toList();
          // the workloads on those host endpoints' nodes, or on unknown ones
          Set<String> nodes =
              hosts.stream().anyMatch(e -> e.node() == null)
                  ? null
                  : hosts.stream().map(Endpoint::node).collect(java.util.stream.Collectors.toSet());
          String flag =
              path == HostPath.UNTRACKED
                  ? "doNotTrack"
                  : path == HostPath.PRE_DNAT ? "preDNAT" : "applyOnForward";
          out.add(
              new Unmodelled(
                  flag,
                  p.displayName(),
                  p.span(),
                  path == HostPath.UNTRACKED
                      ? "forwarded traffic through host endpoints is not modelled"
                      : "forwarded traffic through host endpoints is modelled only for a"
                          + " workload on a node whose host endpoints' interfaces the input"
                          + " settles and an address outside the cluster, another workload or a"
                          + " host endpoint of another node, and for two addresses outside the"
                          + " cluster routed through such a node",
                  hosts.isEmpty()
                      ? Reach.NOWHERE
                      : new Reach.Endpoints(
                              forwardDirections(p, hosts),
                              EnumSet.of(Endpoint.Kind.WORKLOAD),
                              null,
                              null)
                          .on(nodes)
                          .walking(
                              path != HostPath.UNTRACKED
                                  ? walked
                                  : UntrackedGaps.walked(renderer, p, hosts, walked, outer))
                          // spec S6.12: the local pre-DNAT path of a settled node is walked
                          .forwardedOnly(
                              path != HostPath.PRE_DNAT
                                  || nodes != null && walked.containsAll(nodes))
                          // spec S6.11: routed between outside addresses through its nodes
                          .routing(true)));
          OuterPackets.Gap drops =
              // spec S6.7.1: a walked untracked Deny may drop the outer packet too
              (path == HostPath.PRE_DNAT
                          || path == HostPath.UNTRACKED
                              && UntrackedGaps.modelled(renderer, p, outer))
                      && outer != null
                  ? outer.of(p, hosts)
                  : null;
          if (drops != null) {
            out.add(new Unmodelled(flag, p.displayName(), p.span(), drops.reason(), drops.reach()));
          }
        }
        if (dataplane == null && path == HostPath.UNTRACKED) {
          out.addAll(UntrackedReplies.of(set, p)); // spec S6.5: the replies they disagree on
        }
        if (!renderer) {
          dataplanes(set, p, walked, natOutgoing, out);
          LocalGaps.dataplanes(set, p, out);
        }
        List<Selector> wildcards =
            path != HostPath.UNTRACKED || !p.governs(Direction.INGRESS) || dataplane != null
                ? List.of()
                : set.endpoints().stream()
                    .filter(
                        e -> e.site() == Site.ALL_INTERFACES && p.selector().matches(e.labels()))
                    .map(e -> all(labelled(e)))
                    .toList();
        if (!wildcards.isEmpty()) {
          // spec S6.6: iptables and nftables skip it (modelled); eBPF enforces ingress in XDP
          out.add(
              new Unmodelled(
                  "doNotTrack",
                  p.displayName(),
                  p.span(),
                  "untracked ingress policy on an all-interfaces (`*`) host endpoint is ignored"
                      + " by Felix's iptables and nftables dataplanes (modelled) but enforced by its"
                      + " eBPF dataplane (choose one with `--dataplane`)",
                  new Reach.Endpoints(
                      EnumSet.of(Direction.INGRESS),
                      EnumSet.of(Endpoint.Kind.HOST),
                      wildcards.size() == 1 ? wildcards.get(0) : new Selector.Or(wildcards),
                      null)));
        }
        for (Direction d : Direction.values()) {
          Reach at =
              HostPath.enforced(p, Site.WORKLOAD, d) || HostPath.enforced(p, Site.HOST, d)
                  ? new Reach.Endpoints(
                      EnumSet.of(d),
                      path == HostPath.NORMAL ? ANY_ENDPOINT : EnumSet.of(Endpoint.Kind.HOST),
                      p.selector(),
                      null)
                  : Reach.NOWHERE;
          rules(p.rules(d), d, p.displayName(), at, false, out);
        }
      }
    }
    java.util.Map<String, List<Endpoint>> hostsByNode = new java.util.TreeMap<>();
    for (Endpoint e : set.endpoints()) {
      if (e.isHost() && e.node() != null) {
        hostsByNode.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(e);
      }
    }
    interfaces(hostsByNode, out);
    LoopbackGaps.of(set, hostsByNode, out); // spec S6.13
    for (Profile p : set.profiles().values()) {
      for (Direction d : Direction.values()) {
        rules(
            p.rules(d),
            d,
            "profile " + p.name(),
            new Reach.Endpoints(EnumSet.of(d), ANY_ENDPOINT, null, p.name()),
            dataplane == null,
            out);
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  /**
   * Where the eBPF dataplane and Felix's rule renderer disagree on a walked forward chain (spec
   * S6.11; specs/notes/bpf-host-endpoints.md, section 2), for a policy {@code p} selecting a host
   * endpoint of a {@code walked} node; called when no rule renderer is chosen. With no dataplane
   * chosen: a packet to an inbound failsafe port skips the pre-DNAT path on the renderer only
   * ({@link PolicySet#forwardFailsafe}), so a pre-DNAT Allow or Deny rule that may match one is
   * unmodelled at the workloads of the nodes of the all-interfaces endpoints it selects, both ways,
   * at those of the nodes of the named ones it selects as destinations (a packet coming in by that
   * interface), and on the flows between two outside addresses routed through the node of any host
   * endpoint it selects (the incoming interface's). With no dataplane or eBPF, and a pool that may
   * be nat-outgoing ({@code natOutgoing}): eBPF's egress forward rules see the translated source of
   * a workload's packet to outside, so an applyOnForward policy governing egress and selecting a
   * walked node's host endpoint of any interface (the one the packet leaves by), with an egress
   * rule that reads the source, is unmodelled at those nodes' workloads as sources.
   */
  private static void dataplanes(
      PolicySet set, Policy p, Set<String> walked, boolean natOutgoing, List<Unmodelled> out) {
    HostPath path = HostPath.of(p);
    if (!(set.dataplane() == null && path == HostPath.PRE_DNAT)
        && !(natOutgoing && path == HostPath.NORMAL && p.applyOnForward())) {
      return; // neither disagreement below can be this policy's
    }
    Set<String> nodes =
        set.endpoints().stream()
            .filter(e -> e.site() == Site.ALL_INTERFACES && p.selector().matches(e.labels()))
            .map(Endpoint::node)
            .filter(n -> n != null && walked.contains(n))
            .collect(java.util.stream.Collectors.toSet());
    Set<String> leaving = routedAt(set, p, walked);
    Set<String> routed = new java.util.TreeSet<>(leaving);
    if (set.dataplane() == null
        && path == HostPath.PRE_DNAT
        && !routed.isEmpty()
        && p.rules(Direction.INGRESS).stream().anyMatch(r -> failsafeMatch(set.failsafe(), r))) {
      String reason =
          "the dataplanes disagree on a forwarded packet to an inbound failsafe port (Felix's"
              + " iptables and nftables skip the pre-DNAT path for it, eBPF does not; choose"
              + " one with `--dataplane`)";
      if (!nodes.isEmpty()) {
        out.add(forwardedAt(p, "preDNAT", reason, EnumSet.allOf(Direction.class), nodes, true));
      }
      routed.removeAll(nodes);
      if (!routed.isEmpty()) {
        // spec S6.11: a named host endpoint's pre-DNAT path sees the packets coming in by its
        // interface: to a workload on its node, and routed between outside addresses
        out.add(forwardedAt(p, "preDNAT", reason, EnumSet.of(Direction.INGRESS), routed, true));
      }
    }
    // spec S6.11 (c): the egress forward rules of the endpoint of any interface a packet leaves by
    if (natOutgoing
        && !leaving.isEmpty()
        && path == HostPath.NORMAL
        && p.applyOnForward()
        && HostPath.enforced(p, Site.HOST, Direction.EGRESS)
        // the translation changes the source only: rules that never read it decide alike
        && p.rules(Direction.EGRESS).stream().anyMatch(r -> !r.source().equals(EntityMatch.ANY))) {
      out.add(
          forwardedAt(
              p,
              "applyOnForward",
              "on the eBPF dataplane a nat-outgoing pool's source translation precedes the egress"
                  + " forward rules (they see the node's address), which tierproof does not model"
                  + (set.dataplane() == null ? " (choose a dataplane with `--dataplane`)" : ""),
              EnumSet.of(Direction.EGRESS),
              leaving,
              false)); // spec S6.11: a routed packet from outside is not translated
    }
  }

  /**
   * The {@code walked} nodes where {@code p} selects a host endpoint of any interface: a flow
   * between two outside addresses routed through one meets its pre-DNAT path at the incoming
   * interface's endpoint (spec S6.11).
   */
  private static Set<String> routedAt(PolicySet set, Policy p, Set<String> walked) {
    return set.endpoints().stream()
        .filter(e -> e.isHost() && e.node() != null && walked.contains(e.node()))
        .filter(e -> p.selector().matches(e.labels()))
        .map(Endpoint::node)
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * {@code p} as an element of {@code kind} acting on the forwarded flows of workloads on {@code
   * nodes}, and with {@code routed} on flows between two outside addresses routed through them
   * (spec S6.11).
   */
  private static Unmodelled forwardedAt(
      Policy p,
      String kind,
      String reason,
      Set<Direction> directions,
      Set<String> nodes,
      boolean routed) {
    Reach.Endpoints at =
        new Reach.Endpoints(directions, EnumSet.of(Endpoint.Kind.WORKLOAD), null, null)
            .on(nodes)
            .forwardedOnly(true);
    // spec S6.11: its nodes are walked, so a route through none of them meets no such chain
    return new Unmodelled(
        kind, p.displayName(), p.span(), reason, at.routing(routed).routedThroughWalked());
  }

  /**
   * Whether an ingress rule may decide a packet to an inbound failsafe port of {@code ports}, any
   * node's (spec S6.2): an Allow or Deny whose protocol, destination ports and ICMP match may hold
   * one (other criteria taken as matching: conservative).
   */
  static boolean failsafeMatch(dev.tierproof.model.FailsafePorts ports, Rule r) {
    if (r.action() != Action.ALLOW && r.action() != Action.DENY || r.icmp() != null) {
      return false;
    }
    for (dev.tierproof.model.Failsafe f : ports.all(Direction.INGRESS)) {
      if ((r.protocol() == null || r.protocol() == f.protocol())
          && !java.util.Objects.equals(r.notProtocol(), f.protocol())
          && holds(r.destination().ports(), f.port(), true)
          && !holds(r.destination().notPorts(), f.port(), false)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code ports} may hold {@code port} (none: {@code empty}; a named port: may). */
  private static boolean holds(List<dev.tierproof.model.Port> ports, int port, boolean empty) {
    if (ports.isEmpty()) {
      return empty;
    }
    return ports.stream()
        .anyMatch(
            x ->
                x instanceof dev.tierproof.model.Port.Range r
                    ? r.contains(port)
                    : x instanceof dev.tierproof.model.Port.Named && empty);
  }

  /**
   * The directions, at a workload on the node of a host endpoint that {@code p} selects, in which
   * {@code p} can act on forwarded traffic (spec S6.9, S6.11, S9.2). A named host endpoint governs
   * its own host interface only: a packet from a local workload never comes in by it and a packet
   * to one never leaves by it, and replies are accepted by conntrack before the forward paths, so
   * its ingress forward rules meet only packets to the workload and its egress forward rules only
   * packets from it. Both directions otherwise: an all-interfaces endpoint governs the workloads'
   * interfaces too; the untracked and pre-DNAT paths also see the encapsulation of a flow between
   * nodes (the outer packets, VXLAN's never tracked, so replies too), and an untracked Deny can
   * drop the reply of any forwarded connection (raw table, before conntrack).
   */
  private static Set<Direction> forwardDirections(Policy p, List<Endpoint> hosts) {
    if (HostPath.of(p) != HostPath.NORMAL
        || hosts.stream().anyMatch(e -> e.site() == Site.ALL_INTERFACES)) {
      return EnumSet.allOf(Direction.class);
    }
    Set<Direction> out = EnumSet.noneOf(Direction.class);
    for (Direction d : Direction.values()) {
      if (HostPath.enforced(p, Site.HOST, d)) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * A node with host endpoints that policy sees differently (other labels or profiles): a packet to
   * or from the host meets the policy of the interface it crosses, which the input does not tell
   * (spec S6.6). Each such node is an element acting at its host endpoints ({@code byNode}: each
   * node's host endpoints, in input order).
   */
  private static void interfaces(
      java.util.Map<String, List<Endpoint>> byNode, List<Unmodelled> out) {
    byNode.forEach(
        (node, hosts) -> {
          if (hosts.stream().map(e -> List.of(e.labels(), e.profiles())).distinct().count() > 1) {
            out.add(
                new Unmodelled(
                    "HostEndpoint",
                    "node " + node,
                    hosts.get(0).span(),
                    "its host endpoints differ; which interface a packet to or from the host"
                        + " crosses is not modelled",
                    new Reach.Endpoints(
                            EnumSet.allOf(Direction.class),
                            EnumSet.of(Endpoint.Kind.HOST),
                            null,
                            null)
                        .on(Set.of(node))));
          }
        });
  }

  private static Reach deciding(Reach at, Rule rule, Reach.Effect way) {
    return at instanceof Reach.Endpoints e ? e.deciding(rule, way) : at;
  }

  private static void rules(
      List<Rule> rules,
      Direction d,
      String owner,
      Reach at,
      boolean profilePass,
      List<Unmodelled> out) {
    for (Rule r : rules) {
      String name = d.json() + " rule " + r.index() + " of " + owner;
      if (r.http()) {
        out.add(
            new Unmodelled(
                "http",
                name,
                r.span(),
                "enforced at L7, treated as matching at L4 (spec S3.7)",
                deciding(at, r, Reach.Effect.DENIES)));
      }
      for (EntityMatch m : List.of(r.source(), r.destination())) {
        if (m.service() != null && !m.service().resolved()) {
          // spec S3.9: the input does not say which endpoints the service has
          out.add(
              new Unmodelled(
                  "services",
                  name,
                  r.span(),
                  m.service().unresolved() + ", the side matches nothing",
                  at));
        }
      }
      if (profilePass && r.action() == Action.PASS) {
        // spec S4.6
        out.add(
            new Unmodelled(
                "Pass",
                name,
                r.span(),
                "the dataplanes disagree on a Pass in a profile (BPF denies, iptables goes on)",
                deciding(at, r, Reach.Effect.ALLOWS)));
      }
    }
  }
}
