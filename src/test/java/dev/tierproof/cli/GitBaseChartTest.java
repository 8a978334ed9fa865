package dev.tierproof.cli;

import static dev.tierproof.cli.DiffCommandTest.CLUSTER;
import static dev.tierproof.cli.DiffCommandTest.PR;
import static dev.tierproof.cli.DiffCommandTest.copy;
import static dev.tierproof.cli.DiffCommandTest.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff --base git:REF} whose base commit holds a Helm chart folder under a {@code -f}
 * directory: the base's files are chosen by the loader's rules (README "Input"), so the chart's
 * {@code Chart.yaml}, {@code values.yaml} and templates are skipped there as in the working tree,
 * and the chart changes nothing.
 */
class GitBaseChartTest {

  @Test
  void diff_gitBaseWithHelmChart_chartSkippedInTheBase(@TempDir Path repo) throws Exception {
    Path cluster = repo.resolve("cluster");
    copy(Path.of(CLUSTER), cluster);
    Path chart = cluster.resolve("chart");
    Files.createDirectories(chart.resolve("templates"));
    Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
    Files.writeString(chart.resolve("values.yaml"), "replicas: 2\nports: [5432]\n");
    // not YAML until Helm renders it: read as a resource it would be an error
    Files.writeString(
        chart.resolve("templates/policy.yaml"),
        "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\n"
            + "spec:\n  ingress: {{ toYaml .Values.ingress | nindent 4 }}\n");
    git(repo, "init", "-q");
    git(repo, "add", ".");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
    String dir = cluster.toString();

    Run same = Run.of("-f", dir, "diff", "--base", "git:HEAD");
    assertThat(same.code()).as(same.toString()).isZero();
    assertThat(same.out())
        .startsWith("diff against git:HEAD: no flow changed; proved\n")
        .doesNotContain("Chart.yaml");
    assertThat(same.err())
        .containsOnlyOnce("note: skipped 3 files holding no Kubernetes or Calico resource")
        .doesNotContain("error");

    // the chart only in the base: the working tree has none, so only the base could fail on it
    git(repo, "rm", "-r", "-q", "cluster/chart");
    Run gone = Run.of("-f", dir, "diff", "--base", "git:HEAD");
    assertThat(gone.code()).as(gone.toString()).isZero();
    assertThat(gone.err()).doesNotContain("error").doesNotContain("skipped");

    // a change next to the chart is found as without it
    Files.copy(Path.of(PR, "open-postgres.yaml"), cluster.resolve("open-postgres.yaml"));
    Run opened = Run.of("-f", dir, "diff", "--base", "git:HEAD");
    assertThat(opened.code()).as(opened.toString()).isEqualTo(1);
    assertThat(opened.out())
        .startsWith(
            "diff against git:HEAD: 1 class of flows changed; no other flow changed (proved)\n");
    assertThat(opened.err()).doesNotContain("error");
  }
}
