package dev.tierproof.model;

import java.util.List;

/**
 * What the loader read: the model, and the elements of the input that Calico or Kubernetes enforces
 * and the model leaves out (specs/semantics.md S9.1), in file and position order.
 */
public record Input(PolicySet set, List<Unmodelled> unmodelled, List<Suppression> suppressions) {

  public Input {
    unmodelled = List.copyOf(unmodelled);
    suppressions = List.copyOf(suppressions);
  }

  public Input(PolicySet set, List<Unmodelled> unmodelled) {
    this(set, unmodelled, List.of());
  }
}
