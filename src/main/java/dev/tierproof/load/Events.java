package dev.tierproof.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * YAML text → documents from SnakeYAML's events, for the YAML that Jackson's parser cannot read
 * ({@link Documents} falls back here): an alias used as a mapping key. The trees are those {@link
 * Documents} builds: the same positions, anchors, merge keys, duplicate-key and tag rules, and each
 * plain scalar typed by Jackson's parser, as in every other file.
 */
final class Events {

  private final Parser parser;
  private final Text text;
  private final Diagnostics diagnostics;
  private final Map<String, Node> anchors = new HashMap<>();

  private Events(Parser parser, Text text, Diagnostics diagnostics) {
    this.parser = parser;
    this.text = text;
    this.diagnostics = diagnostics;
  }

  static List<Node> parse(SourceText source, Diagnostics diagnostics) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(256 * 1024 * 1024);
    Parser parser = new ParserImpl(new StreamReader(new StringReader(source.text())), options);
    Events events = new Events(parser, new Text(source.file(), source.text()), diagnostics);
    List<Node> documents = new ArrayList<>();
    try {
      while (!parser.checkEvent(Event.ID.StreamEnd)) {
        Event e = parser.getEvent();
        if (e.is(Event.ID.DocumentStart)) {
          Node document = events.node(parser.getEvent());
          if (!(document instanceof Node.Scalar s && (s.isNull() || s.text().isBlank()))) {
            documents.add(document);
          }
          parser.getEvent(); // DocumentEnd
          events.anchors.clear();
        }
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      Span at =
          m == null
              ? new Span(source.file(), 1, 1)
              : new Span(source.file(), m.getLine() + 1, m.getColumn() + 1);
      diagnostics.error(
          at,
          "invalid yaml: "
              + Documents.problem(e.getProblem() == null ? "syntax error" : e.getProblem()));
    }
    return documents;
  }

  private Span span(Event e) {
    return new Span(text.file(), e.getStartMark().getLine() + 1, e.getStartMark().getColumn() + 1);
  }

  private Node node(Event e) {
    Span span = span(e);
    if (e instanceof AliasEvent a) {
      Node target = anchors.get(a.getAnchor());
      if (target != null) {
        return target;
      }
      diagnostics.error(span, "unknown alias `" + a.getAnchor() + "`");
      return new Node.Scalar(Node.Scalar.Type.NULL, "", null, span, text);
    }
    Node node;
    if (e instanceof MappingStartEvent m) {
      Documents.checkTag(m.getImplicit() ? null : m.getTag(), span, diagnostics);
      node = mapping(span);
    } else if (e instanceof SequenceStartEvent q) {
      Documents.checkTag(q.getImplicit() ? null : q.getTag(), span, diagnostics);
      List<Node> items = new ArrayList<>();
      while (!parser.checkEvent(Event.ID.SequenceEnd)) {
        items.add(node(parser.getEvent()));
      }
      parser.getEvent();
      node = new Node.Sequence(items, span);
    } else {
      node = scalar((ScalarEvent) e, span);
    }
    String anchor = ((NodeEvent) e).getAnchor();
    if (anchor != null) {
      anchors.put(anchor, node);
    }
    return node;
  }

  private Node.Scalar scalar(ScalarEvent e, Span span) {
    boolean plain = e.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    if (!e.getImplicit().canOmitTagInPlainScalar()
        && !e.getImplicit().canOmitTagInNonPlainScalar()) {
      Documents.checkTag(e.getTag(), span, diagnostics);
    }
    String value = e.getValue();
    if (!plain) {
      return new Node.Scalar(Node.Scalar.Type.STRING, value, null, span, text);
    }
    if (value.isEmpty()) {
      return new Node.Scalar(Node.Scalar.Type.NULL, value, null, span, text);
    }
    try (JsonParser p = Documents.YAML.createParser(value)) {
      JsonToken t = p.nextToken();
      return new Node.Scalar(
          Documents.type(t), value, t.isNumeric() ? p.getNumberValue() : null, span, text);
    } catch (IOException | RuntimeException x) {
      return new Node.Scalar(Node.Scalar.Type.STRING, value, null, span, text);
    }
  }

  private Node.Mapping mapping(Span span) {
    List<Node.Entry> pairs = new ArrayList<>();
    while (!parser.checkEvent(Event.ID.MappingEnd)) {
      Event k = parser.getEvent();
      Node key = node(k);
      Node value = node(parser.getEvent());
      if (key instanceof Node.Scalar ks && !(k instanceof CollectionStartEvent)) {
        pairs.add(
            new Node.Entry(
                new Node.Scalar(Node.Scalar.Type.STRING, ks.text(), null, span(k), text), value));
      } else {
        diagnostics.error(span(k), "a mapping key must be a scalar, found " + key.describe());
      }
    }
    parser.getEvent();
    return Documents.mapping(pairs, true, span, diagnostics);
  }
}
