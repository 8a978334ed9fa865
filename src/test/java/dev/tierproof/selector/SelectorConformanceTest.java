package dev.tierproof.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every record of {@code conformance/selectors.jsonl} (Calico's own test tables, see its README).
 */
class SelectorConformanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Our token types as Calico's tokenizer names them. */
  private static final Map<Integer, String> CALICO_KINDS =
      Map.ofEntries(
          Map.entry(CalicoSelectorLexer.LABEL, "Label"),
          Map.entry(CalicoSelectorLexer.STRING_LITERAL, "StringLiteral"),
          Map.entry(CalicoSelectorLexer.LBRACE, "LBrace"),
          Map.entry(CalicoSelectorLexer.RBRACE, "RBrace"),
          Map.entry(CalicoSelectorLexer.COMMA, "Comma"),
          Map.entry(CalicoSelectorLexer.EQ, "Eq"),
          Map.entry(CalicoSelectorLexer.NE, "Ne"),
          Map.entry(CalicoSelectorLexer.IN, "In"),
          Map.entry(CalicoSelectorLexer.NOT, "Not"),
          Map.entry(CalicoSelectorLexer.NOT_IN, "NotIn"),
          Map.entry(CalicoSelectorLexer.CONTAINS, "Contains"),
          Map.entry(CalicoSelectorLexer.STARTS_WITH, "StartsWith"),
          Map.entry(CalicoSelectorLexer.ENDS_WITH, "EndsWith"),
          Map.entry(CalicoSelectorLexer.ALL, "All"),
          Map.entry(CalicoSelectorLexer.HAS, "Has"),
          Map.entry(CalicoSelectorLexer.LPAREN, "LParen"),
          Map.entry(CalicoSelectorLexer.RPAREN, "RParen"),
          Map.entry(CalicoSelectorLexer.AND, "And"),
          Map.entry(CalicoSelectorLexer.OR, "Or"),
          Map.entry(CalicoSelectorLexer.GLOBAL, "Global"),
          Map.entry(Token.EOF, "EOF"));

  static Stream<Named<JsonNode>> records() {
    return read().stream()
        .map(r -> Named.of(kind(r) + " " + r.get("source").asText() + " " + r.get("selector"), r));
  }

  @Test
  void records_corpus_hasAll209OfEveryKind() {
    List<JsonNode> records = read();
    Map<String, Integer> kinds = new HashMap<>();
    records.forEach(r -> kinds.merge(kind(r), 1, Integer::sum));

    assertThat(records).hasSize(209);
    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "match", 98,
                "error", 45,
                "valid", 5,
                "canonical", 17,
                "prefixed", 11,
                "tokens", 33));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  void parse_conformanceRecord_agreesWithCalico(JsonNode record) throws Exception {
    String text = record.get("selector").asText();
    switch (kind(record)) {
      case "match" -> {
        Map<String, String> labels = new HashMap<>();
        record
            .get("labels")
            .properties()
            .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        assertThat(Selector.parse(text).matches(labels))
            .isEqualTo(record.get("matches").asBoolean());
      }
      case "error" ->
          assertThatThrownBy(() -> Selector.parse(text))
              .isInstanceOfSatisfying(
                  SelectorSyntaxException.class,
                  e -> assertThat(e.offset()).isBetween(0, text.length()));
      case "valid" -> assertThat(Selector.parse(text)).isNotNull();
      case "canonical" -> {
        String canonical = record.get("canonical").asText();
        Selector selector = Selector.parse(text);
        assertThat(selector.canonical()).isEqualTo(canonical);
        assertThat(Selector.parse(canonical).canonical()).isEqualTo(canonical);
        if (record.has("uniqueId")) {
          assertThat(selector.uniqueId()).isEqualTo(record.get("uniqueId").asText());
        }
      }
      case "prefixed" ->
          assertThat(Selector.parse(text).prefixed(record.get("prefix").asText()).canonical())
              .isEqualTo(record.get("prefixedCanonical").asText());
      case "tokens" -> {
        List<List<String>> expected = new ArrayList<>();
        record
            .get("tokens")
            .forEach(
                t -> {
                  List<String> token = new ArrayList<>();
                  t.forEach(part -> token.add(part.asText()));
                  expected.add(token);
                });
        assertThat(calicoTokens(text)).isEqualTo(expected);
      }
      default -> fail("unknown record kind: " + record);
    }
  }

  /** Our token stream, spelled as Calico's tokenizer test tables spell theirs. */
  private static List<List<String>> calicoTokens(String text) throws SelectorSyntaxException {
    List<List<String>> tokens = new ArrayList<>();
    for (Token token : SelectorReader.tokens(text).getTokens()) {
      String kind = CALICO_KINDS.get(token.getType());
      assertThat(kind).as("token %s", token).isNotNull();
      boolean hasValue = kind.equals("Label") || kind.equals("StringLiteral") || kind.equals("Has");
      tokens.add(hasValue ? List.of(kind, SelectorReader.value(token)) : List.of(kind));
    }
    return tokens;
  }

  private static String kind(JsonNode record) {
    if (record.has("matches")) {
      return "match";
    } else if (record.has("error")) {
      return record.get("error").asBoolean() ? "error" : "valid";
    } else if (record.has("canonical")) {
      return "canonical";
    } else if (record.has("prefixedCanonical")) {
      return "prefixed";
    } else if (record.has("tokens")) {
      return "tokens";
    }
    return "unknown";
  }

  private static List<JsonNode> read() {
    InputStream in =
        SelectorConformanceTest.class.getResourceAsStream("/conformance/selectors.jsonl");
    assertThat(in).as("conformance/selectors.jsonl on the test class path").isNotNull();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<JsonNode> records = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          records.add(JSON.readTree(line));
        }
      }
      return records;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
