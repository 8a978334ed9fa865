package dev.tierproof.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.VerifyResult;
import dev.tierproof.analysis.VerifyResult.Claim;
import dev.tierproof.analysis.VerifyResult.Result;
import dev.tierproof.analysis.VerifyResult.SolverStats;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.load.Loader;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text and JSON reports: fields present only when they apply, and the sentences of each kind of
 * decision.
 */
class ReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FELIX = "specs/cases/felix/";

  /** One explained query of a case. */
  private record Explained(PolicySet set, End source, End destination, Flow flow, Verdict verdict) {

    static Explained of(String resources, String from, String to, FlowSpec spec) throws Exception {
      Diagnostics d = new Diagnostics();
      PolicySet set =
          Loader.load(Loader.read(List.of(resources), InputStream.nullInputStream(), d), d);
      var src = References.resolve(EndpointRef.parse(from), set, false, Span.NONE, d).orElseThrow();
      var dst = References.resolve(EndpointRef.parse(to), set, false, Span.NONE, d).orElseThrow();
      Flow flow = References.concrete(src, dst, spec, set, Span.NONE, d).orElseThrow().flow();
      assertThat(d.hasErrors()).as(d.render()).isFalse();
      return new Explained(set, src.end(), dst.end(), flow, new Evaluator(set).evaluate(flow));
    }

    String text() {
      return ExplainReport.render(Format.TEXT, set, source, destination, flow, verdict, List.of());
    }

    JsonNode json() throws Exception {
      return JSON.readTree(
          ExplainReport.render(Format.JSON, set, source, destination, flow, verdict, List.of()));
    }
  }

  private static FlowSpec protocol(int protocol) {
    return new FlowSpec(protocol, null, null, null, null, null);
  }

  @Test
  void explainJson_protocolWithoutName_isANumberAndHasNoPorts() throws Exception {
    JsonNode json =
        Explained.of(FELIX + "bpf-no-tiers/resources.yaml", "10.0.0.1", "10.0.0.2", protocol(253))
            .json();
    assertThat(json.get("flow").get("protocol").isInt()).isTrue();
    assertThat(json.get("flow").get("source")).isEqualTo(JSON.readTree("{\"ip\": \"10.0.0.1\"}"));
    assertThat(json.get("flow").get("destination"))
        .isEqualTo(JSON.readTree("{\"endpoint\": \"host-10-0-0-2\", \"ip\": \"10.0.0.2\"}"));
    assertThat(json.get("steps").get(0).get("decidedBy"))
        .isEqualTo(JSON.readTree("{\"kind\": \"no-profile\"}"));
    Explained e =
        Explained.of(FELIX + "bpf-no-tiers/resources.yaml", "10.0.0.1", "10.0.0.2", protocol(253));
    assertThat(
            ExplainReport.render(
                Format.JSON,
                e.set(),
                null,
                null,
                e.flow(),
                new Verdict(true, List.of()),
                List.of()))
        .contains("\"steps\": []");
  }

  @Test
  void explainJson_namespacedPolicy_namesItsNamespace() throws Exception {
    JsonNode step =
        Explained.of(
                FELIX + "match-np-rule-namespace-scope/resources.yaml",
                "testns/sam",
                "different/d-empty",
                FlowSpec.ANY)
            .json()
            .get("steps")
            .get(1);
    assertThat(step.get("decidedBy").get("namespace").asText()).isEqualTo("different");
    assertThat(step.get("decidedBy").get("policy").asText()).isEqualTo("tier1.empty");
    assertThat(step.get("trace").get(0).has("namespace")).isTrue();
  }

  @Test
  void explainText_passToNowhere_endsAtTheNoProfileDrop() throws Exception {
    String text =
        Explained.of(
                FELIX + "bpf-pass-to-nowhere/resources.yaml", "10.0.0.1", "10.0.0.2", FlowSpec.ANY)
            .text();
    assertThat(text)
        .contains("and its ingress rule 0 passes to the next tier.")
        .contains(
            "No tier decided and host-10-0-0-2 has no profile that allows, so it is dropped.");
  }

  @Test
  void explainText_failsafePort_isAllowedBeforeAnyPolicy() throws Exception {
    FlowSpec ssh = new FlowSpec(6, new Port.Range(22, 22), null, null, null, null);
    String text =
        Explained.of(
                "specs/cases/own/host-endpoint-failsafe-ports/resources.yaml",
                "198.51.100.10",
                "fs-host",
                ssh)
            .text();
    assertThat(text)
        .contains(
            "TCP port 22 is a failsafe inbound port of host endpoint fs-host: allowed before any policy.");
  }

  @Test
  void explainText_untrackedPolicyAtAllInterfacesEndpoint_saysItIsSkipped() throws Exception {
    String resources = "specs/cases/own/host-endpoint-all-interfaces/resources.yaml";
    FlowSpec tcp2222 = new FlowSpec(6, new Port.Range(2222, 2222), null, null, null, null);
    assertThat(Explained.of(resources, "node-42-auto", "203.0.113.9", tcp2222).text())
        .contains(
            "Untracked policy raw-egress-block selects node-42-auto, an all-interfaces host"
                + " endpoint, for which Felix programs no untracked policy: skipped.");
    assertThat(Explained.of(resources, "node-43-eth0", "203.0.113.9", tcp2222).text())
        .doesNotContain("programs no untracked policy")
        .contains("untracked path");
  }

  @Test
  void explainText_stagedPolicy_isNeverEnforced() throws Exception {
    String text =
        Explained.of(
                FELIX + "checker-staged-first-in-mixed-tier/resources.yaml",
                "198.51.100.7",
                "checker/ep",
                FlowSpec.ANY)
            .text();
    assertThat(text)
        .contains("is staged and never enforced")
        .contains(
            "but has no ingress rules. No rule of tier1 matched, so tier1's implicit deny drops it");
  }

  @Test
  void verifyJson_unknown_hasTheReasonAndNeitherWitnessNorBlockers() throws Exception {
    VerifyResult r =
        new VerifyResult(
            Claim.REACHABLE,
            Result.UNKNOWN,
            null,
            null,
            List.of(),
            new SolverStats("unknown", 30000, "timeout"));
    assertThat(
            JSON.readTree(
                VerifyReport.render(
                    Format.JSON,
                    null,
                    new End.Addresses(null, null),
                    new End.Addresses(null, "tigera.io"),
                    r)))
        .isEqualTo(
            JSON.readTree(
                "{\"claim\": \"reachable\", \"result\": \"unknown\","
                    + " \"solver\": {\"status\": \"unknown\", \"millis\": 30000, \"reason\": \"timeout\"}}"));
    assertThat(
            VerifyReport.render(
                Format.TEXT,
                null,
                new End.Addresses(null, null),
                new End.Addresses(null, "tigera.io"),
                r))
        .isEqualTo(
            "reachable world -> tigera.io: unknown: the solver could not decide (timeout)\nsolver: unknown, 30000 ms\n");
  }

  @Test
  void verifyJson_holds_witnessCarriesTheFlowAndItsExplanation() throws Exception {
    Explained e =
        Explained.of(
            "specs/cases/acceptance/quiz-1-allow-in-tier1/resources.yaml",
            "shop/podA",
            "tigera.io",
            FlowSpec.ANY);
    VerifyResult r =
        new VerifyResult(
            Claim.REACHABLE,
            Result.HOLDS,
            e.flow(),
            e.verdict(),
            List.of(),
            new SolverStats("sat", 12, null));
    JsonNode json =
        JSON.readTree(VerifyReport.render(Format.JSON, e.set(), e.source(), e.destination(), r));
    JsonNode expected = e.json();
    assertThat(json.get("witness").get("explanation")).isEqualTo(expected);
    assertThat(json.get("witness").get("protocol")).isEqualTo(expected.get("flow").get("protocol"));
    assertThat(json.get("witness").get("source")).isEqualTo(expected.get("flow").get("source"));
    assertThat(json.get("witness").get("destination"))
        .isEqualTo(expected.get("flow").get("destination"));
    assertThat(json.has("blockers")).isFalse();
    assertThat(json.get("solver"))
        .isEqualTo(JSON.readTree("{\"status\": \"sat\", \"millis\": 12}"));
  }

  @Test
  void verify_blockersCutShortBySolver_markedIncompleteInTextAndJson() throws Exception {
    VerifyResult r =
        new VerifyResult(
            Claim.ISOLATED,
            Result.HOLDS,
            null,
            null,
            List.of(),
            new SolverStats("unsat", 3, null),
            "canceled");
    End world = new End.Addresses(null, null);
    JsonNode json = JSON.readTree(VerifyReport.render(Format.JSON, null, world, world, r));
    assertThat(json.get("result").asText()).isEqualTo("holds");
    assertThat(json.get("blockersComplete").asBoolean()).isFalse();
    assertThat(json.get("blockersIncompleteReason").asText()).isEqualTo("canceled");
    assertThat(VerifyReport.render(Format.TEXT, null, world, world, r))
        .contains("blocked at (incomplete: canceled; more points may block):");
    VerifyResult complete =
        new VerifyResult(
            Claim.ISOLATED, Result.HOLDS, null, null, List.of(), new SolverStats("unsat", 3, null));
    assertThat(
            JSON.readTree(VerifyReport.render(Format.JSON, null, world, world, complete))
                .get("blockersComplete")
                .asBoolean())
        .isTrue();
  }
}
