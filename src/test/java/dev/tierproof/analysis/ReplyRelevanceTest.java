package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An unmodelled element that decides the reply of an untracked Allow acts on the flow whose step
 * the Allow decided (specs/semantics.md S6.5, S9.3).
 */
class ReplyRelevanceTest {

  /** h's untracked egress Allow of UDP 5353; its ingress admits the reply by an `http` rule. */
  private static final String YAML =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h, labels: {role: edge}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.9.0.1]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw}
      spec:
        selector: role == 'edge'
        doNotTrack: true
        applyOnForward: true
        types: [Egress]
        egress: [{action: Allow, protocol: UDP, destination: {ports: [5353]}}]
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: l7}
      spec:
        selector: role == 'edge'
        types: [Ingress]
        ingress: [{action: Allow, http: {methods: [GET]}}]
      """;

  private static Input input() {
    Diagnostics d = new Diagnostics();
    Input in = Loader.input(List.of(new SourceText("in.yaml", YAML)), d);
    assertThat(d.errors()).isEmpty();
    return in;
  }

  private static List<Unmodelled> http(Input in) {
    return in.unmodelled().stream().filter(u -> u.kind().equals("http")).toList();
  }

  @Test
  void verdict_replyDecidedByHttpRule_elementActs() {
    Input in = input();
    Endpoint h = in.set().endpoints().get(0);
    Flow udp =
        Flow.between(
            Protocols.UDP,
            Ip.parse("10.9.0.1").orElseThrow(),
            40000,
            Ip.parse("203.0.113.9").orElseThrow(),
            5353,
            null,
            null,
            null,
            h,
            null);
    Verdict v = new Evaluator(in.set()).evaluate(udp);
    assertThat(v.allowed()).isTrue();
    assertThat(v.steps().get(0).decidedBy().reply().step().decidedBy().policy().name())
        .isEqualTo("l7");
    assertThat(http(in)).hasSize(1);
    // the http rule decided the reply at h's ingress: it may turn the egress step's verdict
    assertThat(Relevance.verdict(in.unmodelled(), udp, v)).containsAll(http(in));
  }

  @Test
  void question_fromHostWithUntrackedAllows_elementsOfTheOtherDirectionAct() {
    // the http rule acts at h's ingress only; h's egress Allows are untracked, so their replies
    // meet it: a question from h to an address outside the cluster is one it can change
    Input in = input();
    Endpoint h = in.set().endpoints().get(0);
    End outside =
        new End.Addresses(
            dev.tierproof.model.Cidr.host(Ip.parse("203.0.113.9").orElseThrow()), null);
    assertThat(Relevance.question(http(in), in.set(), new End.Known(h), outside))
        .containsExactlyElementsOf(http(in));
  }
}
