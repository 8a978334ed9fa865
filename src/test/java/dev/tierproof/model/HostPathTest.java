package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPathTest {

  private static Policy policy(boolean dnt, boolean preDnat, Direction... types) {
    return new Policy(
        PolicyKind.GLOBAL_NETWORK_POLICY,
        "p",
        null,
        "default",
        null,
        Selector.all(),
        types.length == 0 ? EnumSet.noneOf(Direction.class) : EnumSet.of(types[0], types),
        List.of(),
        List.of(),
        dnt,
        preDnat,
        dnt || preDnat,
        Span.NONE);
  }

  private static Flow udp(int sourcePort, int destinationPort) {
    Ip a = Ip.parse("10.0.0.1").orElseThrow();
    Ip b = Ip.parse("10.0.0.2").orElseThrow();
    return Flow.between(
        Protocols.UDP, a, sourcePort, b, destinationPort, null, null, null, null, null);
  }

  @Test
  void of_hostIngress_untrackedPreDnatNormal() {
    assertThat(HostPath.of(Site.HOST, Direction.INGRESS))
        .containsExactly(HostPath.UNTRACKED, HostPath.PRE_DNAT, HostPath.NORMAL);
    assertThat(HostPath.of(Site.HOST, Direction.EGRESS))
        .containsExactly(HostPath.UNTRACKED, HostPath.NORMAL);
    assertThat(HostPath.of(Site.WORKLOAD, Direction.INGRESS)).containsExactly(HostPath.NORMAL);
  }

  @Test
  void of_allInterfacesHost_noUntrackedPath() {
    // spec S6.6: Felix's endpoint_mgr.go never programs a `*` endpoint's untracked policy
    assertThat(HostPath.of(Site.ALL_INTERFACES, Direction.INGRESS))
        .containsExactly(HostPath.PRE_DNAT, HostPath.NORMAL);
    assertThat(HostPath.of(Site.ALL_INTERFACES, Direction.EGRESS)).containsExactly(HostPath.NORMAL);
    assertThat(Site.ALL_INTERFACES.host()).isTrue();
  }

  @Test
  void enforced_pathPolicies_onlyAtHostsAndPreDnatOnlyIngress() {
    Policy untracked = policy(true, false, Direction.INGRESS, Direction.EGRESS);
    Policy preDnat = policy(false, true, Direction.INGRESS, Direction.EGRESS);
    Policy normal = policy(false, false, Direction.INGRESS);
    assertThat(HostPath.enforced(untracked, Site.WORKLOAD, Direction.INGRESS)).isFalse();
    assertThat(HostPath.enforced(untracked, Site.HOST, Direction.EGRESS)).isTrue();
    assertThat(HostPath.enforced(preDnat, Site.HOST, Direction.INGRESS)).isTrue();
    assertThat(HostPath.enforced(preDnat, Site.HOST, Direction.EGRESS)).isFalse();
    assertThat(HostPath.enforced(normal, Site.WORKLOAD, Direction.INGRESS)).isTrue();
    assertThat(HostPath.enforced(normal, Site.HOST, Direction.EGRESS)).isFalse(); // not governed
    // spec S6.6: no untracked path at an all-interfaces host endpoint; pre-DNAT is there
    assertThat(HostPath.enforced(untracked, Site.ALL_INTERFACES, Direction.INGRESS)).isFalse();
    assertThat(HostPath.enforced(untracked, Site.ALL_INTERFACES, Direction.EGRESS)).isFalse();
    assertThat(HostPath.enforced(preDnat, Site.ALL_INTERFACES, Direction.INGRESS)).isTrue();
    assertThat(HostPath.UNTRACKED.endsInDefault()).isFalse();
    assertThat(HostPath.NORMAL.endsInDefault()).isTrue();
  }

  @Test
  void reply_sourcePortFailsafeOfOtherDirection_skipsUntracked() {
    // UDP 53 is an outbound failsafe port: inbound from it is a reply
    assertThat(dev.tierproof.model.FailsafePorts.DEFAULT.reply(Direction.INGRESS, udp(53, 5000)))
        .isTrue();
    assertThat(dev.tierproof.model.FailsafePorts.DEFAULT.reply(Direction.EGRESS, udp(53, 5000)))
        .isFalse();
    // UDP 68 is an inbound failsafe port: outbound from it is a reply
    assertThat(dev.tierproof.model.FailsafePorts.DEFAULT.reply(Direction.EGRESS, udp(68, 5000)))
        .isTrue();
    assertThat(dev.tierproof.model.FailsafePorts.DEFAULT.reply(Direction.INGRESS, udp(5000, 53)))
        .isFalse();
    assertThat(dev.tierproof.model.FailsafePorts.DEFAULT.allows(Direction.EGRESS, udp(5000, 53)))
        .isTrue();
  }
}
