package dev.tierproof.selector;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A parsed Calico label selector: an immutable tree shaped exactly as Calico's parser builds it
 * (spec S1.2). Parentheses leave no node; {@code And}/{@code Or} have at least two operands and are
 * never flattened; an even run of {@code !} leaves no node, an odd run one {@code Not}.
 */
public sealed interface Selector
    permits Selector.All,
        Selector.Global,
        Selector.Has,
        Selector.Compare,
        Selector.InSet,
        Selector.Not,
        Selector.And,
        Selector.Or {

  /**
   * The value that a top-level {@code key == "value"} term of {@code s} (alone or in an And)
   * requires of {@code key}, else null: no labels without {@code key} = value match {@code s}.
   */
  static String pinned(Selector s, String key) {
    for (Selector t : conjuncts(s)) {
      if (t instanceof Compare c && c.op() == Op.EQ && c.key().equals(key)) {
        return c.value();
      }
    }
    return null;
  }

  /** The terms of {@code s}'s top-level conjunction (nested {@code &&} flattened), in order. */
  static List<Selector> conjuncts(Selector s) {
    if (!(s instanceof And a)) {
      return List.of(s);
    }
    List<Selector> out = new ArrayList<>();
    a.operands().forEach(o -> out.addAll(conjuncts(o)));
    return out;
  }

  /** {@code all()}, and the empty selector: matches every label map. */
  record All() implements Selector {
    @Override
    public boolean matches(Map<String, String> labels) {
      return true;
    }
  }

  /**
   * {@code global()}: matches every label map; only meaningful as a whole rule {@code
   * namespaceSelector}, where it is rewritten (spec S3.8).
   */
  record Global() implements Selector {
    @Override
    public boolean matches(Map<String, String> labels) {
      return true;
    }
  }

  /** {@code has(key)}: the key is present, whatever its value. */
  record Has(String key) implements Selector {
    public Has {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      return labels.get(key) != null;
    }
  }

  /** {@code key op "value"}; only {@code !=} matches when the key is absent. */
  record Compare(String key, Op op, String value) implements Selector {
    public Compare {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      if (actual == null) {
        return op == Op.NE;
      }
      return switch (op) {
        case EQ -> actual.equals(value);
        case NE -> !actual.equals(value);
        case CONTAINS -> actual.contains(value);
        case STARTS_WITH -> actual.startsWith(value);
        case ENDS_WITH -> actual.endsWith(value);
      };
    }
  }

  /** The comparison operators, with their canonical spelling. */
  enum Op {
    EQ("=="),
    NE("!="),
    CONTAINS("contains"),
    STARTS_WITH("starts with"),
    ENDS_WITH("ends with");

    private final String text;

    Op(String text) {
      this.text = text;
    }

    /** The operator as Calico prints it, e.g. {@code starts with}. */
    public String text() {
      return text;
    }
  }

  /**
   * {@code key in {values}} or, negated, {@code key not in {values}}. The values are kept sorted
   * byte-wise (UTF-8 order, i.e. code point order) and de-duplicated, as Calico does. {@code in {}}
   * never matches; {@code not in} matches when the key is absent.
   */
  record InSet(String key, List<String> values, boolean negated) implements Selector {
    public InSet {
      Objects.requireNonNull(key, "key");
      SortedSet<String> sorted = new TreeSet<>(InSet::compareCodePoints);
      sorted.addAll(values);
      values = List.copyOf(sorted);
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      if (actual == null) {
        return negated;
      }
      return values.contains(actual) != negated;
    }

    private static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int ca = a.codePointAt(i);
        int cb = b.codePointAt(j);
        if (ca != cb) {
          return Integer.compare(ca, cb);
        }
        i += Character.charCount(ca);
        j += Character.charCount(cb);
      }
      return Boolean.compare(i < a.length(), j < b.length());
    }
  }

  /** {@code !operand}. */
  record Not(Selector operand) implements Selector {
    public Not {
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      return !operand.matches(labels);
    }
  }

  /** {@code (a && b && ...)}, at least two operands. */
  record And(List<Selector> operands) implements Selector {
    public And {
      operands = List.copyOf(operands);
      if (operands.size() < 2) {
        throw new IllegalArgumentException("an And needs at least two operands");
      }
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      return operands.stream().allMatch(s -> s.matches(labels));
    }
  }

  /** {@code (a || b || ...)}, at least two operands. */
  record Or(List<Selector> operands) implements Selector {
    public Or {
      operands = List.copyOf(operands);
      if (operands.size() < 2) {
        throw new IllegalArgumentException("an Or needs at least two operands");
      }
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      return operands.stream().anyMatch(s -> s.matches(labels));
    }
  }

  /**
   * Parses selector text with Calico's exact syntax; empty or blank text is {@code all()}.
   *
   * @throws SelectorSyntaxException at the first problem, with its 0-based offset in {@code text}
   */
  static Selector parse(String text) throws SelectorSyntaxException {
    return SelectorReader.parse(text);
  }

  /** The {@code all()} node. */
  static Selector all() {
    return new All();
  }

  /** {@code (a && b)}, as Calico's textual {@code (a) && (b)} parses: no flattening. */
  static Selector and(Selector a, Selector b) {
    return new And(List.of(a, b));
  }

  /** Evaluates over a label map (spec S1.3); a key mapped to null counts as absent. */
  boolean matches(Map<String, String> labels);

  /** Calico's canonical string (spec S1.4), e.g. {@code (a == "b" && !has(c))}. */
  default String canonical() {
    StringBuilder out = new StringBuilder();
    print(this, out);
    return out.toString();
  }

  /** Felix's identity of a selector: {@code "s:" + base64url_nopad(SHA-224("s:" + canonical))}. */
  default String uniqueId() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-224")
              .digest(("s:" + canonical()).getBytes(StandardCharsets.UTF_8));
      return "s:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-224", e);
    }
  }

  /**
   * Every label key prefixed with {@code prefix} (Calico's {@code pcns.}, {@code pcsa.}); {@code
   * all()} and {@code global()} are left alone.
   */
  default Selector prefixed(String prefix) {
    return map(
        this,
        s -> {
          if (s instanceof Has h) {
            return new Has(prefix + h.key());
          } else if (s instanceof Compare c) {
            return new Compare(prefix + c.key(), c.op(), c.value());
          } else if (s instanceof InSet i) {
            return new InSet(prefix + i.key(), i.values(), i.negated());
          }
          return s;
        });
  }

  /**
   * Every {@code All} node replaced by {@code replacement}: Calico's textual {@code all()} rewrite
   * of a rule namespaceSelector (spec S3.8), done on the tree (so a string literal that contains
   * {@code all()} is left alone).
   */
  default Selector replaceAll(Selector replacement) {
    return map(this, s -> s instanceof All ? replacement : s);
  }

  /** Every {@code Global} node replaced by {@code replacement} (spec S3.8). */
  default Selector replaceGlobal(Selector replacement) {
    return map(this, s -> s instanceof Global ? replacement : s);
  }

  /** The label keys the selector tests, sorted. */
  default Set<String> keys() {
    SortedSet<String> keys = new TreeSet<>();
    collectKeys(this, keys);
    return Collections.unmodifiableSortedSet(keys);
  }

  private static void collectKeys(Selector s, Set<String> keys) {
    if (s instanceof Has h) {
      keys.add(h.key());
    } else if (s instanceof Compare c) {
      keys.add(c.key());
    } else if (s instanceof InSet i) {
      keys.add(i.key());
    } else if (s instanceof Not n) {
      collectKeys(n.operand(), keys);
    } else if (s instanceof And a) {
      a.operands().forEach(o -> collectKeys(o, keys));
    } else if (s instanceof Or o) {
      o.operands().forEach(p -> collectKeys(p, keys));
    }
  }

  /** Rebuilds {@code s} bottom-up, applying {@code leaf} to every node that has no operands. */
  private static Selector map(Selector s, UnaryOperator<Selector> leaf) {
    if (s instanceof Not n) {
      return new Not(map(n.operand(), leaf));
    } else if (s instanceof And a) {
      return new And(mapAll(a.operands(), leaf));
    } else if (s instanceof Or o) {
      return new Or(mapAll(o.operands(), leaf));
    }
    return leaf.apply(s);
  }

  private static List<Selector> mapAll(List<Selector> operands, UnaryOperator<Selector> leaf) {
    List<Selector> mapped = new ArrayList<>(operands.size());
    for (Selector operand : operands) {
      mapped.add(map(operand, leaf));
    }
    return mapped;
  }

  private static void print(Selector s, StringBuilder out) {
    if (s instanceof All) {
      out.append("all()");
    } else if (s instanceof Global) {
      out.append("global()");
    } else if (s instanceof Has h) {
      out.append("has(").append(h.key()).append(')');
    } else if (s instanceof Compare c) {
      out.append(c.key()).append(' ').append(c.op().text()).append(' ');
      quote(c.value(), out);
    } else if (s instanceof InSet i) {
      out.append(i.key()).append(i.negated() ? " not in {" : " in {");
      for (int k = 0; k < i.values().size(); k++) {
        if (k > 0) {
          out.append(", ");
        }
        quote(i.values().get(k), out);
      }
      out.append('}');
    } else if (s instanceof Not n) {
      out.append('!');
      print(n.operand(), out);
    } else if (s instanceof And a) {
      join(a.operands(), " && ", out);
    } else if (s instanceof Or o) {
      join(o.operands(), " || ", out);
    }
  }

  private static void join(List<Selector> operands, String separator, StringBuilder out) {
    out.append('(');
    for (int k = 0; k < operands.size(); k++) {
      if (k > 0) {
        out.append(separator);
      }
      print(operands.get(k), out);
    }
    out.append(')');
  }

  /** Double quotes unless the value contains one (Calico has no escapes). */
  private static void quote(String value, StringBuilder out) {
    char quote = value.indexOf('"') >= 0 ? '\'' : '"';
    out.append(quote).append(value).append(quote);
  }
}
