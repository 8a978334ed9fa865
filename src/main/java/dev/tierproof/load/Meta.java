package dev.tierproof.load;

import dev.tierproof.source.Span;
import java.util.Map;

/**
 * The {@code metadata} of a resource that tierproof models.
 *
 * @param namespace the namespace of a namespaced kind ({@code default} when not written), else null
 * @param span the start of the resource's document
 * @param nameSpan the position of {@code metadata.name}
 * @param keep false when the resource has no name or repeats an earlier one: it is still checked,
 *     but not added to the model
 */
record Meta(
    String name,
    String namespace,
    Map<String, String> labels,
    Span span,
    Span nameSpan,
    boolean keep) {

  Meta {
    labels = Map.copyOf(labels);
  }

  /** {@code ns/name} or {@code name}, as messages name the resource. */
  String ref() {
    return namespace == null ? name : namespace + "/" + name;
  }
}
