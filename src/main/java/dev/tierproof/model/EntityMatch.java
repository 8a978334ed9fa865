package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import java.util.List;

/**
 * One side ({@code source} or {@code destination}) of a rule, after Calico's rewriting.
 *
 * @param selector the composed positive selector S⁺ of specs/semantics.md S3.8 (namespace scoping,
 *     {@code pcns.}/{@code pcsa.} prefixes, service accounts folded in), or null when absent
 * @param notSelector the raw {@code notSelector}, never prefixed or scoped, or null
 * @param domains Calico Enterprise {@code destination.domains} (exact names or {@code *.} globs)
 * @param service a Kubernetes {@code services} reference with the endpoints it resolves to (spec
 *     S3.9), or null
 */
public record EntityMatch(
    List<Cidr> nets,
    List<Cidr> notNets,
    Selector selector,
    Selector notSelector,
    List<Port> ports,
    List<Port> notPorts,
    List<String> domains,
    ServiceMatch service) {

  public static final EntityMatch ANY =
      new EntityMatch(List.of(), List.of(), null, null, List.of(), List.of(), List.of(), null);

  public EntityMatch {
    nets = List.copyOf(nets);
    notNets = List.copyOf(notNets);
    ports = List.copyOf(ports);
    notPorts = List.copyOf(notPorts);
    domains = List.copyOf(domains);
  }

  /** The same side with {@code other} as its service (the loader's resolution, spec S3.9). */
  public EntityMatch withService(ServiceMatch other) {
    return new EntityMatch(nets, notNets, selector, notSelector, ports, notPorts, domains, other);
  }

  /** True when the side names a service whose endpoints the input does not give (spec S3.9). */
  public boolean unresolvedService() {
    return service != null && !service.resolved();
  }

  public boolean isEmpty() {
    return selector == null
        && notSelector == null
        && service == null
        && nets.isEmpty()
        && notNets.isEmpty()
        && ports.isEmpty()
        && notPorts.isEmpty()
        && domains.isEmpty();
  }
}
