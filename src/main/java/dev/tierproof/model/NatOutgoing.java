package dev.tierproof.model;

import java.util.List;

/**
 * What the input's {@code IPPool} resources say about nat-outgoing (specs/semantics.md S6.10):
 * Felix masquerades a packet whose source is in a pool with {@code natOutgoing: true} and whose
 * destination is in no pool ({@code felix/rules/nat.go} {@code makeNATOutgoingRuleIPTables}: source
 * in the masquerading pools' IP set, destination not in the all-pools set; {@code
 * felix/dataplane/linux/masq_mgr.go} fills both per family, IPv6 pools too), so a workload's packet
 * to another node's host endpoint reaches it from the workload's node's address.
 *
 * @param said whether the input has an {@code IPPool}: without one it does not say, and any
 *     workload address may be in a nat-outgoing pool (Calico's installers create one) and any
 *     destination outside every pool
 * @param masquerading the CIDRs of the pools with {@code natOutgoing: true} (a Go bool: absent is
 *     false); a nat-outgoing pool without a readable {@code cidr} holds every address
 * @param pools the CIDRs of every pool
 */
public record NatOutgoing(boolean said, List<Cidr> masquerading, List<Cidr> pools) {

  /** The input holds no {@code IPPool}. */
  public static final NatOutgoing UNSAID = new NatOutgoing(false, List.of(), List.of());

  public NatOutgoing {
    masquerading = List.copyOf(masquerading);
    pools = List.copyOf(pools);
  }

  /** Whether some workload's packets may be masqueraded: no pool, or a nat-outgoing one. */
  public boolean any() {
    return !said || !masquerading.isEmpty();
  }

  /**
   * Whether a packet from workload {@code w} at address {@code at} (null: at any of its addresses)
   * may have a source Felix masquerades: in a nat-outgoing pool; for a workload without an address
   * (it may get one from any pool), when some pool is nat-outgoing.
   */
  public boolean from(Endpoint w, Ip at) {
    if (!said || w.ips().isEmpty()) {
      return any();
    }
    List<Ip> addresses = at != null ? List.of(at) : w.ips();
    return addresses.stream().anyMatch(a -> masquerading.stream().anyMatch(c -> c.contains(a)));
  }

  /**
   * Whether a packet to host endpoint {@code h} at address {@code at} (null: at any of its
   * addresses) may have a destination outside every pool: always without a pool or an address.
   */
  public boolean to(Endpoint h, Ip at) {
    List<Ip> addresses = at != null ? List.of(at) : h.ips();
    return !said
        || addresses.isEmpty()
        || addresses.stream().anyMatch(a -> pools.stream().noneMatch(c -> c.contains(a)));
  }
}
