package dev.tierproof.smt;

import dev.tierproof.model.Flow;
import dev.tierproof.model.Profile;
import java.util.List;
import java.util.Map;

/**
 * The solver's answer to one goal of a query.
 *
 * @param flow for {@code SAT}: the decoded flow (not yet replayed), else null
 * @param allowed for {@code SAT}: the encoding's verdict on {@code flow}
 * @param decisions for {@code SAT}: the deciding point of each step of {@code flow} by the
 *     encoding, egress first (a replay must agree), else empty
 * @param assumedProfiles namespace profiles ({@code kns.<ns>}) of hypothetical endpoints that the
 *     input does not contain, built as Calico builds them: replay with these added
 * @param reason Z3's reason for {@code UNKNOWN}, else null
 * @param millis solver time, all checks of the goal included
 * @param base for {@code SAT} in a diff: the same model decoded by the base's encoding (its
 *     endpoints, their nodes and the interfaces crossed there), else null
 */
public record Answer(
    SolverSession.Status status,
    Flow flow,
    boolean allowed,
    List<Point> decisions,
    Map<String, Profile> assumedProfiles,
    String reason,
    long millis,
    Flow base) {

  public Answer {
    decisions = List.copyOf(decisions);
    assumedProfiles = Map.copyOf(assumedProfiles);
  }

  /** An answer of one encoding. */
  public Answer(
      SolverSession.Status status,
      Flow flow,
      boolean allowed,
      List<Point> decisions,
      Map<String, Profile> assumedProfiles,
      String reason,
      long millis) {
    this(status, flow, allowed, decisions, assumedProfiles, reason, millis, null);
  }

  public boolean sat() {
    return status == SolverSession.Status.SAT;
  }
}
