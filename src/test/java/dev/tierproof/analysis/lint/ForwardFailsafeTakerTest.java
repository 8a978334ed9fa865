package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.StepPath;
import dev.tierproof.load.Loader;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.source.Diagnostics;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lint differential's first taker on a forward chain's ingress side follows the one walk's
 * failsafe skips (spec S6.7.1): a forwarded reply from an outbound failsafe port skips a named host
 * endpoint's untracked path on Felix's rule renderer (the raw table's failsafe chain), not on eBPF.
 * LintDifferentialTest seed 1086 and LintClusterDifferentialTest seed 92 met it: UDP from source
 * port 53, the forward policy's Allow taking it, the failsafe ports in the shadowed rule's cover.
 */
class ForwardFailsafeTakerTest {

  private static final String YAML =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h1, labels: {role: edge}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.70.0.1]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw}
      spec:
        order: 10
        selector: role == 'edge'
        doNotTrack: true
        applyOnForward: true
        types: [Ingress]
        ingress:
          - action: Deny
            protocol: UDP
          - action: Deny
            protocol: UDP
            destination: {ports: [1500]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: fwd}
      spec:
        order: 20
        selector: role == 'edge'
        applyOnForward: true
        types: [Ingress]
        ingress: [{action: Allow}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: app, labels: {app: web}}
      spec: {nodeName: n1, containers: [{name: c, image: x}]}
      status: {podIP: 192.168.1.5}
      """;

  private static PolicySet load(Dataplane dataplane) {
    Diagnostics d = new Diagnostics();
    PolicySet set =
        Loader.load(
            Loader.read(
                List.of("-"), new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), d),
            d);
    assertThat(d.hasErrors()).as(d.render()).isFalse();
    return set.withDataplane(dataplane);
  }

  /** UDP from outside, source port 53 (an outbound failsafe port), to web:1500, placed on h1. */
  private static Flow reply(PolicySet set, Evaluator eval) {
    Endpoint web =
        set.endpoints().stream().filter(e -> e.name().equals("web")).findFirst().orElseThrow();
    Flow f =
        Flow.between(
            17,
            Ip.parse("203.0.113.9").orElseThrow(),
            53,
            web.ips().get(0),
            1500,
            null,
            null,
            null,
            null,
            web);
    return eval.placements(f).get(0);
  }

  @Test
  void firstTaker_forwardedFailsafeReply_failsafeOnTheRendererTheUntrackedDenyOnBpf() {
    for (Dataplane dp : List.of(Dataplane.IPTABLES, Dataplane.BPF)) {
      PolicySet set = load(dp);
      Evaluator eval = new Evaluator(set);
      Flow f = reply(set, eval);
      Endpoint h1 = eval.forwarders(f).get(0);
      assertThat(h1.name()).isEqualTo("h1");
      Lint.Result result = Lint.run(set, new Lint.Options(Scope.EXISTING, Duration.ofSeconds(30)));
      Finding.ShadowedRule shadowed =
          result.findings().stream()
              .filter(Finding.ShadowedRule.class::isInstance)
              .map(Finding.ShadowedRule.class::cast)
              .filter(s -> s.rule().policy().name().equals("raw") && s.rule().index() == 1)
              .findFirst()
              .orElseThrow();
      StepPath side = eval.forwardChain(h1, Direction.INGRESS);
      String first =
          LintDifferentialTest.firstTaker(set, side, eval.evaluate(side, f), shadowed.rule(), f);
      assertThat(first)
          .as(dp.label())
          .isEqualTo(dp == Dataplane.BPF ? "default/raw//GlobalNetworkPolicy/0" : "failsafe");
      assertThat(shadowed.coveredBy()).extracting(LintDifferentialTest::key).contains(first);
      assertThat(ForwardClaims.check(dp.label() + ": ", set, result, List.of(f))).isPositive();
    }
  }
}
