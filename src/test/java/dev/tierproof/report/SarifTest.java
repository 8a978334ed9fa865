package dev.tierproof.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SARIF, GitHub annotations and Markdown renderings of {@link Annotation}s. */
class SarifTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final List<Annotation> SAMPLE =
      List.of(
          new Annotation(
              "TP102",
              "shadowed-rule",
              "A rule that earlier rules always decide first.",
              Severity.ERROR,
              "ingress rule 2 of shop/app.web can never match: rule 0 decides first",
              new Span("examples/lint/app policies.yaml", 40, 7),
              List.of(
                  new Annotation.Related(
                      new Span("examples/lint/app policies.yaml", 30, 7),
                      "ingress rule 0 of shop/app.web (Deny)")),
              "0123456789abcdef"),
          new Annotation(
              "TP105",
              "dead-tier",
              "A tier none of whose policies selects an endpoint.",
              Severity.WARNING,
              "tier `legacy` selects nothing, 100% sure: a, b",
              Span.NONE,
              List.of(),
              "fedcba9876543210"),
          new Annotation(
              "TP102",
              "shadowed-rule",
              "A rule that earlier rules always decide first.",
              Severity.NOTE,
              "second | with pipe\nand newline",
              new Span("a.yaml", 3, 1),
              List.of(),
              "aaaa"));

  /** Validates against the official SARIF 2.1.0 schema (src/test/resources/sarif). */
  static void assertValidSarif(String sarif) throws Exception {
    JsonSchema schema;
    try (InputStream in = SarifTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
    Set<ValidationMessage> errors = schema.validate(JSON.readTree(sarif));
    assertThat(errors).as(sarif).isEmpty();
  }

  @Test
  void render_annotations_validAgainstSarifSchema() throws Exception {
    assertValidSarif(Sarif.render("tierproof", "0.1.0", SAMPLE));
    assertValidSarif(Sarif.render("tierproof", "0.1.0", List.of()));
  }

  @Test
  void schemaValidation_brokenLog_isRejected() throws Exception {
    JsonSchema schema;
    try (InputStream in = SarifTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
    JsonNode broken = JSON.readTree("{\"version\": \"2.1.0\", \"runs\": [{\"results\": []}]}");
    assertThat(schema.validate(broken)).isNotEmpty();
  }

  @Test
  void render_annotations_rulesLocationsRelatedAndFingerprints() throws Exception {
    JsonNode log = JSON.readTree(Sarif.render("tierproof", "0.1.0", SAMPLE));
    JsonNode run = log.get("runs").get(0);
    assertThat(run.at("/tool/driver/rules").size()).isEqualTo(2);
    assertThat(run.at("/tool/driver/rules/0/id").asText()).isEqualTo("TP102");
    assertThat(run.at("/tool/driver/rules/1/id").asText()).isEqualTo("TP105");
    JsonNode first = run.at("/results/0");
    assertThat(first.at("/ruleIndex").asInt()).isZero();
    assertThat(first.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("examples/lint/app%20policies.yaml");
    assertThat(first.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(40);
    assertThat(first.at("/relatedLocations/0/physicalLocation/region/startLine").asInt())
        .isEqualTo(30);
    assertThat(first.at("/partialFingerprints/tierproof~1v1").asText())
        .isEqualTo("0123456789abcdef");
    assertThat(run.at("/results/1").has("locations")).isFalse();
    assertThat(run.at("/results/2/ruleIndex").asInt()).isZero();
  }

  @Test
  void github_annotations_escapeAndLevels() {
    String out = GithubAnnotations.render(SAMPLE);
    assertThat(out.lines().toList())
        .containsExactly(
            "::error file=examples/lint/app policies.yaml,line=40,col=7,title=TP102 shadowed-rule::ingress rule 2 of"
                + " shop/app.web can never match: rule 0 decides first%0Aingress rule 0 of shop/app.web (Deny)"
                + " (examples/lint/app policies.yaml:30)",
            "::warning title=TP105 dead-tier::tier `legacy` selects nothing, 100%25 sure: a, b",
            "::notice file=a.yaml,line=3,col=1,title=TP102 shadowed-rule::second | with pipe%0Aand newline");
  }

  @Test
  void markdown_table_escapesCells() {
    String md = Markdown.render("tierproof lint", SAMPLE);
    assertThat(md)
        .startsWith(
            "### tierproof lint\n\n1 error, 1 warning, 1 note.\n\n| level | rule | where | message |\n");
    assertThat(md).contains("second \\| with pipe<br>and newline");
    assertThat(Markdown.render("t", List.of())).isEqualTo("### t\n\nNo findings.\n");
  }
}
