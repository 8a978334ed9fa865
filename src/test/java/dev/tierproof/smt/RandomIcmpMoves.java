package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pull request that moves a workload onto its host endpoint's node where the host's ingress
 * allows ICMPv6 of some host discovery types only (spec S6.12): on the node Felix accepts those
 * types from the workload before its egress policy and never asks the host's ingress, so the move
 * changes the ICMPv6 types around them (a diff class of all types but some). Both inputs get a
 * first tier {@code icmp-guard} with that policy (every other packet passes to the model's tiers)
 * and the host endpoint its label; the endpoints keep their positions. From a random source of its
 * own.
 */
final class RandomIcmpMoves {

  private static final String KEY = "icmp-guard";

  private RandomIcmpMoves() {}

  /**
   * {base, current}: {@code set} with the guard, and the same with one workload that can carry IPv6
   * moved from another node (or none) onto a host endpoint's node; null when {@code set} has no
   * such host endpoint and workload.
   */
  static PolicySet[] pullRequest(PolicySet set, long seed) {
    Random rnd = new Random(seed * 31 + 7);
    List<Endpoint> hosts =
        set.endpoints().stream()
            .filter(e -> e.isHost() && e.node() != null && v6(e) && !e.ips().isEmpty())
            .toList();
    if (hosts.isEmpty()) {
      return null;
    }
    Endpoint h = hosts.get(rnd.nextInt(hosts.size()));
    List<Endpoint> pods =
        set.endpoints().stream()
            .filter(e -> !e.isHost() && !h.node().equals(e.node()))
            .filter(e -> e.ips().isEmpty() || v6(e))
            .toList();
    if (pods.isEmpty()) {
      return null;
    }
    Endpoint w = pods.get(rnd.nextInt(pods.size()));
    Map<String, String> labels = new HashMap<>(h.labels());
    labels.put(KEY, "yes");
    Endpoint guarded = h.withLabels(labels);
    List<Tier> tiers = new ArrayList<>(set.tiers());
    tiers.add(0, guard(rnd));
    List<Endpoint> before = new ArrayList<>();
    List<Endpoint> after = new ArrayList<>();
    for (Endpoint e : set.endpoints()) {
      before.add(e == h ? guarded : e);
      after.add(e == h ? guarded : e == w ? w.withNode(h.node()) : e);
    }
    return new PolicySet[] {with(set, tiers, before), with(set, tiers, after)};
  }

  /** The tier: allow some (half the time all) host discovery types, deny other ICMPv6, pass. */
  private static Tier guard(Random rnd) {
    Set<Integer> types = new TreeSet<>();
    for (int t : new TreeSet<>(Protocols.HOST_DISCOVERY)) {
      if (rnd.nextBoolean() || rnd.nextBoolean()) {
        types.add(t);
      }
    }
    if (rnd.nextBoolean()) {
      types.addAll(Protocols.HOST_DISCOVERY);
    }
    List<Rule> ingress = new ArrayList<>();
    for (int t : types) {
      ingress.add(icmpv6(ingress.size(), Action.ALLOW, new Icmp(t, null)));
    }
    ingress.add(icmpv6(ingress.size(), Action.DENY, null));
    ingress.add(Rule.unconditional(ingress.size(), Action.PASS, Span.NONE));
    Policy p =
        new Policy(
            PolicyKind.GLOBAL_NETWORK_POLICY,
            KEY,
            null,
            KEY,
            0.0,
            new Selector.Compare(KEY, Selector.Op.EQ, "yes"),
            Set.of(Direction.INGRESS),
            ingress,
            List.of(),
            false,
            false,
            false,
            Span.NONE);
    return new Tier(KEY, 0.0, Action.DENY, true, Span.NONE, List.of(p));
  }

  private static Rule icmpv6(int index, Action action, Icmp icmp) {
    return new Rule(
        index,
        action,
        null,
        Protocols.ICMPV6,
        null,
        icmp,
        null,
        EntityMatch.ANY,
        EntityMatch.ANY,
        false,
        Span.NONE);
  }

  private static boolean v6(Endpoint e) {
    return e.ips().stream().anyMatch(i -> i.family() == 6);
  }

  private static PolicySet with(PolicySet set, List<Tier> tiers, List<Endpoint> endpoints) {
    return PolicySet.ordered(tiers, endpoints, set.networkSets(), set.profiles(), set.namespaces());
  }
}
