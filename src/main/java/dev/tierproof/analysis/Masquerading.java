package dev.tierproof.analysis;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.StepPath;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where an element that nat-outgoing's masquerade hides the source from ({@link Reach.Masqueraded})
 * acts on a question's flows (specs/semantics.md S6.10, S9.3): on those from a workload an end may
 * hold to a host endpoint the other end may hold, the workload on another node; on a flow shown
 * whose masquerade the input settles ({@link Masquerade.Kind#TRANSLATED}), only where the host
 * endpoint's ingress step decides otherwise at one of the node's addresses ({@link #turns}).
 */
public final class Masquerading {

  private Masquerading() {}

  /**
   * Whether {@code m} acts on some flow from an endpoint {@code from} can be to one {@code to} can
   * be ({@code held} lists those; null ends: any endpoint of {@code set}, and with {@code
   * hypothetical} a pod not yet deployed as source): not on those whose settled masquerade it
   * cannot tell apart ({@link SettledMasquerade#apart}).
   */
  static boolean reaches(
      Reach.Masqueraded m,
      End from,
      End to,
      PolicySet set,
      boolean hypothetical,
      Function<End, List<Endpoint>> held) {
    return reaches(m, from, to, set, hypothetical, held, false);
  }

  /** As above; with {@code kept}, for answers taken on the workload's own packet (the map). */
  static boolean reaches(
      Reach.Masqueraded m,
      End from,
      End to,
      PolicySet set,
      boolean hypothetical,
      Function<End, List<Endpoint>> held,
      boolean kept) {
    List<Endpoint> hosts =
        (to == null ? set.endpoints() : held.apply(to)).stream().filter(Endpoint::isHost).toList();
    if (hosts.isEmpty()) {
      return false;
    }
    List<Endpoint> sources = new ArrayList<>(from == null ? set.endpoints() : held.apply(from));
    boolean fresh =
        from == null ? hypothetical : from instanceof End.Hypothetical h && !h.existingOnly();
    if (fresh) {
      sources.add(null); // a pod not yet deployed: any node, any pool's address
    }
    Evaluator[] eval = {null}; // made where a settled masquerade is asked about
    java.util.function.Supplier<Evaluator> made =
        () -> eval[0] != null ? eval[0] : (eval[0] = new Evaluator(set));
    for (Endpoint h : hosts) {
      for (Endpoint w : sources) {
        if (m.reaches(w, h) && SettledMasquerade.apart(m, w, h, made, kept)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code m} may turn the verdict of {@code flow} (reached by it, {@link
   * Reach.Masqueraded#reaches(Flow)}), whose {@code verdict} eval gave (spec S6.10, S9.3): unless a
   * step other than its destination's ingress step denies it, or the input settles the source its
   * destination's ingress steps see ({@link Masquerade#seen}), the step reads no source port
   * (masquerade may pick another one: no ingress rule of the step with source ports or a source
   * {@code services} side, no untracked path, where a failsafe reply is told by its source port)
   * and eval's ingress step there decides alike from each of the node's addresses; with {@code
   * eval} null, always.
   */
  static boolean turns(Reach.Masqueraded m, Flow flow, Verdict verdict, Evaluator eval) {
    if (eval == null) {
      return true;
    }
    Endpoint h = flow.destination();
    Step step =
        verdict.steps().stream()
            .filter(
                s -> !s.forward() && s.direction() == Direction.INGRESS && h.equals(s.endpoint()))
            .findFirst()
            .orElse(null);
    if (step == null) {
      return true;
    }
    if (verdict.steps().stream().anyMatch(s -> s != step && !s.allowed())) {
      return false; // spec S9.3: another step denies whatever source the host endpoint sees
    }
    Masquerade.Seen seen = m.masquerade().seen(flow);
    if (seen.kind() != Masquerade.Kind.TRANSLATED) {
      return true;
    }
    if (!SettledMasquerade.apart(m, flow.source(), h, () -> eval, false)) {
      return false; // spec S6.10: it tells no translated packet of the pair apart
    }
    if (readsSourcePort(eval.chain(h, Direction.INGRESS))) {
      return true;
    }
    for (Flow p : dev.tierproof.eval.Translated.packets(flow, seen, eval.policySet())) {
      if (eval.evaluate(h, Direction.INGRESS, p).allowed() != step.allowed()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The step reads a packet's source port: a rule's source ports or service, or an untracked path.
   */
  static boolean readsSourcePort(StepPath chain) {
    for (StepPath.Entered e : chain.tiers()) {
      if (e.path() == HostPath.UNTRACKED) {
        return true;
      }
      for (Policy p : e.applying()) {
        if (p.rules(Direction.INGRESS).stream().anyMatch(Masquerading::readsPort)) {
          return true;
        }
      }
    }
    for (Profile p : chain.profiles()) {
      if (p.rules(Direction.INGRESS).stream().anyMatch(Masquerading::readsPort)) {
        return true;
      }
    }
    return false;
  }

  private static boolean readsPort(Rule r) {
    EntityMatch m = r.source();
    return !m.ports().isEmpty() || !m.notPorts().isEmpty() || m.service() != null;
  }

  /**
   * {@code flow}'s packet as its host endpoint receives it from one of its workload's node's
   * addresses ({@code flow}: the packet then, owned by the node's host endpoint listing it), and
   * the verdict of the steps of the shown flow with the host endpoint's ingress step taken on it.
   */
  public record Translation(String node, Flow flow, Verdict verdict) {}

  /**
   * Where the input settles nat-outgoing's masquerade of {@code flow} (whose {@code verdict} eval
   * gave) and an element of {@code acting} still reaches it (spec S6.10, S9.3): per address of the
   * workload's node, the packet from there and the flow's verdict with the host endpoint's ingress
   * step taken on it; else none.
   */
  public static List<Translation> translations(
      List<dev.tierproof.model.Unmodelled> acting, Flow flow, Verdict verdict, Evaluator eval) {
    List<Translation> out = new ArrayList<>();
    Reach.Masqueraded m =
        acting.stream()
            .map(dev.tierproof.model.Unmodelled::reach)
            .filter(r -> r instanceof Reach.Masqueraded x && x.reaches(flow))
            .map(Reach.Masqueraded.class::cast)
            .findFirst()
            .orElse(null);
    Masquerade.Seen seen = m == null ? null : m.masquerade().seen(flow);
    if (seen == null || seen.kind() != Masquerade.Kind.TRANSLATED) {
      return out;
    }
    Endpoint h = flow.destination();
    for (Flow p : dev.tierproof.eval.Translated.packets(flow, seen, eval.policySet())) {
      Step at = eval.evaluate(h, Direction.INGRESS, p);
      List<Step> steps = new ArrayList<>();
      for (Step s : verdict.steps()) {
        boolean here = !s.forward() && s.direction() == Direction.INGRESS && h.equals(s.endpoint());
        steps.add(here ? at : s);
      }
      out.add(
          new Translation(
              flow.source().node(), p, new Verdict(steps.stream().allMatch(Step::allowed), steps)));
    }
    return out;
  }

  /** explain's text notes on {@code translations} ({@link #translations}) of {@code flow}. */
  public static List<String> notes(List<Translation> translations, Flow flow) {
    List<String> out = new ArrayList<>();
    Endpoint h = flow.destination();
    for (Translation x : translations) {
      Step at =
          x.verdict().steps().stream()
              .filter(
                  s -> !s.forward() && s.direction() == Direction.INGRESS && h.equals(s.endpoint()))
              .findFirst()
              .orElseThrow();
      out.add(
          "nat-outgoing masquerades it to node "
              + x.node()
              + "'s address "
              + x.flow().sourceIp()
              + ": "
              + h.ref()
              + "'s ingress step "
              + (at.allowed() ? "allows" : "denies")
              + " it ("
              + decided(at.decidedBy())
              + "), so the flow is "
              + (x.verdict().allowed() ? "allowed" : "denied")
              + (flow.sourcePort() != null ? " if the source port is kept" : ""));
    }
    return out;
  }

  private static String decided(dev.tierproof.eval.Decision d) {
    if (d.policy() != null) {
      return (d.rule() != null ? "rule " + d.rule().index() + " of " : "the tier default after ")
          + d.policy().displayName();
    }
    if (d.profile() != null) {
      return "profile " + d.profile().name();
    }
    return d.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
