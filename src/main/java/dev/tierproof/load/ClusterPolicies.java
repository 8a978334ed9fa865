package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes {@code ClusterNetworkPolicy} ({@code policy.networking.k8s.io/v1alpha2}, {@code
 * v1beta1}) as Calico 3.32 converts it, and {@code AdminNetworkPolicy} / {@code
 * BaselineAdminNetworkPolicy} ({@code v1alpha1}) as Calico 3.29-3.31 did (specs/semantics.md S2.10,
 * S2.11), after the validation the API server's schema applies (unknown fields, enums, ranges and
 * CEL rules are errors). A rule Calico cannot convert (a peer it does not support) is handled as
 * Calico handles it, with a warning: a Deny or Pass rule becomes an unconditional Deny, an Accept
 * (Allow) rule is dropped.
 */
final class ClusterPolicies {

  static final String GROUP = "policy.networking.k8s.io/";
  static final List<String> CNP_APIS = List.of(GROUP + "v1alpha2", GROUP + "v1beta1");
  static final List<String> ANP_APIS = List.of(GROUP + "v1alpha1");

  static final String KUBE_ADMIN = "kube-admin";
  static final String KUBE_BASELINE = "kube-baseline";
  static final String ANP_TIER = "adminnetworkpolicy";
  static final String BANP_TIER = "baselineadminnetworkpolicy";

  /** The fixed order of the one BaselineAdminNetworkPolicy in its tier (S2.11). */
  private static final double BANP_ORDER = 1000;

  private static final int MAX_PRIORITY = 1000;

  private ClusterPolicies() {}

  /**
   * One ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy ({@code kind})
   * converted; its {@code spec} is read strictly.
   */
  static Policy convert(PolicyKind kind, Meta meta, Fields spec) {
    spec.strict();
    Diagnostics d = spec.diagnostics();
    String tier;
    Double order;
    if (kind == PolicyKind.KUBERNETES_CLUSTER_NETWORK_POLICY) {
      // spec S2.10
      Node.Scalar t = spec.scalar("tier");
      tier = KUBE_ADMIN;
      if (t == null) {
        d.error(spec.span(), "missing field `spec.tier`: `Admin` or `Baseline`");
      } else if (t.text().equals("Baseline")) {
        tier = KUBE_BASELINE;
      } else if (!t.text().equals("Admin")) {
        d.error(
            t.span(),
            "invalid tier `"
                + t.text()
                + "`"
                + Suggest.choice(t.text(), List.of("Admin", "Baseline")));
      }
      order = priority(spec);
    } else if (kind == PolicyKind.KUBERNETES_ADMIN_NETWORK_POLICY) {
      // spec S2.11
      tier = ANP_TIER;
      order = priority(spec);
    } else {
      tier = BANP_TIER;
      order = BANP_ORDER;
      if (meta.keep() && !meta.name().equals("default")) {
        d.error(
            meta.nameSpan(),
            "a BaselineAdminNetworkPolicy must be named `default` (there is one per cluster)");
      }
    }
    Selector selector = subject(spec);
    List<Rule> ingress = rules(kind, spec, Direction.INGRESS);
    List<Rule> egress = rules(kind, spec, Direction.EGRESS);
    spec.done();
    // spec S2.10: the directions with at least one converted rule; the tiers pass by default
    Set<Direction> types = EnumSet.noneOf(Direction.class);
    if (!ingress.isEmpty()) {
      types.add(Direction.INGRESS);
    }
    if (!egress.isEmpty()) {
      types.add(Direction.EGRESS);
    }
    return KubernetesPolicies.policy(kind, meta, tier, order, selector, types, ingress, egress);
  }

  private static Double priority(Fields spec) {
    if (!spec.has("priority")) {
      spec.diagnostics().error(spec.span(), "missing field `spec.priority` (0-1000)");
      return (double) MAX_PRIORITY;
    }
    Integer p = spec.integer("priority");
    if (p == null) {
      return (double) MAX_PRIORITY; // the type error is reported
    }
    if (p < 0 || p > MAX_PRIORITY) {
      spec.diagnostics()
          .error(spec.valueSpan("priority"), "invalid priority `" + p + "`: must be 0-1000");
    }
    return (double) p;
  }

  /**
   * The subject as Calico's policy selector: {@code namespaces} → namespaceSelector with selector
   * {@code projectcalico.org/orchestrator == 'k8s'}; {@code pods} → both (S2.10).
   */
  private static Selector subject(Fields spec) {
    Fields subject = spec.object("subject");
    if (subject == null) {
      spec.diagnostics().error(spec.span(), "missing field `spec.subject`");
      return Selector.all();
    }
    Peer p = peer(subject, "subject", false);
    subject.done();
    if (p == null || p.unsupported() != null) {
      return Selector.all();
    }
    return Selectors.globalPolicy(
        p.selector() == null ? orchestrator() : p.selector(), p.namespaces(), null);
  }

  private static Selector orchestrator() {
    return Selectors.equal(Selectors.ORCHESTRATOR, "k8s");
  }

  /**
   * A peer (or the subject): its raw pod selector (null for a namespaces peer), namespace selector
   * and nets; {@code unsupported} names a field Calico does not convert.
   */
  private record Peer(
      Selector selector, Selector namespaces, List<Cidr> nets, String unsupported) {}

  /** Exactly one of {@code namespaces}, {@code pods} (and for an egress peer {@code networks}). */
  private static Peer peer(Fields f, String what, boolean egress) {
    Diagnostics d = f.diagnostics();
    Fields namespaces = f.object("namespaces");
    Fields pods = f.object("pods");
    List<Node.Scalar> networks = egress ? f.strings("networks") : List.of();
    boolean nodes = egress && f.has("nodes");
    boolean domains = egress && f.has("domainNames");
    if (nodes) {
      f.object("nodes"); // checked as a label selector below only when converted
    }
    if (domains) {
      f.strings("domainNames");
    }
    int set =
        (namespaces != null ? 1 : 0)
            + (pods != null ? 1 : 0)
            + (networks.isEmpty() ? 0 : 1)
            + (nodes ? 1 : 0)
            + (domains ? 1 : 0);
    if (set != 1) {
      d.error(
          f.span(),
          (set == 0 ? "a " + what + " needs one of " : "a " + what + " takes exactly one of ")
              + (egress
                  ? "`namespaces`, `pods`, `networks`, `nodes` or `domainNames`"
                  : "`namespaces` or `pods`"));
      return null;
    }
    if (nodes || domains) {
      return new Peer(null, null, List.of(), nodes ? "nodes" : "domainNames");
    }
    if (namespaces != null) {
      return new Peer(null, namespaceSelector(namespaces), List.of(), null);
    }
    if (pods != null) {
      Fields podSelector = pods.object("podSelector");
      Fields nsSelector = pods.object("namespaceSelector");
      if (podSelector == null) {
        d.error(pods.span(), "missing field `podSelector` (`{}` selects every pod)");
      }
      List<Selector> terms = new ArrayList<>();
      terms.add(orchestrator());
      terms.addAll(KubernetesPolicies.labelSelector(podSelector));
      Selector ns = namespaceSelector(nsSelector);
      pods.done();
      return new Peer(Selectors.all(terms), ns, List.of(), null);
    }
    List<Cidr> nets = new ArrayList<>();
    for (Node.Scalar s : networks) {
      Cidr c = KubernetesPolicies.network(s, d);
      if (c != null) {
        nets.add(c);
      }
    }
    return new Peer(null, null, nets, null);
  }

  /** A namespace LabelSelector as Calico writes it: empty (or absent) is {@code all()}. */
  private static Selector namespaceSelector(Fields f) {
    List<Selector> terms = KubernetesPolicies.labelSelector(f);
    return terms.isEmpty() ? Selector.all() : Selectors.all(terms);
  }

  private static List<Rule> rules(PolicyKind kind, Fields spec, Direction direction) {
    // spec S2.10, S2.11
    boolean ingress = direction == Direction.INGRESS;
    List<Rule> out = new ArrayList<>();
    List<Fields> entries = spec.objects(direction.json());
    for (int index = 0; index < entries.size(); index++) {
      Fields entry = entries.get(index);
      Diagnostics d = entry.diagnostics();
      Node.Scalar name = entry.scalar("name");
      if (name != null && name.text().length() > 100) {
        d.error(name.span(), "a rule name has at most 100 characters");
      }
      Action action = action(kind, entry);
      List<Fields> peerFields = entry.objects(ingress ? "from" : "to");
      if (peerFields.isEmpty()) {
        d.error(
            entry.has(ingress ? "from" : "to")
                ? entry.valueSpan(ingress ? "from" : "to")
                : entry.span(),
            "a rule needs at least one peer in `" + (ingress ? "from" : "to") + "`");
      }
      List<Peer> peers = new ArrayList<>();
      String unsupported = null;
      boolean valid = action != null;
      for (Fields p : peerFields) {
        Peer peer = peer(p, "peer", !ingress);
        p.done();
        if (peer == null) {
          valid = false;
        } else if (peer.unsupported() != null) {
          unsupported = peer.unsupported();
        } else {
          peers.add(peer);
        }
      }
      Map<String, List<Port>> ports =
          ClusterPorts.read(
              kind == PolicyKind.KUBERNETES_CLUSTER_NETWORK_POLICY,
              entry,
              peers.stream().anyMatch(p -> !p.nets().isEmpty()));
      entry.done();
      if (!valid || ports == null) {
        continue; // an error was reported
      }
      if (unsupported != null) {
        // Calico's conversion fails for the whole rule and fails closed
        boolean denies = action != Action.ALLOW;
        d.warning(
            entry.span(),
            "Calico cannot convert this rule (a `"
                + unsupported
                + "` peer is not supported): "
                + (denies
                    ? "it becomes a rule that denies all " + direction.json() + " traffic"
                    : "it is dropped")
                + ", as Calico does");
        if (denies) {
          out.add(Rule.unconditional(index, Action.DENY, entry.span()));
        }
        continue;
      }
      List<KubernetesPolicies.Far> far = new ArrayList<>();
      for (Peer peer : peers) {
        Selector composed =
            peer.selector() == null && peer.namespaces() == null
                ? null
                : Selectors.positive(
                    peer.selector(), peer.namespaces(), null, List.of(), null, null);
        far.add(new KubernetesPolicies.Far(composed, peer.nets(), List.of()));
      }
      out.addAll(
          new KubernetesPolicies.Converted(index, action, ingress, entry.span()).rules(ports, far));
    }
    return out;
  }

  /** {@code Accept}/{@code Deny}/{@code Pass} (ClusterNetworkPolicy), {@code Allow}/... (admin). */
  private static Action action(PolicyKind kind, Fields entry) {
    List<String> names =
        switch (kind) {
          case KUBERNETES_CLUSTER_NETWORK_POLICY -> List.of("Accept", "Deny", "Pass");
          case KUBERNETES_ADMIN_NETWORK_POLICY -> List.of("Allow", "Deny", "Pass");
          default -> List.of("Allow", "Deny");
        };
    Node.Scalar a = entry.scalar("action");
    if (a == null) {
      if (!entry.has("action")) {
        entry
            .diagnostics()
            .error(entry.span(), "missing field `action`: " + String.join(", ", names));
      }
      return null;
    }
    if (!names.contains(a.text())) {
      entry
          .diagnostics()
          .error(a.span(), "invalid action `" + a.text() + "`" + Suggest.choice(a.text(), names));
      return null;
    }
    return switch (a.text()) {
      case "Deny" -> Action.DENY;
      case "Pass" -> Action.PASS;
      default -> Action.ALLOW;
    };
  }
}
