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
