package dev.tierproof.model;

import dev.tierproof.selector.EndpointRef;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Set;

/**
 * One {@code InvariantSet} document as written (README "Invariant files", {@code
 * specs/invariant-schema.json}): invariants whose ends are references, selectors, ranges and
 * domains, with the positions they are written at, not yet resolved against a policy set. {@code
 * load} reads them ({@code Invariants.parse}); {@code analysis} resolves them ({@code
 * InvariantResolver}).
 */
public record InvariantSet(String name, String description, Span span, List<Invariant> invariants) {
  public InvariantSet {
    invariants = List.copyOf(invariants);
  }

  /**
   * One invariant.
   *
   * @param span where its list item starts; {@code idSpan} the id's value
   * @param set the name of the InvariantSet it belongs to
   */
  public record Invariant(
      String id,
      Span idSpan,
      String set,
      String description,
      Severity severity,
      Assertion assertion,
      Span span) {}

  /**
   * The key an assertion type is written under: its name in kebab case ({@code Isolated}: {@code
   * isolated}, {@code NoNewReachability}: {@code no-new-reachability}). The written assertions and
   * the resolved ones ({@code analysis.Invariant}) are named alike, so both keys come from here.
   */
  public static String key(Class<?> assertion) {
    return assertion
        .getSimpleName()
        .replaceAll("([a-z])([A-Z])", "$1-$2")
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** The one claim of an invariant. */
  public sealed interface Assertion
      permits Isolated, Reachable, Probe, Covered, NoNewReachability, NoFindings {
    /**
     * The key it is written under: its type's name in kebab case ({@code isolated}, {@code
     * no-new-reachability}, ...; see {@link InvariantSet#key}); a probe's is {@code allowed} or
     * {@code denied}.
     */
    default String key() {
      return InvariantSet.key(getClass());
    }

    Span span();
  }

  /** A set of ends: the union of its terms. */
  public record Peer(List<Term> terms, Span span) {
    public Peer {
      terms = List.copyOf(terms);
    }
  }

  /** One term of a peer. */
  public sealed interface Term permits Ref, Selection, Net, Domain {
    Span span();
  }

  /**
   * An endpoint reference as on the command line (design.md §2); {@code existing} as {@code
   * --existing}.
   */
  public record Ref(EndpointRef ref, String text, boolean existing, Span span) implements Term {}

  /**
   * Workload endpoints, existing or hypothetical, in {@code namespace} (null: any) whose labels
   * satisfy {@code selector}: the mapping form's {@code selector}, {@code namespaceSelector}
   * ({@code pcns.}-prefixed) and {@code serviceAccount} composed as Calico composes a rule peer.
   */
  public record Selection(
      String namespace, Selector selector, String text, boolean existing, Span span)
      implements Term {}

  /** Any address in the range: endpoints that own one, or outside the cluster. */
  public record Net(Cidr cidr, Span span) implements Term {}

  /** A destination outside the cluster reached by this DNS name. */
  public record Domain(String name, Span span) implements Term {}

  /**
   * {@code isolated}: no flow from {@code from} to {@code to} within {@code scope} is allowed,
   * except the carve-outs.
   *
   * @param scope the packets: one bound per destination port range written (their union), none for
   *     every packet; likewise in {@link Except} and {@link Reachable}
   */
  public record Isolated(Peer from, Peer to, List<FlowSpec> scope, List<Except> except, Span span)
      implements Assertion {
    public Isolated {
      scope = List.copyOf(scope);
      except = List.copyOf(except);
    }
  }

  /**
   * A carve-out: flows within {@code scope} from {@code from} (null: any) to {@code to} (null:
   * any).
   */
  public record Except(List<FlowSpec> scope, Peer from, Peer to, Span span) {
    public Except {
      scope = List.copyOf(scope);
    }
  }

  /**
   * {@code reachable}: some flow from {@code from} to {@code to} within {@code scope} is allowed;
   * with {@code all}, every one is.
   */
  public record Reachable(Peer from, Peer to, List<FlowSpec> scope, boolean all, Span span)
      implements Assertion {
    public Reachable {
      scope = List.copyOf(scope);
    }
  }

  /**
   * {@code allowed} / {@code denied}: one concrete flow (explain's defaults for what is left open)
   * has that verdict, decided by {@code decidedBy} when given.
   */
  public record Probe(
      boolean allowed,
      Ref from,
      Ref to,
      FlowSpec packets,
      String destinationIp,
      Span destinationIpSpan,
      DecidedBy decidedBy,
      Span span)
      implements Assertion {
    @Override
    public String key() {
      return allowed ? "allowed" : "denied";
    }
  }

  /**
   * What must decide a probe; null fields match anything.
   *
   * @param kind {@code rule}, {@code tier-default}, {@code profile}, {@code no-profile}, {@code
   *     failsafe}
   * @param policy {@code name} or {@code namespace/name}
   * @param rule the rule's 0-based index as written
   */
  public record DecidedBy(
      Direction direction,
      String kind,
      String tier,
      String policy,
      Integer rule,
      String profile,
      Span span) {}

  /**
   * {@code covered}: every endpoint of {@code endpoints} is selected by some policy in each
   * direction.
   */
  public record Covered(Peer endpoints, Set<Direction> directions, Span span) implements Assertion {
    public Covered {
      directions = Set.copyOf(directions);
    }
  }

  /**
   * {@code no-new-reachability}: nothing is allowed that {@code baseline} ({@code git:REF} or a
   * path) did not allow.
   */
  public record NoNewReachability(String baseline, Span baselineSpan, Span span)
      implements Assertion {}

  /** {@code no-findings}: lint reports nothing for these rule ids or names (empty: any rule). */
  public record NoFindings(List<String> rules, List<Span> ruleSpans, Span span)
      implements Assertion {
    public NoFindings {
      rules = List.copyOf(rules);
      ruleSpans = List.copyOf(ruleSpans);
    }
  }
}
