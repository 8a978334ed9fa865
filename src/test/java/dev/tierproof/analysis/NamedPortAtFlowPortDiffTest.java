package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A first policy that denies the named port {@code http} of pods that could be deployed: a rule
 * sees a pod's named port only as (its address, the flow's protocol, the flow's port) (spec S3.5),
 * so every such flow closed alike whatever port the pod declares it on. One class says so
 * ("declaring http at the flow's port"); the classes pinned each pod to the one declaration the
 * solver drew (TCP 16384, TCP 16529, ...) before, and the search stopped at the class cap
 * (DiffDifferentialTest seeds 6 and 3021 at {@code --scope any}).
 */
class NamedPortAtFlowPortDiffTest {

  private static final String DENY_HTTP =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web-no-http}
      spec:
        selector: app == 'web'
        types: [Ingress]
        ingress:
        - action: Deny
          protocol: TCP
          destination: {ports: [http]}
        - action: Allow
      """;

  @Test
  void run_ruleDeniesNamedPort_oneClassOfPodsDeclaringItAtTheFlowsPort() {
    DiffResult r = DiffTest.closing(DENY_HTTP);
    assertThat(r.classes())
        .as("%s", r.classes().stream().map(DiffTest::show).toList())
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.destination().kind()).isEqualTo(EndKind.PODS);
              assertThat(c.destination().atPort()).isEqualTo(Map.of("http", true));
              assertThat(c.destination().ports()).isNull();
              assertThat(c.destination().display())
                  .contains("(hypothetical pods declaring http at the flow's port)");
            })
        .hasSizeLessThanOrEqualTo(2);
    // JSON: the pods end's hypothetical part says so by name
    String json =
        dev.tierproof.report.DiffReport.render(dev.tierproof.report.Format.JSON, "base", r);
    assertThat(json)
        .containsPattern("\"namedPortsAtFlowPort\"\\s*:\\s*\\{\\s*\"http\"\\s*:\\s*true\\s*}");
    ChangeClass c = r.classes().get(0);
    // the witness's pod declares http at its port, on TCP
    assertThat(c.witness().destination().ports())
        .anyMatch(
            p ->
                p.name().equals("http")
                    && p.protocol() == 6
                    && p.port() == c.witness().destinationPort());
  }
}
