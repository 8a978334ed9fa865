package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import java.util.List;

/**
 * What a rule side's {@code services} entry matches, resolved from the input's Services,
 * EndpointSlices and Endpoints (specs/semantics.md S3.9). Felix matches a destination service as
 * (address, port, protocol) ∈ the endpoint addresses × endpoint ports of each of its
 * EndpointSlices, a source service as address ∈ the endpoint addresses.
 *
 * @param ref {@code namespace/name} of the service
 * @param withPorts true on a destination side (address, port and protocol are matched), false on a
 *     source side (address only)
 * @param addresses every endpoint address of the service's slices (or Endpoints)
 * @param members (address, protocol, port) of each slice's endpoints × its numbered ports
 * @param selector when the input has no slices or Endpoints for the service: the pods its
 *     Kubernetes selector selects (composed: {@code projectcalico.org/orchestrator == 'k8s'} in its
 *     namespace, spec S3.9), matched over the entities at the address as a rule selector is; else
 *     null
 * @param targets with {@code selector}: each service port's protocol and target port (number or
 *     container port name)
 * @param unresolved why the input does not say which endpoints the service has (then the side
 *     matches no address and the rule is unmodelled, spec S9.1), else null
 */
public record ServiceMatch(
    String ref,
    boolean withPorts,
    List<Ip> addresses,
    List<Member> members,
    Selector selector,
    List<Target> targets,
    String unresolved) {

  /** One endpoint address with one port of its slice. */
  public record Member(Ip ip, int protocol, int port) {}

  /**
   * A service port's target: {@code number} or, when null, the container port {@code name} of each
   * selected pod with the same protocol.
   */
  public record Target(int protocol, Integer number, String name) {}

  public ServiceMatch {
    addresses = List.copyOf(addresses);
    members = List.copyOf(members);
    targets = List.copyOf(targets);
  }

  /** A reference not yet resolved against the input (the loader's first pass). */
  public static ServiceMatch pending(String ref, boolean withPorts) {
    return new ServiceMatch(ref, withPorts, List.of(), List.of(), null, List.of(), "pending");
  }

  public boolean resolved() {
    return unresolved == null;
  }

  /** The host CIDRs of the endpoint addresses this side tests, for grouping addresses. */
  public List<Cidr> hosts() {
    return withPorts
        ? members.stream().map(m -> Cidr.host(m.ip())).distinct().toList()
        : addresses.stream().map(Cidr::host).distinct().toList();
  }

  /** The names of the named target ports (only with a selector on a destination side). */
  public List<String> targetNames() {
    return withPorts && selector != null
        ? targets.stream().filter(t -> t.number() == null).map(Target::name).distinct().toList()
        : List.of();
  }

  /** The (protocol, port) pairs the listed endpoints give {@code ip}, in order. */
  public List<List<Integer>> portsAt(Ip ip) {
    return members.stream()
        .filter(m -> m.ip().equals(ip))
        .map(m -> List.of(m.protocol(), m.port()))
        .distinct()
        .sorted(
            java.util.Comparator.comparing((List<Integer> x) -> x.get(0))
                .thenComparing(x -> x.get(1)))
        .toList();
  }

  /**
   * True when the listed endpoints (slices or Endpoints) match a packet at {@code addr}: the
   * address alone on a source side; with the packet's protocol and {@code port} (null when it has
   * none) on a destination side.
   */
  public boolean matchesListed(Ip addr, int protocol, Integer port) {
    if (!withPorts) {
      return addresses.contains(addr);
    }
    if (port == null) {
      return false;
    }
    for (Member m : members) {
      if (m.port() == port && m.protocol() == protocol && m.ip().equals(addr)) {
        return true;
      }
    }
    return false;
  }
}
