package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines that {@code action.yml} (GitHub) and the README's GitLab snippet run, on the
 * README's worked example: they must keep working, and the files they name must keep existing.
 */
class ActionTest {

  private static final Path ACTION = Path.of("action.yml");
  private static final Path README = Path.of("README.md");

  @Test
  void actionYml_runsCheckAndDiffWithTheseOptions() throws Exception {
    String action = Files.readString(ACTION, StandardCharsets.UTF_8);
    assertThat(action)
        .contains("\"$GITHUB_ACTION_PATH/tierproof\" \"${args[@]}\" --timeout \"$TP_TIMEOUT\" check $TP_SPECS --fail-on \"$TP_FAIL_ON\" \\\n"
            + "          -o github -o text=tierproof-check.txt -o \"sarif=$TP_SARIF\" -o markdown=tierproof-check.md")
        .contains("\"$GITHUB_ACTION_PATH/tierproof\" \"${args[@]}\" --timeout \"$TP_TIMEOUT\" diff --base \"$TP_BASE\" \\\n"
            + "          -o text -o markdown=tierproof-diff.md")
        .contains("uses: github/codeql-action/upload-sarif@v3");
  }

  @Test
  void actionCheck_pullRequest_writesEveryReportAndFails(@TempDir Path tmp) throws Exception {
    Path sarif = tmp.resolve("tierproof.sarif");
    Path md = tmp.resolve("tierproof-check.md");
    Run run =
        Run.of("-f", "examples/zero-trust", "-f", "examples/zero-trust-pr", "--timeout", "30s", "check",
            "specs/invariants/zero-trust", "--fail-on", "warning",
            "-o", "github", "-o", "text=" + tmp.resolve("check.txt"), "-o", "sarif=" + sarif, "-o", "markdown=" + md);
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("::error file=examples/zero-trust-pr/open-postgres.yaml");
    assertThat(Files.readString(tmp.resolve("check.txt"))).contains("violated     red-isolated-from-blue");
    assertThat(new ObjectMapper().readTree(sarif.toFile()).get("runs").get(0).get("results")).hasSize(2);
    assertThat(Files.readString(md)).startsWith("### tierproof check:");
  }

  @Test
  void actionCheck_cluster_passes(@TempDir Path tmp) {
    Run run =
        Run.of("-f", "examples/zero-trust", "--timeout", "30s", "check", "specs/invariants/zero-trust", "--fail-on", "warning",
            "-o", "github", "-o", "text=" + tmp.resolve("check.txt"), "-o", "sarif=" + tmp.resolve("s.sarif"), "-o", "markdown=" + tmp.resolve("c.md"));
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain("::error");
  }

  @Test
  void actionDiff_pullRequest_listsTheOpenedClass(@TempDir Path tmp) throws Exception {
    Path md = tmp.resolve("tierproof-diff.md");
    Run run =
        Run.of("-f", "examples/zero-trust", "-f", "examples/zero-trust-pr", "--timeout", "30s", "diff", "--base",
            "examples/zero-trust", "-o", "text", "-o", "markdown=" + md);
    assertThat(run.code()).isEqualTo(1);
    assertThat(Files.readString(md)).contains("| 🔓 newly allowed | `red/api-0` | `blue/db-0` | TCP 5432 |");
  }

  @Test
  void gitlabSnippet_junitForMergeRequests(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    assertThat(readme)
        .contains("./tierproof -f examples/zero-trust check specs/invariants/zero-trust -o text -o junit=tierproof-junit.xml")
        .contains("./tierproof -f examples/zero-trust diff --base \"git:origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\" -o text -o markdown=tierproof-diff.md");
    Path junit = tmp.resolve("tierproof-junit.xml");
    Run run = Run.of("-f", "examples/zero-trust", "check", "specs/invariants/zero-trust", "-o", "text", "-o", "junit=" + junit);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile())
        .getElementsByTagName("testcase").getLength()).isEqualTo(9);
  }
}
