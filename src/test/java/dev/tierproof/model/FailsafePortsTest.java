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

  private static Flow sctp(int sourcePort, int destinationPort) {
    return Flow.between(
        Protocols.SCTP,
        Ip.parse("10.0.0.9").orElseThrow(),
        sourcePort,
        Ip.parse("10.9.9.9").orElseThrow(),
        destinationPort,
        null,
        null,
        null,
        null,
        null);
  }

  private static final FailsafePorts SCTP =
      new FailsafePorts(
          List.of(new Failsafe(Protocols.SCTP, 9), new Failsafe(Protocols.TCP, 22)),
          List.of(new Failsafe(Protocols.SCTP, 7)),
          Map.of("n1", new FailsafePorts(List.of(new Failsafe(Protocols.SCTP, 9)), List.of())));

  @Test
  void on_bpf_anSctpPortSkipsOnlyTheUntrackedEgressPath() {
    FailsafePorts bpf = SCTP.on(Dataplane.BPF);
    FailsafePorts ipt = SCTP.on(Dataplane.IPTABLES);
    // inbound SCTP 9: eBPF's failsafe map has no SCTP (XDP, TC), the rule renderer takes it
    assertThat(bpf.allows(null, Direction.INGRESS, sctp(5000, 9))).isFalse();
    assertThat(ipt.allows(null, Direction.INGRESS, sctp(5000, 9))).isTrue();
    assertThat(bpf.allows("n1", Direction.INGRESS, sctp(5000, 9))).isFalse();
    assertThat(bpf.allows(null, Direction.INGRESS, tcp(5000, 22))).isTrue();
    // outbound SCTP 7: the raw failsafe-out chain takes it past the untracked path only
    assertThat(bpf.allows(null, Direction.EGRESS, sctp(5000, 7))).isFalse();
    assertThat(bpf.skipsUntracked(null, Direction.EGRESS, sctp(5000, 7))).isTrue();
    assertThat(bpf.reply(null, Direction.EGRESS, sctp(5000, 7))).isFalse();
    assertThat(ipt.allows(null, Direction.EGRESS, sctp(5000, 7))).isTrue();
    assertThat(ipt.untrackedOnly(null, Direction.EGRESS, sctp(5000, 7))).isFalse();
    // replies: from SCTP 7 inbound (XDP: not skipped), from SCTP 9 outbound (raw: skipped)
    assertThat(bpf.skipsUntracked(null, Direction.INGRESS, sctp(7, 5000))).isFalse();
    assertThat(ipt.skipsUntracked(null, Direction.INGRESS, sctp(7, 5000))).isTrue();
    assertThat(bpf.skipsUntracked(null, Direction.EGRESS, sctp(9, 5000))).isTrue();
    assertThat(bpf.skipsUntracked("n1", Direction.EGRESS, sctp(9, 5000))).isTrue();
  }

  @Test
  void on_listsWithoutSctp_sameOnEveryDataplane_withSctp_eBpfDiffers() {
    assertThat(FailsafePorts.DEFAULT.on(Dataplane.BPF)).isEqualTo(FailsafePorts.DEFAULT);
    assertThat(PORTS.on(Dataplane.BPF)).isEqualTo(PORTS);
    assertThat(SCTP.on(Dataplane.BPF)).isNotEqualTo(SCTP.on(Dataplane.IPTABLES));
    assertThat(SCTP.on(Dataplane.BPF).on(null)).isEqualTo(SCTP);
    assertThat(SCTP.on(Dataplane.BPF).at("n2").bpf()).isTrue();
    assertThat(SCTP.on(Dataplane.BPF).of(Direction.INGRESS))
        .containsExactly(new Failsafe(Protocols.TCP, 22));
    assertThat(SCTP.on(Dataplane.BPF).all(Direction.INGRESS)).hasSize(2);
  }

  private static Flow tcp(int sourcePort, int destinationPort) {
    return Flow.between(
        Protocols.TCP,
        Ip.parse("10.0.0.9").orElseThrow(),
        sourcePort,
        Ip.parse("10.9.9.9").orElseThrow(),
        destinationPort,
        null,
        null,
        null,
        null,
        null);
  }
}
