package dev.tierproof.analysis;

import static dev.tierproof.analysis.ReachabilityTest.known;
import static dev.tierproof.analysis.ReachabilityTest.load;
import static dev.tierproof.analysis.ReachabilityTest.selector;
import static dev.tierproof.analysis.ReachabilityTest.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.VerifyResult.Blocker;
import dev.tierproof.analysis.VerifyResult.Result;
import dev.tierproof.eval.Decision;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One Calico rule per test (specs/semantics.md S3-S6), asked through the solver. */
class ReachabilitySemanticsTest {

  private static final String PODS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: blue}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      status: {podIP: 10.0.1.6, podIPs: [{ip: 10.0.1.6}, {ip: 'fd00::6'}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec: {containers: [{name: c, ports: [{name: sql, containerPort: 5432}]}]}
      status: {podIP: 10.0.1.7}
      ---
      """;

  /** A host endpoint without profiles on node1. */
  private static final String NODE1_HOST =
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: node1-eth0, labels: {role: node}}
      spec: {node: node1, interfaceName: eth0, expectedIPs: [192.168.0.10]}
      ---
      """;

  /** A pod on node2, never on node1-eth0's node. */
  private static final String REMOTE =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: remote, namespace: shop, labels: {app: remote}}
      spec: {nodeName: node2}
      status: {podIP: 10.0.2.8}
      """;

  private static VerifyResult reachable(String yaml, End src, End dst, FlowSpec flow) {
    try (Reachability r = new Reachability(load(yaml), Duration.ofSeconds(10))) {
      return r.reachable(src, dst, flow);
    }
  }

  private static List<Decision.Kind> kinds(VerifyResult v) {
    return v.blockers().stream().map(b -> b.decidedBy().kind()).toList();
  }

  @Test
  void hostEndpoint_failsafePortOnly_noProfileDeniesTheRest() {
    PolicySet set = load(PODS + NODE1_HOST + REMOTE);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      assertThat(
              r.reachable(known(set, "shop/remote"), known(set, "node1-eth0"), tcp(22))
                  .explanation()
                  .steps()
                  .get(1)
                  .decidedBy()
                  .kind())
          .isEqualTo(Decision.Kind.FAILSAFE);
      VerifyResult http = r.reachable(known(set, "shop/remote"), known(set, "node1-eth0"), tcp(80));
      assertThat(http.result()).isEqualTo(Result.VIOLATED);
      assertThat(kinds(http)).containsExactly(Decision.Kind.NO_PROFILE);
    }
  }

  @Test
  void hostEndpoint_podNamingNoNode_reachesItsHostOnItsEgressAlone() {
    // spec S6.12: web names no node; placed on node1 it meets only its own egress step toward
    // its host, which its namespace's profile allows, never node1-eth0's ingress
    PolicySet set = load(PODS + NODE1_HOST + REMOTE);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult web = r.reachable(known(set, "shop/web"), known(set, "node1-eth0"), tcp(80));
      assertThat(web.result()).isEqualTo(Result.HOLDS);
      assertThat(web.witness().local()).isTrue();
      // the host's side is Felix's, not a policy's (own-node)
      assertThat(web.explanation().steps())
          .extracting(s -> s.direction() + " " + s.decidedBy().kind())
          .containsExactly("EGRESS PROFILE", "INGRESS OWN_NODE");
      VerifyResult back = r.reachable(known(set, "node1-eth0"), known(set, "shop/web"), tcp(80));
      assertThat(back.result()).isEqualTo(Result.HOLDS);
      // the host's packets meet no policy
      assertThat(back.explanation().steps())
          .allSatisfy(s -> assertThat(s.decidedBy().kind()).isEqualTo(Decision.Kind.OWN_NODE));
    }
  }

  @Test
  void pass_skipsTierDefault_profileAllows() {
    String yaml =
        PODS
            + """
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: security}
            spec: {order: 100}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: security.pass-web}
            spec:
              tier: security
              selector: app == 'db'
              types: [Ingress]
              ingress:
                - action: Pass
                  source: {selector: app == 'web'}
            """;
    PolicySet set = load(yaml);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult ok = r.reachable(known(set, "shop/web"), known(set, "shop/db"), tcp(5432));
      assertThat(ok.result()).isEqualTo(Result.HOLDS);
      assertThat(ok.explanation().steps().get(1).decidedBy().kind())
          .isEqualTo(Decision.Kind.PROFILE);
      VerifyResult world =
          r.reachable(new End.Addresses(null, null), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(world.result()).isEqualTo(Result.VIOLATED);
      assertThat(world.blockers())
          .singleElement()
          .satisfies(
              b -> {
                assertThat(b.decidedBy().kind()).isEqualTo(Decision.Kind.TIER_DEFAULT);
                assertThat(b.decidedBy().tier().name()).isEqualTo("security");
              });
    }
  }

  @Test
  void tierDefaultPass_andStagedDeny_doNotBlock() {
    String yaml =
        PODS
            + """
            apiVersion: projectcalico.org/v3
            kind: Tier
            metadata: {name: platform}
            spec: {order: 200, defaultAction: Pass}
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: platform.log-only}
            spec:
              tier: platform
              selector: all()
              types: [Ingress, Egress]
              ingress: [{action: Log}]
              egress: [{action: Log}]
            ---
            apiVersion: projectcalico.org/v3
            kind: StagedGlobalNetworkPolicy
            metadata: {name: platform.staged-deny}
            spec:
              tier: platform
              selector: all()
              types: [Ingress]
              ingress: [{action: Deny}]
            """;
    VerifyResult v =
        reachable(yaml, new End.Addresses(null, null), known(load(yaml), "shop/db"), tcp(5432));
    assertThat(v.result()).isEqualTo(Result.HOLDS);
  }

  @Test
  void isolated_denyRuleBothWays_blockersAtEachStep() throws Exception {
    String yaml =
        PODS
            + """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: no-db}
            spec:
              selector: all()
              types: [Ingress, Egress]
              ingress:
                - action: Deny
                  source: {selector: app == 'web'}
                - action: Allow
              egress:
                - action: Deny
                  destination: {selector: app == 'db'}
                - action: Allow
            """;
    PolicySet set = load(yaml);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v = r.isolated(known(set, "shop/web"), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.HOLDS);
      assertThat(v.blockers())
          .extracting(Blocker::direction)
          .containsExactly(Direction.EGRESS, Direction.INGRESS);
      assertThat(kinds(v)).containsOnly(Decision.Kind.RULE);
      VerifyResult any =
          r.isolated(selector("shop", "app == 'web'"), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(any.result()).isEqualTo(Result.HOLDS);
    }
  }

  @Test
  void family_ruleWithOnlyV4Nets_skippedForIpv6() {
    String yaml =
        PODS
            + """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: web-egress}
            spec:
              selector: app == 'web'
              types: [Egress]
              egress:
                - action: Allow
                  destination: {nets: [0.0.0.0/0]}
            """;
    PolicySet set = load(yaml);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      FlowSpec v6 = new FlowSpec(null, null, null, null, null, 6);
      assertThat(r.reachable(known(set, "shop/web"), new End.Addresses(null, null), v6).result())
          .isEqualTo(Result.VIOLATED);
      VerifyResult v4 =
          r.reachable(known(set, "shop/web"), new End.Addresses(null, null), FlowSpec.ANY);
      assertThat(v4.result()).isEqualTo(Result.HOLDS);
      assertThat(v4.witness().family()).isEqualTo(4);
    }
  }

  @Test
  void notSelectorOnly_matchesOutsideAddresses() {
    String yaml =
        PODS
            + """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: db-ingress}
            spec:
              selector: app == 'db'
              types: [Ingress]
              ingress:
                - action: Allow
                  source: {notSelector: app == 'web'}
            """;
    PolicySet set = load(yaml);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      assertThat(
              r.reachable(new End.Addresses(null, null), known(set, "shop/db"), FlowSpec.ANY)
                  .result())
          .isEqualTo(Result.HOLDS);
      assertThat(r.reachable(known(set, "shop/web"), known(set, "shop/db"), FlowSpec.ANY).result())
          .isEqualTo(Result.VIOLATED);
      Cidr web = Cidr.parse("10.0.1.6/32").orElseThrow();
      assertThat(
              r.reachable(new End.Addresses(web, null), known(set, "shop/db"), FlowSpec.ANY)
                  .result())
          .isEqualTo(Result.VIOLATED);
    }
  }

  @Test
  void anyNamespace_newNamespaceWithMatchingLabels_violatesIsolation() throws Exception {
    String yaml =
        PODS
            + """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: db-from-green}
            spec:
              selector: app == 'db'
              types: [Ingress]
              ingress:
                - action: Allow
                  protocol: TCP
                  source: {namespaceSelector: team == 'green'}
            """;
    PolicySet set = load(yaml);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult existing =
          r.isolated(selector("shop", "all()"), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(existing.result()).isEqualTo(Result.HOLDS);
      VerifyResult any = r.isolated(selector(null, "all()"), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(any.result()).isEqualTo(Result.VIOLATED);
      assertThat(any.witness().source().labels()).containsEntry("pcns.team", "green");
      assertThat(any.witness().source().namespace()).isNotEqualTo("shop");
      assertThat(any.witness().protocol()).isEqualTo(Protocols.TCP);
      VerifyResult only =
          r.isolated(
              new End.Hypothetical(null, dev.tierproof.selector.Selector.parse("all()"), true),
              known(set, "shop/db"),
              FlowSpec.ANY);
      assertThat(only.result()).isEqualTo(Result.HOLDS);
    }
  }

  @Test
  void existingOnly_noMatchingEndpoint_holdsWithoutBlockers() throws Exception {
    PolicySet set = load(PODS);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v =
          r.isolated(
              new End.Hypothetical(
                  "shop", dev.tierproof.selector.Selector.parse("app == 'none'"), true),
              known(set, "shop/db"),
              FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.HOLDS);
      assertThat(v.blockers()).isEmpty();
    }
  }
}
