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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lint} through the command line: the example's text against its golden file, every format
 * (SARIF validated against the SARIF 2.1.0 schema), {@code --fail-on}, {@code --scope} and exit
 * codes. {@code mvn test -Dgolden.update=true} rewrites the golden files.
 */
class LintCommandTest {

  private static final String EXAMPLE = "examples/lint";
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Run text;

  @BeforeAll
  static void lintExample() {
    text = Run.of("lint", "-f", EXAMPLE);
  }

  private static void golden(String name, String actual) throws Exception {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void lintText_example_matchesGolden() throws Exception {
    assertThat(text.code()).as(text.toString()).isEqualTo(ExitCode.VIOLATED.code());
    golden("lint-example.txt", "$ tierproof lint -f " + EXAMPLE + "\n" + text.out());
    assertThat(text.err())
        .contains("warning: egress rules have no effect"); // the loader's, on stderr
  }

  @Test
  void lintJson_example_matchesGoldenAndCounts() throws Exception {
    Run run = Run.of("lint", "-f", EXAMPLE, "-o", "json");
    assertThat(run.code()).isEqualTo(ExitCode.VIOLATED.code());
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.at("/scope").asText()).isEqualTo("existing");
    assertThat(json.at("/summary/error").asInt()).isEqualTo(2);
    assertThat(json.at("/findings").size()).isEqualTo(21);
    JsonNode shadowed = null;
    for (JsonNode f : json.get("findings")) {
      if (f.get("id").asText().equals("TP102") && f.get("line").asInt() == 11) {
        shadowed = f;
      }
    }
    assertThat(shadowed).isNotNull();
    assertThat(shadowed.get("conflict").asBoolean()).isTrue();
    assertThat(shadowed.get("policy").asText()).isEqualTo("allow-from-shop");
    assertThat(shadowed.get("kind").asText()).isEqualTo("KubernetesNetworkPolicy");
    assertThat(shadowed.at("/coveredBy").size()).isEqualTo(3);
    assertThat(shadowed.at("/coveredBy/2/kind").asText()).isEqualTo("tier-default");
    assertThat(shadowed.at("/example/decidedBy/kind").asText()).isNotEmpty();
    golden("lint-example.json", run.out());
  }

  @Test
  void lintSarif_example_validAgainstSchemaWithRulesAndRelatedLocations() throws Exception {
    Run run = Run.of("lint", "-f", EXAMPLE, "-o", "sarif");
    assertThat(run.code()).isEqualTo(ExitCode.VIOLATED.code());
    JsonSchema schema;
    try (InputStream in =
        LintCommandTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
    JsonNode log = JSON.readTree(run.out());
    assertThat(schema.validate(log)).isEmpty();
    JsonNode run0 = log.at("/runs/0");
    assertThat(run0.at("/tool/driver/name").asText()).isEqualTo("tierproof");
    assertThat(run0.at("/results").size()).isEqualTo(21);
    boolean related = false;
    for (JsonNode r : run0.get("results")) {
      assertThat(r.at("/partialFingerprints/tierproof~1v1").asText()).hasSize(16);
      assertThat(r.at("/locations/0/physicalLocation/region/startLine").asInt()).isPositive();
      if (r.get("ruleId").asText().equals("TP102")) {
        assertThat(r.at("/relatedLocations/0/physicalLocation/artifactLocation/uri").asText())
            .startsWith("examples/lint/");
        related = true;
      }
    }
    assertThat(related).isTrue();
    for (JsonNode rule : run0.at("/tool/driver/rules")) {
      assertThat(rule.get("id").asText()).matches("TP\\d{3}");
      assertThat(rule.at("/help/text").asText()).isNotBlank();
    }
  }

  @Test
  void lintSarif_twoRuns_sameFingerprints() throws Exception {
    JsonNode a = JSON.readTree(Run.of("lint", "-f", EXAMPLE, "-o", "sarif").out());
    JsonNode b = JSON.readTree(Run.of("lint", "-f", EXAMPLE, "-o", "sarif").out());
    assertThat(a.at("/runs/0/results").findValuesAsText("tierproof/v1"))
        .isEqualTo(b.at("/runs/0/results").findValuesAsText("tierproof/v1"))
        .doesNotHaveDuplicates();
  }

  @Test
  void lintGithub_example_oneWorkflowCommandPerFinding() {
    Run run = Run.of("lint", "-f", EXAMPLE, "-o", "github");
    assertThat(run.out().lines().toList())
        .hasSize(21)
        .allMatch(
            l ->
                l.matches(
                    "::(error|warning|notice) file=examples/lint/[a-z]+\\.yaml,line=\\d+,col=\\d+,title=TP\\d{3} [a-z-]+::.+"));
    assertThat(run.out())
        .contains(
            "::error file=examples/lint/default.yaml,line=11,col=7,title=TP102 shadowed-rule::");
  }

  @Test
  void lintMarkdown_example_tableWithSummary() {
    Run run = Run.of("lint", "-f", EXAMPLE, "-o", "markdown");
    assertThat(run.out())
        .startsWith(
            "### tierproof lint\n\n2 errors, 11 warnings, 8 notes.\n\n| level | rule | where | message |");
    assertThat(run.out().lines().filter(l -> l.startsWith("| ") && l.contains("`TP")).count())
        .isEqualTo(21);
  }

  @Test
  void lint_failOn_setsTheExitCode(@TempDir Path tmp) throws Exception {
    assertThat(Run.of("lint", "-f", EXAMPLE, "--fail-on", "never").code())
        .isEqualTo(ExitCode.OK.code());
    assertThat(Run.of("lint", "-f", EXAMPLE, "--fail-on", "error").code())
        .isEqualTo(ExitCode.VIOLATED.code());
    // warnings only (two tiers without policies): fails on warning, not on error
    String quiz = "examples/quiz/allow-in-tier1.yaml";
    assertThat(Run.of("lint", "-f", quiz, "--fail-on", "error").code())
        .isEqualTo(ExitCode.OK.code());
    assertThat(Run.of("lint", "-f", quiz).code()).isEqualTo(ExitCode.VIOLATED.code());
    Path clean = tmp.resolve("clean.yaml");
    Files.writeString(
        clean,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: ns, labels: {app: a}}
        status: {podIP: 10.0.0.1}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: a, namespace: ns}
        spec:
          selector: app == 'a'
          ingress:
            - action: Allow
              protocol: TCP
              destination: {ports: [80]}
        """);
    Run run = Run.of("lint", "-f", clean.toString());
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out())
        .endsWith(
            "0 errors, 0 warnings, 0 notes (scope: the input's endpoints; 1 rules in 1 policies, 1 shown live by sampled packets, 0 solver questions)\n");
  }

  @Test
  void lint_severalOutputs_writeEach(@TempDir Path tmp) throws Exception {
    Path sarif = tmp.resolve("out.sarif");
    Run run = Run.of("lint", "-f", EXAMPLE, "-o", "text", "-o", "sarif=" + sarif);
    assertThat(run.out()).isEqualTo(text.out());
    assertThat(JSON.readTree(sarif.toFile()).at("/version").asText()).isEqualTo("2.1.0");
  }

  @Test
  void lint_badOptions_exit2WithDiagnostics() {
    Run scope = Run.of("lint", "-f", EXAMPLE, "--scope", "all");
    assertThat(scope.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(scope.err()).contains("error: `all` is not a scope; use `existing` or `any`");
    Run fail = Run.of("lint", "-f", EXAMPLE, "--fail-on", "notes");
    assertThat(fail.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(fail.err()).contains("`notes` is not a severity");
    Run format = Run.of("lint", "-f", EXAMPLE, "-o", "dot");
    assertThat(format.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(format.err())
        .contains(
            "unknown output format `dot`; this command writes text, json, sarif, github, markdown");
    Run none = Run.of("lint");
    assertThat(none.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(none.err()).contains("no input");
  }

  @Test
  void lint_anyScope_example_alsoFindsHypotheticalHosts() throws Exception {
    Run run = Run.of("lint", "-f", EXAMPLE, "--scope", "any", "-o", "json", "--fail-on", "never");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.at("/scope").asText()).isEqualTo("any");
    assertThat(json.get("findings").findValuesAsText("id")).contains("TP102", "TP203");
  }

  @Test
  void lint_builtInTiersAsCalicoctlExportsThem_neverDeadTiers(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path tiers = dir.resolve("tiers.yaml");
    java.nio.file.Files.writeString(
        tiers,
        """
        apiVersion: projectcalico.org/v3
        kind: TierList
        items:
        - metadata: {name: kube-admin}
          spec: {order: 1000, defaultAction: Pass}
        - metadata: {name: default}
          spec: {order: 1000000}
        - metadata: {name: kube-baseline}
          spec: {order: 10000000, defaultAction: Pass}
        - metadata: {name: security}
          spec: {order: 100}
        """);
    Run run = Run.of("lint", "-f", tiers.toString());
    assertThat(run.out())
        .as(run.toString())
        .contains("tier security has no policies")
        .doesNotContain("tier kube-admin", "tier default ", "tier kube-baseline");
  }

  @Test
  void lint_ignoreAnnotation_suppressesThatPolicysFindingsOfTheListedRules(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path copy = java.nio.file.Files.createDirectories(dir.resolve("lint"));
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(EXAMPLE))) {
      for (java.nio.file.Path f : files.toList()) {
        java.nio.file.Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    java.nio.file.Path security = copy.resolve("security.yaml");
    String text = java.nio.file.Files.readString(security);
    java.nio.file.Files.writeString(
        security,
        text.replaceFirst(
            "(?m)^  name: security\\.pci-fence$",
            "  name: security.pci-fence\n  annotations:\n    tierproof.dev/ignore: \"TP103, shadowed-rule\""));
    JsonNode before = JSON.readTree(Run.of("lint", "-f", EXAMPLE, "-o", "json").out());
    Run run = Run.of("lint", "-f", copy.toString(), "-o", "json");
    JsonNode after = JSON.readTree(run.out());
    assertThat(after.get("suppressed").asInt()).isEqualTo(3);
    assertThat(after.get("findings")).hasSize(before.get("findings").size() - 3);
    assertThat(after.get("findings"))
        .noneMatch(
            f ->
                f.path("policy").asText().equals("security.pci-fence")
                    && java.util.List.of("TP102", "TP103").contains(f.get("id").asText()));
    JsonNode sarif = JSON.readTree(Run.of("lint", "-f", copy.toString(), "-o", "sarif").out());
    JsonNode results = sarif.get("runs").get(0).get("results");
    assertThat(results).hasSize(before.get("findings").size());
    assertThat(results)
        .filteredOn(r -> r.has("suppressions"))
        .hasSize(3)
        .allSatisfy(
            r ->
                assertThat(r.get("suppressions").get(0).get("kind").asText())
                    .isEqualTo("inSource"));
    assertThat(Run.of("lint", "-f", copy.toString()).out())
        .contains("3 findings suppressed by `tierproof.dev/ignore` annotations");
  }
}
