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
 * @param service a Kubernetes {@code services} reference {@code ns/name}, or null; its endpoint
 *     slices are not part of the model, so a side with a service matches no address
 */
public record EntityMatch(
    List<Cidr> nets,
    List<Cidr> notNets,
    Selector selector,
    Selector notSelector,
    List<Port> ports,
    List<Port> notPorts,
    List<String> domains,
    String service) {

  public static final EntityMatch ANY =
      new EntityMatch(List.of(), List.of(), null, null, List.of(), List.of(), List.of(), null);

  public EntityMatch {
    nets = List.copyOf(nets);
    notNets = List.copyOf(notNets);
    ports = List.copyOf(ports);
    notPorts = List.copyOf(notPorts);
    domains = List.copyOf(domains);
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
