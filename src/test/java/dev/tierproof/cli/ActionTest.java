package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines that {@code action.yml} (GitHub, through {@code .github/action/run.sh}) and the
 * README's GitLab snippet run, on the README's worked example: they must keep working, and the
 * files they name must keep existing. The action's steps also run as the action runs them, in a
 * repository that holds only policies, at paths with spaces.
 */
class ActionTest {

  private static final Path ACTION = Path.of("action.yml");
  private static final Path SCRIPT = Path.of(".github/action/run.sh");
  private static final Path README = Path.of("README.md");

  @Test
  void actionSteps_runCheckLintAndDiffWithTheseOptions() throws Exception {
    assertThat(Files.readString(SCRIPT, StandardCharsets.UTF_8))
        .contains(
            "\"$tierproof\" \"${files[@]}\" --timeout \"$TP_TIMEOUT\" check \"${specs[@]}\" --fail-on \"$TP_FAIL_ON\" \\\n"
                + "      -o github -o \"text=$out/tierproof-check.txt\" -o \"sarif=$TP_SARIF\" -o \"markdown=$out/tierproof-check.md\"")
        .contains(
            "\"$tierproof\" \"${files[@]}\" --timeout \"$TP_TIMEOUT\" lint --fail-on \"$TP_LINT_FAIL_ON\" \\\n"
                + "      -o github -o \"text=$out/tierproof-lint.txt\" -o \"sarif=$TP_LINT_SARIF\" -o \"markdown=$out/tierproof-lint.md\"")
        .contains(
            "\"$tierproof\" \"${files[@]}\" --timeout \"$TP_TIMEOUT\" diff --base \"$TP_BASE\" \\\n"
                + "      -o text -o \"markdown=$out/tierproof-diff.md\"");
    assertThat(Files.readString(ACTION, StandardCharsets.UTF_8))
        .contains("uses: github/codeql-action/upload-sarif@v3")
        .contains("category: tierproof\n")
        .contains("category: tierproof-lint\n")
        .doesNotContain("cache: maven");
    for (String step : List.of("key", "build", "check", "lint", "diff", "verdict")) {
      assertThat(Files.readString(ACTION, StandardCharsets.UTF_8))
          .contains("bash \"$GITHUB_ACTION_PATH/.github/action/run.sh\" " + step + "\n");
    }
  }

  /**
   * A pull request to a repository with policies and invariants only (no pom.xml), at paths with
   * spaces, one per line: check, lint and diff against the base branch as the action's steps run
   * them: their outputs, SARIF reports and job summary.
   */
  @Test
  void actionSteps_policyRepositoryWithSpaces_reportEachStep(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("policy repo");
    DiffCommandTest.copy(Path.of("examples/zero-trust"), repo.resolve("deploy policies"));
    DiffCommandTest.copy(Path.of("specs/invariants/zero-trust"), repo.resolve("policy specs"));
    Path review = repo.resolve("policy specs/pr-review.yaml");
    Files.writeString(
        review,
        Files.readString(review).replace("baseline: examples/zero-trust", "baseline: git:base"));
    DiffCommandTest.git(repo, "init", "-q");
    DiffCommandTest.git(repo, "add", ".");
    DiffCommandTest.git(
        repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
    DiffCommandTest.git(repo, "branch", "base");
    DiffCommandTest.copy(Path.of("examples/zero-trust-pr"), repo.resolve("deploy policies"));
    DiffCommandTest.git(repo, "add", ".");
    DiffCommandTest.git(
        repo,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "-m",
        "open postgres");
    Path summary = tmp.resolve("summary.md");
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "GITHUB_STEP_SUMMARY",
                summary.toString(),
                "RUNNER_TEMP",
                Files.createDirectories(tmp.resolve("runner temp")).toString(),
                "RUNNER_OS",
                "Linux",
                "TP_CMD",
                launcher(tmp).toString(),
                "TP_FILES",
                "  deploy policies  \n\n",
                "TP_SPECS",
                "policy specs\n",
                "TP_TIMEOUT",
                "30s",
                "TP_FAIL_ON",
                "warning",
                "TP_SARIF",
                "check report.sarif"));
    env.putAll(
        Map.of(
            "TP_LINT_SARIF",
            "lint report.sarif",
            "TP_LINT_FAIL_ON",
            "never",
            "TP_BASE",
            "git:base"));

    Step key = Step.run(repo, "key", env, tmp);
    assertThat(key.output()).as(key.toString()).matches("key=tierproof-Linux-[0-9a-f]{64}\n");

    Step check = Step.run(repo, "check", env, tmp);
    assertThat(check.output()).as(check.toString()).isEqualTo("exit-code=1\nsarif=yes\n");
    assertThat(check.log())
        .contains("::error file=deploy policies/open-postgres.yaml")
        .contains("violated     opens-nothing")
        .contains("violated     red-isolated-from-blue");
    assertThat(sarifResults(repo.resolve("check report.sarif"))).hasSize(2);
    assertThat(Files.readString(summary)).startsWith("### tierproof check:");

    Step lint = Step.run(repo, "lint", env, tmp);
    assertThat(lint.output()).as(lint.toString()).isEqualTo("exit-code=0\nsarif=yes\n");
    assertThat(lint.log())
        .contains(
            "::notice file=deploy policies/security.yaml,line=11,col=7,title=TP103 redundant-rule::");
    JsonNode lintResults = sarifResults(repo.resolve("lint report.sarif"));
    assertThat(lintResults).hasSize(1);
    assertThat(lintResults.get(0).get("ruleId").asText()).isEqualTo("TP103");
    assertThat(Files.readString(summary)).contains("\n### tierproof lint\n");

    Step diff = Step.run(repo, "diff", env, tmp);
    assertThat(diff.output()).as(diff.toString()).isEqualTo("exit-code=1\n");
    assertThat(Files.readString(summary))
        .contains("\n### tierproof diff against `git:base`\n")
        .contains("| 🔓 newly allowed | `red/api-0` | `blue/db-0` | TCP 5432 |");
    assertThat(repo.resolve("tierproof-check.md")).doesNotExist();

    env.put("TP_FILES", " \n");
    Step none = Step.run(repo, "check", env, tmp);
    assertThat(none.output()).isEqualTo("exit-code=2\n");
    assertThat(none.log()).contains("tierproof: the input `files` names no path (one per line)");
  }

  @Test
  void actionVerdict_checkThenLintThenDiff_failsTheJob(@TempDir Path tmp) throws Exception {
    assertThat(verdict(tmp, "0", "0", "never", "1")).isZero();
    assertThat(verdict(tmp, "1", "0", "never", "")).isEqualTo(1);
    assertThat(verdict(tmp, "3", "", "never", "")).isEqualTo(3);
    assertThat(verdict(tmp, "", "", "never", "")).isEqualTo(3);
    assertThat(verdict(tmp, "0", "1", "never", "")).isZero();
    assertThat(verdict(tmp, "0", "3", "never", "")).isZero();
    assertThat(verdict(tmp, "0", "2", "never", "")).isEqualTo(2);
    assertThat(verdict(tmp, "0", "1", "warning", "")).isEqualTo(1);
    assertThat(verdict(tmp, "0", "", "warning", "")).isZero();
    assertThat(verdict(tmp, "0", "0", "never", "2")).isEqualTo(2);
  }

  private static int verdict(Path tmp, String check, String lint, String lintFailOn, String diff)
      throws Exception {
    return Step.run(
            tmp,
            "verdict",
            Map.of(
                "TP_CHECK_EXIT",
                check,
                "TP_LINT_EXIT",
                lint,
                "TP_LINT_FAIL_ON",
                lintFailOn,
                "TP_DIFF_EXIT",
                diff),
            tmp)
        .code();
  }

  private static JsonNode sarifResults(Path sarif) throws Exception {
    return new ObjectMapper().readTree(sarif.toFile()).get("runs").get(0).get("results");
  }

  /**
   * An executable that runs this build's classes as the launcher runs the jar (the jar may not be
   * built yet when tests run): this JVM, the test class path, Z3's native library unpacked where
   * the tests' is.
   */
  private static Path launcher(Path tmp) throws Exception {
    Path script = tmp.resolve("tierproof launcher");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Files.writeString(
        script,
        "#!/usr/bin/env bash\nexec "
            + quote(java)
            + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss8m "
            + quote("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"))
            + " -cp "
            + quote(System.getProperty("java.class.path"))
            + " dev.tierproof.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * One run of {@code run.sh STEP} in {@code dir}: its exit code, log and {@code $GITHUB_OUTPUT}.
   */
  private record Step(int code, String log, String output) {

    static Step run(Path dir, String step, Map<String, String> env, Path tmp) throws Exception {
      Path output = Files.createTempFile(tmp, "output", "");
      ProcessBuilder pb =
          new ProcessBuilder(
                  new ArrayList<>(List.of("bash", SCRIPT.toAbsolutePath().toString(), step)))
              .directory(dir.toFile())
              .redirectErrorStream(true);
      pb.environment()
          .keySet()
          .removeIf(k -> k.startsWith("TP_") || k.startsWith("GITHUB_") || k.startsWith("RUNNER_"));
      pb.environment().putAll(env);
      pb.environment().put("GITHUB_ACTION_PATH", Path.of("").toAbsolutePath().toString());
      pb.environment().put("GITHUB_OUTPUT", output.toString());
      Process p = pb.start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(log).isTrue();
      return new Step(p.exitValue(), log, Files.readString(output));
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- output\n" + output + "--- log\n" + log;
    }
  }

  @Test
  void actionCheck_pullRequest_writesEveryReportAndFails(@TempDir Path tmp) throws Exception {
    Path sarif = tmp.resolve("tierproof.sarif");
    Path md = tmp.resolve("tierproof-check.md");
    Run run =
        Run.of(
            "-f",
            "examples/zero-trust",
            "-f",
            "examples/zero-trust-pr",
            "--timeout",
            "30s",
            "check",
            "specs/invariants/zero-trust",
            "--fail-on",
            "warning",
            "-o",
            "github",
            "-o",
            "text=" + tmp.resolve("check.txt"),
            "-o",
            "sarif=" + sarif,
            "-o",
            "markdown=" + md);
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("::error file=examples/zero-trust-pr/open-postgres.yaml");
    assertThat(Files.readString(tmp.resolve("check.txt")))
        .contains("violated     red-isolated-from-blue");
    assertThat(new ObjectMapper().readTree(sarif.toFile()).get("runs").get(0).get("results"))
        .hasSize(2);
    assertThat(Files.readString(md)).startsWith("### tierproof check:");
  }

  @Test
  void actionCheck_cluster_passes(@TempDir Path tmp) {
    Run run =
        Run.of(
            "-f",
            "examples/zero-trust",
            "--timeout",
            "30s",
            "check",
            "specs/invariants/zero-trust",
            "--fail-on",
            "warning",
            "-o",
            "github",
            "-o",
            "text=" + tmp.resolve("check.txt"),
            "-o",
            "sarif=" + tmp.resolve("s.sarif"),
            "-o",
            "markdown=" + tmp.resolve("c.md"));
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain("::error");
  }

  @Test
  void actionDiff_pullRequest_listsTheOpenedClass(@TempDir Path tmp) throws Exception {
    Path md = tmp.resolve("tierproof-diff.md");
    Run run =
        Run.of(
            "-f",
            "examples/zero-trust",
            "-f",
            "examples/zero-trust-pr",
            "--timeout",
            "30s",
            "diff",
            "--base",
            "examples/zero-trust",
            "-o",
            "text",
            "-o",
            "markdown=" + md);
    assertThat(run.code()).isEqualTo(1);
    assertThat(Files.readString(md))
        .contains("| 🔓 newly allowed | `red/api-0` | `blue/db-0` | TCP 5432 |");
  }

  @Test
  void gitlabSnippet_junitForMergeRequests(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    assertThat(readme)
        .contains(
            "./tierproof -f examples/zero-trust check specs/invariants/zero-trust -o text -o junit=tierproof-junit.xml")
        .contains(
            "./tierproof -f examples/zero-trust diff --base \"git:origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\" -o text -o markdown=tierproof-diff.md");
    Path junit = tmp.resolve("tierproof-junit.xml");
    Run run =
        Run.of(
            "-f",
            "examples/zero-trust",
            "check",
            "specs/invariants/zero-trust",
            "-o",
            "text",
            "-o",
            "junit=" + junit);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(
            DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(junit.toFile())
                .getElementsByTagName("testcase")
                .getLength())
        .isEqualTo(9);
  }
}
