package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Untracked policy at host endpoints on the eBPF dataplane, drawn on purpose (specs/semantics.md
 * S6.4, S6.6): on {@code bpf} (and now and then on another dataplane, or none, for contrast), in
 * two models in three, a {@code doNotTrack} GlobalNetworkPolicy selecting the labels of a host
 * endpoint (named, or half the time one of all interfaces when there is one) with Deny rules of the
 * ports the flows use, Pass and Log rules, often in both directions and in one case in four an
 * Allow too; appended to a random tier. Its own random source (seeded from the model's seed), so
 * the rest of the model stays as it was.
 */
final class RandomBpfUntracked {

  private static final List<Action> ACTIONS =
      List.of(Action.DENY, Action.DENY, Action.DENY, Action.PASS, Action.LOG);

  private RandomBpfUntracked() {}

  /** Appends the policy to one of {@code tiers} (in place) when drawn for {@code chosen}. */
  static void draw(long seed, Dataplane chosen, List<Tier> tiers, List<Endpoint> endpoints) {
    Random rnd = new Random(seed * 0x5DEECE66DL + 47);
    List<Endpoint> hosts = endpoints.stream().filter(Endpoint::isHost).toList();
    if (hosts.isEmpty()
        || tiers.isEmpty()
        || rnd.nextInt(3) == 0
        || chosen != Dataplane.BPF && rnd.nextInt(4) > 0) {
      return;
    }
    List<Endpoint> stars = hosts.stream().filter(Endpoint::allInterfaces).toList();
    Endpoint h =
        !stars.isEmpty() && rnd.nextBoolean()
            ? stars.get(rnd.nextInt(stars.size()))
            : hosts.get(rnd.nextInt(hosts.size()));
    List<Selector> terms = new ArrayList<>();
    h.labels().forEach((k, v) -> terms.add(new Selector.Compare(k, Selector.Op.EQ, v)));
    Selector sel = terms.isEmpty() || rnd.nextInt(4) == 0 ? Selector.all() : terms.get(0);
    Set<Direction> types =
        rnd.nextBoolean() ? EnumSet.allOf(Direction.class) : EnumSet.of(Direction.INGRESS);
    boolean allow = rnd.nextInt(4) == 0;
    int t = rnd.nextInt(tiers.size());
    Policy p =
        new Policy(
            PolicyKind.GLOBAL_NETWORK_POLICY,
            tiers.get(t).name() + "-bpf-untracked",
            null,
            tiers.get(t).name(),
            rnd.nextBoolean() ? null : Double.valueOf(rnd.nextInt(3) * 10),
            sel,
            types,
            withReplyAllow(seed, rules(rnd, allow)),
            types.contains(Direction.EGRESS) ? rules(rnd, allow && rnd.nextBoolean()) : List.of(),
            true,
            false,
            true,
            Span.NONE);
    RandomReplies.append(tiers, t, p);
  }

  /**
   * {@code rules} and, half the time, an Allow of ICMP or ICMPv6 echo requests or of SCTP: a reply
   * the dataplanes decide apart (spec S6.5, S6.6). Its own random source, so the rest stays.
   */
  private static List<Rule> withReplyAllow(long seed, List<Rule> rules) {
    Random rnd = new Random(seed * 0x5DEECE66DL + 53);
    if (rnd.nextBoolean()) {
      return rules;
    }
    int protocol =
        List.of(
                dev.tierproof.model.Protocols.ICMP,
                dev.tierproof.model.Protocols.ICMPV6,
                dev.tierproof.model.Protocols.SCTP)
            .get(rnd.nextInt(3));
    dev.tierproof.model.Icmp echo =
        protocol == dev.tierproof.model.Protocols.SCTP
            ? null
            : new dev.tierproof.model.Icmp(
                protocol == dev.tierproof.model.Protocols.ICMP ? 8 : 128, null);
    List<Rule> out = new ArrayList<>(rules);
    out.add(
        new Rule(
            rules.size(),
            Action.ALLOW,
            null,
            protocol,
            null,
            echo,
            null,
            dev.tierproof.model.EntityMatch.ANY,
            dev.tierproof.model.EntityMatch.ANY,
            false,
            Span.NONE));
    return out;
  }

  /** One to three rules of Deny, Pass and Log (one Allow with {@code allow}), some of one port. */
  private static List<Rule> rules(Random rnd, boolean allow) {
    int n = 1 + rnd.nextInt(3);
    int allowAt = allow ? rnd.nextInt(n) : -1;
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Action action = i == allowAt ? Action.ALLOW : ACTIONS.get(rnd.nextInt(ACTIONS.size()));
      out.add(RandomPortRule.draw(rnd, i, action));
    }
    return out;
  }
}
