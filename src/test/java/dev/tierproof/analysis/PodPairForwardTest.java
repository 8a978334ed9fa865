package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cli.Run;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.load.Loader;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows between two workloads on walked nodes (spec S6.10, S6.11, S9.2): the forward chains of each
 * end's node in the packet's order, each end placed on its own, and the outer-packet rule read from
 * the input's IP pools. Over {@code specs/cases/own/host-endpoint-forward-pods}.
 */
class PodPairForwardTest {

  private static final Path CASE = Path.of("specs/cases/own/host-endpoint-forward-pods");

  private static PolicySet load() {
    Diagnostics d = new Diagnostics();
    PolicySet set =
        Loader.load(
            Loader.read(
                List.of(CASE.resolve("resources.yaml").toString()),
                java.io.InputStream.nullInputStream(),
                d),
            d,
            CalicoVersion.DEFAULT);
    assertThat(d.errors()).isEmpty();
    return set;
  }

  private static Endpoint named(PolicySet set, String name) {
    return set.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
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

  /** The steps as {@code endpoint direction} ({@code fwd} for a forward side). */
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

  /** The TCP flow from pod api to pod {@code to} at {@code ip} (both on nodes the case names). */
  private static Flow fromApi(PolicySet set, String to, String ip, int port) {
    return tcp(named(set, "api"), "10.80.1.10", named(set, to), ip, port);
  }

  @Test
  void evaluate_acrossTwoWalkedNodes_eachNodesChainAroundItsEnd() {
    PolicySet set = load();
    Evaluator eval = new Evaluator(set);
    Flow f = fromApi(set, "db-2", "10.80.2.20", 8080);
    assertThat(steps(eval, f))
        .containsExactly(
            "n1-all ingress fwd",
            "api egress",
            "n1-all egress fwd",
            "n2-all ingress fwd deny",
            "db-2 ingress",
            "n2-all egress fwd");
    assertThat(eval.forwarders(f)).extracting(Endpoint::name).containsExactly("n1-all", "n2-all");
  }

  @Test
  void evaluate_bothOnOneWalkedNode_itsChainOnceAroundBothSteps() {
    Evaluator eval = new Evaluator(load());
    Flow f = fromApi(eval.policySet(), "db-1", "10.80.1.20", 5432);
    List<String> expected =
        List.of("n1-all ingress fwd", "api egress", "db-1 ingress", "n1-all egress fwd deny");
    assertThat(steps(eval, f)).isEqualTo(expected);
    // the n2 rule bites across nodes only
    assertThat(eval.evaluate(f.withPacket(Protocols.TCP, 40000, 8080, null, null)).allowed())
        .isTrue();
  }

  @Test
  void placements_twoEndsNamingNoNode_eachPlacedOnItsOwn() {
    PolicySet set = load();
    Endpoint web = named(set, "web");
    Flow f = tcp(web, "10.255.0.1", web, "10.255.0.2", 80);
    List<Flow> all = new Evaluator(set).placements(f);
    assertThat(all).hasSize(9); // (walked + 1)²: elsewhere, n1, n2 per end
    assertThat(all).extracting(Flow::ends).doesNotHaveDuplicates();
    Flow split = f.placed(new Flow.Ends("n1", "n2"));
    assertThat(split.describe()).contains("fp/web on node n1 -> fp/web on node n2");
    assertThat(split.placedOn(true)).isEqualTo("n1");
    assertThat(split.placedOn(false)).isEqualTo("n2");
    assertThat(split.reply().ends()).isEqualTo(new Flow.Ends("n2", "n1"));
    // a named end keeps its own node whatever the flow gives
    Flow named = fromApi(set, "web", "10.255.0.2", 80).placed("n2");
    assertThat(named.ends()).isEqualTo(new Flow.Ends("n1", "n2"));
  }

  private static Path variant(Path dir, String pool) throws Exception {
    String yaml = Files.readString(CASE.resolve("resources.yaml"));
    String never = "  ipipMode: Never\n  vxlanMode: Never\n";
    assertThat(yaml).contains(never);
    Path file = dir.resolve("pods.yaml");
    Files.writeString(file, yaml.replace(never, pool));
    return file;
  }

  /** {@code verify CLAIM FROM TO --protocol TCP --port PORT} over {@code file}: its exit code. */
  private static int verify(Path file, String claim, String from, String to, int port) {
    Run run =
        Run.of(
            "-f",
            file.toString(),
            "--dataplane=iptables", // the rule renderer's walk (S6.11)
            "verify",
            claim,
            from,
            to,
            "--protocol",
            "TCP",
            "--port",
            Integer.toString(port),
            "--ip-version",
            "4");
    return run.code();
  }

  @Test
  void verify_ipPoolsNeverEncapsulate_provedDespitePreDnatDeny() {
    assertThat(verify(CASE, "isolated", "fp/api", "fp/db-2", 8080)).isZero();
    Run map =
        Run.of(
            "-f", CASE.toString(), "--dataplane=iptables", "map", "{app == 'db'}", "{app == 'db'}");
    assertThat(map.code()).as(map.toString()).isZero();
  }

  @Test
  void verify_vxlanPool_preDnatUdpDenyKeepsAllowedCrossNodeFlowsInconclusive(@TempDir Path dir)
      throws Exception {
    Path file = variant(dir, "  vxlanMode: Always\n");
    // db-2 on n2 -> api on n1: n2's address is not said, so n1's Deny of UDP from 192.0.2.0/24 may
    // drop the outer VXLAN packet; an outer drop only denies, so a proof of isolation stands
    assertThat(verify(file, "reachable", "fp/db-2", "fp/api", 8080)).isEqualTo(3);
    assertThat(verify(file, "isolated", "fp/api", "fp/db-2", 8080)).isZero();
    // flows with the outside have no outer packet: still answered (api may send TCP 5432 out)
    assertThat(verify(file, "isolated", "fp/api", "203.0.113.9", 5432)).isEqualTo(1);
  }

  @Test
  void verify_ipipPool_preDnatUdpDenyCannotDropOuterPacket(@TempDir Path dir) throws Exception {
    Path file = variant(dir, "  ipipMode: CrossSubnet\n");
    // the outer packet is IP protocol 4: a Deny of UDP never matches it
    assertThat(verify(file, "reachable", "fp/db-2", "fp/api", 8080)).isZero();
  }

  @Test
  void verify_noIpPool_mayEncapsulate(@TempDir Path dir) throws Exception {
    String yaml = Files.readString(CASE.resolve("resources.yaml"));
    Path file = dir.resolve("pods.yaml");
    Files.writeString(file, yaml.substring(0, yaml.lastIndexOf("---")));
    assertThat(verify(file, "reachable", "fp/db-2", "fp/api", 8080)).isEqualTo(3);
  }
}
