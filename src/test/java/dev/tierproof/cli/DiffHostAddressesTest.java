package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A host endpoint with two `expectedIPs` (spec S5.2) whose flows a pull request closes from one
 * address only: the pod's new ingress policy admits 10.0.0.0/8, so n1-eth0's failsafe egress to it
 * from 192.168.1.5 is closed and from 10.0.0.5 is not. Each class holds the host endpoint at the
 * address it changed at (the diff stopped inconclusive, "could not group", listing nothing).
 */
class DiffHostAddressesTest {

  private static final String DIR = "src/test/resources/diff-host-addresses/";

  @Test
  void diff_policyAdmitsOneOfAHostsAddresses_classesAtTheOther() throws Exception {
    Run json = Run.of("-f", DIR + "head.yaml", "diff", "--base", DIR + "base.yaml", "-o", "json");
    assertThat(json.code()).as(json.toString()).isEqualTo(1);
    JsonNode out = new ObjectMapper().readTree(json.out());
    assertThat(out.get("status").asText()).as(json.out()).isEqualTo("complete");
    int fromHost = 0;
    for (JsonNode c : out.get("classes")) {
      assertThat(c.get("change").asText()).isEqualTo("closed");
      if (c.at("/source/kind").asText().equals("endpoints")) {
        fromHost++;
        assertThat(c.at("/source/endpoints/0").asText()).isEqualTo("n1-eth0");
        assertThat(c.at("/source/addresses/within/0").asText()).isEqualTo("192.168.1.5/32");
        assertThat(c.at("/witness/source/ip").asText()).isEqualTo("192.168.1.5");
        String protocol = c.at("/witness/protocol").asText();
        String port = c.at("/witness/destination/port").asText();
        // the same packet from the host's other address is allowed before and after
        assertThat(verdict("base.yaml", "192.168.1.5", protocol, port)).isEqualTo("allow");
        assertThat(verdict("head.yaml", "192.168.1.5", protocol, port)).isEqualTo("deny");
        assertThat(verdict("head.yaml", "10.0.0.5", protocol, port)).isEqualTo("allow");
      }
    }
    assertThat(fromHost).as(json.out()).isPositive();
  }

  /** explain's verdict on a packet from {@code address} to shop/web over {@code file}. */
  private static String verdict(String file, String address, String protocol, String port) {
    return Run.verdict(DIR + file, address, "shop/web", "--protocol", protocol, "--port", port);
  }
}
