package dev.tierproof.analysis.lint;

import dev.tierproof.analysis.lint.Finding.UnmatchableRule.Cause;
import dev.tierproof.analysis.lint.Steps.EClass;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Why a rule is unmatchable (TP101): an explanation of the solver's unsat, each cause exact —
 * {@code protocol} against {@code notProtocol}, {@code icmp} against {@code notICMP}, nets inside
 * notNets, ports inside notPorts, and in scope {@link Scope#EXISTING} a selector that selects
 * nothing, named ports no endpoint declares, a side that excludes the policy's own endpoints; else
 * their combination. Spec S3.
 */
record Unmatchable(PolicySet set, Scope scope, Steps steps, Samples samples) {

  /**
   * Why {@code rule} matches no packet at the endpoints its policy selects, nor ({@code forward})
   * on the forward sides of walked nodes it is on (the solver said so; spec S6.11: there its sides
   * see a workload and its far end, not the policy's own endpoint, so the causes about that are not
   * given).
   */
  Finding of(RuleRef rule, boolean forward) {
    Rule r = rule.rules().get(0);
    boolean ingress = rule.direction() == Direction.INGRESS;
    EntityMatch local = ingress ? r.destination() : r.source();
    EntityMatch far = ingress ? r.source() : r.destination();
    if (r.protocol() != null && r.notProtocol() != null && r.protocol().equals(r.notProtocol())) {
      return new Finding.UnmatchableRule(
          rule,
          Cause.PROTOCOL,
          "`protocol` and `notProtocol` are both "
              + dev.tierproof.model.Protocols.name(r.protocol()));
    }
    if (r.icmp() != null
        && r.notIcmp() != null
        && r.notIcmp().type() == r.icmp().type()
        && (r.notIcmp().code() == null || r.notIcmp().code().equals(r.icmp().code()))) {
      return new Finding.UnmatchableRule(
          rule, Cause.PROTOCOL, "`notICMP` excludes every packet `icmp` matches");
    }
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      String side = m == r.source() ? "source" : "destination";
      if (!m.nets().isEmpty()
          && m.nets().stream().allMatch(n -> m.notNets().stream().anyMatch(x -> inside(n, x)))) {
        return new Finding.UnmatchableRule(
            rule,
            Cause.NETS_EXCLUDED,
            "every CIDR of `" + side + ".nets` lies inside its `notNets`");
      }
      List<Port.Range> ports =
          m.ports().stream()
              .filter(Port.Range.class::isInstance)
              .map(Port.Range.class::cast)
              .toList();
      if (!m.ports().isEmpty()
          && ports.size() == m.ports().size()
          && ports.stream().allMatch(p -> covered(p, m.notPorts()))) {
        return new Finding.UnmatchableRule(
            rule, Cause.PORTS_EXCLUDED, "every port of `" + side + ".ports` is in its `notPorts`");
      }
    }
    if (scope == Scope.EXISTING) {
      for (EntityMatch m : List.of(far, local)) {
        boolean isLocal = m == local && m != far;
        if (isLocal && forward) {
          continue;
        }
        String side = (ingress == isLocal) ? "destination" : "source";
        if (m.selector() != null && nothingMatches(m)) {
          return new Finding.UnmatchableRule(
              rule,
              Cause.SELECTOR,
              "`"
                  + side
                  + "` selects no endpoint or network set: `"
                  + m.selector().canonical()
                  + "`");
        }
        List<String> names =
            m.ports().stream().filter(Port.Named.class::isInstance).map(Object::toString).toList();
        if (!names.isEmpty()
            && names.size() == m.ports().size()
            && noNamedPort(m, r, names, isLocal ? rule : null)) {
          String proto =
              r.protocol() == null ? "" : dev.tierproof.model.Protocols.name(r.protocol()) + " ";
          String ports = String.join(", ", names.stream().map(n -> "`" + n + "`").toList());
          return new Finding.UnmatchableRule(
              rule,
              Cause.NAMED_PORT,
              isLocal
                  ? "no endpoint the policy selects declares a " + proto + "port named " + ports
                  : "no endpoint its `"
                      + side
                      + "` can match declares a "
                      + proto
                      + "port named "
                      + ports);
        }
      }
      if (!forward && !local.isEmpty() && ownEndpointsExcluded(rule, local)) {
        String side = ingress ? "destination" : "source";
        return new Finding.UnmatchableRule(
            rule,
            Cause.OWN_ENDPOINTS,
            "its `"
                + side
                + "` is the policy's own endpoint, and it excludes every endpoint the policy selects");
      }
    }
    if (allInterfacesOnly(set, rule.policy())
        // spec S6.6: eBPF's XDP walks an all-interfaces endpoint's untracked ingress rules
        && !(set.dataplane() == dev.tierproof.model.Dataplane.BPF && ingress)) {
      return new Finding.UnmatchableRule(
          rule,
          Cause.ALL_INTERFACES,
          "the policy is `doNotTrack` and selects only all-interfaces host endpoints (`interfaceName:"
              + " \"*\"`), whose untracked policy Felix ignores");
    }
    return new Finding.UnmatchableRule(
        rule,
        Cause.COMBINATION,
        "its criteria together exclude every packet at the endpoints the policy selects"
            + (forward ? " and on the forward chains of its host endpoints" : ""));
  }

  /**
   * Whether {@code p} is untracked and the host endpoints it selects are all of all interfaces
   * (some at least): Felix programs no untracked policy there (spec S6.6).
   */
  static boolean allInterfacesOnly(PolicySet set, dev.tierproof.model.Policy p) {
    if (dev.tierproof.model.HostPath.of(p) != dev.tierproof.model.HostPath.UNTRACKED) {
      return false;
    }
    List<dev.tierproof.model.Endpoint> hosts =
        set.endpoints().stream()
            .filter(e -> e.isHost() && p.selector().matches(e.labels()))
            .toList();
    return !hosts.isEmpty() && hosts.stream().allMatch(dev.tierproof.model.Endpoint::allInterfaces);
  }

  private static boolean covered(Port.Range p, List<Port> notPorts) {
    for (int port = p.min(); port <= p.max(); port++) {
      final int x = port;
      if (notPorts.stream().noneMatch(n -> n instanceof Port.Range r && r.contains(x))) {
        return false;
      }
    }
    return true;
  }

  private boolean nothingMatches(EntityMatch m) {
    if (!samples.matching(m.selector(), m.notSelector()).isEmpty()) {
      return false;
    }
    for (NetworkSet n : set.networkSets()) {
      if (m.selector().matches(n.labels())
          && (m.notSelector() == null || !m.notSelector().matches(n.labels()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * No endpoint the side can match (for the policy's own side: that it selects) declares one of the
   * named ports.
   */
  private boolean noNamedPort(EntityMatch m, Rule r, List<String> names, RuleRef own) {
    List<Endpoint> candidates = new ArrayList<>();
    if (own != null) {
      steps.selected(own.policy(), own.direction()).forEach(c -> candidates.addAll(c.members()));
    } else if (m.selector() != null) {
      samples.matching(m.selector(), m.notSelector()).forEach(c -> candidates.addAll(c.members()));
    } else {
      candidates.addAll(set.endpoints());
    }
    for (Endpoint e : candidates) {
      for (NamedPort np : e.ports()) {
        if (names.contains(np.name()) && (r.protocol() == null || r.protocol() == np.protocol())) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The side at the policy's own endpoints: no selected endpoint's address passes its nets and
   * selector.
   */
  private boolean ownEndpointsExcluded(RuleRef rule, EntityMatch local) {
    if (!local.ports().isEmpty() || !local.notPorts().isEmpty() || !local.domains().isEmpty()) {
      return false;
    }
    for (EClass c : steps.selected(rule.policy(), rule.direction())) {
      for (Endpoint e : c.members()) {
        if (e.ips().isEmpty()) {
          return false;
        }
        for (Ip ip : e.ips()) {
          boolean nets =
              (local.nets().isEmpty() || local.nets().stream().anyMatch(n -> n.contains(ip)))
                  && local.notNets().stream().noneMatch(n -> n.contains(ip));
          if (!nets) {
            continue;
          }
          if (local.selector() == null && local.notSelector() == null) {
            return false;
          }
          List<Map<String, String>> at = new ArrayList<>();
          set.endpoints().stream()
              .filter(o -> o.ips().contains(ip))
              .forEach(o -> at.add(o.labels()));
          set.networkSets().stream()
              .filter(n -> n.nets().stream().anyMatch(x -> x.contains(ip)))
              .forEach(n -> at.add(n.labels()));
          boolean sel =
              local.selector() != null
                  ? at.stream()
                      .anyMatch(
                          l ->
                              local.selector().matches(l)
                                  && (local.notSelector() == null
                                      || !local.notSelector().matches(l)))
                  : at.stream().noneMatch(l -> local.notSelector().matches(l));
          if (sel) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** {@code inner} lies inside {@code outer}. */
  private static boolean inside(Cidr inner, Cidr outer) {
    return inner.family() == outer.family()
        && outer.prefix() <= inner.prefix()
        && outer.contains(new Ip(inner.family(), inner.low()));
  }
}
