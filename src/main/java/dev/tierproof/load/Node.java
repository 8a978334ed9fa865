package dev.tierproof.load;

import dev.tierproof.source.Span;
import java.util.List;

/**
 * A YAML/JSON value with the position of its first character. Aliases are resolved, so a node may
 * be shared; mapping keys keep their own spans.
 */
sealed interface Node permits Node.Scalar, Node.Mapping, Node.Sequence {

  Span span();

  /** How messages name the node's type: {@code a string}, {@code a list}, ... */
  String describe();

  /**
   * The same value as {@code other}, wherever each was written (positions ignored, keys in any
   * order).
   */
  default boolean sameAs(Node other) {
    if (this instanceof Scalar a && other instanceof Scalar b) {
      return a.type() == b.type() && a.text().equals(b.text());
    }
    if (this instanceof Sequence a && other instanceof Sequence b) {
      if (a.items().size() != b.items().size()) {
        return false;
      }
      for (int i = 0; i < a.items().size(); i++) {
        if (!a.items().get(i).sameAs(b.items().get(i))) {
          return false;
        }
      }
      return true;
    }
    if (this instanceof Mapping a && other instanceof Mapping b) {
      if (a.entries().size() != b.entries().size()) {
        return false;
      }
      for (Entry e : a.entries()) {
        Entry f = b.entry(e.key().text());
        if (f == null || !e.value().sameAs(f.value())) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * A scalar as the parser typed it: quoted scalars are always {@link Type#STRING}.
   *
   * @param text the value (for numbers their source text, e.g. {@code 0x50})
   * @param number the numeric value of an {@link Type#INTEGER} or {@link Type#FLOAT}, else null
   * @param source the text the scalar was read from, to locate characters inside it
   */
  record Scalar(Type type, String text, Number number, Span span, Text source) implements Node {

    public enum Type {
      STRING("a string"),
      INTEGER("a number"),
      FLOAT("a number"),
      BOOLEAN("a boolean"),
      NULL("null");

      private final String description;

      Type(String description) {
        this.description = description;
      }
    }

    @Override
    public String describe() {
      return type.description;
    }

    /** The span of the value's character {@code offset} (0-based) in the source text. */
    public Span at(int offset) {
      return source.locate(span, offset);
    }

    public boolean isNull() {
      return type == Type.NULL;
    }
  }

  record Entry(Scalar key, Node value) {}

  record Mapping(List<Entry> entries, Span span) implements Node {
    public Mapping {
      entries = List.copyOf(entries);
    }

    /** The entry under {@code key}, or null. */
    public Entry entry(String key) {
      return entries.stream().filter(e -> e.key().text().equals(key)).findFirst().orElse(null);
    }

    /** The text of the scalar under {@code key}; null when absent, null or not a scalar. */
    public String text(String key) {
      Entry e = entry(key);
      return e != null && e.value() instanceof Scalar s && !s.isNull() ? s.text() : null;
    }

    /** The mapping under {@code key}, or null. */
    public Mapping mapping(String key) {
      Entry e = entry(key);
      return e != null && e.value() instanceof Mapping n ? n : null;
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  record Sequence(List<Node> items, Span span) implements Node {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }
}
