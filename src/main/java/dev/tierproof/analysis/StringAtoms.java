package dev.tierproof.analysis;

import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The comparisons ({@code ==}, {@code contains}, {@code starts with}, {@code ends with}, {@code
 * in}) that two policy sets' selectors make per label key (diff classes): the values of a key
 * compared as a string that no comparison tells apart are one class of pods.
 */
final class StringAtoms {

  private final Map<String, Set<Selector>> byKey;

  private StringAtoms(Map<String, Set<Selector>> byKey) {
    this.byKey = byKey;
  }

  /** What {@code before}'s and {@code after}'s policies and profiles compare. */
  static StringAtoms of(PolicySet before, PolicySet after) {
    Map<String, Set<Selector>> out = new TreeMap<>();
    for (PolicySet s : List.of(before, after)) {
      for (Policy p : s.policies()) {
        scan(p.selector(), out);
        p.ingress().forEach(r -> rule(r, out));
        p.egress().forEach(r -> rule(r, out));
      }
      s.profiles()
          .values()
          .forEach(
              pr -> {
                pr.ingress().forEach(r -> rule(r, out));
                pr.egress().forEach(r -> rule(r, out));
              });
    }
    return new StringAtoms(out);
  }

  /**
   * The values of {@code key} that every comparison of it treats as it treats {@code value}: the
   * key present, and each comparison or its negation, as {@code value} satisfies it; null when none
   * compares the key.
   */
  Selector around(String key, String value) {
    Set<Selector> atoms = byKey.get(key);
    if (atoms == null || atoms.isEmpty()) {
      return null;
    }
    Map<String, String> at = Map.of(key, value);
    List<Selector> terms = new ArrayList<>(List.of(new Selector.Has(key)));
    for (Selector a : atoms) {
      terms.add(a.matches(at) ? a : new Selector.Not(a));
    }
    return new Selector.And(terms);
  }

  private static void rule(Rule r, Map<String, Set<Selector>> out) {
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      scan(m.selector(), out);
      scan(m.notSelector(), out);
      if (m.service() != null) {
        scan(m.service().selector(), out);
      }
    }
  }

  private static void scan(Selector s, Map<String, Set<Selector>> out) {
    if (s instanceof Selector.Compare c) {
      Selector eq =
          c.op() == Selector.Op.NE ? new Selector.Compare(c.key(), Selector.Op.EQ, c.value()) : c;
      out.computeIfAbsent(c.key(), k -> new LinkedHashSet<>()).add(eq);
    } else if (s instanceof Selector.InSet i) {
      out.computeIfAbsent(i.key(), k -> new LinkedHashSet<>())
          .add(new Selector.InSet(i.key(), i.values(), false));
    } else if (s instanceof Selector.Not n) {
      scan(n.operand(), out);
    } else if (s instanceof Selector.And a) {
      a.operands().forEach(o -> scan(o, out));
    } else if (s instanceof Selector.Or o) {
      o.operands().forEach(x -> scan(x, out));
    }
  }
}
