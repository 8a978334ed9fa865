package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff} when only a Service's endpoints change (spec S3.9): the changed EndpointSlice,
 * Endpoints or Service is listed, not the policy whose {@code services} rule matches it, and the
 * flows it opens are proved as for any change.
 */
class ServiceDiffTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A client allowed egress to the endpoints of {@code sl/db}; {@code slices} lists them. */
  private static String cluster(String slices) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: sl, labels: {app: client}}
        status: {podIP: 10.38.0.10}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db-0, namespace: sl, labels: {app: db}}
        status: {podIP: 10.38.0.20}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db-1, namespace: sl, labels: {app: db}}
        status: {podIP: 10.38.0.21}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: client-egress, namespace: sl}
        spec:
          selector: app == 'client'
          types: [Egress]
          egress:
            - action: Allow
              destination:
                services: {name: db, namespace: sl}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: sl}
        spec:
          selector: {app: db}
          ports: [{name: pg, port: 5432, protocol: TCP}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: sl}
        """
        + slices;
  }

  private static String slice(String name, String service, String... addresses) {
    return "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: "
        + name
        + "\n  namespace: sl\n  labels: {kubernetes.io/service-name: "
        + service
        + "}\naddressType: IPv4\nendpoints:\n  - addresses: [\""
        + String.join("\", \"", addresses)
        + "\"]\nports: [{port: 5432, protocol: TCP}]\n";
  }

  private static Run diff(Path dir, String base, String current, String... more)
      throws IOException {
    Files.createDirectories(dir.resolve("base"));
    Files.createDirectories(dir.resolve("now"));
    Files.writeString(dir.resolve("base/cluster.yaml"), base);
    Files.writeString(dir.resolve("now/cluster.yaml"), current);
    String[] args =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(
                    "-f",
                    dir.resolve("now").toString(),
                    "diff",
                    "--base",
                    dir.resolve("base").toString()),
                java.util.stream.Stream.of(more))
            .toArray(String[]::new);
    return Run.of(args);
  }

  @Test
  void diff_onlyASliceChanged_namesTheSliceAndItsServiceNotThePolicy(@TempDir Path dir)
      throws IOException {
    Run run =
        diff(
            dir,
            cluster(slice("db-abc12", "db", "10.38.0.20")),
            cluster(slice("db-abc12", "db", "10.38.0.20", "10.38.0.21")));
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains("newly allowed: sl/client -> sl/db-1, TCP 5432\n")
        .contains(
            "changes in the input:\n  modified EndpointSlice sl/db-abc12 ("
                + dir.resolve("now/cluster.yaml")
                + ":")
        .contains("), of service sl/db\n")
        .doesNotContain("NetworkPolicy sl/client-egress");
  }

  @Test
  void diff_sliceAndServiceChangedJson_additiveServiceField(@TempDir Path dir) throws Exception {
    String service = "{name: pg, port: 5432, protocol: TCP}";
    Run run =
        diff(
            dir,
            cluster(slice("db-abc12", "db", "10.38.0.20")),
            cluster(slice("db-xyz", "db", "10.38.0.20"))
                .replace(service, "{name: pg, port: 5432, targetPort: 6432}"),
            "-o",
            "json");
    JsonNode changes = JSON.readTree(run.out()).get("inputChanges");
    assertThat(changes).as(run.toString()).hasSize(3);
    assertThat(changes.findValuesAsText("what"))
        .containsExactly("Service sl/db", "EndpointSlice sl/db-abc12", "EndpointSlice sl/db-xyz");
    assertThat(changes.findValuesAsText("how")).containsExactly("modified", "removed", "added");
    assertThat(changes.findValuesAsText("service")).containsOnly("sl/db");
    assertThat(run.code()).as(run.toString()).isZero(); // the slices match the same endpoints
  }

  @Test
  void diff_sliceOfAServiceNoRuleNames_notListed(@TempDir Path dir) throws Exception {
    Run run =
        diff(
            dir,
            cluster(
                slice("db-abc12", "db", "10.38.0.20") + slice("other-1", "other", "10.38.0.20")),
            cluster(
                slice("db-abc12", "db", "10.38.0.20") + slice("other-1", "other", "10.38.0.21")),
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(JSON.readTree(run.out()).get("inputChanges")).isEmpty();
  }

  @Test
  void diff_endpointsRemovedMarkdown_namesThemAndTheirService(@TempDir Path dir)
      throws IOException {
    String endpoints =
        "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: db, namespace: sl}\n"
            + "subsets:\n  - addresses: [{ip: 10.38.0.21}]\n    ports: [{port: 5432}]\n";
    Run run = diff(dir, cluster(endpoints), cluster(""), "-o", "markdown");
    // without Endpoints the Service's selector gives it db-0 too: that flow opens
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains("1 change in the input")
        .contains("- removed `Endpoints sl/db`")
        .doesNotContain("`NetworkPolicy");
  }
}
