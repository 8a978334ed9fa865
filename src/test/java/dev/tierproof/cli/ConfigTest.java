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
    assertThat(configured.out())
        .as(configured.toString())
        .doesNotContain("TP103", "TP201")
        .contains("0 notes");
    Run explicit = Run.of("--config", config.toString(), "lint", "-f", "examples/lint/tiers.yaml");
    assertThat(explicit.out()).doesNotContain("policies/");
  }

  @Test
  void config_lintSeverity_regradesReportsAndTheGate(@TempDir Path dir) throws Exception {
    Path config = dir.resolve(Config.NAME);
    Files.writeString(config, "lint:\n  severity:\n    shadowed-rule: note\n    TP201: error\n");
    Run all =
        Run.of(
            "--config", "none", "lint", "-f", "examples/lint", "-o", "json", "--fail-on", "error");
    Run graded =
        Run.of(
            "--config",
            config.toString(),
            "lint",
            "-f",
            "examples/lint",
            "-o",
            "json",
            "--fail-on",
            "error");
    var before =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(all.out()).get("findings");
    var after =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(graded.out()).get("findings");
    assertThat(after).hasSameSizeAs(before);
    int shadowed = 0;
    for (int i = 0; i < before.size(); i++) {
      String id = before.get(i).get("id").asText();
      String want =
          id.equals("TP102")
              ? "note"
              : id.equals("TP201") ? "error" : before.get(i).get("severity").asText();
      assertThat(after.get(i).get("severity").asText()).as(id).isEqualTo(want);
      if (id.equals("TP102") && before.get(i).get("severity").asText().equals("error")) shadowed++;
    }
    assertThat(shadowed).as("the example has shadowed rules graded error").isPositive();
    assertThat(all.code()).isEqualTo(1);
    // the errors left are the pass-to-profile findings, now errors: still failing; without them,
    // passing
    assertThat(graded.code()).isEqualTo(1);
    Files.writeString(config, "lint:\n  severity: {shadowed-rule: warning}\n");
    assertThat(
            Run.of(
                    "--config",
                    config.toString(),
                    "lint",
                    "-f",
                    "examples/lint",
                    "--fail-on",
                    "error")
                .code())
        .isZero();
    assertThat(
            Run.of(
                    "--config",
                    config.toString(),
                    "lint",
                    "-f",
                    "examples/lint",
                    "--fail-on",
                    "warning")
                .code())
        .isEqualTo(1);
  }

  @Test
  void config_unknownLintRuleOrSeverity_exit2AtTheEntry(@TempDir Path dir) throws Exception {
    Path config = dir.resolve(Config.NAME);
    Files.writeString(
        config,
        "lint:\n  disable: [TP1033]\n  severity:\n    shadowed-rules: error\n    TP103: eror\n");
    Run run = Run.of("--config", config.toString(), "lint", "-f", "examples/lint");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains(config + ":2:13: error: `TP1033` is not a lint rule: did you mean `TP103`?")
        .contains(
            config
                + ":4:5: error: `shadowed-rules` is not a lint rule: did you mean `shadowed-rule`?")
        .contains(config + ":5:12: error: `eror` is not a severity: did you mean `error`?");
  }

  @Test
  void config_badShape_exit2WithPositions(@TempDir Path dir) throws Exception {
    Path config = dir.resolve(Config.NAME);
    Files.writeString(config, "files: policies\nlnt: {}\n");
    Run run = Run.of("--config", config.toString(), "lint", "-f", "examples/lint");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains(config + ":1:8: error: `files` must be a list, found a string")
        .contains(
            config + ":2:1: warning: unknown field `lnt` in configuration: did you mean `lint`?");
    assertThat(Run.of("--config", dir.resolve("none.yaml").toString(), "lint").err())
        .contains("no configuration file");
  }

  @Test
  void find_nearestUpward(@TempDir Path dir) throws Exception {
    Path deep = Files.createDirectories(dir.resolve("a/b/c"));
    assertThat(Config.find(deep)).isEmpty();
    Files.writeString(dir.resolve("a").resolve(Config.NAME), "files: [x]\n");
    assertThat(Config.find(deep))
        .contains(dir.resolve("a").resolve(Config.NAME).toAbsolutePath().normalize());
  }
}
