package dev.tierproof.analysis.lint;

import dev.tierproof.model.Suppression;
import dev.tierproof.source.Span;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Which findings a resource's {@code tierproof.dev/ignore} annotation suppresses. */
public final class Suppressions {

  private Suppressions() {}

  /**
   * Each finding about a policy or tier whose annotation lists its id or name, with that
   * annotation.
   */
  public static Map<Finding, Suppression> of(
      List<Suppression> annotations, List<Finding> findings) {
    Map<Finding, Suppression> out = new IdentityHashMap<>();
    for (Finding f : findings) {
      Span about =
          f.policy() != null ? f.policy().span() : f.tier() != null ? f.tier().span() : null;
      if (about == null || !about.isKnown()) {
        continue;
      }
      annotations.stream()
          .filter(a -> a.covers(about, f.id(), f.name()))
          .findFirst()
          .ifPresent(a -> out.put(f, a));
    }
    return out;
  }
}
