package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
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

  /** Kinds Calico enforces that tierproof does not model; other unmodelled kinds change nothing. */
  static final Set<String> ENFORCED_KINDS = Set.of("FelixConfiguration");

  private static final Set<Endpoint.Kind> ANY_ENDPOINT = EnumSet.allOf(Endpoint.Kind.class);

  private Gaps() {}

  /**
   * An enforced kind of {@link #ENFORCED_KINDS}, read leniently (its own errors are not reported).
   */
  static Unmodelled kind(Node.Mapping resource, String kind, Span at) {
    String name = "";
    if (resource.entry("metadata") != null
        && resource.entry("metadata").value() instanceof Node.Mapping m
        && m.entry("name") != null
        && m.entry("name").value() instanceof Node.Scalar s) {
      name = s.text();
    }
    // Felix settings: failsafe ports, the workload-to-host action and the dataplane act at hosts
    return new Unmodelled(
        kind,
        name,
        at,
        "Felix settings (failsafe ports, endpoint-to-host action) are not modelled",
        new Reach.Endpoints(
            EnumSet.allOf(Direction.class), EnumSet.of(Endpoint.Kind.HOST), null, null));
  }

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
   * services} side; profile rules that Pass, or with those matches.
   */
  static List<Unmodelled> of(PolicySet set, Set<String> wildcardHosts) {
    // spec S9.1, S9.2
    List<Unmodelled> out = new ArrayList<>();
    for (Tier t : set.tiers()) {
      for (Policy p : t.policies()) {
        if (p.staged()) {
          continue; // spec S2.5: never enforced
        }
        HostPath path = HostPath.of(p);
        if (path != HostPath.NORMAL || p.applyOnForward()) {
          // spec S6.6, S9.2: on a host endpoint's own traffic the untracked and pre-DNAT paths are
          // modelled (S6.4); forwarded traffic, which has a workload at one end, is not
          List<Endpoint> hosts =
              set.endpoints().stream()
                  .filter(e -> e.isHost() && p.selector().matches(e.labels()))
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
                  "forwarded traffic through host endpoints is not modelled",
                  hosts.isEmpty()
                      ? Reach.NOWHERE
                      : new Reach.Endpoints(
                              EnumSet.allOf(Direction.class),
                              EnumSet.of(Endpoint.Kind.WORKLOAD),
                              null,
                              null)
                          .on(nodes)));
        }
        List<Selector> wildcards =
            path != HostPath.UNTRACKED
                ? List.of()
                : set.endpoints().stream()
                    .filter(
                        e ->
                            e.isHost()
                                && wildcardHosts.contains(e.name())
                                && p.selector().matches(e.labels()))
                    .map(e -> all(labelled(e)))
                    .toList();
        if (!wildcards.isEmpty()) {
          // calico-semantics §5.5: untracked policy is not supported on all-interfaces endpoints
          out.add(
              new Unmodelled(
                  "doNotTrack",
                  p.displayName(),
                  p.span(),
                  "whether Felix enforces untracked policy on an all-interfaces (`*`) host"
                      + " endpoint is not modelled",
                  new Reach.Endpoints(
                      p.types(),
                      EnumSet.of(Endpoint.Kind.HOST),
                      wildcards.size() == 1 ? wildcards.get(0) : new Selector.Or(wildcards),
                      null)));
        }
        for (Direction d : Direction.values()) {
          Reach at =
              HostPath.enforced(p, false, d) || HostPath.enforced(p, true, d)
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
    interfaces(set, out);
    for (Profile p : set.profiles().values()) {
      for (Direction d : Direction.values()) {
        rules(
            p.rules(d),
            d,
            "profile " + p.name(),
            new Reach.Endpoints(EnumSet.of(d), ANY_ENDPOINT, null, p.name()),
            true,
            out);
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  /**
   * A node with host endpoints that policy sees differently (other labels or profiles): a packet to
   * or from the host meets the policy of the interface it crosses, which the input does not tell
   * (spec S6.6). Each such node is an element acting at its host endpoints.
   */
  private static void interfaces(PolicySet set, List<Unmodelled> out) {
    java.util.Map<String, List<Endpoint>> byNode = new java.util.TreeMap<>();
    for (Endpoint e : set.endpoints()) {
      if (e.isHost() && e.node() != null) {
        byNode.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(e);
      }
    }
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
      boolean profile,
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
      if (profile && r.action() == Action.PASS) {
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
