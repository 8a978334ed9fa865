package dev.tierproof.cluster;

import java.util.List;
import java.util.Random;

/**
 * Draws what decides the outer packet of encapsulation (specs/semantics.md S6.10, S9.2): IP pools
 * of each mode ({@link #pool}) and pre-DNAT ingress rules that may or may not match an IPIP or
 * VXLAN outer packet ({@link #rules}: protocol 4, UDP ports around Felix's VXLAN port 4789, {@code
 * notProtocol}, nets around the nodes' addresses {@code 10.90.0.1}, {@code 10.90.0.2}).
 */
public final class RandomOuterPackets {

  /** How many pools {@link #pool} draws from. */
  public static final int POOLS = 8;

  private RandomOuterPackets() {}

  /**
   * IP pool {@code k} (0 to {@link #POOLS} - 1) as a YAML document, or "" for none: 1, 2 IPIP
   * (Always, CrossSubnet), 3, 4 VXLAN (Always, CrossSubnet), 5 never encapsulating, 6 a v1 pool
   * with an enabled {@code ipip} block, 7 an IPv6 pool with VXLAN.
   */
  public static String pool(int k) {
    String head = "kind: IPPool\nmetadata:\n  name: outer-pool\nspec:\n";
    String v3 = "apiVersion: projectcalico.org/v3\n" + head;
    return switch (k) {
      case 1 -> v3 + "  cidr: 10.90.0.0/16\n  ipipMode: Always\n";
      case 2 -> v3 + "  cidr: 10.90.0.0/16\n  ipipMode: CrossSubnet\n";
      case 3 -> v3 + "  cidr: 10.90.0.0/16\n  vxlanMode: Always\n";
      case 4 -> v3 + "  cidr: 10.90.0.0/16\n  vxlanMode: CrossSubnet\n  ipipMode: Never\n";
      case 5 -> v3 + "  cidr: 10.90.0.0/16\n  ipipMode: Never\n  vxlanMode: Never\n";
      case 6 ->
          "apiVersion: crd.projectcalico.org/v1\n"
              + head
              + "  cidr: 10.90.0.0/16\n  ipip:\n    enabled: true\n    mode: always\n";
      case 7 -> v3 + "  cidr: fd00:90::/64\n  vxlanMode: Always\n";
      default -> "";
    };
  }

  /**
   * {@code n} ingress rules of a pre-DNAT policy (as YAML list items under {@code ingress:}): Deny
   * (mostly), Allow or Pass (not first); a protocol (none, 4, UDP, TCP) or a {@code notProtocol};
   * UDP and TCP destination ports around 4789 (or their {@code notPorts}); source or destination
   * nets around the nodes' addresses.
   */
  public static String rules(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String action =
          r.nextInt(3) > 0 ? "Deny" : List.of("Allow", "Pass").get(r.nextInt(i == 0 ? 1 : 2));
      b.append("    - action: ").append(action).append('\n');
      String proto = List.of("", "4", "UDP", "UDP", "TCP", "!4", "!UDP").get(r.nextInt(7));
      if (proto.startsWith("!")) {
        b.append("      notProtocol: ").append(proto.substring(1)).append('\n');
      } else if (!proto.isEmpty()) {
        b.append("      protocol: ").append(proto).append('\n');
      }
      List<String> destination = new java.util.ArrayList<>();
      if ((proto.equals("UDP") || proto.equals("TCP")) && r.nextInt(4) > 0) {
        String ports = List.of("[4789]", "[4788]", "[\"4000:5000\"]", "[53]").get(r.nextInt(4));
        destination.add((r.nextInt(4) == 0 ? "notPorts: " : "ports: ") + ports);
      }
      RandomHostPaths.sides(
          r,
          List.of("10.90.0.0/24", "10.90.0.2/32", "10.90.0.1/32", "192.0.2.0/24", "fd00:90::/64"),
          destination,
          b);
    }
    return b.toString();
  }
}
