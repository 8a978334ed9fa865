package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.load.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .tierproof.yaml}: a repository's default inputs, excludes, outputs and lint settings. */
class ConfigTest {

  @Test
  void config_defaultInputsAndDisabledLintRules_applied(@TempDir Path dir) throws Exception {
    Path policies = Files.createDirectories(dir.resolve("policies"));
    try (var files = Files.list(Path.of("examples/lint"))) {
      for (Path f : files.toList()) {
        Files.copy(f, policies.resolve(f.getFileName()));
      }
    }
    Path config = dir.resolve(Config.NAME);
    Files.writeString(config, "files: [policies]\nlint:\n  disable: [TP103, pass-to-profile]\n");
    Run all = Run.of("lint", "-f", "examples/lint");
    Run configured = Run.of("--config", config.toString(), "lint");
    assertThat(all.out()).contains("TP103", "TP201");
    assertThat(configured.out()).as(configured.toString()).doesNotContain("TP103", "TP201").contains("0 notes");
    Run explicit = Run.of("--config", config.toString(), "lint", "-f", "examples/lint/tiers.yaml");
    assertThat(explicit.out()).doesNotContain("policies/");
  }

  @Test
  void config_badShape_exit2WithPositions(@TempDir Path dir) throws Exception {
    Path config = dir.resolve(Config.NAME);
    Files.writeString(config, "files: policies\nlnt: {}\n");
    Run run = Run.of("--config", config.toString(), "lint", "-f", "examples/lint");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains(config + ":1:8: error: `files` must be a list, found a string")
        .contains(config + ":2:1: warning: unknown field `lnt` in configuration: did you mean `lint`?");
    assertThat(Run.of("--config", dir.resolve("none.yaml").toString(), "lint").err()).contains("no configuration file");
  }

  @Test
  void find_nearestUpward(@TempDir Path dir) throws Exception {
    Path deep = Files.createDirectories(dir.resolve("a/b/c"));
    assertThat(Config.find(deep)).isEmpty();
    Files.writeString(dir.resolve("a").resolve(Config.NAME), "files: [x]\n");
    assertThat(Config.find(deep)).contains(dir.resolve("a").resolve(Config.NAME).toAbsolutePath().normalize());
  }
}
