package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    Run json = Run.of("-f", CASE, "diff", "--base", base.toString(), "-o", "json");
    Run text = Run.of("-f", CASE, "diff", "--base", base.toString());
    System.out.println(json.out());
    System.out.println(text.out());
  }
}
