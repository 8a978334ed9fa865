package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Draws untracked Allows in both directions at the model's host endpoints, shaped so that the
 * replies they need (specs/semantics.md S6.5) meet rules of the other direction: per protocol an
 * Allow to a port and, often, the Allow (or Deny) from that port that its reply needs; an ICMP echo
 * request's Allow with or without the echo reply's; protocols without ports both ways; and aims
 * some of the model's flows at those Allows ({@link #aim}). Its own random stream, so the rest of a
 * seed's model and flows are drawn as before.
 */
final class RandomReplies {

  /** A first packet's Allow: at {@code host} in {@code dir}, its protocol, port or ICMP type. */
  private record Aim(Endpoint host, Direction dir, int protocol, Integer port, Integer type) {}

  private final Random rnd;
  private final List<Aim> aims = new ArrayList<>();

  RandomReplies(long seed) {
    this.rnd = new Random(seed * 0x5DEECE66DL + 65);
  }

  private static final List<Integer> PROTOCOLS =
      List.of(
          Protocols.TCP,
          Protocols.UDP,
          Protocols.SCTP,
          Protocols.ICMP,
          Protocols.ICMPV6,
          Protocols.UDPLITE,
          47);

  /** Adds one untracked policy to a random tier of {@code tiers}, in half the models. */
  void draw(List<Tier> tiers, List<Endpoint> endpoints) {
    List<Endpoint> hosts = endpoints.stream().filter(Endpoint::isHost).toList();
    if (hosts.isEmpty() || tiers.isEmpty() || rnd.nextBoolean()) {
      return;
    }
    Selector sel = new Selector.All();
    Endpoint h = hosts.get(rnd.nextInt(hosts.size()));
    if (rnd.nextBoolean() && !h.labels().isEmpty()) {
      Map.Entry<String, String> l = h.labels().entrySet().iterator().next();
      sel = new Selector.Compare(l.getKey(), Selector.Op.EQ, l.getValue());
    }
    Selector selector = sel;
    List<Endpoint> selected = hosts.stream().filter(e -> selector.matches(e.labels())).toList();
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      int proto = PROTOCOLS.get(rnd.nextInt(PROTOCOLS.size()));
      boolean out = rnd.nextBoolean(); // the direction of the first packet's Allow
      List<Rule> first = out ? egress : ingress;
      List<Rule> back = out ? ingress : egress;
      Action answer = rnd.nextInt(4) == 0 ? Action.DENY : Action.ALLOW;
      boolean answered = rnd.nextInt(3) > 0;
      if (Protocols.hasPorts(proto)) {
        // not a failsafe port: a reply from one skips the untracked path (spec S6.4)
        List<Integer> usual =
            RandomModel.PORTS.stream()
                .filter(
                    p ->
                        java.util.stream.Stream.concat(
                                Failsafe.INBOUND.stream(), Failsafe.OUTBOUND.stream())
                            .noneMatch(f -> f.port() == p))
                .toList();
        int port = usual.get(rnd.nextInt(usual.size()));
        List<Port> ports = List.of(new Port.Range(port, port));
        first.add(rule(first.size(), Action.ALLOW, proto, null, List.of(), ports));
        aim(selected, out, proto, port, null);
        if (answered) {
          back.add(rule(back.size(), answer, proto, null, ports, List.of()));
        }
      } else if (Protocols.isIcmp(proto)) {
        int request = proto == Protocols.ICMP ? Protocols.ECHO_REQUEST : Protocols.ECHO_REQUEST_V6;
        int reply = proto == Protocols.ICMP ? Protocols.ECHO_REPLY : Protocols.ECHO_REPLY_V6;
        first.add(
            rule(
                first.size(),
                Action.ALLOW,
                proto,
                rnd.nextBoolean() ? new Icmp(request, null) : null,
                List.of(),
                List.of()));
        aim(selected, out, proto, null, request);
        if (answered) {
          back.add(rule(back.size(), answer, proto, new Icmp(reply, null), List.of(), List.of()));
        }
      } else {
        first.add(rule(first.size(), Action.ALLOW, proto, null, List.of(), List.of()));
        aim(selected, out, proto, null, null);
        if (answered) {
          back.add(rule(back.size(), answer, proto, null, List.of(), List.of()));
        }
      }
    }
    int t = rnd.nextInt(tiers.size());
    Tier tier = tiers.get(t);
    append(
        tiers,
        t,
        new Policy(
            PolicyKind.GLOBAL_NETWORK_POLICY,
            tier.name() + "-replies",
            null,
            tier.name(),
            rnd.nextBoolean() ? null : Double.valueOf(rnd.nextInt(3) * 10),
            sel,
            EnumSet.of(Direction.INGRESS, Direction.EGRESS),
            ingress,
            egress,
            true,
            false,
            true,
            Span.NONE));
  }

  /** Tier {@code t} of {@code tiers} with {@code p} added last. */
  static void append(List<Tier> tiers, int t, Policy p) {
    Tier tier = tiers.get(t);
    List<Policy> policies = new ArrayList<>(tier.policies());
    policies.add(p);
    tiers.set(
        t,
        new Tier(
            tier.name(),
            tier.order(),
            tier.defaultAction(),
            tier.declared(),
            tier.span(),
            policies));
  }

  private void aim(List<Endpoint> hosts, boolean out, int proto, Integer port, Integer type) {
    for (Endpoint h : hosts) {
      aims.add(new Aim(h, out ? Direction.EGRESS : Direction.INGRESS, proto, port, type));
    }
  }

  /**
   * {@code f}, or (two flows in three, when Allows were drawn) {@code f} moved to one of them: its
   * host endpoint at the stepping end (at an address of the flow's family), the Allow's protocol
   * and port or ICMP type (or another type of the model's), the other end kept.
   */
  Flow aim(Flow f) {
    if (aims.isEmpty() || rnd.nextInt(3) == 0) {
      return f;
    }
    Aim a = aims.get(rnd.nextInt(aims.size()));
    List<Ip> ips = a.host().ips().stream().filter(i -> i.family() == f.family()).toList();
    if (ips.isEmpty()) {
      return f;
    }
    Ip ip = ips.get(rnd.nextInt(ips.size()));
    boolean ports = Protocols.hasPorts(a.protocol());
    Integer other = ports ? RandomModel.PORTS.get(rnd.nextInt(RandomModel.PORTS.size())) : null;
    Integer port = ports ? (a.port() != null && rnd.nextInt(4) > 0 ? a.port() : other) : null;
    Integer type = null;
    if (Protocols.isIcmp(a.protocol())) {
      type =
          a.type() != null && rnd.nextBoolean() ? a.type() : List.of(0, 3, 8).get(rnd.nextInt(3));
    }
    Integer code = type == null ? null : rnd.nextInt(2);
    return a.dir() == Direction.EGRESS
        ? Flow.between(
            a.protocol(),
            ip,
            other,
            f.destinationIp(),
            port,
            type,
            code,
            f.destinationDomain(),
            a.host(),
            f.destination())
        : Flow.between(
            a.protocol(), f.sourceIp(), other, ip, port, type, code, null, f.source(), a.host());
  }

  private static Rule rule(
      int index, Action action, int proto, Icmp icmp, List<Port> from, List<Port> to) {
    return new Rule(
        index, action, null, proto, null, icmp, null, side(from), side(to), false, Span.NONE);
  }

  private static EntityMatch side(List<Port> ports) {
    return ports.isEmpty()
        ? EntityMatch.ANY
        : new EntityMatch(List.of(), List.of(), null, null, ports, List.of(), List.of(), null);
  }
}
