package dev.tierproof.model;

import java.util.List;

/**
 * What the loader read: the model, the elements of the input that Calico or Kubernetes enforces and
 * the model leaves out (specs/semantics.md S9.1), in file and position order, and the Services,
 * EndpointSlices and Endpoints as read (their effect is in the rules that name them).
 */
public record Input(
    PolicySet set,
    List<Unmodelled> unmodelled,
    List<Suppression> suppressions,
    List<ServiceInput> services) {

  public Input {
    unmodelled = List.copyOf(unmodelled);
    suppressions = List.copyOf(suppressions);
    services = List.copyOf(services);
  }

  public Input(PolicySet set, List<Unmodelled> unmodelled) {
    this(set, unmodelled, List.of(), List.of());
  }
}
