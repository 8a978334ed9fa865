package dev.tierproof.load;

import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.FailsafePorts;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code FelixConfiguration} as tierproof reads it (specs/semantics.md S9.1): each setting either
 * changes no verdict tierproof gives (logging, metrics, health, refresh intervals, MTUs, route
 * tables), or is written with the value tierproof assumes (Felix's default, or for {@code
 * defaultEndpointToHostAction} Calico's manifests' {@code Accept}), or names the dataplane, or is
 * unmodelled. Only the unmodelled settings, and a dataplane other than {@code --dataplane}, make
 * the resource an unmodelled element ({@link #element}).
 *
 * @param name its {@code metadata.name} ({@code default}, {@code node.<name>})
 * @param span where the resource is
 * @param unsettled the keys whose settings are unmodelled, in the order written
 * @param bpf {@code bpfEnabled} as written, null when absent
 * @param nftables {@code nftablesMode} as written ({@code Enabled}, {@code Disabled}, {@code
 *     Auto}), null when absent
 * @param vxlanPort whether it writes a {@code vxlanPort} other than Felix's 4789
 * @param inbound {@code failsafeInboundHostPorts} as written (spec S6.2), null when absent or
 *     unsettled; {@code outbound} likewise {@code failsafeOutboundHostPorts} ({@link
 *     FailsafeConfig} merges them: a {@code node.<name>} list over the {@code default} one)
 */
record FelixSettings(
    String name,
    Span span,
    List<String> unsettled,
    Boolean bpf,
    String nftables,
    boolean vxlanPort,
    List<Failsafe> inbound,
    List<Failsafe> outbound) {

  /**
   * The failsafe ports it writes, Felix's in place of a list it does not write; null when it writes
   * none, or has a name Felix reads no failsafe ports from.
   */
  FailsafePorts failsafe() {
    if (!FailsafeConfig.read(name) || inbound == null && outbound == null) {
      return null;
    }
    return new FailsafePorts(
        inbound == null ? FailsafePorts.DEFAULT.inbound() : inbound,
        outbound == null ? FailsafePorts.DEFAULT.outbound() : outbound);
  }

  /** Keys of settings that change no verdict: what Felix logs, reports or refreshes, and MTUs. */
  private static final Set<String> INERT =
      Set.of(
          "vxlanVNI",
          "mtuIfacePattern",
          "iptablesLockTimeout",
          "iptablesLockProbeInterval",
          "iptablesLockFilePath",
          "iptablesPostWriteCheckInterval",
          "iptablesBackend",
          "netlinkTimeout",
          "maxIpsetSize",
          "routeTableRange",
          "routeTableRanges",
          "deviceRouteProtocol",
          "deviceRouteSourceAddress",
          "deviceRouteSourceAddressIPv6",
          "removeExternalRoutes",
          "featureDetectOverride",
          "policySyncPathPrefix",
          "xdpEnabled",
          "genericXDPEnabled");

  private static final List<String> INERT_PREFIXES =
      List.of(
          "log",
          "prometheus",
          "health",
          "debug",
          "usageReporting",
          "reporting",
          "endpointReporting",
          "bpfLog",
          "bpfMapSize");

  private static final List<String> INERT_SUFFIXES = List.of("RefreshInterval", "MTU", "MTUV6");

  /** Settings tierproof assumes, with the values (case-insensitive) that mean what it assumes. */
  private static final Map<String, Set<String>> ASSUMED =
      Map.ofEntries(
          Map.entry("defaultEndpointToHostAction", Set.of("accept", "return")),
          Map.entry("natOutgoingExclusions", Set.of("ippoolsonly")),
          Map.entry("chainInsertMode", Set.of("insert")),
          Map.entry("ipv6Support", Set.of("true")),
          Map.entry("disableConntrackInvalidCheck", Set.of("false")),
          Map.entry("floatingIPs", Set.of("disabled")),
          Map.entry("wireguardEnabled", Set.of("false")),
          Map.entry("wireguardEnabledV6", Set.of("false")),
          Map.entry("serviceLoopPrevention", Set.of("drop")),
          Map.entry("interfacePrefix", Set.of("cali")),
          Map.entry("interfaceExclude", Set.of("kube-ipvs0")),
          Map.entry("bpfConnectTimeLoadBalancing", Set.of("tcp")),
          Map.entry("bpfHostNetworkedNATWithoutCTLB", Set.of("enabled")));

  /**
   * Reads {@code resource}, a {@code FelixConfiguration}, leniently (its own errors unreported).
   */
  static FelixSettings read(Node.Mapping resource) {
    Node.Mapping meta = resource.mapping("metadata");
    String name = meta == null || meta.text("name") == null ? "" : meta.text("name");
    Node.Mapping spec = resource.mapping("spec");
    List<String> unsettled = new ArrayList<>();
    Boolean bpf = null;
    String nftables = null;
    boolean vxlan = false;
    List<Failsafe> inbound = null;
    List<Failsafe> outbound = null;
    for (Node.Entry e : spec == null ? List.<Node.Entry>of() : spec.entries()) {
      String key = e.key().text();
      String value = e.value() instanceof Node.Scalar s && !s.isNull() ? s.text() : null;
      if (e.value() instanceof Node.Scalar s && s.isNull() || inert(key)) {
        continue; // null: Felix's default
      }
      switch (key) {
        case "bpfEnabled" -> bpf = value == null ? null : value.equalsIgnoreCase("true");
        case "nftablesMode" -> nftables = value;
        case "vxlanPort" -> vxlan = !"4789".equals(value);
        case "failsafeInboundHostPorts", "failsafeOutboundHostPorts" -> {
          boolean in = key.startsWith("failsafeIn");
          List<Failsafe> ports = ports(e.value());
          Direction d = in ? Direction.INGRESS : Direction.EGRESS;
          if (ports == null
              || !FailsafeConfig.read(name)
                  && !Set.copyOf(ports).equals(Set.copyOf(FailsafePorts.DEFAULT.of(d)))) {
            unsettled.add(key);
          } else if (in) {
            inbound = ports;
          } else {
            outbound = ports;
          }
        }
        default -> {
          Set<String> ok = ASSUMED.get(key);
          if (ok == null || value == null || !ok.contains(value.toLowerCase(Locale.ROOT))) {
            unsettled.add(key);
          }
        }
      }
    }
    return new FelixSettings(
        name, resource.span(), List.copyOf(unsettled), bpf, nftables, vxlan, inbound, outbound);
  }

  /**
   * The unmodelled element of these settings on {@code dataplane} (null: none chosen), or null when
   * every setting is settled: the unsettled keys, {@code bpfEnabled} or {@code nftablesMode} naming
   * another dataplane than the one chosen (with none chosen, what tierproof answers holds on every
   * dataplane), and with none chosen a failsafe list holding an SCTP port. Like every Felix setting
   * it acts at host endpoints (failsafe ports, the endpoint-to-host action, the dataplane).
   */
  Unmodelled element(Dataplane dataplane) {
    List<String> out = new ArrayList<>(unsettled);
    if (dataplane != null && bpf != null && bpf != (dataplane == Dataplane.BPF)) {
      out.add("bpfEnabled: " + bpf + " (--dataplane " + dataplane.label() + ")");
    }
    if (dataplane != null && nftables != null && bpf != Boolean.TRUE) {
      boolean on = nftables.equalsIgnoreCase("Enabled");
      boolean off = nftables.equalsIgnoreCase("Disabled");
      if (on && dataplane != Dataplane.NFTABLES || off && dataplane == Dataplane.NFTABLES) {
        out.add("nftablesMode: " + nftables + " (--dataplane " + dataplane.label() + ")");
      }
    }
    if (dataplane == null) { // spec S6.2: eBPF's failsafe map holds TCP and UDP ports only
      unmapped(inbound, "failsafeInboundHostPorts", out);
      unmapped(outbound, "failsafeOutboundHostPorts", out);
    }
    if (out.isEmpty()) {
      return null;
    }
    return new Unmodelled(
        "FelixConfiguration",
        name,
        span,
        "Felix settings not modelled: " + String.join(", ", out),
        reach(out.stream().allMatch(k -> HOST_ONLY.contains(k.split(" ")[0]))));
  }

  /**
   * Adds {@code key} to {@code out} when {@code ports} (a list as written, null when absent) holds
   * a port of another protocol than TCP and UDP: the eBPF dataplane does not take it as the rule
   * renderer does ({@link FailsafePorts#on}), so with no dataplane chosen it is unmodelled.
   */
  private static void unmapped(List<Failsafe> ports, String key, List<String> out) {
    if (ports != null
        && ports.stream()
            .anyMatch(f -> f.protocol() != Protocols.TCP && f.protocol() != Protocols.UDP)) {
      out.add(
          key
              + " (an SCTP port, which the eBPF dataplane does not take: choose one with `--dataplane`)");
    }
  }

  /**
   * Where the unmodelled settings act: at host endpoints when each of them is one of {@link
   * #HOST_ONLY}, else at every endpoint (a setting tierproof does not know, the dataplane, the
   * chain insert mode or IPv6 support change workloads' verdicts too); on its node for a {@code
   * node.<name>} configuration (Felix applies it there only).
   */
  private Reach.Endpoints reach(boolean hostOnly) {
    Reach.Endpoints r =
        new Reach.Endpoints(
            EnumSet.allOf(Direction.class),
            hostOnly ? EnumSet.of(Endpoint.Kind.HOST) : EnumSet.allOf(Endpoint.Kind.class),
            null,
            null);
    return name.startsWith("node.") ? r.on(Set.of(name.substring("node.".length()))) : r;
  }

  /**
   * Settings that act at host endpoints only: their failsafe ports (not the endpoint-to-host
   * action, which drops a workload's packets to its host's addresses, which no host endpoint may
   * say).
   */
  private static final Set<String> HOST_ONLY =
      Set.of("failsafeInboundHostPorts", "failsafeOutboundHostPorts");

  private static boolean inert(String key) {
    return INERT.contains(key)
        || INERT_PREFIXES.stream().anyMatch(key::startsWith)
        || INERT_SUFFIXES.stream().anyMatch(key::endsWith);
  }

  /**
   * The failsafe ports {@code value} lists (spec S6.2), each a mapping of {@code protocol} (TCP
   * when absent, as Felix's {@code ProtoPort}), {@code port} and optionally {@code net} (a CIDR or
   * an address, as {@code cnet.ParseCIDROrIP} reads it); null when one is not such a mapping.
   */
  private static List<Failsafe> ports(Node value) {
    if (!(value instanceof Node.Sequence list)) {
      return null;
    }
    List<Failsafe> out = new ArrayList<>();
    for (Node item : list.items()) {
      if (!(item instanceof Node.Mapping m)) {
        return null;
      }
      String protocol = m.text("protocol");
      String port = m.text("port");
      String net = m.text("net");
      java.util.Optional<dev.tierproof.model.Cidr> cidr =
          net == null || net.isEmpty()
              ? java.util.Optional.empty()
              : dev.tierproof.model.Cidr.parse(net.strip());
      if (net != null && !net.isEmpty() && cidr.isEmpty()) {
        return null;
      }
      Integer number = protocol == null ? (Integer) Protocols.TCP : protocolNumber(protocol);
      if (number == null || port == null || !port.matches("[0-9]{1,5}")) {
        return null;
      }
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        return null;
      }
      out.add(new Failsafe(number, p, cidr.orElse(null)));
    }
    return List.copyOf(new java.util.LinkedHashSet<>(out));
  }

  private static Integer protocolNumber(String protocol) {
    return switch (protocol.toUpperCase(Locale.ROOT)) {
      case "TCP" -> Protocols.TCP;
      case "UDP" -> Protocols.UDP;
      case "SCTP" -> Protocols.SCTP;
      default -> null;
    };
  }
}
