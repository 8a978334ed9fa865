package dev.tierproof.model;

import dev.tierproof.source.Span;

/**
 * Something in the input that Calico or Kubernetes enforces and tierproof does not model
 * (specs/semantics.md S9.1). The loader warns about it and records it; an answer it could change is
 * inconclusive.
 *
 * @param kind what it is: a resource kind ({@code ClusterNetworkPolicy}) or the field as written
 *     ({@code http}, {@code services} (unresolved), {@code preDNAT}, {@code doNotTrack}, {@code
 *     applyOnForward}, {@code Pass}, {@code ipNetworks})
 * @param name which one: the resource's name, or the rule ({@code ingress rule 0 of shop/web})
 * @param reason why it is not modelled, one clause
 */
public record Unmodelled(String kind, String name, Span span, String reason, Reach reach) {

  /** {@code ClusterNetworkPolicy `deny-egress` at file.yaml:3}: how messages name it. */
  public String display() {
    return kind + " `" + name + "` at " + span.file() + ":" + span.line();
  }
}
