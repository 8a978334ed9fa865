package dev.tierproof.load;

import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed, position-aware reading of one mapping of a resource. Every accessor marks its key as
 * known; {@link #done} warns about the keys nobody asked for. Absent keys and YAML {@code null}
 * read as absent; a value of the wrong type is an error and reads as absent.
 */
final class Fields {

  private final Node.Mapping mapping;
  private final String kind;
  private final String path;
  private final Diagnostics diagnostics;
  private final Set<String> known = new LinkedHashSet<>();
  private boolean strict;

  Fields(Node.Mapping mapping, String kind, String path, Diagnostics diagnostics) {
    this.mapping = mapping;
    this.kind = kind;
    this.path = path;
    this.diagnostics = diagnostics;
  }

  /**
   * This mapping and every mapping read from it report unknown keys as errors (a schema the API
   * server enforces strictly); returns this.
   */
  Fields strict() {
    strict = true;
    return this;
  }

  Span span() {
    return mapping.span();
  }

  String kind() {
    return kind;
  }

  Diagnostics diagnostics() {
    return diagnostics;
  }

  /** The dotted path of {@code key} from the resource root, as messages show it. */
  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return node(key) != null;
  }

  /** The raw value, or null. */
  Node node(String key) {
    known.add(key);
    Node.Entry e = mapping.entry(key);
    return e == null || e.value() instanceof Node.Scalar s && s.isNull() ? null : e.value();
  }

  /** The span of the key itself, or of this mapping when the key is absent. */
  Span keySpan(String key) {
    Node.Entry e = mapping.entry(key);
    return e == null ? mapping.span() : e.key().span();
  }

  /** The span of the value, or of this mapping when the key is absent. */
  Span valueSpan(String key) {
    Node.Entry e = mapping.entry(key);
    return e == null ? mapping.span() : e.value().span();
  }

  /** A nested mapping; an empty one (at this mapping's position) when absent. */
  Fields objectOrEmpty(String key) {
    Fields f = object(key);
    return f != null
        ? f
        : new Fields(new Node.Mapping(List.of(), mapping.span()), kind, path(key), diagnostics)
            .inherit(this);
  }

  /** A string scalar, or null. */
  Node.Scalar scalar(String key) {
    return string(node(key), path(key));
  }

  String string(String key) {
    Node.Scalar s = scalar(key);
    return s == null ? null : s.text();
  }

  Double number(String key) {
    Node n = node(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Node.Scalar s && s.number() != null) {
      double d = s.number().doubleValue();
      if (Double.isInfinite(d) || Double.isNaN(d)) {
        diagnostics.error(n.span(), "`" + path(key) + "` is out of range: `" + s.text() + "`");
        return null;
      }
      return d;
    }
    return typeError(n, path(key), "a number");
  }

  /** An integer scalar, or null (also when it does not fit an {@code int}). */
  Integer integer(String key) {
    return integer(node(key), path(key));
  }

  boolean flag(String key) {
    Node n = node(key);
    if (n == null) {
      return false;
    }
    if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.BOOLEAN) {
      return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
    }
    typeError(n, path(key), "a boolean");
    return false;
  }

  /** A nested mapping, or null. */
  Fields object(String key) {
    return object(node(key), path(key));
  }

  /** The items of a list; empty when absent. */
  List<Node> list(String key) {
    Node n = node(key);
    if (n == null) {
      return List.of();
    }
    if (n instanceof Node.Sequence s) {
      return s.items();
    }
    typeError(n, path(key), "a list");
    return List.of();
  }

  /** A list of mappings; items of another type are errors and skipped, indices kept in paths. */
  List<Fields> objects(String key) {
    List<Fields> out = new ArrayList<>();
    List<Node> items = list(key);
    for (int i = 0; i < items.size(); i++) {
      Fields f = object(items.get(i), path(key) + "[" + i + "]");
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** A list of string scalars; other items are errors and skipped. */
  List<Node.Scalar> strings(String key) {
    List<Node.Scalar> out = new ArrayList<>();
    List<Node> items = list(key);
    for (int i = 0; i < items.size(); i++) {
      Node.Scalar s = string(items.get(i), path(key) + "[" + i + "]");
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * A map of string to string (labels, {@code matchLabels}); empty when absent or null (as kubectl
   * reads it).
   */
  Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node(key) instanceof Node.Scalar s && s.isNull()) {
      return out;
    }
    Fields map = object(key);
    if (map != null) {
      for (Node.Entry e : map.mapping.entries()) {
        Node.Scalar value = string(e.value(), map.path(e.key().text()));
        if (value != null) {
          out.put(e.key().text(), value.text());
        } else if (e.value() instanceof Node.Scalar s && s.isNull()) {
          out.put(e.key().text(), "");
        }
      }
    }
    return out;
  }

  /**
   * Labels: {@link #stringMap}, each key and value checked as Kubernetes checks labels ({@link
   * LabelRules}); a bad one is an error at its position and left out.
   */
  Map<String, String> labels(String key) {
    Map<String, String> out = stringMap(key);
    Fields map =
        node(key) instanceof Node.Mapping m ? new Fields(m, kind, path(key), diagnostics) : null;
    if (map == null) {
      return out;
    }
    for (Node.Entry e : map.mapping.entries()) {
      String k = e.key().text();
      String keyProblem = LabelRules.keyProblem(k);
      String valueProblem = out.containsKey(k) ? LabelRules.valueProblem(out.get(k)) : null;
      if (keyProblem != null) {
        diagnostics.error(
            e.key().span(), "invalid label key `" + LabelRules.printable(k) + "`: " + keyProblem);
        out.remove(k);
      } else if (valueProblem != null) {
        diagnostics.error(
            e.value().span(),
            "invalid value `"
                + LabelRules.printable(out.get(k))
                + "` of label `"
                + k
                + "`: "
                + valueProblem);
        out.remove(k);
      }
    }
    return out;
  }

  private Fields inherit(Fields parent) {
    strict = parent.strict;
    return this;
  }

  /** Marks keys as known without reading them (fields with no effect on enforcement). */
  void ignore(String... keys) {
    known.addAll(List.of(keys));
  }

  /** Warns about every key no accessor asked for. */
  void done() {
    for (Node.Entry e : mapping.entries()) {
      String key = e.key().text();
      if (!known.contains(key)) {
        String where = path.isEmpty() ? kind : kind + " `" + path + "`";
        String message = "unknown field `" + key + "` in " + where + Suggest.suffix(key, known);
        if (strict) {
          diagnostics.error(e.key().span(), message);
        } else {
          diagnostics.warning(e.key().span(), message);
        }
      }
    }
  }

  Node.Scalar string(Node n, String at) {
    if (n == null || n instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.STRING) {
      return s;
    }
    return typeError(n, at, "a string");
  }

  Integer integer(Node n, String at) {
    if (n == null) {
      return null;
    }
    if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.INTEGER) {
      BigInteger v = new BigInteger(s.number().toString());
      if (v.bitLength() < 32) {
        return v.intValue();
      }
      diagnostics.error(n.span(), "`" + at + "` is out of range: `" + s.text() + "`");
      return null;
    }
    return typeError(n, at, "an integer");
  }

  Fields object(Node n, String at) {
    if (n == null || n instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    if (n instanceof Node.Mapping m) {
      return new Fields(m, kind, at, diagnostics).inherit(this);
    }
    return typeError(n, at, "a mapping");
  }

  private <T> T typeError(Node n, String at, String expected) {
    diagnostics.error(n.span(), "`" + at + "` must be " + expected + ", found " + n.describe());
    return null;
  }
}
