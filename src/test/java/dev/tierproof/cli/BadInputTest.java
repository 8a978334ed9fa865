package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code src/test/resources/bad/<name>.yaml} with a {@code <name>.expected} beside it: the
 * CLI exits 2 and prints exactly the expected diagnostics, no stack trace. Convention: the expected
 * text names the file {@code bad/<name>.yaml}; the CLI reports paths as given, so the test passes
 * {@code -f src/test/resources/bad/<name>.yaml} and strips {@code src/test/resources/} from stderr
 * before comparing.
 */
class BadInputTest {

  private static final Path RESOURCES = Path.of("src", "test", "resources");

  @TestFactory
  Stream<DynamicTest> badInput_exits2WithExactDiagnostics() throws IOException {
    Path bad = RESOURCES.resolve("bad");
    if (!Files.isDirectory(bad)) {
      return Stream.empty();
    }
    return Files.list(bad)
        .filter(p -> p.toString().endsWith(".yaml"))
        .filter(p -> Files.exists(expected(p)))
        .sorted()
        .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  private static Path expected(Path yaml) {
    String name = yaml.getFileName().toString();
    return yaml.resolveSibling(name.substring(0, name.length() - ".yaml".length()) + ".expected");
  }

  private static void check(Path yaml) throws IOException {
    String path = "src/test/resources/bad/" + yaml.getFileName();
    Run run = Run.of("explain", "a", "b", "-f", path);
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.err().replace("src/test/resources/bad/", "bad/"))
        .isEqualTo(Files.readString(expected(yaml), StandardCharsets.UTF_8));
  }
}
