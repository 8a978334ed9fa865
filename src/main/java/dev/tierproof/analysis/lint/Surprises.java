package dev.tierproof.analysis.lint;

import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.analysis.lint.Steps.Walk;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * The surprises Calico users hit, each shown by a replayed example: TP201 a Pass that falls through
 * to an allowing profile (found while sampling), TP202 Log-only policies whose tier then denies,
 * TP203 GlobalNetworkPolicies that also select host endpoints, TP204 staged policies that would
 * change verdicts, TP205 {@code notSelector}/{@code notNets}-only sides matching outside traffic.
 * Spec S2.2, S2.5, S4.3-S4.6.
 */
final class Surprises {

  private final Phase phase;

  Surprises(Phase phase) {
    this.phase = phase;
  }

  /** TP205: the far side of an Allow rule has only notSelector or only notNets. */
  static boolean negationSide(RuleRef rule) {
    if (rule.action() != Action.ALLOW) {
      return false;
    }
    for (Rule r : rule.rules()) {
      EntityMatch far = rule.direction() == Direction.INGRESS ? r.source() : r.destination();
      boolean notSel = far.notSelector() != null && far.selector() == null && far.nets().isEmpty();
      boolean notNets =
          !far.notNets().isEmpty()
              && far.nets().isEmpty()
              && far.selector() == null
              && far.notSelector() == null;
      if ((notSel || notNets) && far.domains().isEmpty() && far.service() == null) {
        return true;
      }
    }
    return false;
  }

  static boolean notSelectorSide(RuleRef rule) {
    Rule r = rule.rules().get(0);
    EntityMatch far = rule.direction() == Direction.INGRESS ? r.source() : r.destination();
    return far.notSelector() != null;
  }

  boolean outsidePeer(RuleRef rule, Flow f) {
    Ip ip = rule.direction() == Direction.INGRESS ? f.sourceIp() : f.destinationIp();
    return negationSide(rule) && !phase.samples().owned(ip);
  }

  void negationOutside(RuleRef rule, List<StepPath> chains) {
    if (!negationSide(rule)) {
      return;
    }
    for (StepPath chain : chains) {
      for (Flow f : phase.samples().outsideFlows(rule, chain.at(), 8)) {
        if (!phase.steps().matches(rule, f)) {
          continue;
        }
        Walk w = phase.steps().walk(chain, f, rule.policy(), rule.index(), null, -1);
        if (w.took() && w.allowed()) {
          phase
              .findings()
              .add(
                  new Finding.NegationMatchesOutside(
                      rule, notSelectorSide(rule), phase.examples().at(chain, f, null)));
          return;
        }
      }
    }
  }

  /**
   * TP202: only Log rules in a governed direction, and the tier's implicit deny drops what they
   * log.
   */
  void logOnly(Tier tier, Policy p, Direction d, List<StepPath> chains) {
    List<Rule> rs = p.rules(d);
    if (rs.isEmpty()
        || rs.stream().anyMatch(r -> r.action() != Action.LOG)
        || tier.defaultAction() == Action.PASS) {
      return;
    }
    for (RuleRef rule : RuleRef.of(tier, p, d)) {
      for (StepPath chain : chains) {
        for (Flow f : phase.samples().flows(rule, chain.at(), Samples.FLOWS_PER_CLASS)) {
          if (!phase.steps().matches(rule, f)) {
            continue;
          }
          Walk w = phase.steps().walk(chain, f, p, rule.index(), null, -1);
          if (w.arrived()
              && w.decider().kind() == Decision.Kind.TIER_DEFAULT
              && w.decider().tier() == tier) {
            phase
                .findings()
                .add(new Finding.LogOnlyDenies(tier, p, d, phase.examples().at(chain, f, null)));
            return;
          }
        }
      }
    }
  }

  /** TP203: a GlobalNetworkPolicy that selects workloads (or all()) also selects host endpoints. */
  void gnpHosts(Tier tier, Policy p) {
    if (p.kind() != PolicyKind.GLOBAL_NETWORK_POLICY) {
      return;
    }
    List<Endpoint> hosts = new ArrayList<>();
    boolean workloads = false;
    for (EClass c : phase.steps().classes) {
      Endpoint e = c.representative();
      boolean selects =
          p.types().stream().anyMatch(d -> Evaluator.applies(p, e, d, phase.set().dataplane()));
      if (selects && e.isHost()) {
        hosts.addAll(c.members());
      } else if (selects) {
        workloads = true;
      }
    }
    boolean everything = p.selector() instanceof Selector.All;
    if (!hosts.isEmpty() && (workloads || everything)) {
      phase.findings().add(new Finding.GnpSelectsHosts(tier, p, hosts, false));
      return;
    }
    if (phase.scope() == Scope.ANY && hosts.isEmpty()) {
      boolean[] unknown = {false};
      boolean host = Labels.host(phase.network().get(), p.selector(), unknown).isPresent();
      boolean workload =
          workloads
              || Labels.workload(phase.network().get(), null, p.selector(), unknown).isPresent();
      if (host && workload) {
        phase.findings().add(new Finding.GnpSelectsHosts(tier, p, hosts, true));
      }
    }
  }

  /** TP207: rules whose {@code notNets} hold a catch-all CIDR (spec S8, before Calico 3.31). */
  void catchAllNotNets(Tier tier, Policy p) {
    for (Direction d : Direction.values()) {
      for (RuleRef ref : RuleRef.of(tier, p, d)) {
        ref.rules().stream()
            .flatMap(r -> java.util.stream.Stream.of(r.source(), r.destination()))
            .flatMap(m -> m.notNets().stream())
            .filter(dev.tierproof.model.Cidr::isCatchAll)
            .findFirst()
            .ifPresent(c -> phase.findings().add(new Finding.CatchAllNotNets(ref, c)));
      }
    }
  }

  /**
   * TP204: packets at the endpoints a staged policy would select whose verdict enforcing it
   * changes.
   */
  void staged(Tier tier, Policy s) {
    PolicyKind enforcedKind =
        switch (s.kind()) {
          case STAGED_NETWORK_POLICY -> PolicyKind.NETWORK_POLICY;
          case STAGED_GLOBAL_NETWORK_POLICY -> PolicyKind.GLOBAL_NETWORK_POLICY;
          case STAGED_KUBERNETES_NETWORK_POLICY -> PolicyKind.KUBERNETES_NETWORK_POLICY;
          default -> s.kind();
        };
    Policy enforced =
        new Policy(
            enforcedKind,
            s.name(),
            s.namespace(),
            s.tier(),
            s.order(),
            s.selector(),
            s.types(),
            s.ingress(),
            s.egress(),
            s.doNotTrack(),
            s.preDnat(),
            s.applyOnForward(),
            s.span());
    List<Tier> tiers = new ArrayList<>();
    for (Tier t : phase.set().tiers()) {
      List<Policy> ps = new ArrayList<>();
      t.policies().forEach(p -> ps.add(p == s ? enforced : p));
      tiers.add(new Tier(t.name(), t.order(), t.defaultAction(), t.declared(), t.span(), ps));
    }
    PolicySet changedSet =
        new PolicySet(
            tiers,
            phase.set().endpoints(),
            phase.set().networkSets(),
            phase.set().profiles(),
            phase.set().namespaces(),
            phase.set().dataplane(),
            phase.set().failsafe(),
            phase.set().pools());
    Evaluator changed = new Evaluator(changedSet);
    List<Example> examples = new ArrayList<>();
    Rule any = Rule.allowAll(-1);
    for (Direction d : Direction.values()) {
      if (!enforced.governs(d)) {
        continue;
      }
      List<EClass> classes = new ArrayList<>();
      for (EClass c : phase.steps().classes) {
        if (Evaluator.applies(enforced, c.representative(), d, phase.set().dataplane())) {
          classes.add(c);
        }
      }
      List<RuleRef> probes = new ArrayList<>(RuleRef.of(tier, enforced, d));
      probes.add(new RuleRef(tier, enforced, d, -1, List.of(any)));
      for (EClass c : Steps.spread(classes)) {
        Endpoint at = c.representative();
        boolean found = false;
        for (RuleRef probe : probes) {
          for (Flow f : phase.samples().flows(probe, at, Samples.FLOWS_PER_CLASS)) {
            Step before = phase.evaluator().evaluate(at, d, f);
            Step after = changed.evaluate(at, d, f);
            if (before.allowed() != after.allowed()) {
              examples.add(new Example(at, d, f, before, after));
              found = true;
              break;
            }
          }
          if (found) {
            break;
          }
        }
        if (examples.size() >= 3) {
          break;
        }
      }
    }
    if (!examples.isEmpty()) {
      phase.findings().add(new Finding.StagedWouldChange(tier, s, examples));
    }
  }
}
