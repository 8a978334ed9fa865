package dev.tierproof.load;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Suggest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Calico (Staged)(Global)NetworkPolicy specs → {@link Policy}: effective selector (S2.1, S2.2),
 * types defaulting (S2.3), rules (S3), and the policy-level validation (S8, CEL).
 */
final class Policies {

  static final String DEFAULT_TIER = "default";
  private static final List<String> TYPES = List.of("Ingress", "Egress");
  private static final List<String> STAGED_ACTIONS = List.of("Set", "Delete", "Learn", "Ignore");

  private Policies() {}

  static Policy calico(PolicyKind kind, Meta meta, Fields spec, CalicoVersion version) {
    boolean global = !kind.namespaced();
    String tier = spec.string("tier");
    Double order = spec.number("order");
    Selector selector = Selectors.read(spec, "selector", Selectors.Use.PLAIN);
    Selector namespaces =
        global ? Selectors.read(spec, "namespaceSelector", Selectors.Use.PLAIN) : null;
    Selector serviceAccounts = Selectors.read(spec, "serviceAccountSelector", Selectors.Use.PLAIN);
    String ruleNamespace = global ? null : meta.namespace();
    List<Rule> ingress = Rules.read(spec, Direction.INGRESS, ruleNamespace, version);
    List<Rule> egress = Rules.read(spec, Direction.EGRESS, ruleNamespace, version);
    Set<Direction> written = types(spec, "types");
    Set<Direction> types = written.isEmpty() ? defaultTypes(ingress, egress) : written;
    boolean doNotTrack = global && spec.flag("doNotTrack");
    boolean preDnat = global && spec.flag("preDNAT");
    boolean applyOnForward = global && spec.flag("applyOnForward");
    if (global) {
      hostPaths(
          spec,
          doNotTrack,
          preDnat,
          applyOnForward,
          !egress.isEmpty(),
          written.contains(Direction.EGRESS));
    }
    unused(spec, types, ingress, egress);
    spec.ignore("performanceHints");
    if (kind.staged()) {
      stagedAction(spec);
    }
    spec.done();
    Selector effective =
        global
            ? Selectors.globalPolicy(selector, namespaces, serviceAccounts)
            : Selectors.namespacedPolicy(selector, meta.namespace(), serviceAccounts);
    return new Policy(
        kind,
        meta.name(),
        global ? null : meta.namespace(),
        tier == null || tier.isEmpty() ? DEFAULT_TIER : tier,
        order,
        effective,
        types,
        ingress,
        egress,
        doNotTrack,
        preDnat,
        applyOnForward,
        meta.span());
  }

  /**
   * Written {@code Ingress}/{@code Egress} values (case-sensitive, no duplicates); empty when none.
   */
  static Set<Direction> types(Fields spec, String key) {
    Set<Direction> out = EnumSet.noneOf(Direction.class);
    for (Node.Scalar s : spec.strings(key)) {
      Direction t =
          s.text().equals("Ingress")
              ? Direction.INGRESS
              : s.text().equals("Egress") ? Direction.EGRESS : null;
      if (t == null) {
        spec.diagnostics()
            .error(s.span(), "invalid type `" + s.text() + "`" + Suggest.choice(s.text(), TYPES));
      } else if (!out.add(t)) {
        spec.diagnostics().error(s.span(), "duplicate type `" + s.text() + "`");
      }
    }
    return out;
  }

  /** Calico's defaulting of empty {@code types}: by which rule lists are non-empty. */
  static Set<Direction> defaultTypes(List<Rule> ingress, List<Rule> egress) {
    // spec S2.3
    if (egress.isEmpty()) {
      return EnumSet.of(Direction.INGRESS);
    }
    return ingress.isEmpty() ? EnumSet.of(Direction.EGRESS) : EnumSet.allOf(Direction.class);
  }

  /**
   * Kubernetes' defaulting of empty {@code policyTypes}: Ingress, and Egress when there are egress
   * rules.
   */
  static Set<Direction> kubernetesDefaultTypes(boolean egressRules) {
    // spec S2.4
    return egressRules ? EnumSet.allOf(Direction.class) : EnumSet.of(Direction.INGRESS);
  }

  private static void unused(
      Fields spec, Set<Direction> types, List<Rule> ingress, List<Rule> egress) {
    for (Direction direction : Direction.values()) {
      List<Rule> rules = direction == Direction.INGRESS ? ingress : egress;
      if (!rules.isEmpty() && !types.contains(direction)) {
        spec.diagnostics()
            .warning(
                spec.keySpan(direction.json()),
                direction.json()
                    + " rules have no effect: `types` does not include `"
                    + direction.calico()
                    + "`");
      }
    }
  }

  private static void hostPaths(
      Fields spec,
      boolean doNotTrack,
      boolean preDnat,
      boolean applyOnForward,
      boolean egressRules,
      boolean egressType) {
    // spec S8 (CEL), S6.3
    Diagnostics d = spec.diagnostics();
    if (doNotTrack && preDnat) {
      d.error(spec.keySpan("preDNAT"), "`doNotTrack` and `preDNAT` cannot both be true");
    }
    if (preDnat && egressRules) {
      d.error(spec.keySpan("egress"), "a `preDNAT` policy cannot have egress rules");
    }
    if (preDnat && egressType) {
      d.error(spec.valueSpan("types"), "a `preDNAT` policy cannot have type `Egress`");
    }
    if ((doNotTrack || preDnat) && !applyOnForward) {
      d.error(
          spec.keySpan(doNotTrack ? "doNotTrack" : "preDNAT"),
          "`applyOnForward` must be true when `doNotTrack` or `preDNAT` is");
    }
    String flag =
        doNotTrack ? "doNotTrack" : preDnat ? "preDNAT" : applyOnForward ? "applyOnForward" : null;
    if (flag != null) {
      // spec S6.11: of forwarded traffic the chains of the nodes whose interfaces are settled
      d.warning(
          spec.keySpan(flag),
          "`"
              + flag
              + (doNotTrack
                  ? "`: forwarded traffic through host endpoints is modelled only with"
                      + " `--dataplane iptables` or `nftables`, at the named host endpoints of a"
                      + " node whose host endpoints' interfaces are settled, and not the reply of"
                      + " an untracked Allow there"
                  : "`: forwarded traffic through host endpoints is modelled only for the"
                      + " workloads of a node whose host endpoints' interfaces are settled (for"
                      + " every interface routing may pick), with addresses outside the cluster,"
                      + " with other workloads and with other nodes' host endpoints, and for two"
                      + " addresses outside the cluster"
                      + " routed through such a node"
                      + (preDnat
                          ? " (not the outer packet of IPIP or VXLAN between two nodes)"
                          : "")));
    }
  }

  static void stagedAction(Fields spec) {
    Node.Scalar s = spec.scalar("stagedAction");
    if (s != null && !STAGED_ACTIONS.contains(s.text())) {
      spec.diagnostics()
          .error(
              s.span(),
              "invalid stagedAction `" + s.text() + "`" + Suggest.choice(s.text(), STAGED_ACTIONS));
    }
  }
}
