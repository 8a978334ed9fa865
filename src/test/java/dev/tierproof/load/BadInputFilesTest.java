package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.source.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code src/test/resources/bad/<name>.yaml}, loaded as {@code bad/<name>.yaml}: at least one
 * error, and {@link Diagnostics#render()} exactly as in {@code <name>.expected} (the CLI's
 * bad-input test checks the same files end to end). {@code -Dgolden.update=true} rewrites the
 * expected files.
 */
class BadInputFilesTest {

  private static final Path BAD = Path.of("src", "test", "resources", "bad");

  static Stream<String> names() throws IOException {
    try (Stream<Path> files = Files.list(BAD)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void load_badFile_rendersExpectedDiagnostics(String name) throws IOException {
    String text = Files.readString(BAD.resolve(name + ".yaml"), StandardCharsets.UTF_8);
    Diagnostics diagnostics = new Diagnostics();
    Loader.load(List.of(new SourceText("bad/" + name + ".yaml", text)), diagnostics);
    Path expected = BAD.resolve(name + ".expected");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, diagnostics.render(), StandardCharsets.UTF_8);
    }
    assertThat(diagnostics.hasErrors()).isTrue();
    assertThat(diagnostics.render()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
  }

  @Test
  void names_coverEnoughDistinctMalformedInputs() throws IOException {
    assertThat(names()).hasSizeGreaterThanOrEqualTo(22);
  }
}
