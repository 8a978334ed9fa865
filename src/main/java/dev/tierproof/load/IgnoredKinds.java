package dev.tierproof.load;

import java.util.Map;
import java.util.Set;

/**
 * Calico kinds that never allow or deny a flow, and why they are ignored: they are loaded with a
 * warning that says so, not unmodelled (specs/semantics.md S9.1).
 */
final class IgnoredKinds {

  private static final Map<String, String> WHY =
      Map.of(
          "QoSPolicy",
          "it limits bandwidth and packet rates and never allows or denies a flow",
          "BGPConfiguration",
          "it configures routing, not policy",
          "BGPPeer",
          "it configures routing, not policy",
          "BGPFilter",
          "it filters routes, not packets",
          "IPPool",
          "it configures address allocation, not policy (only its encapsulation and natOutgoing are read)",
          "IPReservation",
          "it configures address allocation, not policy");

  private IgnoredKinds() {}

  /** Why {@code kind} is ignored, or null when it is not one of these kinds. */
  static String why(String kind) {
    return WHY.get(kind);
  }

  static Set<String> names() {
    return WHY.keySet();
  }
}
