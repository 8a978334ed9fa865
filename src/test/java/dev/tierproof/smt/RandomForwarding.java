package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
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
import java.util.Set;

/**
 * Draws the forwarded flows that tierproof walks (specs/semantics.md S6.11): in half the models a
 * node {@code fwd} whose one host endpoint is of all interfaces (in half of them a second one,
 * {@code fwd2}), some of the model's pods on them, on {@code node0} (whose host endpoint may be
 * named) or naming no node (each flow places them, spec S6.11), {@code applyOnForward} policies
 * selecting the host endpoint with ingress and egress rules (Allow, Deny, Pass, Log; ports,
 * failsafe port 22 among them; nets; namespace selectors over the pods), a {@code preDNAT} policy
 * and a {@code doNotTrack} one (its ingress rules on the untracked path of the named host
 * endpoints, S6.7.1); and aims some of the model's flows between those pods and addresses outside
 * the cluster (or a host endpoint of another node, S6.10), and some between two addresses outside
 * the cluster, which each walked node may route ({@link #aim}). Its own random stream, so the rest
 * of a seed's model and flows are drawn as before.
 */
public final class RandomForwarding {

  static final String NODE = "fwd";

  /** A second node whose one host endpoint is of all interfaces, in half the models drawn. */
  static final String NODE2 = "fwd2";

  private final Random rnd;

  /** The second walked node and the pods naming no node (spec S6.11). */
  private final Random more;

  /** The untracked policy (spec S6.7.1). */
  private final Random untracked;

  /** Flows between a placed pod and another node's host endpoint (spec S6.10, {@link #aim}). */
  private final Random toHost;

  private final List<Endpoint> placed = new ArrayList<>();

  RandomForwarding(long seed) {
    this.rnd = new Random(seed * 0x2545F4914F6CDD1DL + 77);
    this.more = new Random(seed * 0x2545F4914F6CDD1DL + 78);
    this.untracked = new Random(seed * 0x2545F4914F6CDD1DL + 80);
    this.toHost = new Random(seed * 0x2545F4914F6CDD1DL + 81);
  }

  /** Adds the host endpoint, moves pods onto nodes and adds the policies, in half the models. */
  void draw(List<Tier> tiers, List<Endpoint> endpoints) {
    if (tiers.isEmpty() || rnd.nextBoolean()) {
      return;
    }
    Map<String, String> labels = rnd.nextBoolean() ? Map.of("role", "fwd") : Map.of("zone", "dmz");
    endpoints.add(host(rnd, "fwd-host", NODE, labels));
    // spec S6.11: from a stream of its own (the rest is drawn as before), a second walked node,
    // labelled alike or not, so a pod naming no node has a real choice of forward chains, and pods
    // naming no node, placed by each flow
    boolean second = more.nextBoolean();
    if (second) {
      endpoints.add(
          host(more, "fwd2-host", NODE2, more.nextBoolean() ? labels : Map.of("zone", "edge")));
    }
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (!e.isHost() && rnd.nextInt(3) > 0) {
        String node = rnd.nextInt(4) == 0 ? "node0" : NODE;
        int k = more.nextInt(4);
        Endpoint on = e.withNode(k == 0 ? null : k == 1 && second ? NODE2 : node);
        endpoints.set(i, on);
        placed.add(on);
      }
    }
    Selector sel =
        rnd.nextBoolean()
            ? new Selector.All()
            : new Selector.Compare(
                labels.keySet().iterator().next(),
                Selector.Op.EQ,
                labels.values().iterator().next());
    int n = 1 + rnd.nextInt(2);
    for (int p = 0; p < n; p++) {
      add(tiers, policy(tiers, "fwd" + p, sel, false));
    }
    if (rnd.nextBoolean()) {
      add(tiers, policy(tiers, "prednat", sel, true));
    }
    if (untracked.nextBoolean()) {
      // spec S6.7.1: the untracked ingress path of the named host endpoints (RandomInterfaces)
      // labelled like the forward policies select, on forwarded packets
      add(tiers, untracked(sel));
    }
  }

  /**
   * A {@code doNotTrack} policy selecting {@code sel}, from its own stream: ingress rules (Deny,
   * Pass, Log, now and then Allow) over the forwarded packets, often egress ones too.
   */
  private Policy untracked(Selector sel) {
    Set<Direction> types =
        untracked.nextBoolean() ? EnumSet.of(Direction.INGRESS) : EnumSet.allOf(Direction.class);
    return new Policy(
        PolicyKind.GLOBAL_NETWORK_POLICY,
        "untracked",
        null,
        null,
        untracked.nextBoolean() ? null : Double.valueOf(untracked.nextInt(3) * 10),
        sel,
        types,
        rules(untracked, Direction.INGRESS, untracked.nextInt(4) == 0),
        types.contains(Direction.EGRESS) ? rules(untracked, Direction.EGRESS, true) : List.of(),
        true,
        false,
        true,
        Span.NONE);
  }

  /** An all-interfaces host endpoint on {@code node}, at an ownable address or none. */
  private static Endpoint host(Random rnd, String name, String node, Map<String, String> labels) {
    return Endpoint.host(
        name,
        "HostEndpoint",
        labels,
        rnd.nextBoolean()
            ? List.of()
            : List.of(RandomModel.OWNABLE.get(rnd.nextInt(RandomModel.OWNABLE.size()))),
        List.of(),
        rnd.nextBoolean() ? List.of() : List.of("projectcalico-default-allow"),
        node,
        Span.NONE,
        "*");
  }

  private Policy policy(List<Tier> tiers, String name, Selector sel, boolean preDnat) {
    Set<Direction> types =
        preDnat
            ? EnumSet.of(Direction.INGRESS)
            : switch (rnd.nextInt(3)) {
              case 0 -> EnumSet.of(Direction.INGRESS);
              case 1 -> EnumSet.of(Direction.EGRESS);
              default -> EnumSet.allOf(Direction.class);
            };
    return new Policy(
        PolicyKind.GLOBAL_NETWORK_POLICY,
        name,
        null,
        null,
        rnd.nextBoolean() ? null : Double.valueOf(rnd.nextInt(3) * 10),
        sel,
        types,
        types.contains(Direction.INGRESS) ? rules(rnd, Direction.INGRESS, true) : List.of(),
        types.contains(Direction.EGRESS) ? rules(rnd, Direction.EGRESS, true) : List.of(),
        false,
        preDnat,
        true,
        Span.NONE);
  }

  /** Up to three rules drawn from {@code rnd}, Allow among the actions when {@code allow}. */
  private static List<Rule> rules(Random rnd, Direction dir, boolean allow) {
    List<Rule> out = new ArrayList<>();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      Action action =
          List.of(allow ? Action.ALLOW : Action.DENY, Action.DENY, Action.PASS, Action.LOG)
              .get(rnd.nextInt(4));
      Integer proto =
          rnd.nextBoolean()
              ? Integer.valueOf(Protocols.TCP)
              : rnd.nextBoolean() ? Integer.valueOf(Protocols.UDP) : null;
      List<Port> ports =
          proto == null || rnd.nextBoolean()
              ? List.of()
              : List.of(
                  new Port.Range(
                      rnd.nextBoolean() ? 22 : pickPort(rnd), rnd.nextBoolean() ? 22 : 40000));
      ports = ports.stream().filter(p -> ((Port.Range) p).min() <= ((Port.Range) p).max()).toList();
      EntityMatch pods =
          rnd.nextBoolean()
              ? EntityMatch.ANY
              : match(
                  List.of(),
                  new Selector.Compare(
                      "projectcalico.org/namespace",
                      Selector.Op.EQ,
                      RandomModel.NAMESPACES.get(rnd.nextInt(RandomModel.NAMESPACES.size()))),
                  List.of());
      EntityMatch far =
          rnd.nextBoolean()
              ? EntityMatch.ANY
              : match(
                  List.of(RandomModel.CIDRS.get(rnd.nextInt(RandomModel.CIDRS.size()))),
                  null,
                  List.of());
      // the workload is the source of egress-forward packets and the destination of ingress ones
      boolean podIsSource = rnd.nextBoolean();
      EntityMatch src = podIsSource ? pods : far;
      EntityMatch dst = podIsSource ? far : pods;
      dst = ports.isEmpty() ? dst : match(dst.nets(), dst.selector(), ports);
      out.add(new Rule(i, action, null, proto, null, null, null, src, dst, false, Span.NONE));
    }
    return out;
  }

  private static int pickPort(Random rnd) {
    return RandomModel.PORTS.get(rnd.nextInt(RandomModel.PORTS.size()));
  }

  private static EntityMatch match(List<Cidr> nets, Selector selector, List<Port> ports) {
    return new EntityMatch(nets, List.of(), selector, null, ports, List.of(), List.of(), null);
  }

  private void add(List<Tier> tiers, Policy p) {
    int t = rnd.nextInt(tiers.size());
    Tier tier = tiers.get(t);
    Policy in =
        new Policy(
            p.kind(),
            tier.name() + "-" + p.name(),
            null,
            tier.name(),
            p.order(),
            p.selector(),
            p.types(),
            p.ingress(),
            p.egress(),
            p.doNotTrack(),
            p.preDnat(),
            true,
            Span.NONE);
    RandomReplies.append(tiers, t, in);
  }

  /** The pods moved onto nodes or left naming none ({@link #draw}). */
  List<Endpoint> placed() {
    return placed;
  }

  /**
   * {@code f}, or (two flows in three, when pods were placed) a flow between a placed pod (at one
   * of its addresses of the flow's family, or an unowned one when it has none) and {@code outside}
   * (an address no endpoint owns), either way, with the packet of {@code f}.
   */
  Flow aim(Flow f, dev.tierproof.model.PolicySet set) {
    if (placed.isEmpty() || rnd.nextInt(3) == 0) {
      return f;
    }
    java.util.function.IntFunction<Ip> outside =
        family -> {
          List<Ip> free =
              RandomModel.OUTSIDE.stream()
                  .filter(i -> i.family() == family)
                  .filter(i -> set.endpoints().stream().noneMatch(e -> e.ips().contains(i)))
                  .toList();
          return free.get(rnd.nextInt(free.size()));
        };
    if (rnd.nextInt(4) == 0) { // spec S6.11: between two outside addresses, routed through a node
      Ip from = outside.apply(f.family());
      Ip to = outside.apply(f.family());
      return from.equals(to) ? f : routed(f, from, to);
    }
    Endpoint w = placed.get(rnd.nextInt(placed.size()));
    List<Ip> mine = w.ips().stream().filter(i -> i.family() == f.family()).toList();
    if (mine.isEmpty() && !w.ips().isEmpty()) {
      return f;
    }
    Ip at = mine.isEmpty() ? outside.apply(f.family()) : mine.get(rnd.nextInt(mine.size()));
    Ip far = outside.apply(f.family());
    if (far.equals(at)) {
      return f;
    }
    boolean outward = rnd.nextBoolean();
    Flow host = toHost.nextInt(3) == 0 ? toHost(f, set, w, at, outward) : null;
    return host != null ? host : across(f, w, at, far, outward);
  }

  /**
   * The packet of {@code f} between pod {@code w} at {@code at} and a host endpoint of another node
   * (at an address of its of the flow's family), either way; null when there is none (spec S6.10:
   * the pod's node's forward chain is walked on it).
   */
  private Flow toHost(
      Flow f, dev.tierproof.model.PolicySet set, Endpoint w, Ip at, boolean outward) {
    List<Endpoint> hosts =
        set.endpoints().stream()
            .filter(e -> e.isHost() && e.node() != null && !e.node().equals(w.node()))
            .filter(e -> e.ips().stream().anyMatch(i -> i.family() == at.family()))
            .toList();
    if (hosts.isEmpty()) {
      return null;
    }
    Endpoint h = hosts.get(toHost.nextInt(hosts.size()));
    Ip ip = h.ips().stream().filter(i -> i.family() == at.family()).findFirst().orElseThrow();
    return outward ? packet(f, at, w, ip, h, null) : packet(f, ip, h, at, w, null);
  }

  /** The packet of {@code f} from {@code from} to {@code to}, both outside the cluster. */
  static Flow routed(Flow f, Ip from, Ip to) {
    return packet(f, from, null, to, null, f.destinationDomain());
  }

  /**
   * The packet of {@code f} between workload {@code w} at {@code at} and the address {@code far}
   * outside the cluster: from {@code w} when {@code outward}, else to it.
   */
  public static Flow across(Flow f, Endpoint w, Ip at, Ip far, boolean outward) {
    return outward
        ? packet(f, at, w, far, null, f.destinationDomain())
        : packet(f, far, null, at, w, null);
  }

  /**
   * The protocol, ports and ICMP fields of {@code f} from {@code sourceIp} (owned by {@code
   * source}, null: outside) to {@code destinationIp} ({@code destination}) reached by {@code
   * domain}, its ends naming no node placed elsewhere.
   */
  static Flow packet(
      Flow f, Ip sourceIp, Endpoint source, Ip destinationIp, Endpoint destination, String domain) {
    return Flow.between(
        f.protocol(),
        sourceIp,
        f.sourcePort(),
        destinationIp,
        f.destinationPort(),
        f.icmpType(),
        f.icmpCode(),
        domain,
        source,
        destination);
  }
}
