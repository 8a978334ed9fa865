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
    return new Endpoint(
        Endpoint.Kind.HOST,
        null,
        name,
        "HostEndpoint",
        Map.of(),
        List.of(),
        List.of(),
        List.of(),
        node,
        Span.NONE,
        all);
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
  void forwarders_nodeWithExactlyOneAllInterfacesEndpoint_only() {
    List<Endpoint> endpoints =
        List.of(
            host("n1-all", "n1", true),
            host("n2-eth0", "n2", false),
            host("n3-all", "n3", true),
            host("n3-eth0", "n3", false),
            host("n4-a", "n4", true),
            host("n4-b", "n4", true));
    // n2: named (routing picks the interface); n3, n4: several endpoints
    assertThat(Endpoint.forwarders(endpoints)).containsOnlyKeys("n1");
    assertThat(Endpoint.forwarders(endpoints).get("n1")).isSameAs(endpoints.get(0));
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
