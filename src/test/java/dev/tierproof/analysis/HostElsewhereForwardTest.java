package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cli.Run;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows between a workload and another node's host endpoint cross the workload's node's forward
 * chain (spec S6.10, S6.11): walked where that node is, in both directions, for every placement of
 * a workload naming no node; the forwarded elements leave them alone there and keep them on a node
 * whose interfaces the input does not settle. Over {@code
 * specs/cases/own/host-endpoint-other-node-forward}.
 */
class HostElsewhereForwardTest {

  private static final Path CASE = Path.of("specs/cases/own/host-endpoint-other-node-forward");

  /**
   * Node n3, whose host endpoints do not settle its interfaces (one names none beside a named one,
   * spec S6.9), under a forward policy denying TCP 10250 out, and pod api on it.
   */
  private static final String UNSETTLED =
      """
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api, namespace: app, labels: {app: api}}
      spec: {nodeName: n3}
      status: {podIP: 10.244.4.10}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n3-eth0, labels: {node: three}}
      spec: {node: n3, interfaceName: eth0, expectedIPs: [10.80.0.3]}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: n3-ip, labels: {node: three}}
      spec: {node: n3, expectedIPs: [10.80.0.33]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: n3-no-kubelet-out}
      spec:
        selector: node == 'three'
        applyOnForward: true
        types: [Egress]
        egress:
          - action: Deny
            protocol: TCP
            destination: {ports: [10250]}
          - action: Allow
      """;

  private static Input load(String extra) throws Exception {
    Diagnostics d = new Diagnostics();
    String yaml = Files.readString(CASE.resolve("resources.yaml")) + extra;
    Input in = Loader.input(List.of(new SourceText("in.yaml", yaml)), d);
    assertThat(d.errors()).as(d.render()).isEmpty();
    return in;
  }

  private static Endpoint named(Input in, String name) {
    return in.set().endpoints().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Flow tcp(Endpoint a, String ipA, Endpoint b, String ipB, int port) {
    return Flow.between(
        Protocols.TCP,
        Ip.parse(ipA).orElseThrow(),
        40000,
        Ip.parse(ipB).orElseThrow(),
        port,
        null,
        null,
        null,
        a,
        b);
  }

  private static List<String> steps(Evaluator eval, Flow f) {
    return eval.evaluate(f).steps().stream()
        .map(
            (Step s) ->
                s.endpoint().name()
                    + " "
                    + s.direction().json()
                    + (s.forward() ? " fwd" : "")
                    + (s.allowed() ? "" : " deny"))
        .toList();
  }

  @Test
  void evaluate_podToOtherNodesHost_nodesForwardChainAroundPodsStep() throws Exception {
    Input in = load("");
    Evaluator eval = new Evaluator(in.set());
    Endpoint web = named(in, "web");
    Endpoint n2 = named(in, "n2-all");
    Flow out = tcp(web, "10.244.1.10", n2, "10.80.0.2", 10250);
    assertThat(out.sourcePlacement()).isEqualTo("n1");
    assertThat(steps(eval, out))
        .containsExactly(
            "n1-all ingress fwd", "web egress", "n1-all egress fwd deny", "n2-all ingress");
    Flow back = tcp(n2, "10.80.0.2", web, "10.244.1.10", 10250);
    assertThat(steps(eval, back))
        .containsExactly(
            "n2-all egress", "n1-all ingress fwd", "web ingress", "n1-all egress fwd deny");
    assertThat(eval.evaluate(back.withPacket(Protocols.TCP, 40000, 8080, null, null)).allowed())
        .isTrue();
    // a node's own workload: local, no forward chain (spec S6.12)
    Flow local = tcp(named(in, "local"), "10.244.2.10", n2, "10.80.0.2", 10250);
    assertThat(local.local()).isTrue();
    assertThat(eval.forwarders(local)).isEmpty();
  }

  @Test
  void placements_podNamingNoNode_elsewhereHostsNodeAndEachOtherWalkedNode() throws Exception {
    Input in = load("");
    Evaluator eval = new Evaluator(in.set());
    Flow f = tcp(named(in, "floating"), "10.244.3.10", named(in, "n2-all"), "10.80.0.2", 10250);
    assertThat(eval.placements(f)).extracting(Flow::placement).containsExactly(null, "n2", "n1");
    assertThat(eval.placements(f))
        .extracting(p -> eval.evaluate(p).allowed())
        .containsExactly(true, true, false);
  }

  @Test
  void relevance_walkedNode_noElementButUnsettledNodeKeepsIt() throws Exception {
    Input in = load(UNSETTLED);
    Evaluator eval = new Evaluator(in.set());
    Endpoint n2 = named(in, "n2-all");
    for (String pod : List.of("web", "floating")) {
      End w = new End.Known(named(in, pod));
      assertThat(Relevance.question(in.unmodelled(), in.set(), w, new End.Known(n2)))
          .as(pod)
          .extracting(Unmodelled::name)
          .doesNotContain("no-kubelet-out");
      assertThat(Relevance.question(in.unmodelled(), in.set(), new End.Known(n2), w))
          .as(pod)
          .extracting(Unmodelled::name)
          .doesNotContain("no-kubelet-out");
    }
    Flow web = tcp(named(in, "web"), "10.244.1.10", n2, "10.80.0.2", 10250);
    assertThat(Relevance.verdict(in.unmodelled(), web, eval.evaluate(web))).isEmpty();
    // n3 is not walked: its forward policy stays unmodelled on api's flows with n2's host
    Flow api = tcp(named(in, "api"), "10.244.4.10", n2, "10.80.0.2", 10250);
    assertThat(eval.forwarders(api)).isEmpty();
    assertThat(Relevance.verdict(in.unmodelled(), api, eval.evaluate(api)))
        .extracting(Unmodelled::name)
        .contains("n3-no-kubelet-out");
    assertThat(
            Relevance.question(
                in.unmodelled(), in.set(), new End.Known(named(in, "api")), new End.Known(n2)))
        .extracting(Unmodelled::name)
        .contains("n3-no-kubelet-out");
  }

  /** {@code verify CLAIM FROM TO --protocol TCP --port PORT} over {@code file}: its exit code. */
  private static Run verify(Path file, String claim, String from, String to, int port) {
    return Run.of(
        "-f",
        file.toString(),
        "verify",
        claim,
        from,
        to,
        "--protocol",
        "TCP",
        "--port",
        Integer.toString(port));
  }

  @Test
  void verify_podsToOtherNodesKubelet_provedBothWays(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("in.yaml");
    Files.writeString(file, Files.readString(CASE.resolve("resources.yaml")));
    Run denied = verify(file, "isolated", "app/web", "n2-all", 10250);
    assertThat(denied.code()).as(denied.toString()).isZero();
    Run allowed = verify(file, "reachable", "app/web", "n2-all", 443);
    assertThat(allowed.code()).as(allowed.toString()).isZero();
    Run inward = verify(file, "isolated", "n2-all", "app/web", 10250);
    assertThat(inward.code()).as(inward.toString()).isZero();
    // any pod that could be deployed may run on n2 (local) or elsewhere: not isolated
    Run any = verify(file, "isolated", "app/*", "n2-all", 10250);
    assertThat(any.code()).as(any.toString()).isEqualTo(1);
    Files.writeString(file, Files.readString(file) + UNSETTLED);
    Run unsettled = verify(file, "isolated", "app/api", "n2-all", 10250);
    assertThat(unsettled.code()).as(unsettled.toString()).isEqualTo(3);
  }
}
