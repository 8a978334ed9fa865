package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, "never a proof over something unmodelled" (spec S9): what the input holds that Calico
 * enforces and tierproof does not model makes every answer it could change inconclusive (exit 3),
 * naming it with file:line; what cannot change the answer keeps it; {@code --ignore-unmodelled}
 * restores the answer and every report says so.
 */
class UnmodelledTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUIZ = "examples/quiz/allow-in-tier1.yaml";
  private static final String DIR = "src/test/resources/unmodelled/";
  private static final String ADMIN = DIR + "deny-egress-services.yaml";
  private static final String FENCE_RED = DIR + "fence-red-services.yaml";
  private static final String HTTP = "specs/cases/own/http-match-at-l4/resources.yaml";
  private static final String INVARIANTS = "specs/invariants/quiz/tigera.yaml";

  @Test
  void verifyReachable_servicesRuleOnEveryEgress_inconclusiveNamingIt() throws Exception {
    Run run = Run.of("verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ, "-f", ADMIN);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).startsWith("reachable shop/podA -> tigera.io: unknown: not proved\n");
    assertThat(run.out())
        .contains("services `egress rule 0 of admin-deny-egress` at " + ADMIN + ":16");
    assertThat(run.err()).contains("tierproof: inconclusive:").contains(ADMIN + ":16");
    Run json =
        Run.of(
            "verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ, "-f", ADMIN, "-o", "json");
    assertThat(json.code()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(json.out());
    assertThat(out.get("result").asText()).isEqualTo("unknown");
    assertThat(out.at("/unmodelled").size()).isEqualTo(1);
    assertThat(out.at("/unmodelled/0/kind").asText()).isEqualTo("services");
    assertThat(out.at("/unmodelled/0/name").asText())
        .isEqualTo("egress rule 0 of admin-deny-egress");
    assertThat(out.at("/unmodelled/0/file").asText()).isEqualTo(ADMIN);
    assertThat(out.at("/unmodelled/0/line").asInt()).isEqualTo(16);
    assertThat(out.has("blockers")).isFalse();
  }

  @Test
  void verifyReachable_ignoreUnmodelled_holdsAndReportSaysSo() throws Exception {
    Run run =
        Run.of(
            "--ignore-unmodelled",
            "verify",
            "reachable",
            "shop/podA",
            "tigera.io",
            "-f",
            QUIZ,
            "-f",
            ADMIN);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out())
        .startsWith("reachable shop/podA -> tigera.io: holds")
        .contains("--ignore-unmodelled: ignored what tierproof does not model")
        .contains("services `egress rule 0 of admin-deny-egress` at " + ADMIN + ":16");
    Run json =
        Run.of(
            "verify",
            "reachable",
            "shop/podA",
            "tigera.io",
            "-f",
            QUIZ,
            "-f",
            ADMIN,
            "-o",
            "json",
            "--ignore-unmodelled");
    assertThat(json.code()).as(json.toString()).isEqualTo(ExitCode.OK.code());
    JsonNode out = JSON.readTree(json.out());
    assertThat(out.get("result").asText()).isEqualTo("holds");
    assertThat(out.has("unmodelled")).isFalse();
    assertThat(out.at("/ignoredUnmodelled/0/name").asText())
        .isEqualTo("egress rule 0 of admin-deny-egress");
  }

  @Test
  void verifyReachable_ignoreUnmodelledWithNothingUnmodelled_saysSoWithEmptyList()
      throws Exception {
    Run json =
        Run.of(
            "verify",
            "reachable",
            "shop/podA",
            "tigera.io",
            "-f",
            QUIZ,
            "-o",
            "json",
            "--ignore-unmodelled");
    assertThat(json.code()).as(json.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(JSON.readTree(json.out()).get("ignoredUnmodelled").size()).isZero();
    Run plain = Run.of("verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ, "-o", "json");
    assertThat(JSON.readTree(plain.out()).has("ignoredUnmodelled")).isFalse();
  }

  @Test
  void verifyReachable_serviceObjectAlone_keepsAnswer() throws Exception {
    Run run =
        Run.of(
            "verify",
            "reachable",
            "shop/podA",
            "tigera.io",
            "-f",
            QUIZ,
            "-f",
            DIR + "service.yaml",
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.err()).doesNotContain("Service");
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("result").asText()).isEqualTo("holds");
    assertThat(out.has("unmodelled")).isFalse();
  }

  @Test
  void verifyReachable_adminPolicyWhoseSubjectIsAnotherNamespace_keepsAnswer() {
    Run run = Run.of("verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ, "-f", FENCE_RED);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
  }

  @Test
  void verifyIsolated_selectorEnds_podsNotYetDeployedInTheSubjectsNamespaceInconclusive() {
    Run ht =
        Run.of(
            "verify",
            "isolated",
            "world",
            "ht/{app == 'web'}",
            "--port",
            "81",
            "-f",
            HTTP,
            "-f",
            FENCE_RED);
    assertThat(ht.code()).as("pods in ht are never in red\n" + ht).isEqualTo(ExitCode.OK.code());
    Run any =
        Run.of(
            "verify",
            "isolated",
            "world",
            "{app == 'web'}",
            "--port",
            "81",
            "-f",
            HTTP,
            "-f",
            FENCE_RED);
    assertThat(any.code())
        .as("a pod in red could be one\n" + any)
        .isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(any.out())
        .contains("services `ingress rule 0 of red/fence-red` at " + FENCE_RED + ":15");
  }

  @Test
  void verifyReachable_witnessNoElementActsOn_keepsAnswer() {
    Run run =
        Run.of("verify", "reachable", "{app == 'pod-a'}", "tigera.io", "-f", QUIZ, "-f", FENCE_RED);
    assertThat(run.code())
        .as("the witness is shop/podA, which fence-red cannot select\n" + run)
        .isEqualTo(ExitCode.OK.code());
  }

  @Test
  void verifyReachable_preDnatPolicy_conclusiveWhereInterfacesSettledInconclusiveElsewhere() {
    Run none = podAToTigera();
    assertThat(none.code()).as(none.toString()).isEqualTo(ExitCode.OK.code());
    Run host = podAToTigera("edge-host.yaml");
    // spec S6.10, S6.11: node-1's one host endpoint is named: its chains are walked per interface
    assertThat(host.code()).as(host.toString()).isEqualTo(ExitCode.OK.code());
    // spec S6.9: a second endpoint naming no interface: which governs which is not settled
    Run unsettled = podAToTigera("edge-host.yaml", "edge-host-ips.yaml");
    assertThat(unsettled.code()).as(unsettled.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(unsettled.out()).contains("preDNAT `edge-prednat` at " + DIR + "prednat.yaml:2");
  }

  /** {@code verify reachable shop/podA tigera.io} on the quiz, prednat.yaml and {@code more}. */
  private static Run podAToTigera(String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of("verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ, "-f"));
    args.add(DIR + "prednat.yaml");
    for (String m : more) {
      args.add("-f");
      args.add(DIR + m);
    }
    return Run.of(args.toArray(String[]::new));
  }

  @Test
  void verifyIsolated_httpRuleTheFlowsCouldHit_inconclusive() throws Exception {
    Run run =
        Run.of("verify", "isolated", "world", "ht/web", "--port", "80", "-f", HTTP, "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("result").asText()).isEqualTo("unknown");
    assertThat(out.at("/unmodelled/0/kind").asText()).isEqualTo("http");
    assertThat(out.at("/unmodelled/0/name").asText()).isEqualTo("ingress rule 0 of http");
    Run denied = Run.of("verify", "isolated", "world", "ht/web", "--port", "81", "-f", HTTP);
    assertThat(denied.code())
        .as("http only narrows an Allow: it cannot open port 81\n" + denied)
        .isEqualTo(ExitCode.OK.code());
    Run unreached = Run.of("verify", "reachable", "world", "ht/web", "--port", "81", "-f", HTTP);
    assertThat(unreached.code()).as(unreached.toString()).isEqualTo(ExitCode.VIOLATED.code());
    Run egress = Run.of("verify", "reachable", "ht/web", "world", "-f", HTTP);
    assertThat(egress.code())
        .as("the http rule is an ingress rule: egress of ht/web is as modelled\n" + egress)
        .isEqualTo(ExitCode.OK.code());
  }

  @Test
  void explain_httpRuleDecides_verdictPrintedMayBeWrongExit3() throws Exception {
    Run run = Run.of("explain", "198.51.100.24", "ht/web", "--port", "80", "-f", HTTP);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out())
        .startsWith("allow: 198.51.100.24 -> ht/web")
        .contains("inconclusive: this verdict may be wrong")
        .contains("http `ingress rule 0 of http` at " + HTTP + ":20");
    Run json =
        Run.of("explain", "198.51.100.24", "ht/web", "--port", "80", "-f", HTTP, "-o", "json");
    JsonNode out = JSON.readTree(json.out());
    assertThat(out.get("verdict").asText()).isEqualTo("allow");
    assertThat(out.at("/unmodelled/0/line").asInt()).isEqualTo(20);
  }

  @Test
  void explain_httpRuleDoesNotDecide_keepsAnswer() {
    Run run = Run.of("explain", "198.51.100.24", "ht/web", "--port", "81", "-f", HTTP);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out()).startsWith("deny: ").doesNotContain("may be wrong");
  }

  @Test
  void explain_adminPolicyActsAtSource_exit3AndIgnoredWithFlag() {
    Run run = Run.of("explain", "shop/podA", "tigera.io", "-f", QUIZ, "-f", ADMIN);
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    assertThat(run.out()).startsWith("allow: shop/podA -> tigera.io").contains("admin-deny-egress");
    Run ignored =
        Run.of("explain", "shop/podA", "tigera.io", "-f", QUIZ, "-f", ADMIN, "--ignore-unmodelled");
    assertThat(ignored.code()).as(ignored.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(ignored.out())
        .contains("--ignore-unmodelled: ignored what tierproof does not model");
    Run inbound = Run.of("explain", "world", "shop/podA", "-f", QUIZ, "-f", ADMIN);
    assertThat(inbound.code())
        .as("the policy has egress rules only\n" + inbound)
        .isEqualTo(ExitCode.OK.code());
  }

  @Test
  void lint_httpRuleInPolicy_inconclusiveFindingNamesIt() throws Exception {
    Run run = Run.of("lint", "-f", HTTP, "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.at("/findings/0/id").asText()).isEqualTo("TP103");
    assertThat(out.at("/findings/0/unmodelled/0/kind").asText()).isEqualTo("http");
    assertThat(out.at("/unmodelled/0/line").asInt()).isEqualTo(20);
    Run ignored = Run.of("lint", "-f", HTTP, "--ignore-unmodelled");
    assertThat(ignored.code()).as(ignored.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(ignored.out())
        .contains("--ignore-unmodelled: ignored")
        .doesNotContain("may be wrong");
  }

  @Test
  void lint_adminPolicy_selectionFindingsStandOthersInconclusive() throws Exception {
    Run run = Run.of("lint", "-f", QUIZ, "-f", ADMIN, "-o", "json");
    assertThat(run.code())
        .as("dead tiers do not depend on it: they still fail the run\n" + run)
        .isEqualTo(ExitCode.VIOLATED.code());
    JsonNode out = JSON.readTree(run.out());
    for (JsonNode f : out.get("findings")) {
      assertThat(f.get("id").asText()).isEqualTo("TP105");
      assertThat(f.has("unmodelled")).isFalse();
    }
    assertThat(out.at("/unmodelled/0/name").asText())
        .isEqualTo("egress rule 0 of admin-deny-egress");
    Run never = Run.of("lint", "-f", QUIZ, "-f", ADMIN, "--fail-on", "never");
    assertThat(never.code()).as(never.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
  }

  @Test
  void check_servicesRuleOnEveryEgress_reachabilityInconclusiveCoverageProven() throws Exception {
    Run run = Run.of("check", INVARIANTS, "-f", QUIZ, "-f", ADMIN, "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.at("/results/0/id").asText()).isEqualTo("pod-a-reaches-tigera");
    assertThat(out.at("/results/0/status").asText()).isEqualTo("inconclusive");
    assertThat(out.at("/results/0/unmodelled/0/name").asText())
        .isEqualTo("egress rule 0 of admin-deny-egress");
    assertThat(out.at("/results/1/status").asText()).isEqualTo("proven");
    assertThat(out.at("/results/1").has("unmodelled")).isFalse();
    assertThat(out.at("/unmodelled/0/line").asInt()).isEqualTo(16);
    Run text = Run.of("check", INVARIANTS, "-f", QUIZ, "-f", ADMIN);
    assertThat(text.out())
        .contains("inconclusive pod-a-reaches-tigera")
        .contains(
            "not modelled: services `egress rule 0 of admin-deny-egress` at " + ADMIN + ":16");
  }

  @Test
  void check_ignoreUnmodelled_provenAndReportSaysSo() throws Exception {
    Run run =
        Run.of("check", INVARIANTS, "-f", QUIZ, "-f", ADMIN, "-o", "json", "--ignore-unmodelled");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    JsonNode out = JSON.readTree(run.out());
    assertThat(out.at("/summary/proven").asInt()).isEqualTo(2);
    assertThat(out.at("/ignoredUnmodelled/0/name").asText())
        .isEqualTo("egress rule 0 of admin-deny-egress");
  }

  @Test
  void check_serviceObjectAlone_keepsAnswer() {
    Run run = Run.of("check", INVARIANTS, "-f", QUIZ, "-f", DIR + "service.yaml");
    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(run.out()).doesNotContain("not modelled");
  }

  @Test
  void lintSarifAndCheckGithub_unmodelledElement_annotatedAsTp901() throws Exception {
    Run sarif = Run.of("lint", "-f", HTTP, "-o", "sarif");
    assertThat(sarif.code()).as(sarif.toString()).isEqualTo(ExitCode.INCONCLUSIVE.code());
    JsonNode results = JSON.readTree(sarif.out()).at("/runs/0/results");
    JsonNode last = results.get(results.size() - 1);
    assertThat(last.get("ruleId").asText()).isEqualTo("TP901");
    assertThat(last.get("level").asText()).isEqualTo("warning");
    assertThat(last.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(20);
    Run github =
        Run.of("check", INVARIANTS, "-f", QUIZ, "-f", ADMIN, "-o", "github", "--ignore-unmodelled");
    assertThat(github.code()).as(github.toString()).isEqualTo(ExitCode.OK.code());
    assertThat(github.out())
        .contains("::notice")
        .contains("admin-deny-egress")
        .contains("ignored (--ignore-unmodelled)");
  }

  @Test
  void diff_adminPolicyAddedByThePullRequest_inconclusiveNamingIt() throws Exception {
    Run run = Run.of("-f", QUIZ, "-f", ADMIN, "diff", "--base", QUIZ);
    assertThat(run.code()).as(run.toString()).isEqualTo(3);
    assertThat(run.out())
        .startsWith("inconclusive: the input holds what tierproof does not model")
        .contains("services `egress rule 0 of admin-deny-egress` at " + ADMIN + ":16")
        .doesNotContain("proved");
    Run json = Run.of("-f", QUIZ, "-f", ADMIN, "diff", "--base", QUIZ, "-o", "json");
    assertThat(JSON.readTree(json.out()).get("unmodelled").get(0).get("name").asText())
        .isEqualTo("egress rule 0 of admin-deny-egress");
    Run ignored = Run.of("-f", QUIZ, "-f", ADMIN, "diff", "--base", QUIZ, "--ignore-unmodelled");
    assertThat(ignored.code()).as(ignored.toString()).isZero();
    assertThat(ignored.out())
        .contains("no flow changed; proved")
        .contains("--ignore-unmodelled: ignored what tierproof does not model");
  }

  @Test
  void check_noNewReachability_baselineHoldsAnAdminPolicy_inconclusive(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path base = java.nio.file.Files.createDirectories(tmp.resolve("base"));
    java.nio.file.Files.copy(java.nio.file.Path.of(QUIZ), base.resolve("quiz.yaml"));
    java.nio.file.Files.copy(java.nio.file.Path.of(ADMIN), base.resolve("admin.yaml"));
    java.nio.file.Path spec = tmp.resolve("i.yaml");
    java.nio.file.Files.writeString(
        spec,
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: pr}\ninvariants:\n"
            + "  - id: opens-nothing\n    no-new-reachability: {baseline: "
            + base
            + "}\n");
    Run run = Run.of("-f", QUIZ, "check", spec.toString());
    assertThat(run.code()).as(run.toString()).isEqualTo(3);
    assertThat(run.out())
        .containsPattern("(?m)^inconclusive +opens-nothing ")
        .contains("admin-deny-egress");
  }
}
