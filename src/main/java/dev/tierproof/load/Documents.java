package dev.tierproof.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Text → documents: multi-document YAML or (for {@code *.json}, and standard input that starts like
 * a JSON object) JSON, as {@link Node} trees with positions. Empty documents are skipped; anchors,
 * aliases and {@code <<} merge keys are resolved. A syntax error ends the text with one diagnostic;
 * the documents completed before it are kept. A long YAML text is read in parts cut at document
 * markers, in parallel, to the same result.
 */
final class Documents {

  static final YAMLFactory YAML = yamlFactory();
  private static final JsonFactory JSON = new JsonFactory();

  /** The tags of YAML's core schema, which plain resources may carry. */
  private static final java.util.Set<String> CORE_TAGS =
      java.util.Set.of("str", "int", "float", "bool", "null", "map", "seq").stream()
          .flatMap(t -> java.util.stream.Stream.of("!!" + t, "tag:yaml.org,2002:" + t))
          .collect(java.util.stream.Collectors.toSet());

  private static final Pattern JSON_START = Pattern.compile("\\s*\\{\\s*[\"}]");

  private Documents() {}

  private static YAMLFactory yamlFactory() {
    LoaderOptions options = new LoaderOptions();
    // cluster exports exceed SnakeYAML's 3 MiB default
    options.setCodePointLimit(256 * 1024 * 1024);
    return YAMLFactory.builder().loaderOptions(options).build();
  }

  static List<Node> parse(SourceText source, Diagnostics diagnostics) {
    boolean json =
        source.file().endsWith(".json")
            || source.file().equals(Loader.STDIN) && JSON_START.matcher(source.text()).lookingAt();
    Diagnostics first = new Diagnostics();
    List<Node> documents = parse(source, source.text(), json, first);
    if (!json && first.errors().stream().anyMatch(d -> d.message().equals(TAB_PROBLEM))) {
      // SnakeYAML refuses a tab even where YAML allows it as a separator (`{a: 1,<TAB>b: 2}`):
      // read again with such tabs as spaces (same columns); a tab that indents stays an error
      String spaced = separatingTabsAsSpaces(source.text());
      if (!spaced.equals(source.text())) {
        first = new Diagnostics();
        documents = parse(source, spaced, false, first);
      }
    }
    if (!json && first.errors().stream().anyMatch(d -> d.message().equals(ALIAS_KEY_PROBLEM))) {
      // Jackson cannot read an alias as a mapping key (`*k : v`), which YAML allows: read the text
      // from SnakeYAML's events instead, scalars typed as Jackson types them
      first = new Diagnostics();
      documents = Events.parse(source, first);
    }
    first.all().forEach(diagnostics::add);
    return documents;
  }

  private static final String ALIAS_KEY_PROBLEM = "invalid yaml: an alias as a mapping key";

  private static List<Node> parse(
      SourceText source, String content, boolean json, Diagnostics diagnostics) {
    Text text = new Text(source.file(), source.text());
    List<Part> parts = json ? List.of(new Part(0, content.length(), 0)) : parts(content, text);
    List<Parsed> parsed =
        (parts.size() == 1 ? parts.stream() : parts.parallelStream())
            .map(p -> parse(p, content, json, text))
            .toList();
    List<Node> documents = new ArrayList<>();
    for (Parsed p : parsed) {
      documents.addAll(p.documents());
      p.diagnostics().all().forEach(diagnostics::add);
      if (p.ended()) {
        break; // a syntax error ends the text
      }
    }
    return documents;
  }

  /**
   * A part of a text, from character {@code from} to {@code to}, whose first line is line {@code
   * lines} + 1 of the text.
   */
  private record Part(int from, int to, int lines) {}

  /** A part's documents and problems; {@code ended}: a syntax error ended it. */
  private record Parsed(List<Node> documents, Diagnostics diagnostics, boolean ended) {}

  /** Texts at least this long are read in parts, each on a core of its own. */
  private static final int PART = 1 << 19;

  /**
   * A YAML text ({@code text}'s lines: the same, its tabs maybe spaces) in parts that each start at
   * a document marker ({@code ---} at the start of a line, which ends any scalar before it) and are
   * about {@link #PART} long; the whole text when it is shorter or holds directives ({@code %YAML},
   * which belong to the document after them).
   */
  private static List<Part> parts(String content, Text text) {
    if (content.length() < 2 * PART || content.startsWith("%") || content.contains("\n%")) {
      return List.of(new Part(0, content.length(), 0));
    }
    List<Part> out = new ArrayList<>();
    for (int from = 0; from < content.length(); ) {
      int to = marker(content, from + PART);
      out.add(new Part(from, to, text.linesBefore(from)));
      from = to;
    }
    return out;
  }

  /** The start of the first line at or after {@code at} that is a document marker, or the end. */
  private static int marker(String content, int at) {
    for (int i = content.indexOf("\n---", Math.min(at, content.length()));
        i >= 0;
        i = content.indexOf("\n---", i + 1)) {
      int after = i + 4;
      if (after == content.length() || " \t\r\n".indexOf(content.charAt(after)) >= 0) {
        return i + 1;
      }
    }
    return content.length();
  }

  private static Parsed parse(Part part, String content, boolean json, Text text) {
    Diagnostics diagnostics = new Diagnostics();
    List<Node> documents = new ArrayList<>();
    String piece = content.substring(part.from(), part.to());
    try (JsonParser parser = json ? JSON.createParser(piece) : YAML.createParser(piece)) {
      Builder builder = new Builder(parser, text, part.lines(), diagnostics);
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        Node document = builder.value(token);
        if (!(document instanceof Node.Scalar s && (s.isNull() || s.text().isBlank()))) {
          documents.add(document);
        }
        builder.anchors.clear();
      }
    } catch (JsonProcessingException e) {
      diagnostics.error(
          errorSpan(e, text.file(), part.lines()),
          (json ? "invalid json: " : "invalid yaml: ") + problem(e));
      return new Parsed(documents, diagnostics, true);
    } catch (IOException e) {
      diagnostics.error(new Span(text.file(), 1, 1), "cannot read: " + e.getMessage());
      return new Parsed(documents, diagnostics, true);
    }
    return new Parsed(documents, diagnostics, false);
  }

  private static final String TAB_PROBLEM =
      "invalid yaml: tab characters cannot indent yaml: use spaces";

  /** Tabs after a line's indentation and outside quotes become spaces. */
  private static String separatingTabsAsSpaces(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean indent = true;
    char quote = 0;
    char previous = '\n';
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        indent = true;
        quote = 0;
      } else if (c != ' ' && c != '\t') {
        indent = false;
      }
      if (quote != 0) {
        if (c == '\\' && quote == '"' && i + 1 < text.length()) {
          out.append(c).append(text.charAt(++i));
          continue;
        }
        if (c == quote) {
          quote = 0;
        }
      } else if ((c == '"' || c == '\'') && "\n:,[{-".indexOf(previous) >= 0) {
        quote = c; // a quote that starts a scalar
      } else if (c == '\t' && !indent) {
        c = ' ';
      }
      if (c != ' ' && c != '\t') {
        previous = c;
      }
      out.append(c);
    }
    return out.toString();
  }

  private static Span errorSpan(JsonProcessingException e, String file, int lines) {
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      return new Span(
          file, lines + m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1);
    }
    JsonLocation l = e.getLocation();
    return l == null
        ? new Span(file, lines + 1, 1)
        : new Span(file, lines + l.getLineNr(), Math.max(1, l.getColumnNr()));
  }

  private static String problem(JsonProcessingException e) {
    return problem(
        e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null
            ? m.getProblem()
            : e.getOriginalMessage());
  }

  /** A parser's problem in plain words. */
  static String problem(String p) {
    if (p.contains("\\t(TAB)")) {
      return "tab characters cannot indent yaml: use spaces";
    }
    if (p.startsWith("expected <block end>")) {
      return "bad indentation: this line does not line up with the mapping or list it belongs to";
    }
    if (p.contains("AliasEvent")) {
      return "an alias as a mapping key";
    }
    // no library names in messages: SnakeYAML's `<org.yaml.snakeyaml.events.XEvent(...)>` and
    // Jackson's `(Scalar value in YAML)` become plain words
    p =
        p.replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.([A-Za-z]+)Event\\([^>]*\\)>", "a $1")
            .replaceAll("<org\\.yaml\\.snakeyaml\\.[^>]*>", "something else")
            .replace(" (Scalar value in YAML)", "")
            .replace("JsonToken.", "");
    p = p.strip().replaceAll("\\.$", "").replaceAll("\\s+", " ");
    return p.isEmpty()
        ? "syntax error"
        : p.substring(0, 1).toLowerCase(Locale.ROOT) + p.substring(1);
  }

  /** The type of a scalar Jackson's parser read as {@code token}. */
  static Node.Scalar.Type type(JsonToken token) {
    return switch (token) {
      case VALUE_NUMBER_INT -> Node.Scalar.Type.INTEGER;
      case VALUE_NUMBER_FLOAT -> Node.Scalar.Type.FLOAT;
      case VALUE_TRUE, VALUE_FALSE -> Node.Scalar.Type.BOOLEAN;
      case VALUE_NULL -> Node.Scalar.Type.NULL;
      default -> Node.Scalar.Type.STRING;
    };
  }

  /** A tag beyond YAML's core schema is an error: its meaning would be silently dropped. */
  static void checkTag(Object tag, Span span, Diagnostics diagnostics) {
    if (tag != null && !CORE_TAGS.contains(tag.toString())) {
      String t = tag.toString();
      t =
          t.startsWith("tag:yaml.org,2002:")
              ? "!!" + t.substring(18)
              : t.startsWith("!") ? t : "!" + t;
      diagnostics.error(
          span,
          "YAML tag `"
              + t
              + "` is not supported: resources are plain YAML (strings, numbers, booleans, null, mappings and lists)");
    }
  }

  /**
   * A mapping of {@code pairs} in order: a duplicate key is an error, and in YAML the mappings of
   * {@code <<} keys are merged in (their keys after the mapping's own, which win).
   */
  static Node.Mapping mapping(
      List<Node.Entry> pairs, boolean yaml, Span span, Diagnostics diagnostics) {
    Map<String, Node.Entry> entries = new LinkedHashMap<>();
    List<Node> merges = new ArrayList<>();
    for (Node.Entry e : pairs) {
      Node.Scalar key = e.key();
      if (key.text().equals("<<") && yaml) {
        merges.addAll(e.value() instanceof Node.Sequence s ? s.items() : List.of(e.value()));
      } else if (entries.containsKey(key.text())) {
        diagnostics.error(
            key.span(),
            "duplicate key `"
                + key.text()
                + "`: first defined at "
                + entries.get(key.text()).key().span());
      } else {
        entries.put(key.text(), e);
      }
    }
    for (Node merge : merges) {
      if (merge instanceof Node.Mapping m) {
        m.entries().forEach(e -> entries.putIfAbsent(e.key().text(), e));
      } else {
        diagnostics.error(merge.span(), "`<<` merges a mapping, found " + merge.describe());
      }
    }
    return new Node.Mapping(List.copyOf(entries.values()), span);
  }

  /** Builds nodes from the token stream; anchors are per document. */
  private static final class Builder {
    private final JsonParser parser;
    private final Text text;
    private final int lines;
    private final Diagnostics diagnostics;
    private final Map<String, Node> anchors = new HashMap<>();

    /** {@code lines}: the lines of the text before the parser's part. */
    Builder(JsonParser parser, Text text, int lines, Diagnostics diagnostics) {
      this.parser = parser;
      this.text = text;
      this.lines = lines;
      this.diagnostics = diagnostics;
    }

    private Span span() {
      JsonLocation l = parser.currentTokenLocation();
      return new Span(text.file(), lines + l.getLineNr(), l.getColumnNr());
    }

    Node value(JsonToken token) throws IOException {
      Span span = span();
      Object anchor = parser.getObjectId();
      checkTag(parser instanceof YAMLParser ? parser.getTypeId() : null, span, diagnostics);
      Node node;
      switch (token) {
        case START_OBJECT -> node = mapping(span);
        case START_ARRAY -> {
          List<Node> items = new ArrayList<>();
          for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(value(t));
          }
          node = new Node.Sequence(items, span);
        }
        default -> {
          if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
            Node target = anchors.get(parser.getText());
            if (target != null) {
              return target;
            }
            diagnostics.error(span, "unknown alias `" + parser.getText() + "`");
          }
          node = scalar(token, span);
        }
      }
      if (anchor != null) {
        anchors.put(anchor.toString(), node);
      }
      return node;
    }

    private Node.Scalar scalar(JsonToken token, Span span) throws IOException {
      Node.Scalar.Type type = type(token);
      if (type == Node.Scalar.Type.STRING
          && parser instanceof YAMLParser
          && parser.getText().isEmpty()
          && !text.quoted(span)) {
        type = Node.Scalar.Type.NULL; // an empty plain scalar (`matchLabels:`) is null in YAML
      }
      Number number = token.isNumeric() ? parser.getNumberValue() : null;
      return new Node.Scalar(type, parser.getText(), number, span, text);
    }

    private Node.Mapping mapping(Span span) throws IOException {
      List<Node.Entry> pairs = new ArrayList<>();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
        Node.Scalar key =
            new Node.Scalar(Node.Scalar.Type.STRING, parser.currentName(), null, span(), text);
        Object keyAnchor = parser.getObjectId();
        if (keyAnchor != null) {
          anchors.put(keyAnchor.toString(), key); // `&k app: web` names the key
        }
        pairs.add(new Node.Entry(key, value(parser.nextToken())));
      }
      return Documents.mapping(pairs, parser instanceof YAMLParser, span, diagnostics);
    }
  }
}
