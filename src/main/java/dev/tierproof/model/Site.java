package dev.tierproof.model;

/**
 * Where a step is taken, as far as its policy paths go (specs/semantics.md S6.4, S6.6): at a
 * workload endpoint (the normal path only), at a host endpoint of named interfaces or addresses
 * (untracked, pre-DNAT, normal), or at an all-interfaces host endpoint ({@code interfaceName:
 * "*"}), for which Felix programs no untracked policy (pre-DNAT and normal only).
 */
public enum Site {
  WORKLOAD,
  HOST,
  ALL_INTERFACES;

  /** True at a host endpoint: failsafe ports apply (S6.2). */
  public boolean host() {
    return this != WORKLOAD;
  }
}
