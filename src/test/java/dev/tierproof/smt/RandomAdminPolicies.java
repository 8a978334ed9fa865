package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.EntityMatch;
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
import java.util.Random;
import java.util.Set;

/**
 * Draws the policies Calico converts from ClusterNetworkPolicy (3.32: tiers {@code kube-admin} and
 * {@code kube-baseline}) or from AdminNetworkPolicy and BaselineAdminNetworkPolicy (3.29-3.31:
 * tiers {@code adminnetworkpolicy} and {@code baselineadminnetworkpolicy}), shaped as the converter
 * writes them (specs/semantics.md S2.10, S2.11): Pass tiers, priorities that tie, workload-only
 * subjects, namespace and pod peers, networks, ports per protocol, named ports without a protocol,
 * several rules of one written index, and the unconditional Deny of a rule Calico could not
 * convert.
 */
final class RandomAdminPolicies {

  private static final Selector NAMESPACED = new Selector.Has("projectcalico.org/namespace");

  private RandomAdminPolicies() {}

  /** The random choices: a source of its own and the model's small domains. */
  private record Draw(Random rnd) {
    int nextInt(int bound) {
      return rnd.nextInt(bound);
    }

    <T> T pick(List<T> xs) {
      return xs.get(rnd.nextInt(xs.size()));
    }

    /** A label term over the model's keys and values (depth > 0: possibly a conjunction). */
    Selector selector(int depth) {
      String key = pick(RandomModel.KEYS);
      Selector term =
          switch (rnd.nextInt(4)) {
            case 0 -> new Selector.All();
            case 1 -> new Selector.Has(key);
            case 2 -> new Selector.Not(new Selector.Has(key));
            default -> new Selector.Compare(key, Selector.Op.EQ, pick(RandomModel.VALUES));
          };
      return depth > 0 && rnd.nextBoolean() ? Selector.and(term, selector(depth - 1)) : term;
    }
  }

  /**
   * Adds admin tiers with policies to {@code tiers} for about half the models, drawn from a random
   * source of their own (seeded from the model's seed), so the rest of the model and its flows stay
   * what they were without them.
   */
  static void draw(long seed, List<Tier> tiers) {
    Draw m = new Draw(new Random(seed * 0x9E3779B97F4A7C15L + 17));
    if (m.nextInt(2) == 0) {
      return;
    }
    boolean cnp = m.nextInt(2) == 0;
    PolicyKind admin =
        cnp
            ? PolicyKind.KUBERNETES_CLUSTER_NETWORK_POLICY
            : PolicyKind.KUBERNETES_ADMIN_NETWORK_POLICY;
    PolicyKind baseline =
        cnp
            ? PolicyKind.KUBERNETES_CLUSTER_NETWORK_POLICY
            : PolicyKind.KUBERNETES_BASELINE_ADMIN_NETWORK_POLICY;
    String adminTier = cnp ? "kube-admin" : "adminnetworkpolicy";
    String baselineTier = cnp ? "kube-baseline" : "baselineadminnetworkpolicy";
    List<Policy> first = new ArrayList<>();
    int n = 1 + m.nextInt(3);
    for (int i = 0; i < n; i++) {
      first.add(policy(m, admin, adminTier, "admin" + i, (double) m.pick(List.of(10, 10, 20))));
    }
    tiers.add(new Tier(adminTier, 1_000.0, Action.PASS, true, Span.NONE, first));
    if (m.nextInt(2) == 0) {
      List<Policy> last = new ArrayList<>();
      last.add(
          policy(
              m,
              baseline,
              baselineTier,
              cnp ? "baseline0" : "default",
              cnp ? (double) m.pick(List.of(0, 5)) : 1000.0));
      tiers.add(new Tier(baselineTier, 10_000_000.0, Action.PASS, true, Span.NONE, last));
    }
  }

  private static Policy policy(Draw m, PolicyKind kind, String tier, String name, double order) {
    // the subject: workloads only (the orchestrator label is implied by the namespace here)
    Selector subject = Selector.and(NAMESPACED, m.selector(1));
    List<Rule> ingress = rules(m, kind, Direction.INGRESS);
    List<Rule> egress = rules(m, kind, Direction.EGRESS);
    Set<Direction> types = EnumSet.noneOf(Direction.class);
    for (Direction d : Direction.values()) {
      if (!(d == Direction.INGRESS ? ingress : egress).isEmpty()) {
        types.add(d); // the directions with rules
      }
    }
    return new Policy(
        kind, name, null, tier, order, subject, types, ingress, egress, false, false, false,
        Span.NONE);
  }

  private static List<Rule> rules(Draw m, PolicyKind kind, Direction d) {
    List<Rule> out = new ArrayList<>();
    int written = m.nextInt(3);
    for (int index = 0; index < written; index++) {
      Action action =
          kind == PolicyKind.KUBERNETES_BASELINE_ADMIN_NETWORK_POLICY
              ? m.pick(List.of(Action.ALLOW, Action.DENY))
              : m.pick(List.of(Action.ALLOW, Action.DENY, Action.PASS));
      if (m.nextInt(8) == 0) {
        if (action != Action.ALLOW) {
          out.add(Rule.unconditional(index, Action.DENY, Span.NONE));
        }
        continue; // a rule Calico cannot convert: Deny/Pass fail closed, Accept is dropped
      }
      Integer protocol = m.nextInt(3) == 0 ? null : m.pick(List.of(Protocols.TCP, Protocols.UDP));
      List<Port> ports = protocol == null ? List.of() : ports(m);
      if (protocol == null && m.nextInt(3) == 0) {
        ports = List.of(new Port.Named(m.pick(RandomModel.NAMED).name()));
      }
      int peers = 1 + m.nextInt(2);
      for (int p = 0; p < peers; p++) {
        EntityMatch far =
            peer(
                m,
                d == Direction.EGRESS && ports.stream().noneMatch(x -> x instanceof Port.Named),
                d == Direction.EGRESS ? ports : List.of());
        EntityMatch local =
            new EntityMatch(List.of(), List.of(), null, null, ports, List.of(), List.of(), null);
        out.add(
            d == Direction.INGRESS
                ? rule(index, action, protocol, far, local)
                : rule(index, action, protocol, EntityMatch.ANY, far));
      }
    }
    return out;
  }

  private static EntityMatch peer(Draw m, boolean networks, List<Port> ports) {
    if (networks && m.nextInt(3) == 0) {
      List<Cidr> nets = List.of(m.pick(RandomModel.CIDRS));
      return new EntityMatch(nets, List.of(), null, null, ports, List.of(), List.of(), null);
    }
    Selector namespaces =
        m.nextInt(2) == 0
            ? NAMESPACED
            : new Selector.Compare("pcns.team", Selector.Op.EQ, m.pick(List.of("x", "y")));
    Selector sel = m.nextInt(2) == 0 ? namespaces : Selector.and(namespaces, m.selector(1));
    return new EntityMatch(List.of(), List.of(), sel, null, ports, List.of(), List.of(), null);
  }

  private static List<Port> ports(Draw m) {
    if (m.nextInt(3) == 0) {
      return List.of(); // every port of the protocol
    }
    int a = m.pick(RandomModel.PORTS);
    return m.nextInt(2) == 0
        ? List.of(new Port.Range(a, a))
        : List.of(new Port.Range(Math.min(a, 80), Math.max(a, 80)));
  }

  private static Rule rule(
      int index, Action action, Integer protocol, EntityMatch source, EntityMatch destination) {
    return new Rule(
        index, action, null, protocol, null, null, null, source, destination, false, Span.NONE);
  }
}
