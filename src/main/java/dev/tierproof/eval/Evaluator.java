package dev.tierproof.eval;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Domains;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Ports;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates flows against one policy set exactly as Felix does: the normal (connection-tracked)
 * path, at host endpoints the untracked and pre-DNAT paths before it, and the forward chain of a
 * node's all-interfaces host endpoint for the flows it forwards (spec S6). The one concrete walk of
 * spec S4, S6.4 and S6.8 is {@link #walk}: {@link #evaluate} is that walk with a trace, lint's step
 * walk is that walk with its own {@link Watcher}. Immutable after construction; thread-safe.
 */
public final class Evaluator {

  private final PolicySet set;
  private final dev.tierproof.model.PolicyIndex index;
  private final Set<Endpoint> known;

  /** Per node whose forward chains are walked, its host side ({@link PolicySet#ports}). */
  private final Map<String, Ports> ports;

  /** {@link PolicySet#walked}. */
  private final List<String> walked;

  /**
   * Endpoints by address, so a rule side looks only at the entities that own the packet's address.
   */
  private final Map<Ip, List<Entity>> byAddress;

  private final List<Entity> networkSets;
  private final dev.tierproof.model.CidrIndex<Entity> netsetIndex;

  /**
   * Per address and DNS name (or null), the endpoints that own it and the network sets that cover
   * it (a cache; thread-safe).
   */
  private final Map<Named, List<Entity>> coveringAt;

  private record Named(Ip addr, String domain) {}

  /**
   * Per kind of endpoint and set of labels (all that {@link #applies} looks at; replicas share
   * theirs), per direction: the tiers entered, with their applying policies.
   */
  private final Map<List<Object>, Map<Direction, List<StepPath.Entered>>> entered;

  private final dev.tierproof.model.Loopbacks loopbacks; // spec S5.6, S6.13

  public Evaluator(PolicySet set) {
    this.set = set;
    this.index = new dev.tierproof.model.PolicyIndex(set.tiers());
    this.known = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    this.byAddress = new HashMap<>();
    Endpoint.byAddress(set.endpoints())
        .forEach(
            (ip, owners) -> byAddress.put(ip, owners.stream().map(Evaluator::entity).toList()));
    this.networkSets = new ArrayList<>();
    this.coveringAt = new java.util.concurrent.ConcurrentHashMap<>();
    this.entered = new java.util.concurrent.ConcurrentHashMap<>();
    known.addAll(set.endpoints());
    this.ports = set.ports();
    this.walked = List.copyOf(ports.keySet());
    for (NetworkSet n : set.networkSets()) {
      networkSets.add(new Entity(n.labels(), n.nets(), n.allowedEgressDomains(), List.of(), false));
    }
    this.netsetIndex = new dev.tierproof.model.CidrIndex<>(networkSets, Entity::nets);
    this.loopbacks = set.loopbacks();
  }

  private Evaluator(Evaluator base, PolicySet set) {
    boolean sameTiers = base.set.tiers() == set.tiers();
    this.set = set;
    this.index = sameTiers ? base.index : base.index.with(set.tiers());
    this.known = base.known;
    this.ports = sameTiers ? base.ports : set.ports();
    this.walked = List.copyOf(ports.keySet());
    this.byAddress = base.byAddress;
    this.networkSets = base.networkSets;
    this.netsetIndex = base.netsetIndex;
    this.coveringAt = base.coveringAt;
    this.entered = sameTiers ? base.entered : new java.util.concurrent.ConcurrentHashMap<>();
    this.loopbacks = base.loopbacks;
  }

  /**
   * The same endpoints, network sets and profiles under other tiers (e.g. with one rule removed or
   * a staged policy enforced), sharing this evaluator's address indexes: cheap to make.
   */
  public Evaluator withTiers(List<Tier> tiers) {
    return new Evaluator(this, set.withTiers(tiers));
  }

  /** The set with {@code assumed} profiles added (none: {@code this}), sharing the indexes. */
  public Evaluator withProfiles(Map<String, Profile> assumed) {
    return assumed.isEmpty() ? this : new Evaluator(this, set.withProfiles(assumed));
  }

  private final Map<Map<String, Profile>, Evaluator> assuming =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** {@link #withProfiles}, made once per set of assumed profiles. */
  public Evaluator assuming(Map<String, Profile> assumed) {
    return assumed.isEmpty() ? this : assuming.computeIfAbsent(assumed, this::withProfiles);
  }

  private static Entity entity(Endpoint e) {
    return new Entity(
        e.labels(), e.ips().stream().map(Cidr::host).toList(), List.of(), e.ports(), !e.isHost());
  }

  public PolicySet policySet() {
    return set;
  }

  /**
   * The verdict on a flow: its {@link #hops} in order; a step that a local flow does not walk
   * ({@link Hop#stepped}) is decided {@link Decision.Kind#OWN_NODE}.
   */
  public Verdict evaluate(Flow flow) {
    Flow seen = Translated.seen(flow, set); // at a host endpoint's ingress, spec S6.10
    List<Step> steps = new ArrayList<>();
    for (Hop h : hops(flow.source(), flow.destination(), flow.ends())) {
      if (h.forward()) {
        steps.add(evaluate(LocalSteps.chain(this, h), flow));
      } else {
        steps.add(
            Hop.stepped(flow, h.direction())
                ? evaluate(h.at(), h.direction(), h.direction() == Direction.INGRESS ? seen : flow)
                : new Step(
                    h.at(), h.direction(), true, Decision.of(Decision.Kind.OWN_NODE), List.of()));
      }
    }
    return new Verdict(steps.stream().allMatch(Step::allowed), steps);
  }

  /**
   * The steps of every flow from {@code source} to {@code destination} (null: outside the cluster)
   * placed as {@code ends} says ({@link Flow#sourcePlacement}, {@link Flow#sourceInterface}), in
   * the packet's order ({@link Hop#of}) around the forward chains of its ends' nodes ({@link
   * #forwarders}). The one home of that order (the map's tables follow it). A loopback flow has
   * none ({@link #loopbacks}).
   */
  public List<Hop> hops(Endpoint source, Endpoint destination, Flow.Ends ends) {
    if (loopbacks.loopback(source, destination)) {
      return List.of();
    }
    Endpoint[] via = forwarders(source, destination, ends);
    return LocalSteps.hops(this, source, destination, ends, Hop.of(source, destination, via));
  }

  /**
   * The host endpoints whose forward chain sides a flow from {@code source} to {@code destination}
   * placed as {@code ends} says meets ({@link Hop#sides}), on the {@link #ports} of its ends' nodes
   * (its own, or where the flow places a workload naming none), for a workload end of a flow with
   * outside, another workload or a host endpoint of another node; or of the node a flow between two
   * outside addresses is routed through.
   */
  private Endpoint[] forwarders(Endpoint source, Endpoint destination, Flow.Ends ends) {
    return loopbacks.loopback(source, destination)
        ? new Endpoint[4]
        : Hop.sides(source, destination, ends, ports, this::held);
  }

  /** The host endpoints whose forward chains {@code flow} meets, once each, in {@link #hops}. */
  public List<Endpoint> forwarders(Flow flow) {
    return java.util.Arrays.stream(forwarders(flow.source(), flow.destination(), flow.ends()))
        .filter(java.util.Objects::nonNull)
        .distinct()
        .toList();
  }

  /** {@code h} when its forward chain holds policy on either side (spec S6.8), else null. */
  private Endpoint held(Endpoint h) {
    return h != null
            && (!forwardChain(h, Direction.INGRESS).tiers().isEmpty()
                || !forwardChain(h, Direction.EGRESS).tiers().isEmpty())
        ? h
        : null;
  }

  /** The nodes whose forward chains are walked ({@link PolicySet#walked}). */
  public List<String> walked() {
    return walked;
  }

  /** The host sides of the {@link #walked} nodes ({@link PolicySet#ports}), their interfaces. */
  public Map<String, Ports> ports() {
    return ports;
  }

  /** {@code flow} in each placement that can change its answer ({@link Flow#placements}). */
  public List<Flow> placements(Flow flow) {
    return flow.placements(ports);
  }

  /** One enforcement point (spec S4): tiers in order, then profiles, then deny. */
  public Step evaluate(Endpoint at, Direction dir, Flow flow) {
    return evaluate(chain(at, dir), flow);
  }

  /**
   * One enforcement point along {@code chain}, with the trace of every entered tier and profile.
   */
  public Step evaluate(StepPath chain, Flow flow) {
    Trace trace = new Trace(chain.at());
    return trace.step(chain, walk(chain, flow, trace));
  }

  /**
   * The side of host endpoint {@code at}'s forward chain in {@code dir} (spec S6.7, S6.8): the
   * tiers entered on {@link HostPath#forwarded}, no profiles.
   */
  public StepPath forwardChain(Endpoint at, Direction dir) {
    return new StepPath(at, dir, entered(at, dir, true), List.of(), true);
  }

  /**
   * The step at {@code at} in {@code dir}: the tiers entered (spec S4.1, S4.2) and the endpoint's
   * profiles that this set has (spec S2.8; a hypothetical endpoint's assumed namespace profile is
   * in {@link #withProfiles}).
   */
  public StepPath chain(Endpoint at, Direction dir) {
    List<Profile> profiles = new ArrayList<>(at.profiles().size());
    for (String name : at.profiles()) {
      Profile p = set.profiles().get(name);
      if (p != null) {
        profiles.add(p);
      }
    }
    return new StepPath(at, dir, entered(at, dir, false), profiles);
  }

  /**
   * The one walk of spec S4 along {@code chain}: a host endpoint's failsafe ports first (S6.2); per
   * entered tier its applying policies in order, each rule in order, the first Allow or Deny
   * deciding (S4.3), a Pass leaving the tier (S4.4), an undecided tier ending in its default action
   * (S4.5; on a host endpoint's untracked and pre-DNAT paths it always passes, and a reply from a
   * failsafe port skips the untracked path, S6.4, {@link PathSkips}); then the first profile with a
   * matching rule (S4.6, a Pass there denies, or on Felix's rule renderer goes on to the next
   * profile, {@link PolicySet#profilePassGoesOn}); else denied (S4.7). On a forward chain ({@link
   * StepPath#forward}) no failsafe port decides, an inbound one skips the pre-DNAT path (not on
   * eBPF, {@link PolicySet#forwardFailsafe}), and nothing deciding allows ({@link
   * Decision.Kind#FORWARDED}, S6.7, S6.8). An untracked Allow whose packet needs a reply decides
   * with that reply's step ({@link #reply}, S6.5). {@code watcher} is told of each rule reached and
   * each policy left on this step's walk (not the reply's), and may leave rules out. Returns what
   * decided; {@link Decision#allows} is the step's verdict.
   */
  public Decision walk(StepPath chain, Flow flow, Watcher watcher) {
    Decision d = decide(chain, flow, watcher);
    if (untracked(d) && d.rule().action() == Action.ALLOW && !chain.forward()) {
      // spec S6.7.1: on a forward chain the reply is not modelled (an unmodelled element, S9.2)
      Flow back = flow.reply();
      if (back != null) {
        return d.with(reply(chain.at(), chain.direction().opposite(), back));
      }
    }
    return d;
  }

  /** True when a rule of an untracked policy decided (spec S6.3: only at host endpoints). */
  private static boolean untracked(Decision d) {
    return d.kind() == Decision.Kind.RULE && d.path() == HostPath.UNTRACKED;
  }

  /**
   * The reply {@code packet} of an untracked Allow at {@code at}, whose step there is in {@code
   * dir} (spec S6.5): the whole walk, in which an untracked Allow lets it through without a reply
   * of its own; a reply dropped for want of a connection ({@link PolicySet#dropsReply}) that the
   * untracked path did not decide is {@code INVALID}.
   */
  private Reply reply(Endpoint at, Direction dir, Flow packet) {
    Trace trace = new Trace(at);
    Decision d = decide(chain(at, dir), packet, trace);
    List<TraceEntry> walked = trace.finish();
    boolean invalid = set.dropsReply(packet) && !untracked(d);
    if (invalid) {
      // dropped before the pre-DNAT and normal paths: their tiers are not walked
      d = Decision.of(Decision.Kind.INVALID);
      walked = walked.stream().filter(e -> e.path() == HostPath.UNTRACKED).toList();
    }
    return new Reply(
        packet,
        new Step(at, dir, d.allows(), d, walked, false, invalid ? List.of() : trace.profiles()));
  }

  /** {@link #walk} up to what decides, without the reply an untracked Allow needs. */
  private Decision decide(StepPath chain, Flow flow, Watcher watcher) {
    Direction dir = chain.direction();
    if (chain.at().isHost()
        && !chain.forward()
        && set.failsafe().allows(chain.at().node(), dir, flow)) {
      return Decision.of(Decision.Kind.FAILSAFE); // spec S6.2
    }
    for (StepPath.Entered e : chain.tiers()) {
      if (PathSkips.skips(set, chain, e.path(), flow)) {
        continue; // spec S6.4, S6.7, S6.7.1, S6.12: a failsafe chain accepted the packet first
      }
      boolean passed = false;
      for (Policy p : e.applying()) {
        Rule hit = null;
        for (Rule r : p.rules(dir)) {
          if (watcher.reached(e, p, r) && r.action() != Action.LOG && matches(r, flow)) {
            hit = r;
            break;
          }
        }
        watcher.left(e, p, hit);
        if (hit == null) {
          continue;
        }
        if (hit.action() == Action.PASS) {
          passed = true;
          break;
        }
        return Decision.on(e.path(), Decision.Kind.RULE, e.tier(), p, hit);
      }
      if (!passed && e.path().endsInDefault() && e.tier().defaultAction() != Action.PASS) {
        Policy last = e.applying().get(e.applying().size() - 1);
        return Decision.on(e.path(), Decision.Kind.TIER_DEFAULT, e.tier(), last, null);
      }
    }
    if (chain.forward()) { // spec S6.8: not dropped by Calico; S6.12: the local path goes on
      return Decision.of(chain.local() ? Decision.Kind.OWN_NODE : Decision.Kind.FORWARDED);
    }
    Decision none = Decision.of(Decision.Kind.NO_PROFILE);
    for (Profile profile : chain.profiles()) {
      Rule hit = null;
      for (Rule r : profile.rules(dir)) {
        if (r.action() != Action.LOG && matches(r, flow)) {
          hit = r;
          break;
        }
      }
      watcher.profile(profile, hit);
      if (hit == null) {
        continue;
      }
      if (hit.action() == Action.PASS && set.profilePassGoesOn()) {
        // spec S4.6: iptables and nftables set the pass mark and jump to the next profile
        none = new Decision(Decision.Kind.NO_PROFILE, null, null, hit, profile);
        continue;
      }
      return new Decision(Decision.Kind.PROFILE, null, null, hit, profile);
    }
    return none;
  }

  /**
   * The tiers entered at an endpoint of this site with these labels, path after path (spec S6.4,
   * S6.6; with {@code forward}, those of its forward chain, S6.8), computed once per site, set of
   * labels and direction.
   */
  private List<StepPath.Entered> entered(Endpoint at, Direction dir, boolean forward) {
    Map<Direction, List<StepPath.Entered>> byDirection =
        entered.computeIfAbsent(
            List.of(at.site(), at.labels(), forward),
            k -> new java.util.concurrent.ConcurrentHashMap<>());
    return byDirection.computeIfAbsent(
        dir,
        d -> {
          List<StepPath.Entered> out = new ArrayList<>();
          for (HostPath path :
              forward
                  ? HostPath.forwarded(at.site(), d)
                  : HostPath.of(at.site(), d, set.dataplane())) {
            for (int t = 0; t < set.tiers().size(); t++) {
              List<Policy> applying =
                  index.candidates(t, at.labels()).stream()
                      .filter(p -> path.enforces(p, d) && p.selector().matches(at.labels()))
                      .toList();
              if (!applying.isEmpty()) {
                out.add(new StepPath.Entered(set.tiers().get(t), applying, path));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  /**
   * The enforced policies of a tier that select {@code at} and govern {@code dir} on some path of
   * its step (spec S4.1, S6.3).
   */
  public List<Policy> applying(Tier tier, Endpoint at, Direction dir) {
    List<Policy> out = new ArrayList<>();
    for (Policy p : tier.policies()) {
      if (applies(p, at, dir, set.dataplane())) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * True when {@code p} is enforced on some path of the step at {@code at} in {@code dir} on {@code
   * dataplane} (null: none chosen, the rule renderer's; {@link HostPath#enforced(Policy,
   * dev.tierproof.model.Site, Direction, Dataplane)}) and selects {@code at}.
   */
  public static boolean applies(Policy p, Endpoint at, Direction dir, Dataplane dataplane) {
    return HostPath.enforced(p, at.site(), dir, dataplane) && p.selector().matches(at.labels());
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
    if (m.service() != null && !service(m.service(), flow.protocol(), addr, port, scope)) {
      return false;
    }
    if (!m.ports().isEmpty() && !portIn(m.ports(), m, r, flow.protocol(), addr, port, scope)) {
      return false;
    }
    return m.notPorts().isEmpty()
        || !portIn(m.notPorts(), m, r, flow.protocol(), addr, port, scope);
  }

  /**
   * The entities at {@code addr} (with {@code peer}, the flow's endpoint there, or null), for
   * {@link #identity(EntityMatch, Occupants)}.
   */
  public Occupants occupants(Ip addr, Endpoint peer) {
    return occupants(addr, null, peer);
  }

  /**
   * As {@link #occupants(Ip, Endpoint)}, for a destination reached by the DNS name {@code domain}.
   */
  public Occupants occupants(Ip addr, String domain, Endpoint peer) {
    return new Occupants(addr, domain, covering(addr, domain, peer));
  }

  /**
   * The part of a rule side that looks at who is at an address, not at the packet: {@code nets},
   * {@code notNets}, {@code domains}, the selectors over the entities there (spec S3.3, S3.4), and
   * of a {@code services} side whether the address is one of the service's endpoints, for some port
   * on a destination side (S3.9).
   */
  public boolean identity(EntityMatch m, Occupants at) {
    return addressed(m, at.addr(), at.domain())
        && (m.selector() == null && m.notSelector() == null || selected(m, at.entities()))
        && (m.service() == null
            || m.service().hosts().contains(Cidr.host(at.addr()))
            || selectedPods(m.service(), at.addr(), at.entities()).findAny().isPresent());
  }

  /**
   * The named ports that rule side {@code m} sees at an address (spec S3.5): those of the entities
   * there that its selectors select (every entity's without a selector), as Calico's named-port IP
   * sets, which hold a selector's endpoints' ports only; what {@link #matches} resolves a named
   * port against.
   */
  public java.util.Set<dev.tierproof.model.NamedPort> namedPorts(EntityMatch m, Occupants at) {
    return seen(m, at.entities(), at.addr()).collect(java.util.stream.Collectors.toSet());
  }

  private static java.util.stream.Stream<dev.tierproof.model.NamedPort> seen(
      EntityMatch m, List<Entity> scope, Ip addr) {
    return scope.stream()
        .filter(e -> (m.selector() == null || positive(m, e)) && covers(e, addr, null))
        .flatMap(e -> e.ports().stream());
  }

  private static boolean addressed(EntityMatch m, Ip addr, String domain) {
    if (!m.nets().isEmpty() && m.nets().stream().noneMatch(c -> c.contains(addr))) {
      return false;
    }
    if (m.notNets().stream().anyMatch(c -> c.contains(addr))) {
      return false;
    }
    return m.domains().isEmpty()
        || domain != null && m.domains().stream().anyMatch(d -> Domains.matches(d, domain));
  }

  private static boolean selected(EntityMatch m, List<Entity> scope) {
    if (m.selector() != null) {
      return scope.stream().anyMatch(e -> positive(m, e));
    }
    return m.notSelector() == null
        || scope.stream().noneMatch(e -> m.notSelector().matches(e.labels()));
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

  /**
   * A {@code services} side (spec S3.9): the listed endpoints match the packet, or (a service
   * without listed endpoints) some pod here that its selector selects has a target port equal to
   * the packet's, with the packet's protocol (a destination side; a source side needs only the
   * pod).
   */
  private static boolean service(
      ServiceMatch s, int protocol, Ip addr, Integer port, List<Entity> scope) {
    if (s.matchesListed(addr, protocol, port)) {
      return true;
    }
    if (!s.withPorts()) {
      return selectedPods(s, addr, scope).findAny().isPresent();
    }
    if (port == null) {
      return false;
    }
    for (ServiceMatch.Target t : s.targets()) {
      if (t.protocol() == protocol
          && selectedPods(s, addr, scope)
              .anyMatch(
                  e ->
                      t.number() != null
                          ? t.number().intValue() == port
                          : e.ports().contains(new NamedPort(t.name(), protocol, port)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The pods at {@code addr} that a service's selector selects (none without one): Kubernetes
   * selects pods only, never a network set or host endpoint labelled alike (spec S3.9).
   */
  private static java.util.stream.Stream<Entity> selectedPods(
      ServiceMatch s, Ip addr, List<Entity> scope) {
    return s.selector() == null
        ? java.util.stream.Stream.empty()
        : scope.stream()
            .filter(e -> e.pod() && covers(e, addr, null) && s.selector().matches(e.labels()));
  }

  /** True when the packet's port is in a numeric range or is a named port (spec S3.5). */
  private static boolean portIn(
      List<Port> ports,
      EntityMatch m,
      Rule r,
      int protocol,
      Ip addr,
      Integer port,
      List<Entity> scope) {
    if (port == null) {
      return false;
    }
    for (Port p : ports) {
      if (p instanceof Port.Range range && range.contains(port)) {
        return true;
      }
      if (p instanceof Port.Named named
          && (r.protocol() == null || r.protocol() == protocol)
          && seen(m, scope, addr)
              .anyMatch(
                  np ->
                      np.name().equals(named.name())
                          && np.port() == port
                          && np.protocol() == protocol)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The entities that own {@code addr} (or, for network sets, list {@code domain}), plus the flow's
   * peer when the question made it up (a hypothetical endpoint) or it is a workload with no address
   * of its own (a pod template, a pod without {@code podIP}: it stands at the flow's address).
   */
  private List<Entity> covering(Ip addr, String domain, Endpoint peer) {
    // who owns an address and the network sets there do not change: made once per address and name
    List<Entity> at =
        coveringAt.computeIfAbsent(
            new Named(addr, domain),
            k -> {
              List<Entity> out = new ArrayList<>(byAddress.getOrDefault(addr, List.of()));
              out.addAll(
                  domain == null
                      ? netsetIndex.at(addr)
                      : networkSets.stream().filter(n -> covers(n, addr, domain)).toList());
              return List.copyOf(out);
            });
    if (peer == null
        || known.contains(peer) && !peer.ips().isEmpty()
        || peer.isHost() && peer.ips().isEmpty()) {
      return at;
    }
    // spec S5.4: a workload without an address of its own is at the flow's address; a host
    // endpoint without expectedIPs is in no IP set at any address
    Entity e =
        peer.ips().isEmpty()
            ? new Entity(
                peer.labels(), List.of(Cidr.host(addr)), List.of(), peer.ports(), !peer.isHost())
            : entity(peer);
    if (!covers(e, addr, domain)) {
      return at;
    }
    List<Entity> out = new ArrayList<>(at);
    out.add(e);
    return out;
  }
}
