package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.analysis.WalkedNode;
import dev.tierproof.cli.Run;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Input;
import dev.tierproof.source.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map's relevance per pair of groups (spec S9.3): a policy standing for forwarded traffic
 * leaves every pair it cannot reach proved, however many others it reaches; the map names the pairs
 * it could change.
 */
class UnprovedPairsTest {

  /** n1's named host endpoint with an untracked policy. */
  /**
   * A pre-DNAT Deny of UDP on n1's all-interfaces endpoint: without an IPPool it may drop the outer
   * packet of an encapsulated flow between two pods (spec S6.10, S9.2).
   */
  private static final String PRE_DNAT =
      WalkedNode.YAML
          + """
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: n1-pre-dnat}
          spec:
            selector: host == 'n1'
            preDNAT: true
            applyOnForward: true
            types: [Ingress]
            ingress:
              - {action: Deny, protocol: UDP, source: {nets: [192.0.2.0/24]}}
          """;

  /**
   * The pairs {@link #PRE_DNAT} leaves unproved: web's with api on another node and with its own
   * host (web's flows with itself stay on n1: no outer packet), and api's to n1's host endpoint:
   * without an IPPool api's packets may be masqueraded to its node's address, and the Deny reads
   * the source (spec S6.10).
   */
  private static final List<String> PRE_DNAT_PAIRS =
      List.of("fw/web -> fw/api", "fw/api -> fw/web", "fw/api -> n1-all");

  private static final String UNTRACKED =
      WalkedNode.PODS
          + """
          ---
          apiVersion: projectcalico.org/v3
          kind: HostEndpoint
          metadata: {name: n1-eth0, labels: {host: n1}}
          spec: {node: n1, interfaceName: eth0, expectedIPs: [10.70.0.1],
                 profiles: [projectcalico-default-allow]}
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: raw-ssh}
          spec:
            selector: has(host)
            doNotTrack: true
            applyOnForward: true
            types: [Ingress]
            ingress: [{action: Allow, protocol: TCP, destination: {ports: [22]}}]
          """;

  private static Input load(String yaml) {
    Diagnostics d = new Diagnostics();
    // the rule renderer: with no dataplane chosen the dataplanes disagree on a walked chain (S6.11)
    Input in =
        Loader.input(
            List.of(new SourceText("c.yaml", yaml)),
            d,
            null,
            dev.tierproof.model.CalicoVersion.DEFAULT,
            dev.tierproof.model.Dataplane.IPTABLES);
    assertThat(d.errors()).isEmpty();
    return in;
  }

  /** The pairs {@link Unproved} names, as {@code from -> to} by display name. */
  private static List<String> unproved(String yaml) {
    Input in = load(yaml);
    MapResult map = Connectivity.run(in.set(), Connectivity.Options.all());
    Unproved u = Unproved.of(in.unmodelled(), in.set(), false, map, null, null);
    assertThat(in.unmodelled()).isNotEmpty();
    return u.pairs().stream().map(p -> p.from().display() + " -> " + p.to().display()).toList();
  }

  @Test
  void of_forwardPolicyOnWalkedNode_everyPairProved() {
    // web <-> world and web <-> pods are walked (S6.10, S6.11), web <-> n1-all local (S6.12), api
    // is on another node whose chain the policy does not meet
    assertThat(unproved(WalkedNode.YAML)).isEmpty();
  }

  @Test
  void of_preDnatDenyMayDropOuterPacket_podPairsOfItsNodeUnproved() {
    // S6.10, S9.2: no IPPool, so web's flows with pods may be encapsulated; its flows with world
    // have no outer packet; web's packets to its own host meet the pre-DNAT path, which is walked
    // (S6.12), so web <-> n1-all is proved
    assertThat(unproved(PRE_DNAT)).containsExactlyInAnyOrderElementsOf(PRE_DNAT_PAIRS);
    String never = "\n---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\n";
    // an IPPool without encapsulation or nat-outgoing: no outer packet, no masquerade
    assertThat(unproved(PRE_DNAT + never + "spec: {cidr: 10.70.0.0/16}\n")).isEmpty();
  }

  @Test
  void of_untrackedPolicyOnNamedHostEndpoint_worldPairsOfItsNodeUnprovedLocalOnesProved() {
    List<String> pairs = unproved(UNTRACKED);
    // raw ingress sees packets from outside to web (and replies), never web <-> its own host
    assertThat(pairs)
        .contains("fw/web -> fw/api", "fw/web -> world")
        .doesNotContain("fw/api -> world");
    // S6.10: api's packets to n1-eth0 may be masqueraded (no IPPool), and a failsafe reply's skip
    // of n1-eth0's untracked path reads the source port
    assertThat(pairs).contains("fw/api -> n1-eth0");
    assertThat(pairs).noneMatch(p -> p.contains("n1-eth0") && !p.equals("fw/api -> n1-eth0"));
    assertThat(pairs)
        .noneMatch(
            p -> p.startsWith("fw/api -> ") && !p.endsWith("fw/web") && !p.endsWith("n1-eth0"));
  }

  @Test
  void mapCommand_forwardPolicy_namesUnprovedPairsInTextAndJson(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("fw.yaml"), PRE_DNAT);
    Run text = Run.of("-f", file.toString(), "--dataplane=iptables", "map");
    assertThat(text.code()).as(text.toString()).isEqualTo(3);
    assertThat(text.out())
        .contains("inconclusive: the input holds what tierproof does not model")
        .contains("it could change these 3 pairs only (every other pair is proved): ");
    Run json = Run.of("-f", file.toString(), "--dataplane=iptables", "map", "-o", "json");
    assertThat(json.code()).as(json.toString()).isEqualTo(3);
    JsonNode root = new ObjectMapper().readTree(json.out());
    Map<String, String> names = new java.util.HashMap<>();
    for (JsonNode g : root.get("groups")) {
      String name =
          g.has("endpoints") ? g.get("endpoints").get(0).asText() : g.get("name").asText();
      names.put(g.get("id").asText(), name);
    }
    List<String> pairs = new ArrayList<>();
    for (JsonNode p : root.get("inconclusivePairs")) {
      pairs.add(names.get(p.get("from").asText()) + " -> " + names.get(p.get("to").asText()));
      assertThat(p.get("unmodelled").get(0).get("name").asText()).isEqualTo("n1-pre-dnat");
    }
    assertThat(pairs).containsExactlyInAnyOrderElementsOf(PRE_DNAT_PAIRS);
    // two elements of one policy: the outer packet of web's flows with api on another node, and
    // api's masqueraded packets to n1's host endpoint (S6.10); its pre-DNAT path on web's packets
    // to its own host is walked (S6.12)
    assertThat(root.get("unmodelled").findValuesAsText("name"))
        .containsExactly("n1-pre-dnat", "n1-pre-dnat");
    assertThat(root.get("unmodelled").findValuesAsText("reason"))
        .anyMatch(r -> r.contains("may drop the outer packet of VXLAN (UDP to port 4789"));
    // a map of the proved pairs only is proved
    Run api = Run.of("-f", file.toString(), "--dataplane=iptables", "map", "fw/api", "-o", "json");
    assertThat(api.code()).as(api.toString()).isEqualTo(3); // api -> web is not
    Run world = Run.of("-f", file.toString(), "--dataplane=iptables", "map", "fw/api", "world");
    assertThat(world.code()).as(world.toString()).isZero();
    assertThat(
            new ObjectMapper()
                    .readTree(
                        Run.of(
                                "-f",
                                file.toString(),
                                "--dataplane=iptables",
                                "map",
                                "fw/api",
                                "-o",
                                "json")
                            .out())
                    .get("inconclusivePairs")
                    .findValuesAsText("to")
                    .stream()
                    .collect(Collectors.toSet()))
        .hasSize(2); // api -> web (outer packet), api -> n1-all (masqueraded, S6.10)
  }
}
