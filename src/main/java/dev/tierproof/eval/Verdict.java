package dev.tierproof.eval;

import java.util.List;

/** The verdict on a flow: allowed iff every step on its path allows (spec S5). */
public record Verdict(boolean allowed, List<Step> steps) {

  public Verdict {
    steps = List.copyOf(steps);
  }

  /**
   * For messages: {@code deny (egress at shop/a: allow by rule, ingress at shop/b: deny by
   * tier-default shop/p)}.
   */
  public String describe() {
    List<String> parts = new java.util.ArrayList<>();
    for (Step s : steps) {
      Decision d = s.decidedBy();
      String by =
          d == null
              ? ""
              : " by "
                  + d.kind().json()
                  + (d.policy() != null
                      ? " " + d.policy().displayName()
                      : d.profile() != null ? " " + d.profile().name() : "")
                  + (d.rule() != null ? " rule " + d.rule().index() : "");
      parts.add(
          (s.forward() ? "forward " : "")
              + s.direction().json()
              + " at "
              + s.endpoint().ref()
              + ": "
              + (s.allowed() ? "allow" : "deny")
              + by);
    }
    return (allowed ? "allow" : "deny")
        + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
  }

  /**
   * An internal error: a claim about {@code f} and the evaluator disagree ({@code v}: its verdict,
   * if any).
   */
  public static IllegalStateException disagreement(
      String what, dev.tierproof.model.Flow f, Verdict v) {
    return new IllegalStateException(
        "internal error: solver and evaluator disagree: "
            + what
            + "; flow "
            + f.describe()
            + (v == null ? "" : "; eval " + v.describe()));
  }
}
