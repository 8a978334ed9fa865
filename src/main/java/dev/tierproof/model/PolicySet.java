package dev.tierproof.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one analysis sees: tiers with their policies in evaluation order, endpoints, network
 * sets, profiles and namespaces. Build it with {@link #ordered}, which applies Felix's ordering.
 *
 * @param dataplane the Felix dataplane chosen ({@code --dataplane}), null when none is
 * @param failsafe the failsafe ports of its host endpoints (spec S6.2, S9.1), as its dataplane
 *     takes them ({@link FailsafePorts#on})
 * @param pools what the input's {@code IPPool} resources say of nat-outgoing (spec S6.10)
 */
public record PolicySet(
    List<Tier> tiers,
    List<Endpoint> endpoints,
    List<NetworkSet> networkSets,
    Map<String, Profile> profiles,
    Map<String, Namespace> namespaces,
    Dataplane dataplane,
    FailsafePorts failsafe,
    NatOutgoing pools) {

  /**
   * Tiers: declared before undeclared, ordered before unordered, order ascending, then name
   * byte-wise (specs/semantics.md S7.1, Felix's {@code TierLess}).
   */
  public static final Comparator<Tier> TIER_ORDER =
      Comparator.comparing((Tier t) -> !t.declared())
          .thenComparing(t -> t.order() == null)
          .thenComparing(t -> t.order() == null ? 0.0 : t.order())
          .thenComparing(Tier::name, PolicySet::compareBytes);

  /**
   * Policies: order ascending with null as +∞, then {@code name/namespace/kind} byte-wise (S7.2).
   */
  public static final Comparator<Policy> POLICY_ORDER =
      Comparator.comparing((Policy p) -> p.order() == null ? Double.POSITIVE_INFINITY : p.order())
          .thenComparing(Policy::sortKey, PolicySet::compareBytes);

  public PolicySet {
    tiers = List.copyOf(tiers);
    endpoints = List.copyOf(endpoints);
    networkSets = List.copyOf(networkSets);
    profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    namespaces = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(namespaces));
    failsafe = (failsafe == null ? FailsafePorts.DEFAULT : failsafe).on(dataplane);
    pools = pools == null ? NatOutgoing.UNSAID : pools;
  }

  /**
   * A set on {@code dataplane} with Felix's default failsafe ports, whose input holds no {@code
   * IPPool}.
   */
  public PolicySet(
      List<Tier> tiers,
      List<Endpoint> endpoints,
      List<NetworkSet> networkSets,
      Map<String, Profile> profiles,
      Map<String, Namespace> namespaces,
      Dataplane dataplane) {
    this(tiers, endpoints, networkSets, profiles, namespaces, dataplane, null, NatOutgoing.UNSAID);
  }

  /** A set on no chosen dataplane. */
  public PolicySet(
      List<Tier> tiers,
      List<Endpoint> endpoints,
      List<NetworkSet> networkSets,
      Map<String, Profile> profiles,
      Map<String, Namespace> namespaces) {
    this(tiers, endpoints, networkSets, profiles, namespaces, null);
  }

  /** This set on {@code chosen} ({@code --dataplane}; null: none chosen). */
  public PolicySet withDataplane(Dataplane chosen) {
    return new PolicySet(
        tiers, endpoints, networkSets, profiles, namespaces, chosen, failsafe, pools);
  }

  /** This set with {@code ports} as its host endpoints' failsafe ports. */
  public PolicySet withFailsafe(FailsafePorts ports) {
    return new PolicySet(
        tiers, endpoints, networkSets, profiles, namespaces, dataplane, ports, pools);
  }

  /** This set with the input's {@code IPPool}s saying {@code said} (spec S6.10). */
  public PolicySet withPools(NatOutgoing said) {
    return new PolicySet(
        tiers, endpoints, networkSets, profiles, namespaces, dataplane, failsafe, said);
  }

  /** Which source a host endpoint sees of a workload's packet (spec S6.10, {@link Masquerade}). */
  public Masquerade masquerade() {
    return Masquerade.of(pools, endpoints);
  }

  /**
   * A profile's Pass goes on to the next profile (spec S4.6: Felix's iptables and nftables
   * dataplanes); otherwise it denies (the eBPF dataplane, and what tierproof models when no
   * dataplane is chosen, the element then being unmodelled).
   */
  public boolean profilePassGoesOn() {
    return dataplane != null && dataplane.renderer();
  }

  /**
   * A packet to an inbound failsafe port skips the pre-DNAT path of a forward chain's ingress step
   * (spec S6.7, S6.11: the mangle table's failsafe chain of Felix's rule renderer, also what
   * tierproof models when no dataplane is chosen, the disagreement then being unmodelled); the eBPF
   * dataplane checks failsafe ports only on packets to or from the host itself, so there the
   * pre-DNAT path sees such a packet (specs/notes/bpf-host-endpoints.md, section 2).
   */
  public boolean forwardFailsafe() {
    return dataplane != Dataplane.BPF;
  }

  /**
   * The reply {@code packet} of an untracked Allow, met at the host endpoint and not decided by its
   * untracked path, is dropped for want of a connection (spec S6.5): on Felix's rule renderer (and
   * when no dataplane is chosen, the disagreement then being unmodelled) a TCP, SCTP or ICMP one
   * ({@link Flow#invalidAsNew}: conntrack takes it as {@code INVALID}); on eBPF a TCP one only (its
   * conntrack misses a packet that is not a SYN: toward the host it falls through to iptables,
   * which rejects it, away from it the program drops what policy allows). Any other reply is
   * decided as a new packet.
   */
  public boolean dropsReply(Flow packet) {
    return dataplane == Dataplane.BPF ? packet.protocol() == Protocols.TCP : packet.invalidAsNew();
  }

  /** A policy set with tiers and each tier's policies sorted as Felix sorts them. */
  public static PolicySet ordered(
      List<Tier> tiers,
      List<Endpoint> endpoints,
      List<NetworkSet> networkSets,
      Map<String, Profile> profiles,
      Map<String, Namespace> namespaces) {
    return ordered(tiers, endpoints, networkSets, profiles, namespaces, CalicoVersion.DEFAULT);
  }

  /** As above, with the equal-order tie-break of {@code version} (S7.2). */
  public static PolicySet ordered(
      List<Tier> tiers,
      List<Endpoint> endpoints,
      List<NetworkSet> networkSets,
      Map<String, Profile> profiles,
      Map<String, Namespace> namespaces,
      CalicoVersion version) {
    List<Tier> sorted = new ArrayList<>();
    for (Tier t : tiers) {
      List<Policy> ps = new ArrayList<>(t.policies());
      ps.sort(version.policyOrder());
      sorted.add(new Tier(t.name(), t.order(), t.defaultAction(), t.declared(), t.span(), ps));
    }
    sorted.sort(TIER_ORDER);
    return new PolicySet(sorted, endpoints, networkSets, profiles, namespaces);
  }

  /**
   * This set with {@code assumed} profiles added (replacing any of the same name): the namespace
   * profiles ({@code kns.<ns>}, spec S2.8) that a hypothetical endpoint's namespace has although
   * the input lacks them. {@code this} when there are none.
   */
  public PolicySet withProfiles(Map<String, Profile> assumed) {
    if (assumed.isEmpty()) {
      return this;
    }
    Map<String, Profile> all = new LinkedHashMap<>(profiles);
    all.putAll(assumed);
    return new PolicySet(
        tiers, endpoints, networkSets, all, namespaces, dataplane, failsafe, pools);
  }

  /** This set under other tiers, with the same endpoints, network sets, profiles and namespaces. */
  public PolicySet withTiers(List<Tier> other) {
    return new PolicySet(
        other, endpoints, networkSets, profiles, namespaces, dataplane, failsafe, pools);
  }

  /**
   * The nodes whose forward chains tierproof walks ({@link Ports#of}: a node whose host endpoints'
   * interfaces the input settles, spec S6.9-S6.11) and whose chain of some interface choice holds
   * policy: an enforced policy of its forward paths ({@link HostPath#forwarded(Site, Direction)})
   * selects a host endpoint governing one of its interfaces ({@link Ports#governing}). A chain
   * without policy forwards every packet (S6.8), so a workload naming no node placed on any other
   * node is answered as elsewhere. Name order.
   */
  public java.util.List<String> walked() {
    return java.util.List.copyOf(ports().keySet());
  }

  /** Its loopback flows, which no Calico program sees (spec S5.6, S6.13): compute once, keep. */
  public Loopbacks loopbacks() {
    return Loopbacks.of(endpoints, dataplane);
  }

  /** The {@link Ports} of the {@link #walked} nodes, in node name order. */
  public Map<String, Ports> ports() {
    Map<String, Ports> out = new java.util.TreeMap<>();
    Ports.of(endpoints)
        .forEach(
            (node, ports) -> {
              if (ports.governing().stream().anyMatch(this::forwardHeld)) {
                out.put(node, ports);
              }
            });
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Whether an enforced policy of a forward path selects host endpoint {@code h} (spec S6.8). */
  private boolean forwardHeld(Endpoint h) {
    return tiers.stream()
        .flatMap(t -> t.policies().stream())
        .anyMatch(
            p ->
                p.selector().matches(h.labels())
                    && java.util.Arrays.stream(Direction.values())
                        .anyMatch(
                            d ->
                                HostPath.forwarded(h.site(), d).stream()
                                    .anyMatch(path -> path.enforces(p, d))));
  }

  public Optional<Profile> profile(String name) {
    return Optional.ofNullable(profiles.get(name));
  }

  public Optional<Tier> tier(String name) {
    return tiers.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** Every policy of every tier, in evaluation order. */
  public List<Policy> policies() {
    return tiers.stream().flatMap(t -> t.policies().stream()).toList();
  }

  /** Go's byte-wise string order (UTF-8 bytes), which Felix uses for names. */
  public static int compareBytes(String a, String b) {
    byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  }
}
