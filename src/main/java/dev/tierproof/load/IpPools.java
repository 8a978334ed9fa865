package dev.tierproof.load;

/**
 * What the input's {@code IPPool} resources ({@code projectcalico.org/v3}, {@code
 * crd.projectcalico.org/v1}) say about encapsulation (specs/semantics.md S6.10, S9.2): whether a
 * packet between workloads on two nodes may travel inside an outer IPIP or VXLAN packet, which the
 * receiving node's all-interfaces host endpoint's pre-DNAT path sees. A pool encapsulates unless
 * its {@code ipipMode} and {@code vxlanMode} are both {@code Never} (absent: {@code Never},
 * Calico's default) and it has no enabled v1 {@code ipip} block; without any pool the input does
 * not say, so packets may be encapsulated. And whether a pool is nat-outgoing (S6.11). The pools
 * are otherwise ignored (address allocation, not policy).
 */
final class IpPools {

  private int pools;
  private boolean encapsulating;
  private boolean natOutgoing;

  /** Reads {@code resource} when it is an {@code IPPool} ({@code kind}). */
  void read(String kind, Node.Mapping resource) {
    if (!kind.equals("IPPool")) {
      return;
    }
    pools++;
    Node.Mapping spec = mapping(resource, "spec");
    if (spec == null) {
      return;
    }
    natOutgoing |= "true".equals(text(spec, "natOutgoing"));
    Node.Mapping ipip = mapping(spec, "ipip"); // v1's deprecated form: enabled unless false
    encapsulating |=
        !never(spec, "ipipMode")
            || !never(spec, "vxlanMode")
            || ipip != null && !"false".equals(text(ipip, "enabled"));
  }

  /** Whether a packet between two nodes may be encapsulated: no pool, or one that may. */
  boolean mayEncapsulate() {
    return pools == 0 || encapsulating;
  }

  /**
   * Whether a workload's packets to outside may be source-translated (spec S6.11: the eBPF
   * dataplane's forward egress rules then see the node's address): no pool, or one with {@code
   * natOutgoing: true} (absent: false).
   */
  boolean mayNatOutgoing() {
    return pools == 0 || natOutgoing;
  }

  private static boolean never(Node.Mapping spec, String key) {
    String mode = text(spec, key);
    return mode == null || mode.equals("Never");
  }

  private static String text(Node.Mapping m, String key) {
    Node.Entry e = m.entry(key);
    return e != null && e.value() instanceof Node.Scalar s && !s.isNull() ? s.text() : null;
  }

  private static Node.Mapping mapping(Node.Mapping m, String key) {
    Node.Entry e = m.entry(key);
    return e != null && e.value() instanceof Node.Mapping n ? n : null;
  }
}
