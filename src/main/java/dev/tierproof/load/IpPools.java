package dev.tierproof.load;

/**
 * What the input's {@code IPPool} resources ({@code projectcalico.org/v3}, {@code
 * crd.projectcalico.org/v1}) say about encapsulation (specs/semantics.md S6.10, S9.2): which outer
 * packets a packet between workloads on two nodes may travel in, which the receiving node's
 * all-interfaces host endpoint's pre-DNAT path sees. IPIP (IP protocol 4, IPv4 only) when a pool's
 * {@code ipipMode} is {@code Always} or {@code CrossSubnet} (anything but {@code Never}; absent:
 * {@code Never}, Calico's default, {@code api/.../v3/ippool.go}) or it has a v1 {@code ipip} block
 * with {@code enabled: true} (a Go bool: absent is false); VXLAN (UDP to Felix's VXLAN port) of the
 * pool's family when its {@code vxlanMode} is not {@code Never} (both families when its {@code
 * cidr} does not say one). Without any pool the input does not say, so every encapsulation may be
 * used. And which pools are nat-outgoing, and their CIDRs (S6.10, S6.11). The pools are otherwise
 * ignored (address allocation, not policy).
 */
final class IpPools {

  /** The encapsulations packets between two nodes may use (spec S6.10). */
  record Modes(boolean ipip, boolean vxlan4, boolean vxlan6) {

    static final Modes ANY = new Modes(true, true, true);
  }

  private int pools;
  private final java.util.List<dev.tierproof.model.Cidr> masquerading = new java.util.ArrayList<>();
  private final java.util.List<dev.tierproof.model.Cidr> cidrs = new java.util.ArrayList<>();
  private boolean ipip;
  private boolean vxlan4;
  private boolean vxlan6;

  /** Reads {@code resource}, an {@code IPPool}. */
  void read(Node.Mapping resource) {
    pools++;
    Node.Mapping spec = resource.mapping("spec");
    if (spec == null) {
      return;
    }
    boolean nat = "true".equals(spec.text("natOutgoing"));
    String written = spec.text("cidr");
    java.util.Optional<dev.tierproof.model.Cidr> range =
        written == null ? java.util.Optional.empty() : dev.tierproof.model.Cidr.parse(written);
    range.ifPresent(cidrs::add);
    if (nat) {
      // spec S6.10: a nat-outgoing pool whose cidr is not read may hold any address
      masquerading.addAll(
          range
              .map(java.util.List::of)
              .orElse(
                  java.util.List.of(
                      dev.tierproof.model.Cidr.parse("0.0.0.0/0").orElseThrow(),
                      dev.tierproof.model.Cidr.parse("::/0").orElseThrow())));
    }
    Node.Mapping v1 = spec.mapping("ipip"); // v1's deprecated form (IPIPConfiguration.Enabled)
    ipip |= !never(spec, "ipipMode") || v1 != null && "true".equalsIgnoreCase(v1.text("enabled"));
    if (!never(spec, "vxlanMode")) {
      String cidr = spec.text("cidr");
      boolean v6 = cidr != null && cidr.contains(":");
      boolean v4 = cidr != null && cidr.contains(".");
      vxlan4 |= v4 || !v6;
      vxlan6 |= v6 || !v4;
    }
  }

  /** The encapsulations packets between two nodes may use: every one without a pool. */
  Modes modes() {
    return pools == 0 ? Modes.ANY : new Modes(ipip, vxlan4, vxlan6);
  }

  /**
   * Which workload packets Felix masquerades (spec S6.10): {@link
   * dev.tierproof.model.NatOutgoing#UNSAID} without a pool.
   */
  dev.tierproof.model.NatOutgoing natOutgoing() {
    return pools == 0
        ? dev.tierproof.model.NatOutgoing.UNSAID
        : new dev.tierproof.model.NatOutgoing(true, masquerading, cidrs);
  }

  private static boolean never(Node.Mapping spec, String key) {
    String mode = spec.text(key);
    return mode == null || mode.equals("Never");
  }
}
