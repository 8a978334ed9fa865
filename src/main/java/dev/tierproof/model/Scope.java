package dev.tierproof.model;

import java.util.Locale;

/**
 * Which endpoints an analysis quantifies over (besides addresses outside the cluster): {@code
 * EXISTING}, the input's endpoints; {@code ANY}, also every workload endpoint that could be
 * deployed. The default is {@code EXISTING}, or {@code ANY} when the input has no workloads.
 */
public enum Scope {
  EXISTING,
  ANY;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code chosen}, or the default for {@code set} when it is null. */
  public static Scope orDefault(Scope chosen, PolicySet set) {
    if (chosen != null) {
      return chosen;
    }
    return set.endpoints().stream().anyMatch(e -> !e.isHost()) ? EXISTING : ANY;
  }

  /** The scope a command line names ({@code existing}, {@code any}), or null. */
  public static Scope parse(String text) {
    return switch (text) {
      case "existing" -> EXISTING;
      case "any" -> ANY;
      default -> null;
    };
  }
}
