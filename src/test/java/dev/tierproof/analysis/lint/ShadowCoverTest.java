package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.selector.SelectorSyntaxException;
import dev.tierproof.source.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The covering elements of a shadowed rule on models built by hand (regressions found by {@link
 * LintDifferentialTest}): each cover is the exact set of elements that take some packet the rule
 * matches, and {@link LintDifferentialTest#claims} accepts it on a flow that meets it.
 */
class ShadowCoverTest {

  /**
   * RandomModel(230): a rule with {@code notICMP} and no protocol matches every packet but that
   * ICMP message (spec S3.3: the negation), UDP included, so the earlier UDP rule that takes some
   * of its packets is in its cover. The loader rejects the shape (S8); lint's footprint once read
   * it as "ICMP only" and dropped the UDP rule.
   */
  @Test
  void lint_notIcmpWithoutProtocol_coverHoldsTheEarlierUdpRule() throws SelectorSyntaxException {
    Rule udpFromBatch =
        rule(
            0,
            Action.ALLOW,
            Protocols.UDP,
            null,
            from(Selector.parse("app == 'batch'")),
            List.of());
    Rule passAll = rule(1, Action.PASS, null, null, EntityMatch.ANY, List.of());
    Rule denyNotUnreachable =
        rule(2, Action.DENY, null, new Icmp(3, null), EntityMatch.ANY, List.of());
    Policy guard =
        policy(
            "guard",
            "app == 'web'",
            HostPath.NORMAL,
            List.of(udpFromBatch, passAll, denyNotUnreachable));
    Endpoint web = pod("web", List.of(ip("10.0.0.1")));
    Endpoint batch = pod("batch", List.of()); // spec S5.4: at an address no endpoint owns
    PolicySet set = set(List.of(guard), List.of(web, batch));

    Lint.Result result = Lint.run(set, new Lint.Options(Scope.EXISTING, Duration.ofSeconds(20)));

    Finding.ShadowedRule shadowed = shadowed(result, guard, 2);
    assertThat(shadowed.coveredBy().stream().map(c -> c.rule().index()).toList())
        .containsExactly(0, 1);
    Flow example = shadowed.coveredBy().get(0).example().flow();
    assertThat(example.protocol()).isEqualTo(Protocols.UDP);
    assertThat(example.source()).isSameAs(batch);
    Flow udp = udp(ip("10.9.9.9"), batch, ip("10.0.0.1"), web, 53);
    assertThat(LintDifferentialTest.claims("notICMP: ", set, result, List.of(udp))).isEqualTo(1);
  }

  /**
   * RandomModel(482): at an all-interfaces host endpoint's ingress, a pre-DNAT Pass leaves the
   * pre-DNAT path's tier and goes on to the normal path, whose tier of the same name is entered
   * anew (spec S6.4): it takes no packet from the normal path's rules, and the cover of a normal
   * rule shadowed there is the normal rule before it alone.
   */
  @Test
  void lint_preDnatPassOfTheSameTier_isNoCoverOfANormalRule() throws SelectorSyntaxException {
    Policy pre =
        policy(
            "pre",
            "zone == 'dmz'",
            HostPath.PRE_DNAT,
            List.of(rule(0, Action.PASS, Protocols.UDP, null, EntityMatch.ANY, List.of())));
    Policy host =
        policy(
            "host",
            "zone == 'dmz'",
            HostPath.NORMAL,
            List.of(
                rule(0, Action.ALLOW, Protocols.UDP, null, EntityMatch.ANY, List.of()),
                rule(1, Action.DENY, Protocols.UDP, null, EntityMatch.ANY, List.of(5000))));
    Endpoint gateway = host("gateway", true);
    PolicySet set = set(List.of(pre, host), List.of(gateway));

    Lint.Result result = Lint.run(set, new Lint.Options(Scope.EXISTING, Duration.ofSeconds(20)));

    Finding.ShadowedRule shadowed = shadowed(result, host, 1);
    assertThat(shadowed.coveredBy())
        .singleElement()
        .satisfies(c -> assertThat(c.rule().policy()).isSameAs(host))
        .satisfies(c -> assertThat(c.rule().index()).isZero());
    Flow udp = udp(ip("192.0.2.1"), null, ip("10.0.0.9"), gateway, 5000);
    assertThat(
            new Evaluator(set)
                .evaluate(gateway, Direction.INGRESS, udp).trace().stream()
                    .anyMatch(t -> t.policy() == pre && t.outcome() == TraceEntry.Outcome.PASS))
        .as("the pre-DNAT Pass is met first")
        .isTrue();
    assertThat(LintDifferentialTest.claims("pre-DNAT Pass: ", set, result, List.of(udp)))
        .isEqualTo(1);
  }

  /**
   * RandomModel(782), RandomModel(2426): at a host endpoint's egress, a reply from a failsafe port
   * (here TCP source port 22) skips the untracked path (spec S6.4): the failsafe ports take it from
   * an untracked rule, and so belong to the cover of one that matches such replies, whatever the
   * normal path then decides. The solver's chains once let the skip take nothing, and the cover
   * lacked the failsafe ports; lint's walk once named the normal path's decision instead.
   */
  @Test
  void lint_untrackedRuleMatchingFailsafeReplies_coverHoldsTheFailsafePorts()
      throws SelectorSyntaxException {
    Rule denyTcp = rule(0, Action.DENY, Protocols.TCP, null, EntityMatch.ANY, List.of());
    Rule allowFromLowPorts =
        new Rule(
            1,
            Action.ALLOW,
            null,
            Protocols.TCP,
            null,
            null,
            null,
            ports(List.of(new Port.Range(20, 30))),
            ports(List.of(new Port.Range(80, 80))),
            false,
            Span.NONE);
    Policy raw =
        policy(
            "raw",
            "zone == 'dmz'",
            HostPath.UNTRACKED,
            Direction.EGRESS,
            List.of(denyTcp, allowFromLowPorts));
    // the normal path decides the replies the untracked path skipped: they were taken before
    Policy normal =
        policy(
            "normal",
            "zone == 'dmz'",
            HostPath.NORMAL,
            Direction.EGRESS,
            List.of(rule(0, Action.DENY, Protocols.TCP, null, EntityMatch.ANY, List.of())));
    Endpoint bastion = host("bastion", false);
    PolicySet set = set(List.of(raw, normal), List.of(bastion));

    Lint.Result result = Lint.run(set, new Lint.Options(Scope.EXISTING, Duration.ofSeconds(20)));

    Finding.ShadowedRule shadowed = shadowed(result, raw, 1);
    assertThat(
            shadowed.coveredBy().stream()
                .map(c -> c.failsafe() ? "failsafe" : "rule " + c.rule().index())
                .toList())
        .containsExactlyInAnyOrder("failsafe", "rule 0");
    Flow reply =
        Flow.between(
            Protocols.TCP,
            ip("10.0.0.9"),
            22,
            ip("192.0.2.1"),
            80,
            null,
            null,
            null,
            bastion,
            null);
    Flow other = reply.withPacket(Protocols.TCP, 25, 80, null, null);
    assertThat(LintDifferentialTest.claims("failsafe reply: ", set, result, List.of(reply, other)))
        .isEqualTo(2);
  }

  private static Finding.ShadowedRule shadowed(Lint.Result result, Policy policy, int index) {
    return result.findings().stream()
        .filter(Finding.ShadowedRule.class::isInstance)
        .map(Finding.ShadowedRule.class::cast)
        .filter(s -> s.rule().policy() == policy && s.rule().index() == index)
        .findFirst()
        .orElseThrow(() -> new AssertionError("rule " + index + " not shadowed: " + result));
  }

  private static PolicySet set(List<Policy> policies, List<Endpoint> endpoints) {
    return PolicySet.ordered(
        List.of(new Tier("default", 1_000_000.0, Action.DENY, true, Span.NONE, policies)),
        endpoints,
        List.of(),
        Map.of(),
        Map.of("ns1", new Namespace("ns1", Map.of(), Span.NONE)));
  }

  private static Policy policy(String name, String selector, HostPath path, List<Rule> ingress)
      throws SelectorSyntaxException {
    return policy(name, selector, path, Direction.INGRESS, ingress);
  }

  /** A global policy of tier default on {@code path} with {@code rules} in {@code dir}. */
  private static Policy policy(
      String name, String selector, HostPath path, Direction dir, List<Rule> rules)
      throws SelectorSyntaxException {
    boolean normal = path == HostPath.NORMAL;
    return new Policy(
        PolicyKind.GLOBAL_NETWORK_POLICY,
        name,
        null,
        "default",
        normal ? 20.0 : 10.0,
        Selector.parse(selector),
        Set.of(dir),
        dir == Direction.INGRESS ? rules : List.of(),
        dir == Direction.EGRESS ? rules : List.of(),
        path == HostPath.UNTRACKED,
        path == HostPath.PRE_DNAT,
        !normal, // untracked and pre-DNAT policies apply on forward too (Calico's validator)
        Span.NONE);
  }

  private static Endpoint pod(String app, List<Ip> ips) {
    return Endpoint.workload(
        "ns1",
        app,
        "Pod",
        Map.of("app", app, "projectcalico.org/namespace", "ns1"),
        ips,
        List.of(),
        List.of(),
        "node0",
        Span.NONE);
  }

  private static Rule rule(
      int index,
      Action action,
      Integer protocol,
      Icmp notIcmp,
      EntityMatch source,
      List<Integer> destinationPorts) {
    EntityMatch destination =
        ports(destinationPorts.stream().map(p -> (Port) new Port.Range(p, p)).toList());
    return new Rule(
        index, action, null, protocol, null, null, notIcmp, source, destination, false, Span.NONE);
  }

  /** A host endpoint at 10.0.0.9 labelled {@code zone: dmz}, of all interfaces or not. */
  private static Endpoint host(String name, boolean allInterfaces) {
    return Endpoint.host(
        name,
        "HostEndpoint",
        Map.of("zone", "dmz"),
        List.of(ip("10.0.0.9")),
        List.of(),
        List.of(),
        "n1",
        Span.NONE,
        allInterfaces ? "*" : null);
  }

  private static EntityMatch ports(List<Port> ports) {
    return new EntityMatch(List.of(), List.of(), null, null, ports, List.of(), List.of(), null);
  }

  private static EntityMatch from(Selector s) {
    return new EntityMatch(List.of(), List.of(), s, null, List.of(), List.of(), List.of(), null);
  }

  private static Flow udp(Ip from, Endpoint source, Ip to, Endpoint destination, int port) {
    return Flow.between(
        Protocols.UDP, from, 40000, to, port, null, null, null, source, destination);
  }

  private static Ip ip(String s) {
    return Ip.parse(s).orElseThrow();
  }
}
