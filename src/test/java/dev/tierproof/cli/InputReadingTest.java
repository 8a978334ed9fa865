package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door (issue 11): folders as teams keep them (Helm charts, kustomizations) are read with
 * a note, inputs without any resource fail, endless streams are refused, UTF-16 is read.
 */
class InputReadingTest {

  private static final String POLICY = "specs/cases/own/workloads-without-addresses/resources.yaml";

  @Test
  void directory_helmChartAndKustomization_skippedWithOneNote(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("chart/templates"));
    Files.writeString(
        dir.resolve("chart/Chart.yaml"), "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
    Files.writeString(dir.resolve("chart/values.yaml"), "replicas: 2\n");
    Files.writeString(
        dir.resolve("chart/templates/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{ toYaml .Values.labels }}\n");
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [policy.yaml]\n");
    Files.copy(Path.of(POLICY), dir.resolve("policy.yaml"));
    Run run = Run.of("-f", dir.toString(), "explain", "shop/web", "shop/api", "--port", "8080");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("allow: shop/web -> shop/api");
    assertThat(run.err())
        .containsOnlyOnce("note: skipped 4 files holding no Kubernetes or Calico resource")
        .contains("chart/values.yaml`", "kustomization.yaml`", "chart/templates/deploy.yaml`")
        .doesNotContain("error");
  }

  @Test
  void namedFile_withoutApiVersion_staysAnError(@TempDir Path dir) throws Exception {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, "replicas: 2\n");
    Run run = Run.of("-f", values.toString(), "explain", "a", "b");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
  }

  @Test
  void exclude_glob_skipsMatchingFolders(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("broken"));
    Files.writeString(
        dir.resolve("broken/bad.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\n");
    Files.copy(Path.of(POLICY), dir.resolve("policy.yaml"));
    Run refused = Run.of("-f", dir.toString(), "explain", "shop/web", "shop/api");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
    Run run =
        Run.of("-f", dir.toString(), "--exclude", "broken", "explain", "shop/web", "shop/api");
    assertThat(run.code()).as(run.toString()).isZero();
  }

  @Test
  void noResource_emptyDirectoryDevNullOrEmptyStdin_exit2AtTheArgument(@TempDir Path dir) {
    for (String path : new String[] {dir.toString(), "/dev/null", "-"}) {
      Run run = Run.of("-f", path, "verify", "reachable", "a", "b");
      assertThat(run.code()).as(run.toString()).isEqualTo(2);
      assertThat(run.err())
          .contains("<command line>:1:14: error: no Kubernetes or Calico resource in the input");
    }
  }

  @Test
  void endlessStream_devZero_refusedWithExit2() {
    Run run = Run.of("-f", "/dev/zero", "lint");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).startsWith("/dev/zero:1:1: error: cannot read: longer than 256 MiB");
  }

  @Test
  void utf16WithByteOrderMark_isRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("utf16.yaml");
    Files.write(
        file, ("\uFEFF" + Files.readString(Path.of(POLICY))).getBytes(StandardCharsets.UTF_16LE));
    Run run = Run.of("-f", file.toString(), "explain", "shop/web", "shop/api", "--port", "8080");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("allow: shop/web -> shop/api");
  }

  @Test
  void manyErrors_first100ThenACount(@TempDir Path dir) throws Exception {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      yaml.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: [p").append(i).append("]}\n");
    }
    Path file = dir.resolve("many.yaml");
    Files.writeString(file, yaml);
    Run run = Run.of("-f", file.toString(), "lint");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> l.contains(": error: ")).count()).isEqualTo(100);
    assertThat(run.err()).endsWith("and 50 more (50 errors)\n");
  }

  @Test
  void warnings_summarisedByKind_fullWithVerbose_noneWithQuiet(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.yaml");
    StringBuilder yaml = new StringBuilder();
    for (String svc : new String[] {"a", "b", "c", "d", "e"}) {
      yaml.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ")
          .append(svc)
          .append(", namespace: x}\n");
    }
    yaml.append(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nstatus: {podIP: 10.0.0.1}\n");
    Files.writeString(file, yaml);
    Run summary = Run.of("-f", file.toString(), "explain", "x/p", "x/p");
    assertThat(summary.code()).as(summary.toString()).isZero();
    assertThat(summary.err())
        .containsOnlyOnce("kind `ConfigMap` is not modelled")
        .contains("and 4 more like it at ")
        .contains(", ... (`-v` lists them)");
    Run verbose = Run.of("-f", file.toString(), "-v", "explain", "x/p", "x/p");
    assertThat(
            verbose
                .err()
                .lines()
                .filter(l -> l.contains("kind `ConfigMap` is not modelled"))
                .count())
        .isEqualTo(5);
    Run quiet = Run.of("-f", file.toString(), "explain", "x/p", "x/p", "-q");
    assertThat(quiet.err()).isEmpty();
    assertThat(quiet.out()).isEqualTo(summary.out());
  }

  @Test
  void validYaml_tabBetweenFlowItemsAndAnchoredKey_read(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p,\tnamespace: default, labels: {&k app: web,\trole: *k}}\n"
            + "status: {podIP: 10.0.0.1}\n---\napiVersion: v1\nkind: Pod\n"
            + "metadata: {name: q, namespace: default}\nstatus: {podIP: 10.0.0.2}\n");
    Run run =
        Run.of(
            "-f",
            file.toString(),
            "verify",
            "reachable",
            "default/q",
            "{role == 'app'}",
            "--existing");
    assertThat(run.code()).as(run.toString()).isZero();
  }

  @Test
  void validYaml_aliasAsMappingKey_read(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default, labels: {app: web}}\nstatus: {podIP: 10.0.0.1}\n"
            + "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\n"
            + "spec:\n  selector: app == 'web'\n  types: [Egress]\n  egress:\n    - action: Deny\n      ? &proto protocol\n      : TCP\n"
            + "    - action: Allow\n      *proto : UDP\n      destination: {ports: [53]}\n");
    Run udp =
        Run.of(
            "-f",
            file.toString(),
            "explain",
            "default/a",
            "8.8.8.8",
            "--protocol",
            "UDP",
            "--port",
            "53",
            "-o",
            "json");
    assertThat(udp.code()).as(udp.toString()).isZero();
    assertThat(udp.out()).contains("\"verdict\": \"allow\"", "\"ruleIndex\": 1", "\"line\": 16");
    Run tcp =
        Run.of(
            "-f",
            file.toString(),
            "explain",
            "default/a",
            "8.8.8.8",
            "--protocol",
            "TCP",
            "--port",
            "53");
    assertThat(tcp.out()).as(tcp.toString()).startsWith("deny:");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  &n name: x\n  labels: {a: b}\n  *n : y\n");
    Run duplicate = Run.of("-f", file.toString(), "lint");
    assertThat(duplicate.code()).isEqualTo(2);
    assertThat(duplicate.err())
        .contains(file + ":6:3: error: duplicate key `name`: first defined at " + file + ":4:3");
  }
}
