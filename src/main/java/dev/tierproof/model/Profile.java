package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.List;
import java.util.Map;

/**
 * A profile: labels it lends its endpoints and rules evaluated after every tier (specs/semantics.md
 * S2.8). {@code kns.<ns>} and {@code ksa.<ns>.<sa>} are built in.
 */
public record Profile(
    String name, Map<String, String> labels, List<Rule> ingress, List<Rule> egress, Span span) {

  public Profile {
    labels = Map.copyOf(labels);
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  public List<Rule> rules(Direction direction) {
    return direction == Direction.INGRESS ? ingress : egress;
  }
}
