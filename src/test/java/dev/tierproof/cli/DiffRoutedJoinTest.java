package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diff's classes of flows routed through a node (specs/semantics.md S6.10, S6.11) join the
 * interface choices that changed alike: one class per node and product of choices, not one per pair
 * of interfaces.
 */
class DiffRoutedJoinTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CASE = "specs/cases/own/host-endpoint-transit/resources.yaml";

  @Test
  void diff_egressForwardRuleAdded_oneRoutedClassOverTheInterfacesInBy(@TempDir Path dir)
      throws Exception {
    // the base lets telnet leave r1 by eth0; now fwd-out denies it: closed for the routes in by
    // eth0 or another interface (eth1's ingress allows only HTTPS), out by eth0
    String now = Files.readString(Path.of(CASE));
    String rule = "    - action: Deny\n      protocol: TCP\n      destination: {ports: [23]}\n";
    assertThat(now).contains(rule);
    Path base = dir.resolve("base.yaml");
    Files.writeString(base, now.replace(rule, ""));
    Run json =
        Run.of("-f", CASE, "diff", "--base", base.toString(), "--scope", "existing", "-o", "json");
    Run text = Run.of("-f", CASE, "diff", "--base", base.toString(), "--scope", "existing");
    assertThat(text.out())
        .as(text.toString())
        .contains(
            "newly denied: IPv4 outside except 192.0.2.0/24 -> world, TCP 23 (routed through node"
                + " r1, entering by an interface without a host endpoint of its own or eth0, leaving"
                + " by eth0)");
    JsonNode classes = JSON.readTree(json.out()).get("classes");
    int routed = 0;
    boolean joined = false;
    for (JsonNode c : classes) {
      if (!c.has("routedThrough")) {
        continue;
      }
      routed++;
      assertThat(c.get("routedThrough").asText()).as(c.toString()).isEqualTo("r1");
      assertThat(c.path("destinationInterface").asText()).as(c.toString()).isEqualTo("eth0");
      assertThat(c.has("destinationInterfaces")).isFalse();
      joined |= c.path("sourceInterfaces").toString().equals("[\"*\",\"eth0\"]");
      // spec S6.11: the witness is routed as the class says
      assertThat(c.at("/witness/routedThrough").asText()).isEqualTo("r1");
      assertThat(c.at("/witness/destination/interface").asText()).isEqualTo("eth0");
    }
    // one class per family and source range, not one per pair of interfaces
    assertThat(joined).as(json.out()).isTrue();
    assertThat(routed).as(text.out()).isBetween(1, 3);
  }
}
