package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.source.Diagnostic;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A long YAML text is read in parts cut at document markers, each on a core of its own: the
 * documents, their positions and a syntax error's position and effect are those of one reading.
 */
class LargeTextPartsTest {

  /** Documents of 5 lines each, some with a block scalar, some starting `--- # comment`. */
  private static String text(int documents, int brokenAt) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < documents; i++) {
      out.append(i % 7 == 3 ? "--- # document " + i + "\n" : "---\n");
      out.append("kind: Thing\n");
      out.append(i == brokenAt ? "metadata: {name: [broken\n" : "metadata: {name: n" + i + "}\n");
      out.append("data: |\n");
      out.append("  ----\n"); // not a marker: indented, and four dashes
    }
    return out.toString();
  }

  private static List<Node> parse(String text, Diagnostics diagnostics) {
    return Documents.parse(new SourceText("big.yaml", text, false), diagnostics);
  }

  @Test
  void longText_everyDocumentAtItsLine() {
    int n = 40_000; // about 2.5 MiB: several parts
    String text = text(n, -1);
    assertThat(text.length()).isGreaterThan(2 << 20);
    Diagnostics diagnostics = new Diagnostics();
    List<Node> documents = parse(text, diagnostics);
    assertThat(diagnostics.all()).isEmpty();
    assertThat(documents).hasSize(n);
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Node.Mapping m = (Node.Mapping) documents.get(i);
      Node.Scalar name = (Node.Scalar) m.mapping("metadata").entry("name").value();
      Span expected = new Span("big.yaml", 5 * i + 3, 18);
      if (!name.text().equals("n" + i) || !name.span().equals(expected)) {
        wrong.add(i + ": " + name.text() + " at " + name.span());
      }
      assertThat(m.text("data")).isEqualTo("----\n");
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void syntaxErrorInALaterPart_reportedAtItsLine_documentsBeforeItKept() {
    int n = 40_000;
    int broken = 30_000;
    Diagnostics diagnostics = new Diagnostics();
    List<Node> documents = parse(text(n, broken), diagnostics);
    List<Diagnostic> errors = diagnostics.all();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).span().line()).isBetween(5 * broken + 3, 5 * broken + 4);
    assertThat(errors.get(0).message()).startsWith("invalid yaml: ");
    assertThat(documents).hasSize(broken); // a syntax error ends the text, as in one reading
  }

  @Test
  void syntaxErrorInTheFirstPart_endsTheText() {
    Diagnostics diagnostics = new Diagnostics();
    List<Node> documents = parse(text(40_000, 10), diagnostics);
    assertThat(diagnostics.all()).hasSize(1);
    assertThat(diagnostics.all().get(0).span().line()).isBetween(53, 54);
    assertThat(documents).hasSize(10);
  }
}
