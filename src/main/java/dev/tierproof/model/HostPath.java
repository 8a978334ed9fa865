package dev.tierproof.model;

import java.util.List;

/**
 * The policy paths of one enforcement step (specs/semantics.md S6.3-S6.5): a workload endpoint's
 * step walks the normal path only; a host endpoint's step walks its untracked path (raw table, both
 * directions), then its pre-DNAT path (mangle, ingress only), then the normal path. On the first
 * two an entered tier never ends in its default action (its end always passes) and nothing applying
 * means "go on"; an Allow or Deny there decides the step.
 */
public enum HostPath {
  UNTRACKED("untracked"),
  PRE_DNAT("pre-dnat"),
  NORMAL("normal");

  private static final List<HostPath> HOST_INGRESS = List.of(UNTRACKED, PRE_DNAT, NORMAL);
  private static final List<HostPath> HOST_EGRESS = List.of(UNTRACKED, NORMAL);
  private static final List<HostPath> WORKLOAD = List.of(NORMAL);

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

  /** The paths a step at a host (or workload) endpoint walks in {@code dir}, in order. */
  public static List<HostPath> of(boolean host, Direction dir) {
    return !host ? WORKLOAD : dir == Direction.INGRESS ? HOST_INGRESS : HOST_EGRESS;
  }

  /**
   * True when an entered tier of this path ends in its default action (normal path only, spec
   * S4.5); elsewhere the end of a tier always passes (S6.4).
   */
  public boolean endsInDefault() {
    return this == NORMAL;
  }

  /**
   * True when {@code p} is enforced on some path of a step at a host (or workload) endpoint in
   * {@code dir}: not staged, governing {@code dir}, on one of {@link #of(boolean, Direction)} (spec
   * S4.1, S6.3). The endpoint's labels are the caller's to test.
   */
  public static boolean enforced(Policy p, boolean host, Direction dir) {
    return !p.staged() && p.governs(dir) && of(host, dir).contains(of(p));
  }
}
