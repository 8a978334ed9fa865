package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.List;

/**
 * A Service, EndpointSlice or Endpoints as read (specs/semantics.md S3.9), for what a diff lists as
 * changed in its input: the rules of a {@code services} side hold what these resolve to, not the
 * resources themselves.
 *
 * @param kind {@code Service}, {@code EndpointSlice} or {@code Endpoints}
 * @param ref {@code namespace/name} of the resource
 * @param service {@code namespace/name} of the service it gives endpoints to (a slice's {@code
 *     kubernetes.io/service-name} label; null when a slice has none)
 * @param content what rule matching reads from it: equal contents match alike
 */
public record ServiceInput(
    String kind, String ref, String service, List<Object> content, Span span) {

  public ServiceInput {
    content = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(content));
  }

  /** {@code EndpointSlice shop/web-1}: how reports name it. */
  public String display() {
    return kind + " " + ref;
  }
}
