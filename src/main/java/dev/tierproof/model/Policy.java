package dev.tierproof.model;

import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Set;

/**
 * A policy after Calico's rewriting (specs/semantics.md S2.1-S2.5).
 *
 * @param name {@code metadata.name} as written (also for Kubernetes NetworkPolicies)
 * @param namespace the namespace of a namespaced kind, else null
 * @param order null means +∞ (after every ordered policy)
 * @param selector the effective policy selector Felix matches against endpoint labels
 * @param types the directions the policy governs, after defaulting
 */
public record Policy(
    PolicyKind kind,
    String name,
    String namespace,
    String tier,
    Double order,
    Selector selector,
    Set<Direction> types,
    List<Rule> ingress,
    List<Rule> egress,
    boolean doNotTrack,
    boolean preDnat,
    boolean applyOnForward,
    Span span) {

  public Policy {
    types = Set.copyOf(types);
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  /** The same policy with other rules. */
  public Policy withRules(List<Rule> newIngress, List<Rule> newEgress) {
    return new Policy(
        kind,
        name,
        namespace,
        tier,
        order,
        selector,
        types,
        newIngress,
        newEgress,
        doNotTrack,
        preDnat,
        applyOnForward,
        span);
  }

  public boolean staged() {
    return kind.staged();
  }

  public boolean governs(Direction direction) {
    return types.contains(direction);
  }

  public List<Rule> rules(Direction direction) {
    return direction == Direction.INGRESS ? ingress : egress;
  }

  /** Felix's tie-break key for equal orders: {@code <name>/<namespace>/<kind>} (S7.2). */
  public String sortKey() {
    return name + "/" + (namespace == null ? "" : namespace) + "/" + kind.felixName();
  }

  /** {@code ns/name} for namespaced policies, else {@code name}: how messages name it. */
  public String displayName() {
    return namespace == null ? name : namespace + "/" + name;
  }
}
