package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * Aims some flows at the local pre-DNAT path (specs/semantics.md S6.12): from a pod that {@link
 * RandomForwarding} put on a node (or left naming none, placed on the host endpoint's node) to a
 * host endpoint of that node, whose all-interfaces endpoint's pre-DNAT rules see the packet; some
 * of them to the inbound failsafe port TCP 22, some ICMPv6 host-discovery messages (which the two
 * dataplanes skip the path for differently); and in half the models with an all-interfaces host
 * endpoint a {@code preDNAT} policy selecting it whose ingress rules match pods (by namespace, or
 * any source), the failsafe port 22, ICMPv6 host-discovery types or anything. Its own random
 * stream, so the rest of a seed's model and flows are drawn as before.
 */
final class RandomLocalFlows {

  private final Random rnd;

  RandomLocalFlows(long seed) {
    this.rnd = new Random(seed * 0x2545F4914F6CDD1DL + 79);
  }

  /** Adds the {@code preDNAT} policy, in half the models with an all-interfaces host endpoint. */
  void draw(List<Tier> tiers, List<Endpoint> endpoints) {
    if (tiers.isEmpty()
        || endpoints.stream().noneMatch(Endpoint::allInterfaces)
        || rnd.nextBoolean()) {
      return;
    }
    List<Rule> rules = new ArrayList<>();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      Action action = List.of(Action.ALLOW, Action.DENY, Action.PASS).get(rnd.nextInt(3));
      EntityMatch pods =
          rnd.nextBoolean()
              ? EntityMatch.ANY
              : new EntityMatch(
                  List.of(),
                  List.of(),
                  new Selector.Compare(
                      "projectcalico.org/namespace",
                      Selector.Op.EQ,
                      RandomModel.NAMESPACES.get(rnd.nextInt(RandomModel.NAMESPACES.size()))),
                  null,
                  List.of(),
                  List.of(),
                  List.of(),
                  null);
      int kind = rnd.nextInt(3);
      Integer proto =
          kind == 0 ? Integer.valueOf(Protocols.TCP) : kind == 1 ? Protocols.ICMPV6 : null;
      EntityMatch to =
          kind == 0 && rnd.nextBoolean()
              ? new EntityMatch(
                  List.of(),
                  List.of(),
                  null,
                  null,
                  List.of(new Port.Range(22, 22)),
                  List.of(),
                  List.of(),
                  null)
              : EntityMatch.ANY;
      Icmp icmp = kind == 1 && rnd.nextBoolean() ? new Icmp(135, null) : null;
      rules.add(
          new Rule(
              i,
              action,
              kind == 1 ? 6 : null,
              proto,
              null,
              icmp,
              null,
              pods,
              to,
              false,
              Span.NONE));
    }
    int t = rnd.nextInt(tiers.size());
    Policy p =
        new Policy(
            PolicyKind.GLOBAL_NETWORK_POLICY,
            tiers.get(t).name() + "-prednat-local",
            null,
            tiers.get(t).name(),
            Double.valueOf(rnd.nextInt(3) * 10),
            new Selector.All(),
            EnumSet.of(Direction.INGRESS),
            rules,
            List.of(),
            false,
            true,
            true,
            Span.NONE);
    RandomReplies.append(tiers, t, p);
  }

  /** {@code f}, or (one flow in four, when a pod and a host endpoint fit) a local flow. */
  Flow aim(Flow f, List<Endpoint> placed, PolicySet set) {
    if (placed.isEmpty() || rnd.nextInt(4) != 0) {
      return f;
    }
    Endpoint w = placed.get(rnd.nextInt(placed.size()));
    List<Endpoint> hosts =
        set.endpoints().stream()
            .filter(e -> e.isHost() && e.node() != null)
            .filter(e -> w.node() == null || w.node().equals(e.node()))
            .toList();
    if (hosts.isEmpty()) {
      return f;
    }
    Endpoint h = hosts.get(rnd.nextInt(hosts.size()));
    int family = f.family();
    Ip from = at(w, family, set);
    Ip to = at(h, family, set);
    if (from == null || to == null || from.equals(to)) {
      return f;
    }
    int kind = rnd.nextInt(4);
    boolean discovery = kind == 0 && family == 6;
    boolean failsafe = kind == 1;
    int proto = discovery ? Protocols.ICMPV6 : failsafe ? Protocols.TCP : f.protocol();
    boolean ports = Protocols.hasPorts(proto);
    boolean icmp = Protocols.isIcmp(proto);
    List<Integer> types = List.copyOf(Protocols.HOST_DISCOVERY);
    return Flow.between(
            proto,
            from,
            ports ? (f.sourcePort() != null ? f.sourcePort() : 40000) : null,
            to,
            ports ? (failsafe ? 22 : f.destinationPort() != null ? f.destinationPort() : 80) : null,
            icmp ? discovery ? types.get(rnd.nextInt(types.size())) : f.icmpType() : null,
            icmp ? discovery ? 0 : f.icmpCode() : null,
            null,
            w,
            h)
        .placed(h.node());
  }

  /** One of {@code e}'s addresses of {@code family}, an unowned one when it has none, else null. */
  private Ip at(Endpoint e, int family, PolicySet set) {
    List<Ip> mine = e.ips().stream().filter(i -> i.family() == family).toList();
    if (!mine.isEmpty()) {
      return mine.get(rnd.nextInt(mine.size()));
    }
    if (!e.ips().isEmpty()) {
      return null;
    }
    List<Ip> free =
        RandomModel.OUTSIDE.stream()
            .filter(i -> i.family() == family)
            .filter(i -> set.endpoints().stream().noneMatch(x -> x.ips().contains(i)))
            .toList();
    return free.isEmpty() ? null : free.get(rnd.nextInt(free.size()));
  }
}
