package dev.tierproof.eval;

import dev.tierproof.eval.TraceEntry.Outcome;
import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Domains;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates flows against one policy set exactly as Felix does on the normal (connection-tracked)
 * path. Immutable after construction; thread-safe.
 */
public final class Evaluator {

  /** Felix's default failsafe ports (spec S6.2), inbound to a host endpoint: protocol and destination port. */
  public static final Set<List<Integer>> FAILSAFE_IN =
      Set.of(
          List.of(Protocols.TCP, 22), List.of(Protocols.UDP, 68), List.of(Protocols.TCP, 179),
          List.of(Protocols.TCP, 2379), List.of(Protocols.TCP, 2380), List.of(Protocols.TCP, 5473),
          List.of(Protocols.TCP, 6443), List.of(Protocols.TCP, 6666), List.of(Protocols.TCP, 6667));

  /** The same, outbound from a host endpoint. */
  public static final Set<List<Integer>> FAILSAFE_OUT =
      Set.of(
          List.of(Protocols.UDP, 53), List.of(Protocols.UDP, 67), List.of(Protocols.TCP, 179),
          List.of(Protocols.TCP, 2379), List.of(Protocols.TCP, 2380), List.of(Protocols.TCP, 5473),
          List.of(Protocols.TCP, 6443), List.of(Protocols.TCP, 6666), List.of(Protocols.TCP, 6667));

  /** Something a rule selector can match: an endpoint or a network set (spec S3.4). */
  private record Entity(
      Map<String, String> labels, List<Cidr> nets, List<String> domains, List<NamedPort> ports) {}

  private final PolicySet set;
  private final dev.tierproof.model.PolicyIndex index;
  private final Set<Endpoint> known;
  /** Endpoints by address, so a rule side looks only at the entities that own the packet's address. */
  private final Map<Ip, List<Entity>> byAddress;
  private final List<Entity> networkSets;
  private final dev.tierproof.model.CidrIndex<Entity> netsetIndex;
  /** Per address, the network sets whose CIDRs contain it (a cache; thread-safe). */
  private final Map<Ip, List<Entity>> netsetsAt;

  public Evaluator(PolicySet set) {
    this.set = set;
    this.index = new dev.tierproof.model.PolicyIndex(set.tiers());
    this.known = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    this.byAddress = new HashMap<>();
    this.networkSets = new ArrayList<>();
    this.netsetsAt = new java.util.concurrent.ConcurrentHashMap<>();
    for (Endpoint e : set.endpoints()) {
      known.add(e);
      Entity entity = entity(e);
      for (Ip ip : e.ips()) {
        byAddress.computeIfAbsent(ip, k -> new ArrayList<>()).add(entity);
      }
    }
    for (NetworkSet n : set.networkSets()) {
      networkSets.add(new Entity(n.labels(), n.nets(), n.allowedEgressDomains(), List.of()));
    }
    this.netsetIndex = new dev.tierproof.model.CidrIndex<>(networkSets, Entity::nets);
  }

  private Evaluator(Evaluator base, PolicySet set) {
    this.set = set;
    this.index = base.index.with(set.tiers());
    this.known = base.known;
    this.byAddress = base.byAddress;
    this.networkSets = base.networkSets;
    this.netsetIndex = base.netsetIndex;
    this.netsetsAt = base.netsetsAt;
  }

  /**
   * The same endpoints, network sets and profiles under other tiers (e.g. with one rule removed or
   * a staged policy enforced), sharing this evaluator's address indexes: cheap to make.
   */
  public Evaluator withTiers(List<Tier> tiers) {
    return new Evaluator(this, new PolicySet(tiers, set.endpoints(), set.networkSets(), set.profiles(), set.namespaces()));
  }

  private static Entity entity(Endpoint e) {
    return new Entity(e.labels(), e.ips().stream().map(Cidr::host).toList(), List.of(), e.ports());
  }

  public PolicySet policySet() {
    return set;
  }

  /** The verdict on a flow: egress at its source endpoint, then ingress at its destination. */
  public Verdict evaluate(Flow flow) {
    List<Step> steps = new ArrayList<>();
    if (flow.source() != null) {
      steps.add(evaluate(flow.source(), Direction.EGRESS, flow));
    }
    if (flow.destination() != null) {
      steps.add(evaluate(flow.destination(), Direction.INGRESS, flow));
    }
    return new Verdict(steps.stream().allMatch(Step::allowed), steps);
  }

  /** One enforcement point (spec S4): tiers in order, then profiles, then deny. */
  public Step evaluate(Endpoint at, Direction dir, Flow flow) {
    List<TraceEntry> trace = new ArrayList<>();
    if (at.isHost() && failsafe(dir, flow)) {
      return new Step(at, dir, true, new Decision(Decision.Kind.FAILSAFE, null, null, null, null), trace);
    }
    List<List<Policy>> byTier = applyingByTier(at, dir);
    for (int t = 0; t < set.tiers().size(); t++) {
      Tier tier = set.tiers().get(t);
      List<Policy> applying = byTier.get(t);
      if (applying.isEmpty()) {
        continue; // spec S4.2: a tier is entered only if one of its policies applies
      }
      Set<Policy> applies = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      applies.addAll(applying);
      boolean passed = false;
      for (Policy p : tier.policies()) {
        boolean mayScope = p.namespace() == null || p.namespace().equals(at.namespace());
        if (!applies.contains(p)) {
          if (mayScope) { // another namespace's policy can never select the endpoint: no line
            trace.add(new TraceEntry(tier, p, p.staged() ? Outcome.STAGED : Outcome.NOT_SELECTED, null));
          }
          continue;
        }
        Rule hit = firstTerminal(p.rules(dir), dir, flow);
        if (hit == null) {
          trace.add(new TraceEntry(tier, p, Outcome.NO_MATCH, null));
          continue;
        }
        if (hit.action() == Action.PASS) {
          trace.add(new TraceEntry(tier, p, Outcome.PASS, hit.index()));
          passed = true; // spec S4.4: Pass skips the rest of the tier, its default included
          break;
        }
        boolean allow = hit.action() == Action.ALLOW;
        trace.add(new TraceEntry(tier, p, allow ? Outcome.ALLOW : Outcome.DENY, hit.index()));
        return new Step(at, dir, allow, new Decision(Decision.Kind.RULE, tier, p, hit, null), trace);
      }
      if (!passed && tier.defaultAction() != Action.PASS) {
        Policy last = applying.get(applying.size() - 1);
        return new Step(
            at, dir, false, new Decision(Decision.Kind.TIER_DEFAULT, tier, last, null, null), trace);
      }
    }
    for (String name : at.profiles()) {
      Profile profile = set.profiles().get(name);
      if (profile == null) {
        continue;
      }
      Rule hit = firstTerminal(profile.rules(dir), dir, flow);
      if (hit != null) {
        // spec S4.6: Pass in a profile acts as Deny (BPF, app-policy)
        boolean allow = hit.action() == Action.ALLOW;
        return new Step(at, dir, allow, new Decision(Decision.Kind.PROFILE, null, null, hit, profile), trace);
      }
    }
    return new Step(at, dir, false, new Decision(Decision.Kind.NO_PROFILE, null, null, null, null), trace);
  }

  /**
   * Per set of endpoint labels (all that {@link #applies} looks at; replicas share theirs), per
   * direction, per tier in order: the policies that apply.
   */
  private final Map<Map<String, String>, Map<Direction, List<List<Policy>>>> applyingCache =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** {@link #applying} for every tier in order, computed once per set of labels and direction. */
  private List<List<Policy>> applyingByTier(Endpoint at, Direction dir) {
    Map<Direction, List<List<Policy>>> byDirection =
        applyingCache.computeIfAbsent(at.labels(), k -> new java.util.concurrent.ConcurrentHashMap<>());
    return byDirection.computeIfAbsent(dir, d -> {
      List<List<Policy>> out = new ArrayList<>();
      for (int t = 0; t < set.tiers().size(); t++) {
        out.add(index.candidates(t, at.labels()).stream().filter(p -> applies(p, at, d)).toList());
      }
      return out;
    });
  }

  /** The enforced policies of a tier that select {@code at} and govern {@code dir} (spec S4.1). */
  public List<Policy> applying(Tier tier, Endpoint at, Direction dir) {
    List<Policy> out = new ArrayList<>();
    for (Policy p : tier.policies()) {
      if (applies(p, at, dir)) {
        out.add(p);
      }
    }
    return out;
  }

  /** True when {@code p} is enforced on the normal path, selects {@code at} and governs {@code dir}. */
  public static boolean applies(Policy p, Endpoint at, Direction dir) {
    return !p.staged()
        && !p.doNotTrack()
        && !p.preDnat()
        && p.governs(dir)
        && p.selector().matches(at.labels());
  }

  private Rule firstTerminal(List<Rule> rules, Direction dir, Flow flow) {
    for (Rule r : rules) {
      if (r.action() != Action.LOG && matches(r, flow)) {
        return r;
      }
    }
    return null;
  }

  private static boolean failsafe(Direction dir, Flow flow) {
    if (flow.destinationPort() == null) {
      return false;
    }
    List<Integer> key = List.of(flow.protocol(), flow.destinationPort());
    return (dir == Direction.INGRESS ? FAILSAFE_IN : FAILSAFE_OUT).contains(key);
  }

  /** True when rule {@code r} matches {@code flow} (spec S3: every criterion, AND-ed). */
  public boolean matches(Rule r, Flow flow) {
    int family = flow.family();
    if (r.ipVersion() != null && r.ipVersion() != family) {
      return false;
    }
    if (skippedForFamily(r.source(), family) || skippedForFamily(r.destination(), family)) {
      return false; // spec S3.1: nets of the other family only
    }
    if (r.protocol() != null && r.protocol() != flow.protocol()) {
      return false;
    }
    if (r.notProtocol() != null && r.notProtocol() == flow.protocol()) {
      return false;
    }
    boolean icmp = Protocols.isIcmp(flow.protocol());
    Integer type = icmp ? flow.icmpType() : null;
    Integer code = icmp ? flow.icmpCode() : null;
    if (r.icmp() != null && !r.icmp().matches(type, code)) {
      return false;
    }
    if (r.notIcmp() != null && r.notIcmp().matches(type, code)) {
      return false;
    }
    return side(r, r.source(), flow, flow.sourceIp(), flow.sourcePort(), null, flow.source())
        && side(
            r,
            r.destination(),
            flow,
            flow.destinationIp(),
            flow.destinationPort(),
            flow.destinationDomain(),
            flow.destination());
  }

  private static boolean skippedForFamily(EntityMatch m, int family) {
    return (!m.nets().isEmpty() && m.nets().stream().noneMatch(c -> c.family() == family))
        || (!m.notNets().isEmpty() && m.notNets().stream().noneMatch(c -> c.family() == family));
  }

  private boolean side(
      Rule r, EntityMatch m, Flow flow, Ip addr, Integer port, String domain, Endpoint peer) {
    if (m.isEmpty()) {
      return true;
    }
    if (!addressed(m, addr, domain)) {
      return false;
    }
    List<Entity> scope = covering(addr, domain, peer);
    if (!selected(m, scope)) {
      return false;
    }
    if (!m.ports().isEmpty() && !portIn(m.ports(), m, r, flow.protocol(), addr, port, scope)) {
      return false;
    }
    return m.notPorts().isEmpty() || !portIn(m.notPorts(), m, r, flow.protocol(), addr, port, scope);
  }

  /**
   * The part of a rule side that looks at who is at an address, not at the packet: {@code nets},
   * {@code notNets}, {@code domains}, {@code services}, the selectors over the entities there
   * (spec S3.3, S3.4); {@code peer} is the flow's endpoint at {@code addr}, or null.
   */
  public boolean identity(EntityMatch m, Ip addr, String domain, Endpoint peer) {
    return addressed(m, addr, domain)
        && (m.selector() == null && m.notSelector() == null || selected(m, covering(addr, domain, peer)));
  }

  private static boolean addressed(EntityMatch m, Ip addr, String domain) {
    if (m.service() != null) {
      return false; // spec S3.4: endpoint slices are not modelled, so no address matches
    }
    if (!m.nets().isEmpty() && m.nets().stream().noneMatch(c -> c.contains(addr))) {
      return false;
    }
    if (m.notNets().stream().anyMatch(c -> c.contains(addr))) {
      return false;
    }
    return m.domains().isEmpty() || domain != null && m.domains().stream().anyMatch(d -> Domains.matches(d, domain));
  }

  private static boolean selected(EntityMatch m, List<Entity> scope) {
    if (m.selector() != null) {
      return scope.stream().anyMatch(e -> positive(m, e));
    }
    return m.notSelector() == null || scope.stream().noneMatch(e -> m.notSelector().matches(e.labels()));
  }

  /** S⁺ with the notSelector folded in per entity (spec S3.4, combineMatchesIfPossible). */
  private static boolean positive(EntityMatch m, Entity e) {
    return m.selector().matches(e.labels())
        && (m.notSelector() == null || !m.notSelector().matches(e.labels()));
  }

  private static boolean covers(Entity e, Ip addr, String domain) {
    return e.nets().stream().anyMatch(c -> c.contains(addr))
        || (domain != null && e.domains().stream().anyMatch(d -> Domains.matches(d, domain)));
  }

  /** True when the packet's port is in a numeric range or is a named port (spec S3.5). */
  private static boolean portIn(
      List<Port> ports, EntityMatch m, Rule r, int protocol, Ip addr, Integer port, List<Entity> scope) {
    if (port == null) {
      return false;
    }
    for (Port p : ports) {
      if (p instanceof Port.Range range && range.contains(port)) {
        return true;
      }
      if (p instanceof Port.Named named
          && (r.protocol() == null || r.protocol() == protocol)
          && scope.stream()
              .filter(e -> m.selector() == null || positive(m, e))
              .filter(e -> covers(e, addr, null))
              .anyMatch(
                  e ->
                      e.ports().stream()
                          .anyMatch(
                              np ->
                                  np.name().equals(named.name())
                                      && np.port() == port
                                      && np.protocol() == protocol))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The entities that own {@code addr} (or, for network sets, list {@code domain}), plus the
   * flow's peer when the question made it up (a hypothetical endpoint) or it has no address of its
   * own (a workload's pod template, a pod without {@code podIP}: it stands at the flow's address).
   */
  private List<Entity> covering(Ip addr, String domain, Endpoint peer) {
    List<Entity> out = new ArrayList<>(byAddress.getOrDefault(addr, List.of()));
    if (domain == null) {
      // the network sets at an address do not change: computed once per address (lint asks often)
      out.addAll(netsetsAt.computeIfAbsent(addr, netsetIndex::at));
    } else {
      for (Entity n : networkSets) {
        if (covers(n, addr, domain)) {
          out.add(n);
        }
      }
    }
    if (peer != null && (!known.contains(peer) || peer.ips().isEmpty())) {
      // spec S5.4: an endpoint without an address of its own is at the flow's address
      Entity e = peer.ips().isEmpty() ? new Entity(peer.labels(), List.of(Cidr.host(addr)), List.of(), peer.ports()) : entity(peer);
      if (covers(e, addr, domain)) {
        out.add(e);
      }
    }
    return out;
  }
}
