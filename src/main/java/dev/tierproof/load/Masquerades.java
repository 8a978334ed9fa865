package dev.tierproof.load;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.NatOutgoing;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.model.Unmodelled;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The rules that nat-outgoing hides the source from (specs/semantics.md S6.10, S9.1, S9.2). Felix
 * masquerades a workload's packet to another node's host endpoint where the workload's pool is
 * nat-outgoing ({@link NatOutgoing}): the host endpoint's ingress step sees the workload's node's
 * address (that of the interface it leaves by) and maybe another source port, which tierproof does
 * not model. Each enforced policy or profile that may see the difference at a host endpoint is an
 * element acting on those flows ({@link Reach.Masqueraded}): one with an ingress rule matching the
 * source (selectors, nets, service accounts, services, ports: masquerade keeps the source port only
 * where no other connection holds it), or an untracked one governing ingress at a named host
 * endpoint, on eBPF at an all-interfaces one too (a failsafe reply's skip of the untracked path
 * reads the source port, and its Allow's reply goes back to the node's address, S6.4, S6.5).
 */
final class Masquerades {

  private Masquerades() {}

  /** The elements of {@code set} where {@code pools} may masquerade some workload's packets. */
  static List<Unmodelled> of(PolicySet set, NatOutgoing pools) {
    List<Unmodelled> out = new ArrayList<>();
    if (!pools.any()) {
      return out;
    }
    Masquerade masquerade = Masquerade.of(pools, set.endpoints()); // spec S6.10
    List<Endpoint> hosts = set.endpoints().stream().filter(Endpoint::isHost).toList();
    if (hosts.isEmpty()) {
      return out;
    }
    for (Tier t : set.tiers()) {
      for (Policy p : t.policies()) {
        if (p.staged() || !p.governs(Direction.INGRESS) || p.ingress().isEmpty()) {
          continue; // spec S2.5: never enforced; else no ingress rule at all
        }
        boolean reads = p.ingress().stream().anyMatch(Masquerades::readsSource);
        // spec S6.4, S6.6: a failsafe reply (by its source port) skips the untracked path, which
        // an all-interfaces endpoint has on eBPF only (XDP)
        boolean untracked = HostPath.of(p) == HostPath.UNTRACKED;
        java.util.function.Predicate<Endpoint> raw =
            h ->
                untracked
                    && HostPath.of(h.site(), Direction.INGRESS, set.dataplane())
                        .contains(HostPath.UNTRACKED);
        add(
            p.displayName(),
            p.span(),
            hosts,
            h -> p.selector().matches(h.labels()) && (reads || raw.test(h)),
            raw,
            p.ingress(),
            masquerade,
            out);
      }
    }
    for (Profile p : set.profiles().values()) {
      if (p.ingress().stream().anyMatch(Masquerades::readsSource)) {
        add(
            "profile " + p.name(),
            p.span(),
            hosts,
            h -> h.profiles().contains(p.name()),
            h -> false,
            p.ingress(),
            masquerade,
            out);
      }
    }
    return out;
  }

  /** The rule matches on the packet's source (address or port). */
  private static boolean readsSource(Rule r) {
    return !r.source().isEmpty();
  }

  /** A source side that may read the packet's source port: ports, or a {@code services} side. */
  private static boolean readsPort(EntityMatch m) {
    return !m.ports().isEmpty() || !m.notPorts().isEmpty() || m.service() != null;
  }

  private static void add(
      String name,
      dev.tierproof.source.Span span,
      List<Endpoint> hosts,
      Predicate<Endpoint> selects,
      Predicate<Endpoint> untracked,
      List<Rule> ingress,
      Masquerade masquerade,
      List<Unmodelled> out) {
    Set<String> at = hosts.stream().filter(selects).map(Endpoint::ref).collect(Collectors.toSet());
    if (at.isEmpty()) {
      return;
    }
    List<EntityMatch> sources =
        ingress.stream().map(Rule::source).filter(m -> !m.isEmpty()).toList();
    boolean ports = sources.stream().anyMatch(Masquerades::readsPort);
    // spec S6.10: where it reads the source port, masquerade's may differ from the workload's
    Set<String> ported =
        hosts.stream()
            .filter(selects)
            .filter(h -> ports || untracked.test(h))
            .map(Endpoint::ref)
            .collect(Collectors.toSet());
    out.add(
        new Unmodelled(
            "natOutgoing",
            name,
            span,
            "a workload's packets to another node's host endpoint may be masqueraded to its node's"
                + " address (an IP pool may be nat-outgoing); which source its ingress rules then"
                + " see is not modelled",
            new Reach.Masqueraded(at, masquerade, sources, ported)));
  }
}
