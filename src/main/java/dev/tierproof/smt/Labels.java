package dev.tierproof.smt;

import dev.tierproof.selector.Selector;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Label maps of endpoints that could exist and that a selector matches (spec S1.3, S5.3): for
 * policies that select no input endpoint, whether they can select any endpoint at all, and an
 * example to evaluate. Workload endpoints carry their automatic labels and their namespace's {@code
 * pcns.*} labels (a namespace the input lacks has unconstrained ones); host endpoints carry none of
 * {@code projectcalico.org/namespace}, {@code …/orchestrator}, {@code …/serviceaccount}, {@code
 * pcns.*}, {@code pcsa.*}. Uses the network's session; call it with no query open.
 */
public final class Labels {

  private static final LabelView HOST =
      new LabelView(
          Map.of(),
          Set.of(
              Network.NAMESPACE,
              Network.ORCHESTRATOR,
              "projectcalico.org/serviceaccount",
              Network.PCNS,
              "pcsa."));

  private Labels() {}

  /**
   * The effective labels of a workload endpoint in {@code namespace} (null: any namespace, also one
   * the input lacks) that {@code selector} matches; empty when none can exist, or when the solver
   * cannot decide ({@code unknown[0]} is then set).
   */
  public static Optional<Map<String, String>> workload(
      Network net, String namespace, Selector selector, boolean[] unknown) {
    for (Network.NsOption ns : net.namespaceOptions(namespace)) {
      Optional<Map<String, String>> found =
          solve(net, ns.view(), selector, ns.name() == null, unknown);
      if (found.isPresent()) {
        Map<String, String> labels = new TreeMap<>(found.get());
        if (ns.name() == null) {
          String name = labels.getOrDefault(Network.NAMESPACE, "new-namespace");
          labels.put(Network.NAMESPACE, name);
          labels.put(Network.NAMESPACE_NAME, name);
        }
        return Optional.of(labels);
      }
    }
    return Optional.empty();
  }

  /** The labels of a host endpoint that {@code selector} matches; empty when none can exist. */
  public static Optional<Map<String, String>> host(
      Network net, Selector selector, boolean[] unknown) {
    return solve(net, HOST, selector, false, unknown);
  }

  private static Optional<Map<String, String>> solve(
      Network net, LabelView view, Selector selector, boolean newNamespace, boolean[] unknown) {
    Selector residual = Residual.of(selector, view);
    if (Residual.isFalse(residual)) {
      return Optional.empty();
    }
    if (Residual.isTrue(residual) && !newNamespace) {
      return Optional.of(view.fixed());
    }
    SolverSession session = net.session;
    Terms t = new Terms(session);
    SymbolicLabels labels =
        SymbolicLabels.of(
            t, "labels.", List.of(residual), newNamespace, net.namespaceNames(), List.of());
    session.push();
    try {
      labels.domains().forEach(session::add);
      session.add(labels.selector(residual));
      if (newNamespace) {
        session.add(labels.newNamespace(net.namespaceNames()));
      }
      SolverSession.Check c = session.check();
      if (c.status() == SolverSession.Status.UNKNOWN) {
        unknown[0] = true;
        return Optional.empty();
      }
      if (c.status() == SolverSession.Status.UNSAT) {
        return Optional.empty();
      }
      return Optional.of(labels.decode(c.model(), view));
    } finally {
      session.pop();
    }
  }
}
