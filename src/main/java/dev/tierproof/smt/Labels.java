package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Label maps of endpoints that could exist and that a selector matches (spec S1.3, S5.3): for
 * policies that select no input endpoint, whether they can select any endpoint at all, and an
 * example to evaluate. Workload endpoints carry their automatic labels and their namespace's
 * {@code pcns.*} labels (a namespace the input lacks has unconstrained ones); host endpoints carry
 * none of {@code projectcalico.org/namespace}, {@code …/orchestrator}, {@code …/serviceaccount},
 * {@code pcns.*}, {@code pcsa.*}. Uses the network's session; call it with no query open.
 */
public final class Labels {

  private static final LabelView HOST =
      new LabelView(
          Map.of(),
          Set.of(Network.NAMESPACE, Network.ORCHESTRATOR, "projectcalico.org/serviceaccount", Network.PCNS, "pcsa."));

  private Labels() {}

  /**
   * The effective labels of a workload endpoint in {@code namespace} (null: any namespace, also
   * one the input lacks) that {@code selector} matches; empty when none can exist, or when the
   * solver cannot decide ({@code unknown[0]} is then set).
   */
  public static Optional<Map<String, String>> workload(
      Network net, String namespace, Selector selector, boolean[] unknown) {
    for (Network.NsOption ns : net.namespaceOptions(namespace)) {
      Optional<Map<String, String>> found = solve(net, ns.view(), selector, ns.name() == null, unknown);
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
  public static Optional<Map<String, String>> host(Network net, Selector selector, boolean[] unknown) {
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
    Map<String, Set<String>> literals = new TreeMap<>();
    Set<String> strings = new TreeSet<>();
    scan(residual, literals, strings);
    if (newNamespace) {
      literals.computeIfAbsent(Network.NAMESPACE, k -> new TreeSet<>()).addAll(net.namespaceNames());
      if (literals.containsKey(Network.NAMESPACE_NAME)) {
        literals.get(Network.NAMESPACE).addAll(literals.get(Network.NAMESPACE_NAME));
        literals.put(Network.NAMESPACE_NAME, literals.get(Network.NAMESPACE));
        if (strings.contains(Network.NAMESPACE) || strings.contains(Network.NAMESPACE_NAME)) {
          strings.add(Network.NAMESPACE);
          strings.add(Network.NAMESPACE_NAME);
        }
      }
    }
    SolverSession session = net.session;
    Context ctx = session.ctx();
    Map<String, LabelVar> vars = new TreeMap<>();
    int n = 0;
    for (Map.Entry<String, Set<String>> e : literals.entrySet()) {
      vars.put(e.getKey(), new LabelVar(ctx, "labels." + n++, new ArrayList<>(e.getValue()), strings.contains(e.getKey())));
    }
    session.push();
    try {
      vars.values().forEach(v -> session.add(v.domain()));
      session.add(encode(ctx, residual, vars));
      if (newNamespace) {
        LabelVar ns = vars.get(Network.NAMESPACE);
        session.add(ns.present);
        session.add(ns.nonEmpty());
        for (String known : net.namespaceNames()) {
          session.add(ctx.mkNot(ns.is(known)));
        }
        LabelVar name = vars.get(Network.NAMESPACE_NAME);
        if (name != null) {
          session.add(name.present);
          session.add(name.sameValue(ns));
        }
      }
      SolverSession.Check c = session.check();
      if (c.status() == SolverSession.Status.UNKNOWN) {
        unknown[0] = true;
        return Optional.empty();
      }
      if (c.status() == SolverSession.Status.UNSAT) {
        return Optional.empty();
      }
      Model m = c.model();
      Map<String, String> out = new TreeMap<>(view.fixed());
      vars.forEach(
          (k, v) -> {
            if (m.eval(v.present, true).isTrue()) {
              out.put(k, v.decode(m, k.equals(Network.NAMESPACE) || k.equals(Network.NAMESPACE_NAME) ? "new-namespace" : "other"));
            }
          });
      return Optional.of(out);
    } finally {
      session.pop();
    }
  }

  private static BoolExpr encode(Context ctx, Selector s, Map<String, LabelVar> vars) {
    if (s instanceof Selector.All || s instanceof Selector.Global) {
      return ctx.mkTrue();
    }
    if (s instanceof Selector.Has h) {
      return vars.get(h.key()).present;
    }
    if (s instanceof Selector.Compare c) {
      LabelVar l = vars.get(c.key());
      return c.op() == Selector.Op.NE ? ctx.mkNot(l.test(Selector.Op.EQ, c.value())) : l.test(c.op(), c.value());
    }
    if (s instanceof Selector.InSet i) {
      LabelVar l = vars.get(i.key());
      List<BoolExpr> any = new ArrayList<>();
      i.values().forEach(x -> any.add(l.is(x)));
      BoolExpr in = any.isEmpty() ? ctx.mkFalse() : ctx.mkAnd(l.present, ctx.mkOr(any.toArray(BoolExpr[]::new)));
      return i.negated() ? ctx.mkNot(in) : in;
    }
    if (s instanceof Selector.Not n) {
      return ctx.mkNot(encode(ctx, n.operand(), vars));
    }
    if (s instanceof Selector.And a) {
      return ctx.mkAnd(a.operands().stream().map(o -> encode(ctx, o, vars)).toArray(BoolExpr[]::new));
    }
    return ctx.mkOr(((Selector.Or) s).operands().stream().map(o -> encode(ctx, o, vars)).toArray(BoolExpr[]::new));
  }

  private static void scan(Selector s, Map<String, Set<String>> literals, Set<String> strings) {
    if (s instanceof Selector.Has h) {
      literals.computeIfAbsent(h.key(), k -> new TreeSet<>());
    } else if (s instanceof Selector.Compare c) {
      literals.computeIfAbsent(c.key(), k -> new TreeSet<>()).add(c.value());
      if (c.op() != Selector.Op.EQ && c.op() != Selector.Op.NE) {
        strings.add(c.key());
      }
    } else if (s instanceof Selector.InSet i) {
      literals.computeIfAbsent(i.key(), k -> new TreeSet<>()).addAll(i.values());
    } else if (s instanceof Selector.Not x) {
      scan(x.operand(), literals, strings);
    } else if (s instanceof Selector.And a) {
      a.operands().forEach(o -> scan(o, literals, strings));
    } else if (s instanceof Selector.Or o) {
      o.operands().forEach(x -> scan(x, literals, strings));
    }
  }
}
