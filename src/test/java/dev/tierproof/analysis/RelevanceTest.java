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
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which answers a node's traffic with its own workloads could change (spec S6.10, S9.3): flows, and
 * questions whose ends, can be one of the node's host endpoints and a workload that can be on it.
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
    return us.stream()
        .filter(u -> u.reach() instanceof Reach.Local)
        .map(u -> ((Reach.Local) u.reach()).node())
        .toList();
  }

  private static List<String> flow(String from, Ip fromIp, String to, Ip toIp) {
    Endpoint src = from == null ? null : named(IN, from);
    Endpoint dst = to == null ? null : named(IN, to);
    Flow f = new Flow(6, fromIp, 40000, toIp, 80, null, null, null, src, dst);
    return kinds(Relevance.verdict(IN.unmodelled(), new Evaluator(IN.set()).evaluate(f)));
  }

  private static Ip ip(String text) {
    return Ip.parse(text).orElseThrow();
  }

  @Test
  void verdict_hostAndLocalPodEitherWay_namesNode() {
    assertThat(flow("h1", ip("10.0.0.1"), "local", ip("10.0.1.1"))).containsExactly("n1");
    assertThat(flow("local", ip("10.0.1.1"), "h1", ip("10.0.0.1"))).containsExactly("n1");
    assertThat(flow("h1", ip("10.0.0.1"), "free", ip("10.0.3.1"))).containsExactly("n1");
  }

  @Test
  void verdict_podOnOtherNodeOrOutside_none() {
    assertThat(flow("h1", ip("10.0.0.1"), "remote", ip("10.0.2.1"))).isEmpty();
    assertThat(flow("local", ip("10.0.1.1"), null, ip("203.0.113.9"))).isEmpty();
    assertThat(flow(null, ip("203.0.113.9"), "h1", ip("10.0.0.1"))).isEmpty();
    assertThat(flow("local", ip("10.0.1.1"), "free", ip("10.0.3.1"))).isEmpty();
  }

  @Test
  void question_knownEnds_onlyHostWithLocalWorkload() {
    assertThat(question(known("h1"), known("local"))).containsExactly("n1");
    assertThat(question(known("free"), known("h1"))).containsExactly("n1");
    assertThat(question(known("h1"), known("remote"))).isEmpty();
    assertThat(question(known("local"), known("free"))).isEmpty();
  }

  @Test
  void question_rangesAndSelectors_asTheEndpointsTheyHold() {
    End hostRange = new End.Addresses(Cidr.parse("10.0.0.0/24").orElseThrow(), null);
    End world = new End.Addresses(null, null);
    assertThat(question(hostRange, known("local"))).containsExactly("n1");
    assertThat(question(hostRange, known("remote"))).isEmpty();
    assertThat(question(world, known("local"))).isEmpty();
    Selector remote = new Selector.Compare("app", Selector.Op.EQ, "remote");
    // a pod not yet deployed is on no named node; --existing holds only the remote pod
    assertThat(question(known("h1"), new End.Hypothetical("a", remote, false)))
        .containsExactly("n1");
    assertThat(question(known("h1"), new End.Hypothetical("a", remote, true))).isEmpty();
    assertThat(question(new End.Hypothetical(null, Selector.all(), true), hostRange))
        .containsExactly("n1");
  }

  @Test
  void anywhere_noWorkloadCanBeLocal_onlyWithHypothetical() {
    Input remoteOnly = load(HOST);
    assertThat(kinds(Relevance.anywhere(remoteOnly.unmodelled(), remoteOnly.set(), false)))
        .isEmpty();
    assertThat(kinds(Relevance.anywhere(remoteOnly.unmodelled(), remoteOnly.set(), true)))
        .containsExactly("n1");
    assertThat(kinds(Relevance.anywhere(IN.unmodelled(), IN.set(), false))).containsExactly("n1");
  }

  @Test
  void lint_nodeOwnTraffic_neverNamed() {
    assertThat(kinds(Relevance.lint(IN.unmodelled(), IN.set(), true))).isEmpty();
  }
}
