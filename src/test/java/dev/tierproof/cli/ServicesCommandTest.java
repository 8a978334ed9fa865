package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code services} rules through the commands (spec S3.9, S9). */
class ServicesCommandTest {

  private static final String CASES = "specs/cases/own/";

  @Test
  void verifyIsolated_serviceBySelector_futurePodsAtTheirTargetPorts() {
    // TCP 80 is the service port, no existing pod's target: isolated for the pods that exist; a
    // pod not yet deployed that the selector selects may name port 80 `http`
    String[] question = {
      "-f",
      CASES + "services-selector-named-target-port/resources.yaml",
      "verify",
      "isolated",
      "nt/client",
      "nt/*",
      "--protocol",
      "TCP",
      "--port",
      "80"
    };
    Run all = Run.of(question);
    assertThat(all.code()).as(all.toString()).isEqualTo(1);
    assertThat(all.out()).contains("nt/hypothetical");
    String[] existing = java.util.Arrays.copyOf(question, question.length + 1);
    existing[question.length] = "--existing";
    Run now = Run.of(existing);
    assertThat(now.code()).as(now.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(now.err() + now.out()).doesNotContain("not modelled").doesNotContain("unmodelled");
  }

  @Test
  void verifyReachable_serviceBySelector_witnessAtANamedTargetPort() {
    Run run =
        Run.of(
            "-f",
            CASES + "services-selector-named-target-port/resources.yaml",
            "verify",
            "reachable",
            "nt/client",
            "nt/web-b",
            "--protocol",
            "TCP");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out()).contains("9090");
  }

  @Test
  void verifyReachable_absentService_inconclusive() {
    Run run =
        Run.of(
            "-f",
            CASES + "services-absent-from-input-unmodelled/resources.yaml",
            "verify",
            "isolated",
            "sv/client",
            "sv/db",
            "--protocol",
            "TCP",
            "--port",
            "5432");
    assertThat(run.code()).as(run.toString()).isEqualTo(3);
    assertThat(run.out()).contains("services");
  }

  @Test
  void explain_badEndpointSlice_exit2WithPosition(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("svc.yaml");
    Files.writeString(
        file,
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
        addressType: IPv4
        endpoints: [{addresses: ["10.0.0.1"]}]
        ports: [{port: 80, protocol: HTTP}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: default}
        status: {podIP: 10.0.0.1}
        """);
    Run run = Run.of("-f", file.toString(), "explain", "default/p", "default/p");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            file
                + ":6:30: error: invalid protocol `HTTP`: expected `TCP`, `UDP` or `SCTP`\n"
                + "  ports: [{port: 80, protocol: HTTP}]\n"
                + "                               ^\n");
  }
}
