package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.List;
import java.util.Map;

/**
 * A NetworkSet (namespace set) or GlobalNetworkSet (namespace null): CIDRs and domains that rule
 * selectors match by the set's labels; never selected by policies (specs/semantics.md S2.9).
 *
 * @param labels effective labels ({@code projectcalico.org/namespace} and {@code pcns.*} for
 *     namespaced sets)
 * @param allowedEgressDomains Calico Enterprise domains (exact or {@code *.} globs)
 */
public record NetworkSet(
    String namespace,
    String name,
    Map<String, String> labels,
    List<Cidr> nets,
    List<String> allowedEgressDomains,
    Span span) {

  public NetworkSet {
    labels = Map.copyOf(labels);
    nets = List.copyOf(nets);
    allowedEgressDomains = List.copyOf(allowedEgressDomains);
  }
}
