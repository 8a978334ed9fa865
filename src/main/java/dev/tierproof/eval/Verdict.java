package dev.tierproof.eval;

import java.util.List;

/** The verdict on a flow: allowed iff every step on its path allows (spec S5). */
public record Verdict(boolean allowed, List<Step> steps) {

  public Verdict {
    steps = List.copyOf(steps);
  }
}
