package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.NamedPort;
import dev.tierproof.selector.Selector;
import java.util.List;

/**
 * One alternative for an end of a query (spec S5.2, S5.3); an end is a list of alternatives.
 *
 * <ul>
 *   <li>{@link Endpoints}: one of these input endpoints, at one of its own addresses in {@code
 *       range}; an endpoint without addresses is at any address that no endpoint owns;
 *   <li>{@link Fresh}: a workload endpoint that is not in the input (not yet deployed);
 *   <li>{@link Outside}: an address outside the cluster, owned by no endpoint.
 * </ul>
 */
public sealed interface Side permits Side.Endpoints, Side.Fresh, Outside {

  /**
   * @param range null: any of their addresses
   */
  record Endpoints(List<Endpoint> endpoints, Cidr range) implements Side {
    public Endpoints {
      endpoints = List.copyOf(endpoints);
    }

    /** The same alternative over {@code f}'s image of each endpoint. */
    public Endpoints mapped(java.util.function.UnaryOperator<Endpoint> f) {
      return new Endpoints(endpoints.stream().map(f).toList(), range);
    }
  }

  /**
   * A hypothetical workload endpoint whose labels satisfy {@code selector}: labels symbolic except
   * the automatic ones and its namespace's {@code pcns.*} labels; address owned by no endpoint.
   *
   * @param namespace null: any namespace of the input, or a new one whose labels are unconstrained;
   *     {@link #NEW_NAMESPACE}: only a new one
   * @param ports its named ports; null: symbolic (any set of named ports, one per name)
   * @param range null: any address no endpoint owns
   */
  record Fresh(String namespace, Selector selector, List<NamedPort> ports, Cidr range)
      implements Side {
    /** As {@code namespace}: only namespaces the input does not mention. */
    public static final String NEW_NAMESPACE = "\u0000new";

    public Fresh {
      ports = ports == null ? null : List.copyOf(ports);
    }
  }
}
