package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.List;

/**
 * A resource's {@code tierproof.dev/ignore} annotation: lint findings of these rules (ids like
 * {@code TP102} or names like {@code shadowed-rule}) about that resource are suppressed.
 *
 * @param resource the span of the resource (a policy's or tier's {@code span})
 * @param rules the ids or names listed
 * @param at where the annotation is written
 */
public record Suppression(Span resource, List<String> rules, Span at) {

  /** The annotation's key. */
  public static final String KEY = "tierproof.dev/ignore";

  public Suppression {
    rules = List.copyOf(rules);
  }

  /**
   * It suppresses a finding of rule {@code id} (or {@code name}) about the resource at {@code
   * span}.
   */
  public boolean covers(Span span, String id, String name) {
    return resource.equals(span) && (rules.contains(id) || rules.contains(name));
  }
}
