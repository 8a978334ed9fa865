package dev.tierproof.analysis.lint;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Tier;
import dev.tierproof.source.Span;
import java.util.List;

/**
 * A rule as written: entry {@code index} of {@code policy}'s {@code ingress}/{@code egress} list,
 * with the Calico rules it became (one, or several for a Kubernetes NetworkPolicy entry).
 */
public record RuleRef(Tier tier, Policy policy, Direction direction, int index, List<Rule> rules) {

  public RuleRef {
    rules = List.copyOf(rules);
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("a rule ref needs its rules");
    }
  }

  public Action action() {
    return rules.get(0).action();
  }

  public Span span() {
    return rules.get(0).span();
  }

  /** {@code ingress rule 2 of shop/app.web} */
  public String display() {
    return direction.json() + " rule " + index + " of " + policy.displayName();
  }

  /** The written rules of a policy in one direction, in order. */
  public static List<RuleRef> of(Tier tier, Policy policy, Direction direction) {
    List<RuleRef> out = new java.util.ArrayList<>();
    List<Rule> current = new java.util.ArrayList<>();
    for (Rule r : policy.rules(direction)) {
      if (!current.isEmpty() && current.get(0).index() != r.index()) {
        out.add(new RuleRef(tier, policy, direction, current.get(0).index(), current));
        current = new java.util.ArrayList<>();
      }
      current.add(r);
    }
    if (!current.isEmpty()) {
      out.add(new RuleRef(tier, policy, direction, current.get(0).index(), current));
    }
    return out;
  }

  /**
   * {@code tiers} with this written rule removed from its policy (for "would removing it change
   * anything").
   */
  public List<Tier> removedFrom(List<Tier> tiers) {
    List<Tier> out = new java.util.ArrayList<>();
    for (Tier t : tiers) {
      List<Policy> ps = new java.util.ArrayList<>();
      for (Policy p : t.policies()) {
        if (p != policy) {
          ps.add(p);
          continue;
        }
        List<Rule> in = new java.util.ArrayList<>(p.ingress());
        List<Rule> eg = new java.util.ArrayList<>(p.egress());
        (direction == Direction.INGRESS ? in : eg).removeIf(r -> r.index() == index);
        ps.add(p.withRules(in, eg));
      }
      out.add(new Tier(t.name(), t.order(), t.defaultAction(), t.declared(), t.span(), ps));
    }
    return out;
  }

  /** Same rule: same policy object, direction and index. */
  public boolean same(RuleRef o) {
    return o.policy == policy && o.direction == direction && o.index == index;
  }
}
