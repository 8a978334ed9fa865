package dev.tierproof.model;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** IP protocol names Calico accepts (case-sensitive, specs/semantics.md S3.2) and their numbers. */
public final class Protocols {

  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMPV6 = 58;
  public static final int SCTP = 132;
  public static final int UDPLITE = 136;

  /** ICMP echo request and reply types (spec S6.5); {@code _V6}: ICMPv6's. */
  public static final int ECHO_REQUEST = 8;

  public static final int ECHO_REPLY = 0;
  public static final int ECHO_REQUEST_V6 = 128;
  public static final int ECHO_REPLY_V6 = 129;

  private static final Map<String, Integer> NAMES =
      Map.of(
          "TCP", TCP, "UDP", UDP, "ICMP", ICMP, "ICMPv6", ICMPV6, "SCTP", SCTP, "UDPLite", UDPLITE);

  private Protocols() {}

  /** A Calico protocol name (exact case) or a number 1-255; empty otherwise. */
  public static Optional<Integer> parse(String text) {
    if (NAMES.containsKey(text)) {
      return Optional.of(NAMES.get(text));
    }
    if (text.matches("\\d{1,3}")) {
      int n = Integer.parseInt(text);
      return n >= 1 && n <= 255 ? Optional.of(n) : Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * As {@link #parse} but case-insensitive for names: the CLI's {@code --protocol} accepts {@code
   * tcp}.
   */
  public static Optional<Integer> parseLenient(String text) {
    for (Map.Entry<String, Integer> e : NAMES.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
        return Optional.of(e.getValue());
      }
    }
    return parse(text);
  }

  /** The Calico name of a protocol number, or the number itself. */
  public static String name(int protocol) {
    return NAMES.entrySet().stream()
        .filter(e -> e.getValue() == protocol)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(Integer.toString(protocol));
  }

  /** TCP, UDP and SCTP carry ports (numeric port matches need one of them). */
  public static boolean hasPorts(int protocol) {
    return protocol == TCP || protocol == UDP || protocol == SCTP || protocol == UDPLITE;
  }

  public static boolean isIcmp(int protocol) {
    return protocol == ICMP || protocol == ICMPV6;
  }

  /**
   * The ICMPv6 types Felix accepts from a workload to its own host before the workload's egress
   * policy (multicast listener query, report and done; router and neighbour solicitation; neighbour
   * advertisement: {@code static.go}, {@code ICMPv6Filter}, spec S6.12).
   */
  public static final java.util.Set<Integer> HOST_DISCOVERY =
      Ordered.sorted(java.util.List.of(130, 131, 132, 133, 135, 136));

  /** Whether {@code flow} is an IPv6 packet of one of the {@link #HOST_DISCOVERY} types. */
  public static boolean hostDiscovery(Flow flow) {
    return flow.family() == 6
        && flow.protocol() == ICMPV6
        && flow.icmpType() != null
        && HOST_DISCOVERY.contains(flow.icmpType());
  }
}
