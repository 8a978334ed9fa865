package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The explain text of every query of the three quiz cases, against {@code
 * src/test/resources/golden/<case>.txt}. {@code mvn test -Dgolden.update=true} rewrites the files.
 */
class GoldenTest {

  private static final Path CASES = Path.of("specs", "cases", "acceptance");
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  static Stream<String> quizzes() {
    return Stream.of("quiz-1-allow-in-tier1", "quiz-2-implicit-deny", "quiz-3-pass-to-tier3");
  }

  @ParameterizedTest
  @MethodSource("quizzes")
  void explainText_quizCase_matchesGolden(String name) throws IOException {
    Path dir = CASES.resolve(name);
    JsonNode expect =
        new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("expect.yaml").toFile());
    StringBuilder actual = new StringBuilder();
    for (JsonNode q : expect.get("queries")) {
      List<String> args =
          new ArrayList<>(List.of("explain", q.get("from").asText(), q.get("to").asText()));
      if (q.has("protocol")) {
        args.addAll(List.of("--protocol", q.get("protocol").asText()));
      }
      if (q.has("port")) {
        args.addAll(List.of("--port", q.get("port").asText()));
      }
      args.addAll(List.of("-f", dir.resolve("resources.yaml").toString().replace('\\', '/')));
      Run run = Run.of(args.toArray(String[]::new));
      assertThat(run.code()).as(run.toString()).isZero();
      actual
          .append("$ tierproof ")
          .append(String.join(" ", args))
          .append('\n')
          .append(run.out())
          .append('\n');
    }
    Path golden = GOLDEN.resolve(name + ".txt");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual.toString(), StandardCharsets.UTF_8);
    }
    assertThat(actual.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
