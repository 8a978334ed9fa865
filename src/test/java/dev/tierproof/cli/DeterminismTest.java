package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same input, version and options give the same report in every JVM: each run is a process of
 * its own, since the order of {@code Set.of}/{@code Map.of}, identity hash codes and when the
 * garbage collector releases Z3's terms are drawn per JVM. Timing fields ({@code millis}) are
 * dropped before comparing.
 */
class DeterminismTest {

  private static final Path TRANSIT =
      Path.of("specs/cases/own/host-endpoint-transit/resources.yaml");

  private static final Path NODES =
      Path.of("specs/cases/published/calico-protect-kubernetes-nodes");

  private static String run(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xss8m", "-Dtierproof.native=target/native"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tierproof.cli.Main"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().filter(l -> !l.contains("\"millis\"")).collect(Collectors.joining("\n"));
  }

  private static void sameTwice(String... args) throws Exception {
    String first = run(args);
    assertThat(first).isNotBlank();
    assertThat(run(args)).as(String.join(" ", args)).isEqualTo(first);
  }

  /** {@code file} without its policy documents. */
  private static Path withoutPolicies(Path file, Path dir) throws Exception {
    String kept =
        Arrays.stream(Files.readString(file).split("\n---"))
            .filter(d -> !d.matches("(?s).*\\nkind: (Global)?NetworkPolicy\\s*\\n.*"))
            .collect(Collectors.joining("\n---"));
    return Files.writeString(dir.resolve("base.yaml"), kept);
  }

  /** The published case's pull request ({@code pullRequest.replace} of its expect.yaml). */
  private static Path pullRequest(Path dir) throws Exception {
    com.fasterxml.jackson.databind.JsonNode edits =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(NODES.resolve("expect.yaml").toFile())
            .path("pullRequest")
            .path("replace");
    String text = Files.readString(NODES.resolve("resources.yaml"));
    for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : edits.properties()) {
      text = text.replace(e.getKey(), e.getValue().asText());
    }
    return Files.writeString(dir.resolve("pr.yaml"), text);
  }

  /** bench's small generated cluster (200 pods). */
  private static Path smallCluster(Path dir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path out = dir.resolve("small");
    Process p =
        new ProcessBuilder(
                java,
                "bench/GenerateCluster.java",
                "--size",
                "small",
                "--seed",
                "42",
                "--out",
                out.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  @Test
  void diff_hostEndpointTransit_sameInEveryJvm(@TempDir Path dir) throws Exception {
    Path base = withoutPolicies(TRANSIT, dir);
    sameTwice(
        "--ignore-unmodelled",
        "-o",
        "json",
        "diff",
        "--base",
        base.toString(),
        "-f",
        TRANSIT.toString());
  }

  @Test
  void diff_publishedPullRequest_sameInEveryJvm(@TempDir Path dir) throws Exception {
    sameTwice(
        "--ignore-unmodelled",
        "-o",
        "json",
        "-f",
        pullRequest(dir).toString(),
        "diff",
        "--base",
        NODES.resolve("resources.yaml").toString());
  }

  @Test
  void verifyAndMap_smallCluster_sameInEveryJvm(@TempDir Path dir) throws Exception {
    String cluster = smallCluster(dir).toString();
    sameTwice("-f", cluster, "-o", "json", "verify", "isolated", "ns-a/*", "ns-b/*");
    sameTwice("-f", cluster, "-o", "json", "map");
  }

  @Test
  void lint_hostEndpointTransit_sameInEveryJvm() throws Exception {
    sameTwice("--ignore-unmodelled", "-f", TRANSIT.toString(), "-o", "json", "lint");
  }
}
