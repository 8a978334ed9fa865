package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node's traffic with its own workloads is modelled (spec S6.12): no element stands for it, so no
 * answer about a host endpoint and a workload that can be on its node is inconclusive for it.
 */
class RelevanceTest {

  private static final String HOST =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h1}
      spec: {node: n1, interfaceName: eth0, expectedIPs: [10.0.0.1]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: remote, namespace: a, labels: {app: remote}}
      spec: {nodeName: n2}
      status: {podIP: 10.0.2.1}
      """;

  private static final String LOCAL =
      """
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: local, namespace: a, labels: {app: local}}
      spec: {nodeName: n1}
      status: {podIP: 10.0.1.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: free, namespace: a, labels: {app: free}}
      status: {podIP: 10.0.3.1}
      """;

  private static Input load(String yaml) {
    Diagnostics d = new Diagnostics();
    Input input = Loader.input(List.of(new SourceText("in.yaml", yaml)), d);
    assertThat(d.errors()).as(d.render()).isEmpty();
    return input;
  }

  private static final Input IN = load(HOST + LOCAL);

  private static Endpoint named(Input in, String name) {
    return in.set().endpoints().stream().filter(e -> e.name().equals(name)).findFirst().get();
  }

  private static End known(String name) {
    return new End.Known(named(IN, name));
  }

  private static List<String> question(End from, End to) {
    return kinds(Relevance.question(IN.unmodelled(), IN.set(), from, to));
  }

  private static List<String> kinds(List<Unmodelled> us) {
    return us.stream().map(Unmodelled::name).toList();
  }

  private static List<String> flow(String from, Ip fromIp, String to, Ip toIp) {
    Endpoint src = from == null ? null : named(IN, from);
    Endpoint dst = to == null ? null : named(IN, to);
    Flow f = Flow.between(6, fromIp, 40000, toIp, 80, null, null, null, src, dst);
    return kinds(Relevance.verdict(IN.unmodelled(), f, new Evaluator(IN.set()).evaluate(f)));
  }

  private static Ip ip(String text) {
    return Ip.parse(text).orElseThrow();
  }

  @Test
  void verdictAndQuestion_hostAndLocalPod_modelledNoElement() {
    // spec S6.12: every command but map models a node's traffic with its own workloads
    assertThat(flow("h1", ip("10.0.0.1"), "local", ip("10.0.1.1"))).isEmpty();
    assertThat(flow("local", ip("10.0.1.1"), "h1", ip("10.0.0.1"))).isEmpty();
    assertThat(flow("h1", ip("10.0.0.1"), "free", ip("10.0.3.1"))).isEmpty();
    assertThat(question(known("h1"), known("local"))).isEmpty();
    assertThat(question(known("free"), known("h1"))).isEmpty();
    End hostRange = new End.Addresses(Cidr.parse("10.0.0.0/24").orElseThrow(), null);
    Selector remote = new Selector.Compare("app", Selector.Op.EQ, "remote");
    assertThat(question(known("h1"), new End.Hypothetical("a", remote, false))).isEmpty();
    assertThat(question(hostRange, known("local"))).isEmpty();
    assertThat(kinds(Relevance.anywhere(IN.unmodelled(), IN.set(), true))).isEmpty();
  }

  @Test
  void forwardedOnly_applyOnForwardPolicy_neverActsOnLocalFlows() {
    // spec S6.10, S6.12: the forward and raw chains never see a node's traffic with its own pods
    Input in =
        load(
            HOST
                + LOCAL
                + """
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: fwd}
                spec:
                  selector: all()
                  applyOnForward: true
                  types: [Ingress, Egress]
                  ingress: [{action: Deny, protocol: TCP, destination: {ports: [25]}}]
                  egress: [{action: Deny, protocol: TCP, destination: {ports: [25]}}]
                """);
    Endpoint h1 = named(in, "h1");
    Endpoint local = named(in, "local");
    Endpoint free = named(in, "free");
    assertThat(
            Relevance.question(in.unmodelled(), in.set(), new End.Known(h1), new End.Known(local)))
        .isEmpty();
    assertThat(
            Relevance.question(in.unmodelled(), in.set(), new End.Known(local), new End.Known(h1)))
        .isEmpty();
    // a pod naming no node may be elsewhere: its flows with h1 are forwarded on a node other than
    // n1, the one node whose forward chain fwd acts on, and n1's is walked (spec S6.11)
    assertThat(
            Relevance.question(in.unmodelled(), in.set(), new End.Known(h1), new End.Known(free)))
        .isEmpty();
    Evaluator eval = new Evaluator(in.set());
    Flow toLocal =
        Flow.between(6, ip("10.0.0.1"), 40000, ip("10.0.1.1"), 80, null, null, null, h1, local);
    assertThat(Relevance.verdict(in.unmodelled(), toLocal, eval.evaluate(toLocal))).isEmpty();
    Flow toFree =
        Flow.between(6, ip("10.0.0.1"), 40000, ip("10.0.3.1"), 80, null, null, null, h1, free);
    assertThat(Relevance.verdict(in.unmodelled(), toFree, eval.evaluate(toFree))).isEmpty();
    assertThat(
            Relevance.verdict(
                in.unmodelled(), toFree.onHostNode(), eval.evaluate(toFree.onHostNode())))
        .isEmpty();
  }
}
