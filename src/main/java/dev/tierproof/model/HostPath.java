package dev.tierproof.model;

import java.util.List;

/**
 * The policy paths of one enforcement step (specs/semantics.md S6.3-S6.5): a workload endpoint's
 * step walks the normal path only; a host endpoint's step walks its untracked path (raw table, both
 * directions), then its pre-DNAT path (mangle, ingress only), then the normal path. On the first
 * two an entered tier never ends in its default action (its end always passes) and nothing applying
 * means "go on"; an Allow or Deny there decides the step. An all-interfaces host endpoint has no
 * untracked path: Felix never programs its untracked policy (S6.6).
 *
 * <p>A packet the host forwards meets the <em>forward chain</em> of a host endpoint instead (S6.7,
 * S6.8): on its ingress side the pre-DNAT path, then the ingress forward path; on its egress side
 * the egress forward path ({@link #forwarded}). The forward path holds the enforced {@code
 * applyOnForward} policies that are neither untracked nor pre-DNAT; its entered tiers end in their
 * default action, as on the normal path.
 */
public enum HostPath {
  UNTRACKED("untracked"),
  PRE_DNAT("pre-dnat"),
  NORMAL("normal"),
  FORWARD("forward");

  private static final List<HostPath> HOST_INGRESS = List.of(UNTRACKED, PRE_DNAT, NORMAL);
  private static final List<HostPath> HOST_EGRESS = List.of(UNTRACKED, NORMAL);
  private static final List<HostPath> ALL_INTERFACES_INGRESS = List.of(PRE_DNAT, NORMAL);
  private static final List<HostPath> NORMAL_ONLY = List.of(NORMAL);
  private static final List<HostPath> FORWARD_INGRESS = List.of(PRE_DNAT, FORWARD);
  private static final List<HostPath> NAMED_FORWARD_INGRESS = List.of(UNTRACKED, PRE_DNAT, FORWARD);
  private static final List<HostPath> FORWARD_EGRESS = List.of(FORWARD);

  private final String json;

  HostPath(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  /** The path a policy is on: {@code doNotTrack}, {@code preDNAT}, else normal (spec S6.3). */
  public static HostPath of(Policy p) {
    return p.doNotTrack() ? UNTRACKED : p.preDnat() ? PRE_DNAT : NORMAL;
  }

  /**
   * True when {@code p} is on this path: {@link #of(Policy)} is this path, or for the forward path
   * an {@code applyOnForward} policy of the normal path (S6.8).
   */
  public boolean holds(Policy p) {
    return this == FORWARD ? p.applyOnForward() && of(p) == NORMAL : of(p) == this;
  }

  /**
   * True when {@code p} is enforced on this path in {@code dir}: on it ({@link #holds}), not
   * staged, governing {@code dir} (spec S4.1, S2.5, S6.3). The endpoint's labels are the caller's
   * to test.
   */
  public boolean enforces(Policy p, Direction dir) {
    return holds(p) && !p.staged() && p.governs(dir);
  }

  /**
   * The paths of a host endpoint's forward chain in {@code dir}, in order: ingress pre-DNAT then
   * forward, egress forward only (S6.7).
   */
  public static List<HostPath> forwarded(Direction dir) {
    return dir == Direction.INGRESS ? FORWARD_INGRESS : FORWARD_EGRESS;
  }

  /**
   * {@link #forwarded(Direction)} at a host endpoint of {@code site}: a named one's ingress side
   * starts with its untracked path (raw PREROUTING sees forwarded packets, S6.7.1); an
   * all-interfaces endpoint has none (S6.6).
   */
  public static List<HostPath> forwarded(Site site, Direction dir) {
    return site == Site.HOST && dir == Direction.INGRESS ? NAMED_FORWARD_INGRESS : forwarded(dir);
  }

  /** The paths a step at {@code site} walks in {@code dir}, in order (S6.4, S6.6). */
  public static List<HostPath> of(Site site, Direction dir) {
    return switch (site) {
      case WORKLOAD -> NORMAL_ONLY;
      case HOST -> dir == Direction.INGRESS ? HOST_INGRESS : HOST_EGRESS;
      case ALL_INTERFACES -> dir == Direction.INGRESS ? ALL_INTERFACES_INGRESS : NORMAL_ONLY;
    };
  }

  /**
   * {@link #of(Site, Direction)} on {@code dataplane} (null: none chosen, the rule renderer's): on
   * eBPF an all-interfaces endpoint's ingress step starts with its untracked path, which XDP
   * enforces on the data interfaces without an endpoint of their own (S6.6; {@code bpf_ep_mgr.go}
   * {@code OnHEPUpdate}, {@code attachXDPProgram}); its egress has none on any dataplane.
   */
  public static List<HostPath> of(Site site, Direction dir, Dataplane dataplane) {
    return dataplane == Dataplane.BPF && site == Site.ALL_INTERFACES && dir == Direction.INGRESS
        ? HOST_INGRESS
        : of(site, dir);
  }

  /**
   * {@link #enforced(Policy, Site, Direction)} on {@code dataplane} ({@link #of(Site, Direction,
   * Dataplane)}).
   */
  public static boolean enforced(Policy p, Site site, Direction dir, Dataplane dataplane) {
    return !p.staged() && p.governs(dir) && of(site, dir, dataplane).contains(of(p));
  }

  /**
   * True when an entered tier of this path ends in its default action (normal and forward paths,
   * spec S4.5, S6.8); elsewhere the end of a tier always passes (S6.4).
   */
  public boolean endsInDefault() {
    return this == NORMAL || this == FORWARD;
  }

  /**
   * True when {@code p} is enforced on some path of a step at {@code site} in {@code dir}: not
   * staged, governing {@code dir}, on one of {@link #of(Site, Direction)} (spec S4.1, S6.3, S6.6).
   * The endpoint's labels are the caller's to test.
   */
  public static boolean enforced(Policy p, Site site, Direction dir) {
    return !p.staged() && p.governs(dir) && of(site, dir).contains(of(p));
  }
}
