package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which packets failsafe ports take (spec S6.2): a port's net holds the peer (the source inbound,
 * the destination outbound, a failsafe reply's likewise), never one of the other family; a node's
 * own lists hold on its host endpoints only.
 */
class FailsafePortsTest {

  private static final Cidr NET = Cidr.parse("10.0.0.0/24").orElseThrow();

  private static Flow udp(String from, int sourcePort, String to, int destinationPort) {
    return Flow.between(
        Protocols.UDP,
        Ip.parse(from).orElseThrow(),
        sourcePort,
        Ip.parse(to).orElseThrow(),
        destinationPort,
        null,
        null,
        null,
        null,
        null);
  }

  private static final FailsafePorts PORTS =
      new FailsafePorts(
          List.of(new Failsafe(Protocols.UDP, 68, NET)),
          List.of(new Failsafe(Protocols.UDP, 53, NET)),
          Map.of(
              "n1",
              new FailsafePorts(
                  List.of(new Failsafe(Protocols.UDP, 68, Cidr.parse("::/0").orElseThrow())),
                  List.of())));

  @Test
  void allows_netHoldsThePeer_sourceInboundDestinationOutbound() {
    assertThat(PORTS.allows(null, Direction.INGRESS, udp("10.0.0.9", 5000, "10.9.9.9", 68)))
        .isTrue();
    assertThat(PORTS.allows(null, Direction.INGRESS, udp("10.9.9.9", 5000, "10.0.0.9", 68)))
        .as("the host's own address is not the peer")
        .isFalse();
    assertThat(PORTS.allows(null, Direction.EGRESS, udp("10.9.9.9", 5000, "10.0.0.9", 53)))
        .isTrue();
    assertThat(PORTS.allows(null, Direction.EGRESS, udp("10.0.0.9", 5000, "10.9.9.9", 53)))
        .isFalse();
  }

  @Test
  void reply_netHoldsThePeer() {
    // inbound from UDP 53 (outbound failsafe) of a peer in the net: a reply, skipping untracked
    assertThat(PORTS.reply(null, Direction.INGRESS, udp("10.0.0.9", 53, "10.9.9.9", 5000)))
        .isTrue();
    assertThat(PORTS.reply(null, Direction.INGRESS, udp("10.9.9.9", 53, "10.0.0.9", 5000)))
        .isFalse();
    assertThat(PORTS.reply(null, Direction.EGRESS, udp("10.9.9.9", 68, "10.0.0.9", 5000))).isTrue();
    assertThat(PORTS.reply(null, Direction.EGRESS, udp("10.0.0.9", 68, "10.9.9.9", 5000)))
        .isFalse();
  }

  @Test
  void at_aNodesOwnLists_onItsHostEndpointsOnly_aNetOfTheOtherFamilyNeverMatches() {
    Flow v4 = udp("10.0.0.9", 5000, "10.9.9.9", 68);
    Flow v6 = udp("fd00::9", 5000, "fd00::1", 68);
    assertThat(PORTS.allows("n1", Direction.INGRESS, v4)).isFalse();
    assertThat(PORTS.allows("n1", Direction.INGRESS, v6)).isTrue();
    assertThat(PORTS.allows("n2", Direction.INGRESS, v4)).isTrue();
    assertThat(PORTS.allows("n2", Direction.INGRESS, v6)).isFalse();
    assertThat(PORTS.allows("n1", Direction.EGRESS, udp("10.9.9.9", 5000, "10.0.0.9", 53)))
        .isFalse();
    assertThat(PORTS.at("n2")).isEqualTo(new FailsafePorts(PORTS.inbound(), PORTS.outbound()));
    assertThat(PORTS.all(Direction.INGRESS)).hasSize(2);
    assertThat(PORTS.nets()).containsExactly(NET, Cidr.parse("::/0").orElseThrow());
  }
}
