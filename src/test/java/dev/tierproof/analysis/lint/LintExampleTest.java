package dev.tierproof.analysis.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.load.Loader;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/lint}: the expected findings, each one checked by the evaluator on the packet
 * that proves it (issue #4 "done when").
 */
class LintExampleTest {

  static PolicySet set;
  static Lint.Result result;
  static Evaluator eval;

  @BeforeAll
  static void lint() {
    Diagnostics d = new Diagnostics();
    set = Loader.load(Loader.read(List.of("examples/lint"), InputStream.nullInputStream(), d), d);
    assertThat(d.hasErrors()).as(d.render()).isFalse();
    result = Lint.run(set, new Lint.Options(null, Duration.ofSeconds(30)));
    eval = new Evaluator(set);
  }

  private static String describe(Finding f) {
    String where =
        f.location().isKnown()
            ? f.location().file().replace('\\', '/') + ":" + f.location().line()
            : "-";
    return f.id() + " " + where;
  }

  @Test
  void lint_example_findsExactlyTheKnownProblems() {
    assertThat(result.scope()).isEqualTo(Scope.EXISTING);
    assertThat(result.findings().stream().map(LintExampleTest::describe).sorted().toList())
        .containsExactlyInAnyOrder(
            "TP203 examples/lint/security.yaml:3", // block-threats also selects node-1-eth0
            "TP103 examples/lint/security.yaml:31", // pci-fence Pass from the PCI zone: app tier
            // decides the same
            "TP103 examples/lint/security.yaml:39", // pci-fence catch-all Deny: app tier denies the
            // same
            "TP102 examples/lint/security.yaml:41", // pci-fence Pass for prometheus after the
            // catch-all Deny
            "TP203 examples/lint/security.yaml:47", // pass-rest also selects node-1-eth0
            "TP201 examples/lint/security.yaml:57", // ingress Pass falls through to kns.monitoring
            "TP201 examples/lint/security.yaml:59", // egress Pass falls through to kns.shop
            "TP201 examples/lint/platform.yaml:18", // platform Pass falls through to kns.shop
            "TP103 examples/lint/app.yaml:13", // web: corporate allow, the next rule allows it
            // anyway
            "TP103 examples/lint/app.yaml:42", // api: web allow, rule 1 allows it anyway
            "TP102 examples/lint/app.yaml:48", // api: rule 1 never reached (rule 0 allows first)
            "TP101 examples/lint/app.yaml:54", // api: source app == 'admin' matches nothing
            "TP103 examples/lint/app.yaml:58", // api: catch-all Deny, the tier's implicit deny does
            // the same
            "TP205 examples/lint/app.yaml:65", // api: notNets-only egress allows the internet
            "TP106 examples/lint/app.yaml:71", // db: egress rules, types [Ingress]
            "TP104 examples/lint/app.yaml:91", // legacy-batch selects nothing
            "TP101 examples/lint/app.yaml:123", // pay-api: UDP to a TCP named port
            "TP202 examples/lint/app.yaml:128", // prometheus-audit: only Log rules, implicit deny
            "TP204 examples/lint/app.yaml:143", // staged corporate-only web policy
            "TP105 examples/lint/tiers.yaml:18", // tier legacy
            "TP102 examples/lint/default.yaml:11"); // KNP allow-from-shop never reached
    assertThat(
            result.findings().stream()
                .filter(f -> f.severity() == Severity.ERROR)
                .map(LintExampleTest::describe))
        .containsExactlyInAnyOrder(
            "TP102 examples/lint/security.yaml:41", "TP102 examples/lint/default.yaml:11");
  }

  @Test
  void shadowed_eachExampleMatchesTheRuleAndIsDecidedByItsCover() {
    List<Finding.ShadowedRule> shadowed = of(Finding.ShadowedRule.class);
    assertThat(shadowed).extracting(r -> r.location().line()).containsExactlyInAnyOrder(41, 48, 11);
    for (Finding.ShadowedRule s : shadowed) {
      Example e = s.example();
      assertThat(matches(s.rule(), e.flow())).as(describe(s)).isTrue();
      assertThat(
              Evaluator.applies(s.rule().policy(), e.at(), s.rule().direction(), set.dataplane()))
          .isTrue();
      Step step = replay(e);
      assertThat(decidedBy(step, s.rule())).isFalse();
      assertThat(s.coveredBy()).isNotEmpty();
      for (Finding.Cover c : s.coveredBy()) {
        Step cs = replay(c.example());
        assertThat(matches(s.rule(), c.example().flow())).isTrue();
        if (c.rule() != null && c.rule().action() == Action.PASS) {
          assertThat(passedBy(cs, c.rule())).as(describe(s)).isTrue();
        } else if (c.rule() != null) {
          assertThat(decidedBy(cs, c.rule())).as(describe(s)).isTrue();
        } else {
          assertThat(cs.decidedBy().kind()).isEqualTo(Decision.Kind.TIER_DEFAULT);
          assertThat(cs.decidedBy().tier().name()).isEqualTo(c.tierDefault().name());
        }
      }
    }
  }

  @Test
  void shadowed_conflictsAndCoversAreTheIntendedOnes() {
    Finding.ShadowedRule prometheus = shadowedAt(41);
    assertThat(prometheus.conflict()).isTrue();
    assertThat(covers(prometheus)).containsExactly("security.pci-fence#2");
    Finding.ShadowedRule api = shadowedAt(48);
    assertThat(api.conflict()).isFalse();
    assertThat(covers(api)).containsExactly("shop/app.api#0");
    Finding.ShadowedRule knp = shadowedAt(11);
    assertThat(knp.conflict()).isTrue();
    assertThat(covers(knp))
        .containsExactly("security.pci-fence#2", "payments/app.pay-api#0", "app:default");
  }

  @Test
  void redundant_eachExampleIsDecidedByTheRuleAndTheSameWithoutIt() {
    List<Finding.RedundantRule> redundant = of(Finding.RedundantRule.class);
    assertThat(redundant)
        .extracting(r -> r.location().line())
        .containsExactlyInAnyOrder(31, 39, 13, 42, 58);
    for (Finding.RedundantRule r : redundant) {
      Step with = replay(r.example());
      if (r.rule().action() == Action.PASS) {
        assertThat(passedBy(with, r.rule())).isTrue();
      } else {
        assertThat(decidedBy(with, r.rule())).isTrue();
      }
      Step without =
          new Evaluator(set)
              .withTiers(r.rule().removedFrom(set.tiers()))
              .evaluate(r.example().at(), r.example().direction(), r.example().flow());
      assertThat(without.allowed()).isEqualTo(with.allowed());
      assertThat(r.example().changed().allowed()).isEqualTo(without.allowed());
    }
  }

  @Test
  void unmatchable_noPacketOnAGridMatches() {
    List<Finding.UnmatchableRule> unmatchable = of(Finding.UnmatchableRule.class);
    assertThat(unmatchable)
        .extracting(u -> u.cause())
        .containsExactlyInAnyOrder(
            Finding.UnmatchableRule.Cause.SELECTOR, Finding.UnmatchableRule.Cause.NAMED_PORT);
    for (Finding.UnmatchableRule u : unmatchable) {
      for (Endpoint at : set.endpoints()) {
        if (!Evaluator.applies(u.rule().policy(), at, u.rule().direction(), set.dataplane())) {
          continue;
        }
        for (Flow f : grid(at, u.rule().direction())) {
          assertThat(matches(u.rule(), f))
              .as(describe(u) + " " + f.sourceIp() + " -> " + f.destinationIp())
              .isFalse();
        }
      }
    }
  }

  @Test
  void deadPolicyAndTier_selectNoInputEndpoint() {
    for (Finding.DeadPolicy d : of(Finding.DeadPolicy.class)) {
      for (Endpoint e : set.endpoints()) {
        for (Direction dir : Direction.values()) {
          assertThat(Evaluator.applies(d.policy(), e, dir, set.dataplane())).isFalse();
        }
      }
    }
    Finding.DeadTier tier = of(Finding.DeadTier.class).get(0);
    assertThat(tier.policies()).extracting(Policy::name).containsExactly("legacy.staging-allow");
    for (Policy p : tier.policies()) {
      for (Endpoint e : set.endpoints()) {
        assertThat(Evaluator.applies(p, e, Direction.INGRESS, set.dataplane())).isFalse();
      }
    }
    Finding.DirectionNotGoverned g = of(Finding.DirectionNotGoverned.class).get(0);
    assertThat(g.policy().governs(g.direction())).isFalse();
    assertThat(g.policy().rules(g.direction())).isNotEmpty();
  }

  @Test
  void surprises_eachExampleReplays() {
    for (Finding.PassToProfile p : of(Finding.PassToProfile.class)) {
      Step s = replay(p.example());
      assertThat(s.allowed()).isTrue();
      assertThat(s.decidedBy().kind()).isEqualTo(Decision.Kind.PROFILE);
      assertThat(passedBy(s, p.rule())).isTrue();
    }
    Finding.LogOnlyDenies log = of(Finding.LogOnlyDenies.class).get(0);
    Step ls = replay(log.example());
    assertThat(ls.decidedBy().kind()).isEqualTo(Decision.Kind.TIER_DEFAULT);
    assertThat(ls.decidedBy().policy()).isSameAs(log.policy());
    assertThat(log.policy().rules(log.direction())).allMatch(r -> r.action() == Action.LOG);
    Finding.GnpSelectsHosts hosts = of(Finding.GnpSelectsHosts.class).get(0);
    assertThat(hosts.hosts()).extracting(Endpoint::name).containsExactly("node-1-eth0");
    Finding.NegationMatchesOutside n = of(Finding.NegationMatchesOutside.class).get(0);
    Step ns = replay(n.example());
    assertThat(decidedBy(ns, n.rule())).isTrue();
    assertThat(n.example().flow().destination()).isNull();
    Finding.StagedWouldChange staged = of(Finding.StagedWouldChange.class).get(0);
    assertThat(staged.changes()).isNotEmpty();
    for (Example e : staged.changes()) {
      assertThat(replay(e).allowed()).isNotEqualTo(e.changed().allowed());
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static <T> List<T> of(Class<T> type) {
    return result.findings().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Finding.ShadowedRule shadowedAt(int line) {
    return of(Finding.ShadowedRule.class).stream()
        .filter(s -> s.location().line() == line)
        .findFirst()
        .orElseThrow();
  }

  private static List<String> covers(Finding.ShadowedRule s) {
    return s.coveredBy().stream()
        .map(
            c ->
                c.rule() != null
                    ? c.rule().policy().displayName() + "#" + c.rule().index()
                    : c.tierDefault().name() + ":default")
        .toList();
  }

  static Step replay(Example e) {
    Step s = eval.evaluate(e.at(), e.direction(), e.flow());
    assertThat(s.allowed()).isEqualTo(e.step().allowed());
    assertThat(s.decidedBy().kind()).isEqualTo(e.step().decidedBy().kind());
    return s;
  }

  static boolean matches(RuleRef r, Flow f) {
    return r.rules().stream().anyMatch(x -> eval.matches(x, f));
  }

  static boolean decidedBy(Step s, RuleRef r) {
    Decision d = s.decidedBy();
    return d.kind() == Decision.Kind.RULE
        && d.policy() == r.policy()
        && d.rule().index() == r.index();
  }

  static boolean passedBy(Step s, RuleRef r) {
    for (TraceEntry t : s.trace()) {
      if (t.policy() == r.policy()
          && t.outcome() == TraceEntry.Outcome.PASS
          && t.ruleIndex() == r.index()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Packets at {@code at}: TCP/UDP/ICMP, ports 1-9000 step 7 and the named ports, from every
   * address in play.
   */
  static List<Flow> grid(Endpoint at, Direction d) {
    List<dev.tierproof.model.Ip> peers = new ArrayList<>();
    set.endpoints().forEach(e -> peers.addAll(e.ips()));
    for (String s :
        List.of("203.0.113.7", "198.51.100.7", "172.16.0.1", "10.9.9.9", "192.168.10.11")) {
      peers.add(dev.tierproof.model.Ip.parse(s).orElseThrow());
    }
    List<Integer> ports = new ArrayList<>(List.of(53, 80, 443, 5432, 8080, 8443, 9090));
    for (int p = 1; p < 9000; p += 97) {
      ports.add(p);
    }
    List<Flow> out = new ArrayList<>();
    dev.tierproof.model.Ip mine = at.ips().get(0);
    for (dev.tierproof.model.Ip peer : peers) {
      Endpoint owner =
          set.endpoints().stream().filter(e -> e.ips().contains(peer)).findFirst().orElse(null);
      for (int proto : List.of(6, 17)) {
        for (int port : ports) {
          out.add(
              d == Direction.INGRESS
                  ? Flow.between(proto, peer, 40000, mine, port, null, null, null, owner, at)
                  : Flow.between(proto, mine, 40000, peer, port, null, null, null, at, owner));
        }
      }
      out.add(
          d == Direction.INGRESS
              ? Flow.between(1, peer, null, mine, null, 8, 0, null, owner, at)
              : Flow.between(1, mine, null, peer, null, 8, 0, null, at, owner));
    }
    return out;
  }
}
