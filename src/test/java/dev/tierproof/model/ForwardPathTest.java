package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The forward chain's paths and the nodes whose chain is walked (spec S6.7, S6.8, S6.11). */
class ForwardPathTest {

  static Endpoint host(String name, String node, boolean all) {
    return named(name, node, all ? "*" : null);
  }

  private static Policy policy(boolean preDnat, boolean applyOnForward, boolean staged) {
    return new Policy(
        staged ? PolicyKind.STAGED_GLOBAL_NETWORK_POLICY : PolicyKind.GLOBAL_NETWORK_POLICY,
        "p",
        null,
        "default",
        null,
        Selector.all(),
        EnumSet.allOf(Direction.class),
        List.of(),
        List.of(),
        false,
        preDnat,
        applyOnForward,
        Span.NONE);
  }

  @Test
  void ports_namedAndAllInterfaces_firstByNameGoverns() {
    List<Endpoint> endpoints =
        List.of(
            host("n1-all", "n1", true),
            named("n2-eth0", "n2", "eth0"),
            named("n3-b", "n3", "eth0"),
            named("n3-a", "n3", "eth0"),
            named("n3-eth1", "n3", "eth1"),
            host("n3-z", "n3", true),
            host("n3-y", "n3", true),
            host("n4-ips", "n4", false),
            host("n5-ips", "n5", false),
            named("n5-eth0", "n5", "eth0"));
    Map<String, Ports> ports = Ports.of(endpoints);
    // n5: an endpoint of expectedIPs beside a named one (which interface holds them: not settled)
    assertThat(ports).containsOnlyKeys("n1", "n2", "n3", "n4");
    assertThat(ports.get("n1").chooses()).isFalse();
    assertThat(ports.get("n1").at("eth0")).isSameAs(endpoints.get(0));
    assertThat(ports.get("n2").choices()).containsExactly("eth0", Ports.OTHER);
    assertThat(ports.get("n2").at(Ports.OTHER)).isNull();
    assertThat(ports.get("n3").at("eth0").name()).isEqualTo("n3-a");
    assertThat(ports.get("n3").at("eth1").name()).isEqualTo("n3-eth1");
    assertThat(ports.get("n3").at(Ports.OTHER).name()).isEqualTo("n3-y");
    assertThat(ports.get("n3").governing())
        .extracting(Endpoint::name)
        .containsExactly("n3-a", "n3-eth1", "n3-y");
    assertThat(ports.get("n4").choices()).containsExactly("holding ", Ports.OTHER);
  }

  /** A host endpoint of interface {@code iface} ({@code "*"}: all; null: its addresses'). */
  static Endpoint named(String name, String node, String iface) {
    return Endpoint.host(
        name, "HostEndpoint", Map.of(), List.of(), List.of(), List.of(), node, Span.NONE, iface);
  }

  @Test
  void forwarded_ingressPreDnatThenForward_egressForwardOnly_endingInTheTierDefault() {
    assertThat(HostPath.forwarded(Direction.INGRESS))
        .containsExactly(HostPath.PRE_DNAT, HostPath.FORWARD);
    assertThat(HostPath.forwarded(Direction.EGRESS)).containsExactly(HostPath.FORWARD);
    assertThat(HostPath.FORWARD.endsInDefault()).isTrue();
  }

  @Test
  void enforces_forwardPathHoldsEnforcedApplyOnForwardPoliciesOfTheNormalPath() {
    assertThat(HostPath.FORWARD.enforces(policy(false, true, false), Direction.EGRESS)).isTrue();
    assertThat(HostPath.FORWARD.enforces(policy(false, false, false), Direction.EGRESS)).isFalse();
    assertThat(HostPath.FORWARD.enforces(policy(false, true, true), Direction.EGRESS)).isFalse();
    // a preDNAT policy is on the pre-DNAT path only, applyOnForward as it must be
    assertThat(HostPath.FORWARD.enforces(policy(true, true, false), Direction.INGRESS)).isFalse();
    assertThat(HostPath.PRE_DNAT.enforces(policy(true, true, false), Direction.INGRESS)).isTrue();
    // applyOnForward does not take a policy off the normal path (spec S6.3)
    assertThat(HostPath.NORMAL.enforces(policy(false, true, false), Direction.INGRESS)).isTrue();
  }
}
