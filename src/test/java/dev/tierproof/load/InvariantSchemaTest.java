package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.tierproof.source.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code specs/invariant-schema.json} (for editors) agrees with the parser: every invariant file
 * the project ships validates, and documents the parser rejects for their shape are rejected.
 */
class InvariantSchemaTest {

  private static final ObjectMapper YAML = new YAMLMapper();

  static JsonSchema schema() throws IOException {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
        .getSchema(new ObjectMapper().readTree(Path.of("specs", "invariant-schema.json").toFile()));
  }

  static List<JsonNode> documents(String yaml) throws IOException {
    ObjectReader reader = YAML.readerFor(JsonNode.class);
    return reader.<JsonNode>readValues(new YAMLFactory().createParser(yaml)).readAll();
  }

  @Test
  void schema_everyShippedInvariantFile_validates() throws IOException {
    JsonSchema schema = schema();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("specs", "invariants"))) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    for (Path f : files) {
      for (JsonNode doc : documents(Files.readString(f))) {
        assertThat(schema.validate(doc)).as(f.toString()).isEmpty();
      }
    }
  }

  @Test
  void schema_badShapes_areRejected() throws IOException {
    JsonSchema schema = schema();
    String head =
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: x}\ninvariants:\n";
    for (String bad :
        List.of(
            head + "  - id: a\n    isolatd: {from: a/*, to: b/*}\n",
            head
                + "  - id: a\n    isolated: {from: a/*, to: b/*}\n    reachable: {from: a/*, to: b/*}\n",
            head + "  - id: A!\n    isolated: {from: a/*, to: b/*}\n",
            head + "  - id: a\n    isolated: {from: a/*}\n",
            head + "  - id: a\n    covered: {selector: '*', directions: [Sideways]}\n",
            head + "  - id: a\n    allowed: {from: a/x, to: b/y, decidedBy: {kind: nope}}\n",
            head + "  - id: a\n    isolated: {from: a/*, to: b/*, except: [{}]}\n",
            "apiVersion: tierproof.dev/v1\nkind: InvariantSet\nmetadata: {name: x}\ninvariants: []\n")) {
      JsonNode doc = documents(bad).get(0);
      assertThat(schema.validate(doc)).as(bad).isNotEmpty();
      Diagnostics d = new Diagnostics();
      Invariants.parse(List.of(new SourceText("x.yaml", bad)), d);
      assertThat(d.hasErrors()).as(bad).isTrue();
    }
  }
}
