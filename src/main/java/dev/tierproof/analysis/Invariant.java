package dev.tierproof.analysis;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Set;

/**
 * One invariant of an invariant file, resolved against the policy set it is checked on: ends are
 * {@link End}s, packets are {@link FlowSpec}s (a list is their union; an empty list is every
 * packet).
 *
 * @param set the name of the InvariantSet it belongs to
 * @param span where it is written (its list item); {@code idSpan} its id
 */
public record Invariant(
    String id,
    String set,
    String description,
    Severity severity,
    Assertion assertion,
    Span span,
    Span idSpan) {

  /** The claim; each kind says what proven and violated mean. */
  public sealed interface Assertion
      permits Isolated, Reachable, Probe, Covered, NoNewReachability, NoFindings {
    /**
     * The key it is written under, as in the invariant file ({@link
     * dev.tierproof.model.InvariantSet#key}); a probe's is {@code allowed} or {@code denied}.
     */
    default String key() {
      return dev.tierproof.model.InvariantSet.key(getClass());
    }
  }

  /**
   * No flow from an end of {@code from} to an end of {@code to} within {@code packets} is allowed,
   * except the flows of {@code except}. Violated: an allowed flow outside the carve-outs.
   */
  public record Isolated(List<End> from, List<End> to, List<FlowSpec> packets, List<Carve> except)
      implements Assertion {
    public Isolated {
      from = List.copyOf(from);
      to = List.copyOf(to);
      packets = List.copyOf(packets);
      except = List.copyOf(except);
    }
  }

  /**
   * A carve-out: the flows from {@code from} (null: any end) to {@code to} (null: any) within
   * {@code packets} (empty: any).
   */
  public record Carve(List<End> from, List<End> to, List<FlowSpec> packets) {
    public Carve {
      from = from == null ? null : List.copyOf(from);
      to = to == null ? null : List.copyOf(to);
      packets = List.copyOf(packets);
    }
  }

  /**
   * Some flow from {@code from} to {@code to} within {@code packets} is allowed ({@code all}: every
   * one is). Violated: none is (an example denied flow), or with {@code all} some is denied.
   */
  public record Reachable(List<End> from, List<End> to, List<FlowSpec> packets, boolean all)
      implements Assertion {
    public Reachable {
      from = List.copyOf(from);
      to = List.copyOf(to);
      packets = List.copyOf(packets);
    }
  }

  /**
   * One concrete flow has the verdict {@code allowed}, decided by {@code decidedBy} when given.
   *
   * @param notes what was made up for the flow (placeholder addresses)
   */
  public record Probe(
      boolean allowed, End from, End to, Flow flow, List<String> notes, DecidedBy decidedBy)
      implements Assertion {
    public Probe {
      notes = List.copyOf(notes);
    }

    @Override
    public String key() {
      return allowed ? "allowed" : "denied";
    }
  }

  /**
   * What must decide a probe, at the step that gives the verdict (any step for an allowed flow, a
   * denying one for a denied flow); null fields match anything.
   *
   * @param kind {@code rule}, {@code tier-default}, {@code profile}, {@code no-profile}, {@code
   *     failsafe}
   * @param policy {@code name} or {@code namespace/name}
   * @param rule the 0-based index as written
   */
  public record DecidedBy(
      Direction direction, String kind, String tier, String policy, Integer rule, String profile) {}

  /**
   * Every endpoint of {@code endpoints} (existing or hypothetical) is selected by some enforced
   * policy for each of {@code directions}: its traffic never falls through to the namespace
   * profile's implicit allow without a policy. Violated: an endpoint and direction no policy
   * governs.
   */
  public record Covered(List<End> endpoints, Set<Direction> directions) implements Assertion {
    public Covered {
      endpoints = List.copyOf(endpoints);
      directions = Set.copyOf(directions);
    }
  }

  /** Nothing is allowed that {@code base} (written {@code baseline}) did not allow. */
  public record NoNewReachability(String baseline, PolicySet base) implements Assertion {}

  /** Lint reports no finding of these rules (ids or names; empty: any rule). */
  public record NoFindings(List<String> rules) implements Assertion {
    public NoFindings {
      rules = List.copyOf(rules);
    }
  }
}
