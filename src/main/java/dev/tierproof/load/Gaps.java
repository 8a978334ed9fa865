package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.model.Unmodelled;
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
   * The elements of the built model: enforced policies on the untracked, pre-DNAT or forward path;
   * rules with {@code http} or an unresolved {@code services} side; profile rules that Pass, or
   * with those matches.
   */
  static List<Unmodelled> of(PolicySet set) {
    // spec S9.1, S9.2
    List<Unmodelled> out = new ArrayList<>();
    for (Tier t : set.tiers()) {
      for (Policy p : t.policies()) {
        if (p.staged()) {
          continue; // spec S2.5: never enforced
        }
        String flag =
            p.doNotTrack()
                ? "doNotTrack"
                : p.preDnat() ? "preDNAT" : p.applyOnForward() ? "applyOnForward" : null;
        if (flag != null) {
          // spec S6.3, S9.2: untracked and pre-DNAT policies act on any packet through a host
          // endpoint
          // they select (to the host or forwarded); applyOnForward adds only forwarded traffic,
          // which
          // has a workload at one end (traffic from and to the host itself is the normal path)
          boolean selects =
              set.endpoints().stream()
                  .anyMatch(e -> e.isHost() && p.selector().matches(e.labels()));
          Reach forward =
              flag.equals("applyOnForward")
                  ? new Reach.Endpoints(
                      EnumSet.allOf(Direction.class),
                      EnumSet.of(Endpoint.Kind.WORKLOAD),
                      null,
                      null)
                  : Reach.EVERYWHERE;
          out.add(
              new Unmodelled(
                  flag,
                  p.displayName(),
                  p.span(),
                  "the untracked, pre-DNAT and forwarded paths are not modelled",
                  selects ? forward : Reach.NOWHERE));
        }
        if (p.doNotTrack() || p.preDnat()) {
          continue; // its rules are not on the normal path
        }
        for (Direction d : Direction.values()) {
          Reach at =
              p.governs(d)
                  ? new Reach.Endpoints(EnumSet.of(d), ANY_ENDPOINT, p.selector(), null)
                  : Reach.NOWHERE;
          rules(p.rules(d), d, p.displayName(), at, false, out);
        }
      }
    }
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
