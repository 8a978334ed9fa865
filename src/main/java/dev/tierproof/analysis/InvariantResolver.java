package dev.tierproof.analysis;

import dev.tierproof.analysis.References.Resolved;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Input;
import dev.tierproof.model.InvariantSet;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Invariants as written ({@link InvariantSet}) → invariants over one policy set ({@link
 * Invariant}): references, selector mappings, ranges and domains become {@link End}s as {@link
 * References} resolves them, a probe becomes one concrete flow, packets become {@link FlowSpec}s, a
 * {@code no-new-reachability} baseline becomes its policy set (each baseline read once). Every
 * problem is an error in the diagnostics at the position it is written at; an invariant with one is
 * left out.
 */
public final class InvariantResolver {

  /** Reads a baseline ({@code git:REF} or a path) named at {@code at}. */
  @FunctionalInterface
  public interface Baselines {
    /**
     * The baseline's input, its errors added to the diagnostics; empty when it cannot be read
     * (reported).
     */
    Optional<Input> read(String baseline, Span at);
  }

  private final PolicySet set;
  private final Baselines baselines;
  private final Diagnostics d;
  private final Map<String, Input> read = new HashMap<>();

  public InvariantResolver(PolicySet set, Baselines baselines, Diagnostics diagnostics) {
    this.set = set;
    this.baselines = baselines;
    this.d = diagnostics;
  }

  /** Every invariant of {@code sets} that resolves, in order. */
  public List<Invariant> resolve(List<InvariantSet> sets) {
    List<Invariant> out = new ArrayList<>();
    for (InvariantSet x : sets) {
      for (InvariantSet.Invariant i : x.invariants()) {
        resolve(i).ifPresent(out::add);
      }
    }
    return out;
  }

  /** {@code i} over the policy set; empty when resolving it reported an error. */
  public Optional<Invariant> resolve(InvariantSet.Invariant i) {
    int errors = d.errors().size();
    Invariant.Assertion a = assertion(i.assertion());
    if (a == null || d.errors().size() > errors) {
      return Optional.empty();
    }
    return Optional.of(
        new Invariant(i.id(), i.set(), i.description(), i.severity(), a, i.span(), i.idSpan()));
  }

  /**
   * {@link Relevance#invariant}, and for a {@code no-new-reachability} every unmodelled element of
   * its baseline that acts somewhere (spec S9.4: it can change what the invariant compares).
   */
  public List<Unmodelled> relevant(List<Unmodelled> all, CheckResult result) {
    List<Unmodelled> out = new ArrayList<>(Relevance.invariant(all, set, result));
    if (result.invariant().assertion() instanceof Invariant.NoNewReachability x) {
      Input base = read.get(x.baseline());
      Relevance.anywhere(base == null ? List.of() : base.unmodelled(), x.base(), true).stream()
          .filter(u -> !out.contains(u))
          .forEach(out::add);
    }
    return out;
  }

  private Invariant.Assertion assertion(InvariantSet.Assertion a) {
    if (a instanceof InvariantSet.Isolated x) {
      List<Invariant.Carve> carves = new ArrayList<>();
      for (InvariantSet.Except e : x.except()) {
        carves.add(
            new Invariant.Carve(
                e.from() == null ? null : ends(e.from()),
                e.to() == null ? null : ends(e.to()),
                e.scope()));
      }
      return new Invariant.Isolated(ends(x.from()), ends(x.to()), x.scope(), carves);
    }
    if (a instanceof InvariantSet.Reachable x) {
      return new Invariant.Reachable(ends(x.from()), ends(x.to()), x.scope(), x.all());
    }
    if (a instanceof InvariantSet.Probe x) {
      return probe(x);
    }
    if (a instanceof InvariantSet.Covered x) {
      return new Invariant.Covered(ends(x.endpoints()), x.directions());
    }
    if (a instanceof InvariantSet.NoNewReachability x) {
      Input base = read.get(x.baseline());
      if (base == null) {
        Optional<Input> loaded = baselines.read(x.baseline(), x.baselineSpan());
        if (loaded.isEmpty()) {
          return null;
        }
        base = loaded.get();
        read.put(x.baseline(), base);
      }
      return new Invariant.NoNewReachability(x.baseline(), base.set());
    }
    InvariantSet.NoFindings x = (InvariantSet.NoFindings) a;
    return new Invariant.NoFindings(x.rules());
  }

  private Invariant.Probe probe(InvariantSet.Probe x) {
    Optional<Resolved> from = resolve(x.from());
    Optional<Resolved> to = resolve(x.to());
    if (from.isEmpty() || to.isEmpty()) {
      return null;
    }
    Resolved dst = to.get();
    if (x.destinationIp() != null) {
      Optional<Ip> ip = Ip.parse(x.destinationIp());
      if (ip.isEmpty()) {
        d.error(x.destinationIpSpan(), "`" + x.destinationIp() + "` is not an IP address");
        return null;
      }
      Optional<Resolved> pinned = References.pin(dst, ip.get(), set, x.destinationIpSpan(), d);
      if (pinned.isEmpty()) {
        return null;
      }
      dst = pinned.get();
    }
    Optional<References.Concrete> flow =
        References.concrete(from.get(), dst, x.packets(), set, x.span(), d);
    if (flow.isEmpty()) {
      return null;
    }
    Invariant.DecidedBy by = null;
    if (x.decidedBy() != null) {
      InvariantSet.DecidedBy b = x.decidedBy();
      by =
          new Invariant.DecidedBy(
              b.direction(), b.kind(), b.tier(), b.policy(), b.rule(), b.profile());
    }
    return new Invariant.Probe(
        x.allowed(), from.get().end(), dst.end(), flow.get().flow(), flow.get().notes(), by);
  }

  private List<End> ends(InvariantSet.Peer peer) {
    List<End> out = new ArrayList<>();
    for (InvariantSet.Term t : peer.terms()) {
      Optional<Resolved> r =
          t instanceof InvariantSet.Ref x
              ? resolve(x)
              : t instanceof InvariantSet.Selection x
                  ? References.resolve(
                      new EndpointRef.SelectorRef(x.namespace(), x.selector()),
                      set,
                      x.existing(),
                      x.span(),
                      d)
                  : t instanceof InvariantSet.Net x
                      ? References.resolve(
                          new EndpointRef.Range(x.cidr().toString()), set, false, x.span(), d)
                      : References.resolve(
                          new EndpointRef.Domain(((InvariantSet.Domain) t).name()),
                          set,
                          false,
                          t.span(),
                          d);
      r.ifPresent(x -> out.add(x.end()));
    }
    return out;
  }

  private Optional<Resolved> resolve(InvariantSet.Ref x) {
    return References.resolve(x.ref(), set, x.existing(), x.span(), d);
  }
}
