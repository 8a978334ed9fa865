package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which outer packets of encapsulation a pre-DNAT (or untracked, S6.7.1) policy's ingress Deny
 * rules may drop (specs/semantics.md S6.10, S9.2). Between workloads on two nodes a packet may
 * travel inside an outer packet ({@link IpPools.Modes}) from the sending node's address to the
 * receiving node's: IPIP is IPv4 with IP protocol 4, VXLAN is UDP to Felix's VXLAN port ({@code
 * VXLANPort}, default 4789, for IPv6 too: {@code felix/config/config_params.go}, {@code
 * felix/rules/static.go}) from any source port. On a walked node (its one host endpoint of all
 * interfaces) the outer packet meets that endpoint's pre-DNAT path; filter INPUT then accepts IPIP
 * and VXLAN from Calico hosts before host endpoint policy, so only a pre-DNAT Deny can drop it
 * (Allows and Passes only keep a packet from a later Deny). A Deny may drop one when its protocol,
 * {@code notProtocol}, ICMP fields (never with these protocols), ports and nets can match it;
 * selectors, service accounts, services and named ports are taken to match (conservative). A node's
 * addresses of the packet's family are those {@link dev.tierproof.model.NodeAddresses} says, else
 * any address.
 */
final class OuterPackets {

  /** One kind of outer packet: its family, IP protocol and UDP destination port (null: any). */
  private record Packet(String name, int family, int protocol, Integer port) {}

  private final List<Packet> packets;
  private final Map<String, List<Ip>> addresses;
  private final Set<String> walked;

  /**
   * @param modes the encapsulations the pools allow
   * @param vxlanPort Felix's VXLAN port, null when the input may change it (a {@code
   *     FelixConfiguration}, S9.1: any UDP port)
   * @param endpoints the input's endpoints (the nodes' host endpoints)
   * @param walked the nodes whose forward chain is walked (S6.11), where the outer packet is read
   */
  OuterPackets(
      IpPools.Modes modes, Integer vxlanPort, List<Endpoint> endpoints, Set<String> walked) {
    List<Packet> p = new ArrayList<>();
    String vxlan = "VXLAN (UDP to port " + (vxlanPort == null ? "Felix's VXLAN port" : vxlanPort);
    if (modes.ipip()) {
      p.add(new Packet("IPIP (IP protocol 4)", 4, 4, null));
    }
    if (modes.vxlan4()) {
      p.add(new Packet(vxlan + ", IPv4)", 4, Protocols.UDP, vxlanPort));
    }
    if (modes.vxlan6()) {
      p.add(new Packet(vxlan + ", IPv6)", 6, Protocols.UDP, vxlanPort));
    }
    this.packets = List.copyOf(p);
    this.walked = Set.copyOf(walked);
    this.addresses = dev.tierproof.model.NodeAddresses.of(endpoints); // spec S6.10
  }

  /**
   * What {@code p} may drop at the walked nodes of {@code hosts} (the host endpoints it selects),
   * with the reason naming the encapsulations and rules; null when it can drop none.
   */
  Gap of(Policy p, List<Endpoint> hosts) {
    if (!p.governs(Direction.INGRESS)) {
      return null;
    }
    Set<Reach.Crossing> drops = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    Set<Integer> rules = new java.util.TreeSet<>();
    List<String> senders = new ArrayList<>(addresses.keySet());
    senders.add(null);
    for (Endpoint h : hosts) {
      if (h.node() == null || !walked.contains(h.node())) { // no node: an error already
        continue; // elsewhere the policy acts on every forwarded flow there anyway
      }
      for (String from : senders) {
        if (h.node().equals(from)) {
          continue;
        }
        for (Packet k : packets) {
          for (Rule r : p.rules(Direction.INGRESS)) {
            if (drops(r, k, from(from, k.family()), from(h.node(), k.family()))) {
              drops.add(new Reach.Crossing(from, h.node()));
              names.add(k.name());
              rules.add(r.index());
            }
          }
        }
      }
    }
    if (drops.isEmpty()) {
      return null;
    }
    String reason =
        "between workloads on two nodes, its ingress "
            + (rules.size() == 1 ? "rule " : "rules ")
            + String.join(", ", rules.stream().map(String::valueOf).toList())
            + " may drop the outer packet of "
            + String.join(" or ", names)
            + " encapsulation, which is not modelled";
    return new Gap(reason, new Reach.Outer(drops, addresses.keySet()));
  }

  /**
   * Whether {@code p}'s egress Deny rules may drop an outer packet its host sends (an untracked
   * policy's egress path sees it in raw OUTPUT, S6.10), of any node's addresses.
   */
  boolean sends(Policy p) {
    if (!p.governs(Direction.EGRESS)) {
      return false;
    }
    for (Packet k : packets) {
      for (Rule r : p.rules(Direction.EGRESS)) {
        if (drops(r, k, null, null)) {
          return true;
        }
      }
    }
    return false;
  }

  /** What an element says and reaches. */
  record Gap(String reason, Reach.Outer reach) {}

  /** The addresses of {@code node} of {@code family}, or null: any (the input does not say). */
  private List<Ip> from(String node, int family) {
    List<Ip> all = node == null ? null : addresses.get(node);
    List<Ip> mine =
        all == null ? List.of() : all.stream().filter(i -> i.family() == family).toList();
    return mine.isEmpty() ? null : mine;
  }

  /**
   * Whether Deny rule {@code r} may match an outer packet {@code k} from {@code src} to {@code
   * dst}.
   */
  private static boolean drops(Rule r, Packet k, List<Ip> src, List<Ip> dst) {
    return r.action() == Action.DENY
        && (r.ipVersion() == null || r.ipVersion() == k.family())
        && (r.protocol() == null || r.protocol() == k.protocol())
        && (r.notProtocol() == null || r.notProtocol() != k.protocol())
        && r.icmp() == null
        && r.notIcmp() == null
        && side(r.source(), k.family(), src, null)
        && side(r.destination(), k.family(), dst, k.protocol() == Protocols.UDP ? k : null);
  }

  /**
   * Whether side {@code m} may match an address of {@code at} (null: any) of {@code family} and,
   * for a UDP packet ({@code udp}), its destination port (a source side: any port).
   */
  private static boolean side(EntityMatch m, int family, List<Ip> at, Packet udp) {
    if (!m.nets().isEmpty()
        && m.nets().stream()
            .noneMatch(
                c -> c.family() == family && (at == null || at.stream().anyMatch(c::contains)))) {
      return false;
    }
    if (at != null
        && !m.notNets().isEmpty()
        && at.stream().allMatch(i -> m.notNets().stream().anyMatch(c -> c.contains(i)))) {
      return false;
    }
    if (udp == null || udp.port() == null) {
      return true;
    }
    int port = udp.port();
    boolean in =
        m.ports().isEmpty()
            || m.ports().stream()
                .anyMatch(x -> x instanceof Port.Named || ((Port.Range) x).contains(port));
    boolean out =
        m.notPorts().stream().anyMatch(x -> x instanceof Port.Range g && g.contains(port));
    return in && !out;
  }
}
