package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Model;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The labels of hypothetical endpoints as Z3 variables, and selectors over them (spec S1.3, S5.3):
 * the one encoding of a selector over symbolic labels, for the ends of a flow ({@link EndEncoding})
 * and for {@link Labels}' questions. A key gets a variable when a selector mentions it; a key only
 * compared for equality ranges over the literals compared with it plus one other value, a key
 * tested with {@code contains}, {@code starts with} or {@code ends with} is a Z3 string (see {@link
 * LabelVar}). Selectors are encoded once each (cached).
 */
final class SymbolicLabels {

  private final Terms t;
  private final Map<String, LabelVar> vars = new TreeMap<>();

  /** The literals by key (null: a string-valued key). */
  private final Map<String, List<String>> vocabulary = new TreeMap<>();

  private final Map<Selector, BoolExpr> encoded = new HashMap<>();

  private SymbolicLabels(Terms t) {
    this.t = t;
  }

  /** No symbolic labels: for ends without hypothetical endpoints. */
  static SymbolicLabels none(Terms t) {
    return new SymbolicLabels(t);
  }

  /**
   * Variables named {@code prefix + n} for the keys {@code selectors} mention; with {@code
   * newNamespace}, the namespace label too, its literals every name in {@code namespaceNames} (a
   * new namespace is none of them); the values {@code views} fix for keys already mentioned join
   * their literals.
   */
  static SymbolicLabels of(
      Terms t,
      String prefix,
      List<Selector> selectors,
      boolean newNamespace,
      Set<String> namespaceNames,
      List<LabelView> views) {
    Map<String, Set<String>> literals = new TreeMap<>();
    Set<String> strings = new HashSet<>();
    selectors.forEach(s -> scan(s, literals, strings));
    if (newNamespace) {
      Set<String> names = literals.computeIfAbsent(Network.NAMESPACE, k -> new TreeSet<>());
      names.addAll(namespaceNames);
      if (literals.containsKey(Network.NAMESPACE_NAME)) {
        names.addAll(literals.get(Network.NAMESPACE_NAME));
        literals.put(Network.NAMESPACE_NAME, names);
        if (strings.contains(Network.NAMESPACE) || strings.contains(Network.NAMESPACE_NAME)) {
          strings.add(Network.NAMESPACE);
          strings.add(Network.NAMESPACE_NAME);
        }
      }
    }
    for (LabelView v : views) {
      v.fixed()
          .forEach(
              (k, val) -> {
                if (literals.containsKey(k)) {
                  literals.get(k).add(val);
                }
              });
    }
    SymbolicLabels out = new SymbolicLabels(t);
    int n = 0;
    for (Map.Entry<String, Set<String>> e : literals.entrySet()) {
      boolean string = strings.contains(e.getKey());
      out.vars.put(
          e.getKey(), new LabelVar(t.ctx(), prefix + n++, new ArrayList<>(e.getValue()), string));
      out.vocabulary.put(e.getKey(), string ? null : List.copyOf(e.getValue()));
    }
    return out;
  }

  /** The keys with their literals (null: a key compared as a string). */
  Map<String, List<String>> vocabulary() {
    return Collections.unmodifiableMap(vocabulary);
  }

  /** What every valuation satisfies: each enumerated value in range. */
  List<BoolExpr> domains() {
    return vars.values().stream().map(LabelVar::domain).toList();
  }

  /** The selector holds for the symbolic labels (its keys must have variables). */
  BoolExpr selector(Selector s) {
    BoolExpr known = encoded.get(s);
    if (known != null) {
      return known;
    }
    BoolExpr out;
    if (s instanceof Selector.All || s instanceof Selector.Global) {
      out = t.ctx().mkTrue();
    } else if (s instanceof Selector.Has h) {
      out = var(h.key()).present();
    } else if (s instanceof Selector.Compare c) {
      LabelVar l = var(c.key());
      out =
          c.op() == Selector.Op.NE
              ? t.ctx().mkNot(l.test(Selector.Op.EQ, c.value()))
              : l.test(c.op(), c.value());
    } else if (s instanceof Selector.InSet i) {
      LabelVar l = var(i.key());
      List<BoolExpr> any = new ArrayList<>();
      i.values().forEach(x -> any.add(l.is(x)));
      BoolExpr in = t.ctx().mkAnd(l.present(), t.or(any));
      out = i.negated() ? t.ctx().mkNot(in) : in;
    } else if (s instanceof Selector.Not n) {
      out = t.ctx().mkNot(selector(n.operand()));
    } else if (s instanceof Selector.And a) {
      out = t.and(a.operands().stream().map(this::selector).toList());
    } else {
      out = t.or(((Selector.Or) s).operands().stream().map(this::selector).toList());
    }
    encoded.put(s, out);
    return out;
  }

  /**
   * The labels are those of a new namespace's pod: a namespace name no name in {@code known} is.
   */
  BoolExpr newNamespace(Set<String> known) {
    List<BoolExpr> c = new ArrayList<>();
    LabelVar ns = var(Network.NAMESPACE);
    c.add(ns.present());
    c.add(ns.nonEmpty());
    for (String name : known) {
      c.add(t.ctx().mkNot(ns.is(name)));
    }
    LabelVar name = vars.get(Network.NAMESPACE_NAME);
    if (name != null) {
      c.add(name.present());
      c.add(name.sameValue(ns));
    }
    return t.and(c);
  }

  /**
   * The symbolic labels agree with {@code view}: its fixed keys have their values, its absent keys
   * are absent.
   */
  List<BoolExpr> agreeWith(LabelView view) {
    List<BoolExpr> c = new ArrayList<>();
    vars.forEach(
        (k, l) -> {
          if (view.isFixed(k)) {
            c.add(l.test(Selector.Op.EQ, view.fixed().get(k)));
          } else if (view.isAbsent(k)) {
            c.add(t.ctx().mkNot(l.present()));
          }
        });
    return c;
  }

  /**
   * The labels in {@code m}: {@code view}'s fixed ones and the symbolic ones present (namespace
   * names read {@code new-namespace}).
   */
  Map<String, String> decode(Model m, LabelView view) {
    Map<String, String> out = new TreeMap<>(view.fixed());
    vars.forEach(
        (k, l) -> {
          if (view.isSymbolic(k) && m.eval(l.present(), true).isTrue()) {
            out.put(
                k,
                l.decode(
                    m,
                    k.equals(Network.NAMESPACE) || k.equals(Network.NAMESPACE_NAME)
                        ? "new-namespace"
                        : "other"));
          }
        });
    return out;
  }

  private LabelVar var(String key) {
    LabelVar l = vars.get(key);
    if (l == null) {
      throw new IllegalStateException("label `" + key + "` missing from the vocabulary");
    }
    return l;
  }

  /**
   * Collects the keys {@code s} mentions with the literals it compares them to; {@code strings}:
   * keys tested as strings.
   */
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
