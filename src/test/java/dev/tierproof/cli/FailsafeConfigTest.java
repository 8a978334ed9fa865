package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FelixConfiguration {@code default}'s failsafe ports are modelled (spec S6.2, S9.1): explain,
 * verify and diff read them instead of Felix's defaults, and a pull request that changes them is a
 * complete diff.
 */
class FailsafeConfigTest {

  private static final String HOST =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: fs-host, labels: {role: host}}
      spec: {node: node-1, interfaceName: eth0, expectedIPs: [10.19.0.1]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: deny-host}
      spec:
        selector: role == 'host'
        types: [Ingress, Egress]
        ingress: [{action: Deny}]
        egress: [{action: Deny}]
      """;

  private static final String NO_INBOUND =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec:
        logSeverityScreen: Info
        failsafeInboundHostPorts: [{protocol: TCP, port: 2222}]
      """;

  @Test
  void explainAndVerify_readTheConfiguredPorts(@TempDir Path dir) throws Exception {
    Path felix = Files.writeString(dir.resolve("felix.yaml"), HOST + NO_INBOUND);
    Path plain = Files.writeString(dir.resolve("plain.yaml"), HOST);
    Run ssh = Run.of("-f", felix.toString(), "explain", "198.51.100.10", "fs-host", "--port", "22");
    assertThat(ssh.code()).as(ssh.toString()).isZero();
    assertThat(ssh.out()).startsWith("deny:").contains("rule 0 of deny-host");
    Run other =
        Run.of("-f", felix.toString(), "explain", "198.51.100.10", "fs-host", "--port", "2222");
    assertThat(other.code()).as(other.toString()).isZero();
    assertThat(other.out()).startsWith("allow:").contains("failsafe");
    Run before =
        Run.of("-f", plain.toString(), "explain", "198.51.100.10", "fs-host", "--port", "22");
    assertThat(before.out()).as(before.toString()).startsWith("allow:");
    // verify: only TCP 2222 reaches the host, and outbound failsafe ports stay Felix's
    Run in = Run.of("-f", felix.toString(), "verify", "isolated", "world", "fs-host");
    assertThat(in.code()).as(in.toString()).isEqualTo(1);
    assertThat(in.out()).contains(":2222");
    Run only =
        Run.of(
            "-f",
            felix.toString(),
            "verify",
            "isolated",
            "world",
            "fs-host",
            "--protocol",
            "TCP",
            "--port",
            "1:2221");
    assertThat(only.code()).as(only.toString()).isZero();
    Run dns =
        Run.of(
            "-f",
            felix.toString(),
            "verify",
            "reachable",
            "fs-host",
            "world",
            "--protocol",
            "UDP",
            "--port",
            "53");
    assertThat(dns.code()).as(dns.toString()).isZero();
  }

  @Test
  void diff_aPullRequestChangingTheFailsafePorts_listsWhatItOpensAndCloses(@TempDir Path dir)
      throws Exception {
    Path base = Files.writeString(dir.resolve("base.yaml"), HOST);
    Path head = Files.writeString(dir.resolve("head.yaml"), HOST + NO_INBOUND);
    Run diff = Run.of("-f", head.toString(), "diff", "--base", base.toString(), "-o", "json");
    assertThat(diff.code()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).contains("\"status\": \"complete\"").contains("2222");
    Run text = Run.of("-f", head.toString(), "diff", "--base", base.toString());
    assertThat(text.out()).contains("22").contains("179");
  }

  private static final String NODE_AND_NET =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: fs-other, labels: {role: host}}
      spec: {node: node-2, interfaceName: eth0, expectedIPs: [10.19.0.2]}
      ---
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec:
        failsafeInboundHostPorts: [{protocol: TCP, port: 22, net: 198.51.100.0/24}]
      ---
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: node.node-2}
      spec:
        failsafeInboundHostPorts: [{protocol: TCP, port: 2222}]
      """;

  @Test
  void explainAndVerify_aNetHoldingThePeerOrNot_aNodesOwnList(@TempDir Path dir) throws Exception {
    Path in = Files.writeString(dir.resolve("in.yaml"), HOST + NODE_AND_NET);
    Run held = Run.of("-f", in.toString(), "explain", "198.51.100.10", "fs-host", "--port", "22");
    assertThat(held.code()).as(held.toString()).isZero();
    assertThat(held.out())
        .startsWith("allow:")
        .contains(
            "TCP port 22 is a failsafe inbound port of host endpoint fs-host for peers in"
                + " 198.51.100.0/24, which holds 198.51.100.10: allowed before any policy.");
    Run missed = Run.of("-f", in.toString(), "explain", "203.0.113.5", "fs-host", "--port", "22");
    assertThat(missed.code()).as(missed.toString()).isZero();
    assertThat(missed.out()).startsWith("deny:").contains("rule 0 of deny-host");
    // node-2's own list replaces the default's: TCP 22 is not failsafe there, TCP 2222 is
    Run own = Run.of("-f", in.toString(), "explain", "198.51.100.10", "fs-other", "--port", "22");
    assertThat(own.code()).as(own.toString()).isZero();
    assertThat(own.out()).startsWith("deny:");
    Run other = Run.of("-f", in.toString(), "explain", "203.0.113.5", "fs-other", "--port", "2222");
    assertThat(other.out())
        .as(other.toString())
        .startsWith("allow:")
        .contains("TCP port 2222 is a failsafe inbound port of host endpoint fs-other: allowed");
    Run notOnH1 =
        Run.of("-f", in.toString(), "explain", "203.0.113.5", "fs-host", "--port", "2222");
    assertThat(notOnH1.out()).as(notOnH1.toString()).startsWith("deny:");
    // verify: from outside the net nothing reaches fs-host; from inside, TCP 22 does
    Run outside =
        Run.of(
            "-f", in.toString(), "verify", "isolated", "203.0.113.0/24", "fs-host", "-o", "json");
    assertThat(outside.code()).as(outside.toString()).isZero();
    assertThat(outside.out()).contains("\"result\": \"holds\"");
    Run inside = Run.of("-f", in.toString(), "verify", "isolated", "198.51.100.0/24", "fs-host");
    assertThat(inside.code()).as(inside.toString()).isEqualTo(1);
    assertThat(inside.out()).contains(":22");
    Run node2 =
        Run.of(
            "-f",
            in.toString(),
            "verify",
            "isolated",
            "198.51.100.0/24",
            "fs-other",
            "--protocol",
            "TCP",
            "--port",
            "1:2221");
    assertThat(node2.code()).as(node2.toString()).isZero();
  }
}
