package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Model;
import dev.tierproof.model.Profile;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
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

  /**
   * A class of workload endpoints that could be deployed in a namespace of the input (spec S5.3):
   * of the selectors asked about whose truth the namespace leaves open, as they read once its
   * labels are known (canonical, each once), those they satisfy ({@code matches}) and those they do
   * not ({@code notMatches}); {@code labels}, the effective labels of one of them. {@code assumed}:
   * the namespace's profile as Calico builds it, when the input lacks it (spec S2.8), else null.
   */
  public record LabelClass(
      String namespace,
      List<String> matches,
      List<String> notMatches,
      Map<String, String> labels,
      Profile assumed) {
    public LabelClass {
      matches = List.copyOf(matches);
      notMatches = List.copyOf(notMatches);
      labels = Map.copyOf(labels);
    }
  }

  /**
   * Every class of workload endpoints that could be deployed in a namespace the input mentions, by
   * which of {@code selectors} they satisfy: per namespace, each realizable combination once, with
   * labels decoded from the model that realizes it (selectors over its symbolic labels, as {@link
   * SymbolicLabels} encodes them; the namespace's labels fixed). Empty when there are more than
   * {@code limit} classes or the solver cannot decide ({@code unknown[0]} is then set).
   */
  public static List<LabelClass> classes(
      Network net, List<Selector> selectors, int limit, boolean[] unknown) {
    List<LabelClass> out = new ArrayList<>();
    for (String name : net.namespaceNames()) {
      for (Network.NsOption ns : net.namespaceOptions(name)) {
        if (!classes(net, ns, selectors, limit, out)) {
          unknown[0] = true;
          return List.of();
        }
      }
    }
    return out;
  }

  /** Adds the classes of one namespace; false when the solver could not enumerate them all. */
  private static boolean classes(
      Network net, Network.NsOption ns, List<Selector> selectors, int limit, List<LabelClass> out) {
    LabelView view = ns.view();
    List<Selector> residuals = selectors.stream().map(s -> Residual.of(s, view)).toList();
    List<Integer> open = new ArrayList<>();
    java.util.Set<Selector> seen = new java.util.HashSet<>();
    for (int i = 0; i < residuals.size(); i++) {
      Selector r = residuals.get(i);
      if (!Residual.isTrue(r) && !Residual.isFalse(r) && seen.add(r)) {
        open.add(i);
      }
    }
    SolverSession session = net.session;
    Terms t = new Terms(session);
    SymbolicLabels labels =
        SymbolicLabels.of(
            t,
            "class.",
            open.stream().map(residuals::get).toList(),
            false,
            net.namespaceNames(),
            List.of());
    Profile assumed = ns.assumed() ? ns.profile() : null;
    session.push();
    try {
      labels.domains().forEach(session::add);
      while (true) {
        SolverSession.Check c = session.check();
        if (c.status() == SolverSession.Status.UNSAT) {
          return true;
        }
        if (c.status() == SolverSession.Status.UNKNOWN || out.size() >= limit) {
          return false;
        }
        Model m = c.model();
        Map<String, String> decoded = labels.decode(m, view);
        List<String> matches = new ArrayList<>();
        List<String> notMatches = new ArrayList<>();
        List<BoolExpr> other = new ArrayList<>();
        for (int i : open) {
          BoolExpr sel = labels.selector(residuals.get(i));
          boolean holds = m.eval(sel, true).isTrue();
          if (holds != selectors.get(i).matches(decoded)) {
            throw new IllegalStateException(
                "internal error: selector `" + selectors.get(i).canonical() + "` on " + decoded);
          }
          (holds ? matches : notMatches).add(residuals.get(i).canonical());
          other.add(holds ? t.ctx().mkNot(sel) : sel);
        }
        out.add(new LabelClass(ns.name(), matches, notMatches, decoded, assumed));
        if (other.isEmpty()) {
          return true;
        }
        session.add(t.or(other));
      }
    } finally {
      session.pop();
    }
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
