package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.Map;

/** A Kubernetes namespace and its labels (the source of {@code pcns.*} labels). */
public record Namespace(String name, Map<String, String> labels, Span span) {

  public Namespace {
    labels = Map.copyOf(labels);
  }
}
