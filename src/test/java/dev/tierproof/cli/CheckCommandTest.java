package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code check}: invariant files end to end, every output format and exit code. */
class CheckCommandTest {

  static final String CLUSTER = "examples/zero-trust";
  static final String PR = "examples/zero-trust-pr";
  static final String SPECS = "specs/invariants/zero-trust";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void check_zeroTrust_everyInvariantProven() {
    Run run = Run.of("-f", CLUSTER, "check", SPECS);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains(
            "proven       red-isolated-from-blue (error): no flow red/* -> blue/* is allowed outside the carve-outs\n")
        .contains(
            "proven       opens-nothing (error): nothing is allowed that examples/zero-trust did not allow\n")
        .endsWith(
            "9 invariants: 9 proven, 0 violated ("
                + run.out().replaceAll("(?s).*violated \\(", "").trim()
                + "\n");
  }

  @Test
  void check_pullRequest_violatedWithWitnessAndDecidingRules() {
    Run run = Run.of("-f", CLUSTER, "-f", PR, "check", SPECS);
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "violated     red-isolated-from-blue (error): a flow red/* -> blue/* is allowed outside the carve-outs\n"
                + "    e.g. TCP 10.1.0.20:")
        .contains(
            "-> 10.2.0.30:5432 (red/api-0 -> blue/db-0)\n"
                + "    egress at red/api-0: allowed by egress rule 0 of red/app.reporting (Allow, tier app) at examples/zero-trust-pr/open-postgres.yaml:12\n"
                + "    ingress at blue/db-0: allowed by ingress rule 0 of blue/app.reporting (Allow, tier app) at examples/zero-trust-pr/open-postgres.yaml:28\n")
        .contains(
            "violated     opens-nothing (error): a flow that examples/zero-trust denied is allowed now\n")
        .contains("    before: egress at ")
        .contains("9 invariants: 7 proven, 2 violated");
  }

  @Test
  void check_failOn_gatesTheExitCodeBySeverity() {
    assertThat(Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "--fail-on", "never").code())
        .isZero();
    assertThat(Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "--fail-on", "error").code())
        .isEqualTo(1);
    // shop: the violated invariants are one error, one warning, one note
    assertThat(
            Run.of("-f", "examples/shop", "check", "specs/invariants/shop", "--fail-on", "warning")
                .code())
        .isEqualTo(1);
    Run bad = Run.of("-f", CLUSTER, "check", SPECS, "--fail-on", "sometimes");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("`sometimes` is not a severity");
  }

  @Test
  void check_json_resultsWithWitnessAndSummary() throws Exception {
    Run run = Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "-o", "json");
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("summary").get("total").asInt()).isEqualTo(9);
    assertThat(out.get("summary").get("violated").asInt()).isEqualTo(2);
    JsonNode red = out.get("results").get(2);
    assertThat(red.get("id").asText()).isEqualTo("red-isolated-from-blue");
    assertThat(red.get("status").asText()).isEqualTo("violated");
    assertThat(red.get("assertion").asText()).isEqualTo("isolated");
    assertThat(red.get("file").asText()).isEqualTo("specs/invariants/zero-trust/zero-trust.yaml");
    JsonNode w = red.get("witness");
    assertThat(w.get("protocol").asText()).isEqualTo("TCP");
    assertThat(w.get("destination").get("endpoint").asText()).isEqualTo("blue/db-0");
    assertThat(w.get("destination").get("port").asInt()).isEqualTo(5432);
    assertThat(w.get("explanation").get("steps").get(0).get("decidedBy").get("policy").asText())
        .isEqualTo("app.reporting");
    assertThat(w.get("explanation").get("steps").get(0).get("decidedBy").get("file").asText())
        .isEqualTo("examples/zero-trust-pr/open-postgres.yaml");
    assertThat(red.get("solver").get("status").asText()).isEqualTo("sat");
    JsonNode opens = out.get("results").get(0);
    assertThat(opens.get("witness").get("before").get("verdict").asText()).isEqualTo("deny");
    assertThat(opens.get("witness").get("explanation").get("verdict").asText()).isEqualTo("allow");
  }

  @Test
  void check_junit_oneTestCasePerInvariant(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("junit.xml");
    Run run = Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "-o", "junit=" + file, "-o", "text");
    assertThat(run.code()).isEqualTo(1);
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    Element root = xml.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("testsuites");
    assertThat(root.getAttribute("tests")).isEqualTo("9");
    assertThat(root.getAttribute("failures")).isEqualTo("2");
    NodeList cases = xml.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(9);
    NodeList failures = xml.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(2);
    Element failed = (Element) failures.item(0).getParentNode();
    assertThat(failed.getAttribute("name")).isEqualTo("opens-nothing");
    assertThat(failed.getAttribute("classname")).isEqualTo("zero-trust-review");
    assertThat(xml.getElementsByTagName("testsuite").getLength()).isEqualTo(2);
  }

  @Test
  void check_sarif_validAndPlacedAtTheDecidingRule(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("out.sarif");
    Run run = Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "-o", "sarif=" + file);
    assertThat(run.code()).isEqualTo(1);
    String sarif = Files.readString(file, StandardCharsets.UTF_8);
    JsonSchema schema;
    try (InputStream in =
        CheckCommandTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
    assertThat(schema.validate(JSON.readTree(sarif))).as(sarif).isEmpty();
    JsonNode results = JSON.readTree(sarif).get("runs").get(0).get("results");
    assertThat(results).hasSize(2);
    JsonNode red = results.get(1);
    assertThat(red.get("ruleId").asText()).isEqualTo("red-isolated-from-blue");
    assertThat(red.get("level").asText()).isEqualTo("error");
    JsonNode loc = red.get("locations").get(0).get("physicalLocation");
    assertThat(loc.get("artifactLocation").get("uri").asText())
        .isEqualTo("examples/zero-trust-pr/open-postgres.yaml");
    assertThat(loc.get("region").get("startLine").asInt()).isEqualTo(28);
    assertThat(
            red.get("relatedLocations")
                .get(0)
                .get("physicalLocation")
                .get("artifactLocation")
                .get("uri")
                .asText())
        .isEqualTo("specs/invariants/zero-trust/zero-trust.yaml");
  }

  @Test
  void check_githubAndMarkdown_forPullRequests() {
    Run gh = Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "-o", "github");
    assertThat(gh.out())
        .contains("::error file=examples/zero-trust-pr/open-postgres.yaml,line=28,col=")
        .contains(
            "title=red-isolated-from-blue isolated::invariant `red-isolated-from-blue` is violated");
    Run md = Run.of("-f", CLUSTER, "-f", PR, "check", SPECS, "-o", "markdown");
    assertThat(md.out())
        .startsWith("### tierproof check: 9 invariants: 7 proven, 2 violated\n")
        .contains(
            "| ❌ | `red-isolated-from-blue` | error | a flow red/* -> blue/* is allowed outside the carve-outs<br>e.g. TCP")
        .contains("| ✅ | `blue-isolated-from-red` | error |");
  }

  @Test
  void check_badInvariantFile_exit2WithPosition(@TempDir Path tmp) throws Exception {
    Path spec = tmp.resolve("bad.yaml");
    Files.writeString(
        spec,
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: x}\ninvariants:\n"
            + "  - id: a\n    isolated: {from: red/*, to: blue/*, excep: []}\n");
    Run run = Run.of("-f", CLUSTER, "check", spec.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            spec
                + ":6:41: error: unknown field `excep` in `invariants[0].isolated`: did you mean `except`?\n"
                + "      isolated: {from: red/*, to: blue/*, excep: []}\n"
                + "                                          ^\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void check_unknownEndpoint_exit2WithSuggestionAtTheReference(@TempDir Path tmp) throws Exception {
    Path spec = tmp.resolve("refs.yaml");
    Files.writeString(
        spec,
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: x}\ninvariants:\n"
            + "  - id: a\n    allowed: {from: red/web-1, to: blue/web-0, port: 443}\n");
    Run run = Run.of("-f", CLUSTER, "check", spec.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            spec
                + ":6:21: error: no pod or workload `red/web-1` in the input; did you mean `red/web-0`");
  }

  @Test
  void check_directoryWithoutInvariants_exit2(@TempDir Path tmp) throws Exception {
    Files.writeString(
        tmp.resolve("policy.yaml"), "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n");
    Run run = Run.of("-f", CLUSTER, "check", tmp.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("no invariant files (`kind: InvariantSet`) under `" + tmp + "`");
  }

  @Test
  void check_noInput_exit2() {
    Run run = Run.of("check", SPECS);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("no input; give `-f PATH`");
  }

  @Test
  void check_noNewReachability_relabelledPodOpensAFlow_violated(@TempDir Path tmp)
      throws Exception {
    String cluster =
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, labels: {app: LABEL}}
        status: {podIP: 10.0.0.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db, namespace: shop, labels: {app: db}}
        status: {podIP: 10.0.0.2}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: db, namespace: shop}
        spec:
          selector: app == 'db'
          ingress:
          - action: Allow
            source: {selector: app == 'web'}
        """;
    Path base = Files.createDirectories(tmp.resolve("base"));
    Files.writeString(base.resolve("c.yaml"), cluster.replace("LABEL", "other"));
    Path now = tmp.resolve("now.yaml");
    Files.writeString(now, cluster.replace("LABEL", "web"));
    Path spec = tmp.resolve("i.yaml");
    Files.writeString(
        spec,
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: pr}\ninvariants:\n"
            + "  - id: opens-nothing\n    no-new-reachability: {baseline: "
            + base
            + "}\n");
    Run run = Run.of("-f", now.toString(), "check", spec.toString());
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .containsPattern("(?m)^violated +opens-nothing ")
        .contains("shop/web -> shop/db");
  }

  @Test
  void check_baselineThatCannotBeRead_reportedAtTheLineThatNamesIt(@TempDir Path tmp)
      throws Exception {
    Path spec = tmp.resolve("i.yaml");
    Files.writeString(
        spec,
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: pr}\ninvariants:\n"
            + "  - id: opens-nothing\n    no-new-reachability: {baseline: /no/such/dir}\n");
    Run run = Run.of("-f", "examples/shop", "check", spec.toString());
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(spec + ":6:37: error: `/no/such/dir`: cannot read: no such file");
  }
}
