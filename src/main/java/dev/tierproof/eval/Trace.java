package dev.tierproof.eval;

import dev.tierproof.eval.TraceEntry.Outcome;
import dev.tierproof.model.Action;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * The trace of a step: per entered tier, its policies in order up to the one that decided or passed
 * (all of them when none did), each applying one with what it did, the others (staged, or not
 * selecting) when they could select the endpoint (another namespace's policy never can); and the
 * profiles walked after the tiers, with what each did.
 */
final class Trace implements Watcher {
  private final Endpoint at;
  private final List<TraceEntry> out = new ArrayList<>();
  private StepPath.Entered current;
  private int next;
  private boolean closed = true;
  private final List<ProfileEntry> profiles = new ArrayList<>();

  Trace(Endpoint at) {
    this.at = at;
  }

  @Override
  public void left(StepPath.Entered tier, Policy policy, Rule hit) {
    if (tier != current) {
      finish();
      current = tier;
      next = 0;
      closed = false;
    }
    List<Policy> all = tier.tier().policies();
    while (all.get(next) != policy) {
      skipped(all.get(next++));
    }
    next++;
    out.add(
        new TraceEntry(
            tier.tier(), policy, outcome(hit), hit == null ? null : hit.index(), tier.path()));
    closed = hit != null;
  }

  private void skipped(Policy p) {
    if ((p.namespace() == null || p.namespace().equals(at.namespace()))
        && (!at.isHost() || current.path().holds(p))) {
      out.add(
          new TraceEntry(
              current.tier(),
              p,
              p.staged() ? Outcome.STAGED : Outcome.NOT_SELECTED,
              null,
              current.path()));
    }
  }

  @Override
  public void profile(Profile profile, Rule hit) {
    profiles.add(
        new ProfileEntry(profile, outcome(hit), hit == null ? null : hit.index())); // spec S4.6
  }

  /** The step along {@code chain} that {@code d} decided, with what this trace watched. */
  Step step(StepPath chain, Decision d) {
    return new Step(
        chain.at(),
        chain.direction(),
        d.allows(),
        d,
        finish(),
        chain.forward(),
        profiles,
        chain.local());
  }

  /** The profiles walked, in order, with what each did. */
  List<ProfileEntry> profiles() {
    return profiles;
  }

  private static Outcome outcome(Rule hit) {
    return hit == null
        ? Outcome.NO_MATCH
        : hit.action() == Action.PASS
            ? Outcome.PASS
            : hit.action() == Action.ALLOW ? Outcome.ALLOW : Outcome.DENY;
  }

  List<TraceEntry> finish() {
    if (!closed) {
      List<Policy> all = current.tier().policies();
      while (next < all.size()) {
        skipped(all.get(next++));
      }
      closed = true;
    }
    return out;
  }
}
