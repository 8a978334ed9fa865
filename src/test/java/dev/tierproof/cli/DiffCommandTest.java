package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diff}: bases from paths and from git (a real repository, the real {@code git}). */
class DiffCommandTest {

  static final String CLUSTER = "examples/zero-trust";
  static final String PR = "examples/zero-trust-pr";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void diff_pullRequest_oneOpenedClassAndNothingElse() {
    Run run = Run.of("-f", CLUSTER, "-f", PR, "diff", "--base", CLUSTER);
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(
            "diff against examples/zero-trust: 1 class of flows changed; no other flow changed (proved)\n\n"
                + "newly allowed: red/api-0 -> blue/db-0, TCP 5432\n"
                + "  e.g. TCP 10.1.0.20:")
        .contains(
            "\nscope: flows between the input's endpoints and outside addresses (--scope any: also pods that could be deployed)\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void diff_scopeAny_classOfEveryPodThatCouldBeDeployed() {
    Run run = Run.of("-f", CLUSTER, "-f", PR, "diff", "--base", CLUSTER, "--scope", "any");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(
            "diff against examples/zero-trust: 1 class of flows changed; no other flow changed (proved)\n\n"
                + "newly allowed: red/{app == \"api\"} -> blue/{app == \"db\"} (hypothetical pods not at 169.254.169.254), TCP 5432\n"
                + "  e.g. TCP 10.1.0.20:")
        .contains(
            "  before: denied at egress of red/api-0 by the implicit deny of tier default (last policy default-deny at examples/zero-trust/default.yaml:2)\n"
                + "  now:    allowed: egress at red/api-0 by egress rule 0 of red/app.reporting (Allow, tier app) at examples/zero-trust-pr/open-postgres.yaml:12;"
                + " ingress at blue/db-0 by ingress rule 0 of blue/app.reporting (Allow, tier app) at examples/zero-trust-pr/open-postgres.yaml:28\n")
        .contains(
            "changes in the input:\n"
                + "  added NetworkPolicy blue/app.reporting (examples/zero-trust-pr/open-postgres.yaml:19)\n"
                + "  added NetworkPolicy red/app.reporting (examples/zero-trust-pr/open-postgres.yaml:3)\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void diff_sameInput_provedUnchangedExit0() {
    Run run = Run.of("-f", CLUSTER, "diff", "--base", CLUSTER);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("diff against examples/zero-trust: no flow changed; proved\n");
  }

  @Test
  void diff_json_completeWithClassesAndInputChanges() throws Exception {
    Run run =
        Run.of("-f", CLUSTER, "-f", PR, "diff", "--base", CLUSTER, "--scope", "any", "-o", "json");
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("status").asText()).isEqualTo("complete");
    assertThat(out.get("classes")).hasSize(1);
    JsonNode c = out.get("classes").get(0);
    assertThat(c.get("change").asText()).isEqualTo("opened");
    assertThat(c.get("source").get("namespaces").get(0).asText()).isEqualTo("red");
    assertThat(c.get("source").get("selector").asText()).isEqualTo("app == \"api\"");
    assertThat(c.get("destination").get("hypothetical").get("notIn").get(0).asText())
        .isEqualTo("169.254.169.254/32");
    assertThat(c.get("packets").get("protocol").asText()).isEqualTo("TCP");
    assertThat(c.get("packets").get("ports").get("min").asInt()).isEqualTo(5432);
    assertThat(c.get("witness").get("before").get("verdict").asText()).isEqualTo("deny");
    assertThat(c.get("witness").get("after").get("verdict").asText()).isEqualTo("allow");
    assertThat(out.get("inputChanges")).hasSize(2);
    assertThat(out.get("scope").asText()).isEqualTo("any");
  }

  @Test
  void diff_unknownScopeAndMissingInput_bothReportedExit2() {
    Run run =
        Run.of("-f", "no-such-dir/policies.yaml", "diff", "--base", CLUSTER, "--scope", "all");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .contains("`all` is not a scope; use `existing` or `any`")
        .contains("no-such-dir/policies.yaml:1:1: error: cannot read: no such file");
  }

  @Test
  void diff_unknownScope_exit2() {
    Run run = Run.of("-f", CLUSTER, "diff", "--base", CLUSTER, "--scope", "all");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("`all` is not a scope; use `existing` or `any`");
  }

  @Test
  void diff_markdown_tableForAPullRequestComment() {
    Run run = Run.of("-f", CLUSTER, "-f", PR, "diff", "--base", CLUSTER, "-o", "markdown");
    assertThat(run.out())
        .startsWith(
            "### tierproof diff against `examples/zero-trust`\n\n**1 class of flows changed; no other flow changed (proved)**\n")
        .contains("| 🔓 newly allowed | `red/api-0` | `blue/db-0` | TCP 5432 |")
        .contains("<details><summary>2 changes in the input</summary>");
  }

  @Test
  void diff_closedFlows_newlyDenied(@TempDir Path tmp) throws IOException {
    Path before = tmp.resolve("before");
    Path after = tmp.resolve("after");
    copy(Path.of(CLUSTER), before);
    copy(Path.of(CLUSTER), after);
    // the pull request drops red's own database policy: red's API loses its database
    Files.delete(after.resolve("app.yaml"));
    Files.writeString(
        after.resolve("app.yaml"),
        Files.readString(before.resolve("app.yaml")).replace("ports: [5432]", "ports: [5433]"));
    Run run = Run.of("-f", after.toString(), "diff", "--base", before.toString());
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains("newly denied: ")
        .contains("TCP 5432")
        .contains("no other flow changed (proved)");
    assertThat(run.out()).contains("newly allowed: ").contains("TCP 5433");
  }

  @Test
  void diff_gitBase_readsThePathsAtTheCommit(@TempDir Path repo) throws Exception {
    copy(Path.of(CLUSTER), repo.resolve("cluster"));
    git(repo, "init", "-q");
    git(repo, "add", ".");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
    Files.copy(Path.of(PR, "open-postgres.yaml"), repo.resolve("cluster/open-postgres.yaml"));
    String dir = repo.resolve("cluster").toString();
    Run run = Run.of("-f", dir, "diff", "--base", "git:HEAD");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(
            "diff against git:HEAD: 1 class of flows changed; no other flow changed (proved)\n")
        .contains("(last policy default-deny at HEAD:" + dir + "/default.yaml:2)");
    Files.delete(repo.resolve("cluster/open-postgres.yaml"));
    Run same = Run.of("-f", dir, "diff", "--base", "git:HEAD");
    assertThat(same.code()).as(same.toString()).isZero();
    Run bad = Run.of("-f", dir, "diff", "--base", "git:no-such-branch");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("error: `no-such-branch` is not a commit of the repository at ");
    Run stdin = Run.of("-f", "-", "diff", "--base", "git:HEAD");
    assertThat(stdin.code()).isEqualTo(2);
    assertThat(stdin.err()).contains("standard input has no history");
  }

  @Test
  void diff_outsideARepository_exit2() throws IOException {
    // not @TempDir: surefire's java.io.tmpdir is target/tmp, inside this project's own checkout
    Path tmp = Files.createTempDirectory(Path.of("/tmp"), "tierproof-norepo-");
    copy(Path.of(CLUSTER), tmp.resolve("c"));
    Run run = Run.of("-f", tmp.resolve("c").toString(), "diff", "--base", "git:HEAD");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("is not in a git repository");
  }

  @Test
  void diff_badBaseFile_exit2WithPosition(@TempDir Path tmp) throws IOException {
    Files.writeString(
        tmp.resolve("bad.yaml"),
        "kind: NetworkPolicy\napiVersion: projectcalico.org/v3\nmetadata: {name: x, namespace: a}\nspec: {order: high}\n");
    Run run = Run.of("-f", CLUSTER, "diff", "--base", tmp.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains(tmp.resolve("bad.yaml") + ":4:15: error: `spec.order` must be a number");
  }

  static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
  }

  static void git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
