package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
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
 * A rule with {@code notICMP} and no protocol matches every packet that is not that ICMP message
 * (spec S3.3: the negation), UDP and TCP included: an earlier UDP rule that takes some of its
 * packets belongs to its cover. The shape the loader rejects (S8) but the model holds; lint's
 * footprint once read {@code notICMP} as "ICMP only" and dropped the UDP rule (RandomModel(230)).
 */
class NotIcmpCoverTest {

  @Test
  void lint_notIcmpWithoutProtocol_coverHoldsTheEarlierUdpRule() throws SelectorSyntaxException {
    Rule udpFromBatch =
        rule(0, Action.ALLOW, Protocols.UDP, null, from(Selector.parse("app == 'batch'")));
    Rule passAll = rule(1, Action.PASS, null, null, EntityMatch.ANY);
    Rule denyNotUnreachable = rule(2, Action.DENY, null, new Icmp(3, null), EntityMatch.ANY);
    Policy policy =
        new Policy(
            PolicyKind.GLOBAL_NETWORK_POLICY,
            "guard",
            null,
            "default",
            null,
            Selector.parse("app == 'web'"),
            Set.of(Direction.INGRESS),
            List.of(udpFromBatch, passAll, denyNotUnreachable),
            List.of(),
            false,
            false,
            false,
            Span.NONE);
    Endpoint web = pod("web", List.of(Ip.parse("10.0.0.1").orElseThrow()));
    Endpoint batch = pod("batch", List.of()); // spec S5.4: at an address no endpoint owns
    PolicySet set =
        PolicySet.ordered(
            List.of(
                new Tier("default", 1_000_000.0, Action.DENY, true, Span.NONE, List.of(policy))),
            List.of(web, batch),
            List.of(),
            Map.of(),
            Map.of("ns1", new Namespace("ns1", Map.of(), Span.NONE)));

    Lint.Result result = Lint.run(set, new Lint.Options(Scope.EXISTING, Duration.ofSeconds(20)));

    Finding.ShadowedRule shadowed =
        result.findings().stream()
            .filter(Finding.ShadowedRule.class::isInstance)
            .map(Finding.ShadowedRule.class::cast)
            .filter(s -> s.rule().policy() == policy && s.rule().index() == 2)
            .findFirst()
            .orElseThrow(() -> new AssertionError("rule 2 not shadowed: " + result.findings()));
    assertThat(shadowed.coveredBy().stream().map(c -> c.rule().index()).toList())
        .containsExactly(0, 1);
    // the UDP rule's example is a packet rule 2 matches that rule 0 takes, as eval walks it
    Flow example = shadowed.coveredBy().get(0).example().flow();
    assertThat(example.protocol()).isEqualTo(Protocols.UDP);
    assertThat(example.source()).isSameAs(batch);
    List<Flow> flows =
        List.of(
            new Flow(
                Protocols.UDP,
                Ip.parse("10.9.9.9").orElseThrow(),
                5000,
                Ip.parse("10.0.0.1").orElseThrow(),
                53,
                null,
                null,
                null,
                batch,
                web));
    assertThat(LintDifferentialTest.claims("notICMP cover: ", set, result, flows)).isEqualTo(1);
  }

  private static Endpoint pod(String app, List<Ip> ips) {
    return new Endpoint(
        Endpoint.Kind.WORKLOAD,
        "ns1",
        app,
        "Pod",
        Map.of("app", app, "projectcalico.org/namespace", "ns1"),
        ips,
        List.of(),
        List.of(),
        "node0",
        Span.NONE,
        false);
  }

  private static EntityMatch from(Selector s) {
    return new EntityMatch(List.of(), List.of(), s, null, List.of(), List.of(), List.of(), null);
  }

  private static Rule rule(
      int index, Action action, Integer protocol, Icmp notIcmp, EntityMatch source) {
    return new Rule(
        index,
        action,
        null,
        protocol,
        null,
        null,
        notIcmp,
        source,
        EntityMatch.ANY,
        false,
        Span.NONE);
  }
}
