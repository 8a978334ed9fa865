package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.cli.Run;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diff classes that exclude ICMP types: a pod moved onto its host endpoint's node (spec S6.12)
 * changes every ICMPv6 type to the host but the host discovery ones, which Felix accepted before
 * and after; that is one class, and the search is complete.
 */
class IcmpExceptDiffTest {

  /**
   * Host endpoint h1 on n1 whose ingress allows only the host discovery ICMPv6 types (and all but
   * ICMPv6); pod p with no policy of its own, its node to be given.
   */
  private static final String HOST =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h1, labels: {node: one}}
      spec: {node: n1, interfaceName: eth0, expectedIPs: ["fd00:70::1"],
             profiles: [projectcalico-default-allow]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: host-ingress}
      spec:
        selector: node == 'one'
        types: [Ingress]
        ingress:
        - {action: Allow, protocol: ICMPv6, icmp: {type: 130}}
        - {action: Allow, protocol: ICMPv6, icmp: {type: 131}}
        - {action: Allow, protocol: ICMPv6, icmp: {type: 132}}
        - {action: Allow, protocol: ICMPv6, icmp: {type: 133}}
        - {action: Allow, protocol: ICMPv6, icmp: {type: 135}}
        - {action: Allow, protocol: ICMPv6, icmp: {type: 136}}
        - {action: Deny, protocol: ICMPv6}
        - {action: Allow}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: p, namespace: app}
      status: {podIP: "fd00:70:1::10"}
      """;

  private static String on(String node) {
    return HOST + "spec: {nodeName: " + node + "}\n";
  }

  private static DiffResult diff(String base, String current, int maxClasses) {
    PolicySet b = DiffTest.yaml(base);
    PolicySet c = DiffTest.yaml(current);
    return Diff.run(b, c, Scope.EXISTING, Duration.ofSeconds(30), maxClasses);
  }

  @Test
  void diff_podMovedOntoHostNode_oneClassExceptHostDiscoveryTypes() {
    DiffResult r = diff(on("n9"), on("n1"), 20);
    assertThat(r.status()).as(r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes().stream().map(DiffTest::show))
        .containsExactly("newly allowed: app/p -> h1, ICMPv6 except types 130-133, 135, 136");
    ChangeClass c = r.classes().get(0);
    assertThat(c.packets().icmpTypesNot()).isEqualTo(Protocols.HOST_DISCOVERY);
    assertThat(c.packets().icmpType()).isNull();
    assertThat(c.packets().icmpCode()).isNull();
    // the witness is in the class and replayed: the lowest type the class holds
    assertThat(c.witness().protocol()).isEqualTo(Protocols.ICMPV6);
    assertThat(c.witness().icmpType()).isZero();
    assertThat(c.before().allowed()).isFalse();
    assertThat(c.after().allowed()).isTrue();
  }

  @Test
  void diff_podMovedOffHostNode_oneClosedClassExceptHostDiscoveryTypes() {
    DiffResult r = diff(on("n1"), on("n9"), 20);
    assertThat(r.status()).as(r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).hasSize(1);
    assertThat(r.classes().get(0).kind()).isEqualTo(Kind.CLOSED);
    assertThat(r.classes().get(0).packets().icmpTypesNot()).isEqualTo(Protocols.HOST_DISCOVERY);
  }

  @Test
  void diff_mostTypesUnchanged_classesPinTheirType() {
    // the host denies only ICMPv6 types 1 and 2: two classes of one type each, no exclusion
    String base =
        on("n9")
            .replace("  - {action: Deny, protocol: ICMPv6}\n", "")
            .replace(
                "- {action: Allow}",
                "- {action: Deny, protocol: ICMPv6, icmp: {type: 1}}\n"
                    + "  - {action: Deny, protocol: ICMPv6, icmp: {type: 2}}\n"
                    + "  - {action: Allow}");
    DiffResult r = diff(base, base.replace("nodeName: n9", "nodeName: n1"), 20);
    assertThat(r.status()).as(r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes().stream().map(DiffTest::show))
        .containsExactlyInAnyOrder(
            "newly allowed: app/p -> h1, ICMPv6 type 1",
            "newly allowed: app/p -> h1, ICMPv6 type 2");
    assertThat(r.classes()).allSatisfy(c -> assertThat(c.packets().icmpTypesNot()).isEmpty());
  }

  @Test
  void diffCommand_json_listsExcludedTypes(@TempDir Path dir) throws Exception {
    Path base = Files.writeString(dir.resolve("base.yaml"), on("n9"));
    Path now = Files.writeString(dir.resolve("now.yaml"), on("n1"));
    Run run = Run.of("-f", now.toString(), "diff", "--base", base.toString(), "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("status").asText()).isEqualTo("complete");
    JsonNode packets = json.get("classes").get(0).get("packets");
    assertThat(packets.get("protocol").asText()).isEqualTo("ICMPv6");
    List<Integer> types = new ArrayList<>();
    packets.get("icmpTypeNot").forEach(t -> types.add(t.asInt()));
    assertThat(types).containsExactly(130, 131, 132, 133, 135, 136);
    assertThat(packets.has("icmp")).isFalse();
    assertThat(Set.copyOf(types)).isEqualTo(Protocols.HOST_DISCOVERY);
  }
}
