package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.CheckResult.Status;
import dev.tierproof.analysis.Invariant.Carve;
import dev.tierproof.model.Direction;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The invariant checks on {@code examples/zero-trust}: carve-outs, reachability, coverage, probes.
 */
class CheckTest {

  static final PolicySet ZERO_TRUST = DiffTest.files("examples/zero-trust");
  static final PolicySet PULL_REQUEST =
      DiffTest.files("examples/zero-trust", "examples/zero-trust-pr");

  static CheckResult check(PolicySet set, Invariant.Assertion a) {
    Invariant i = new Invariant("x", "s", null, Severity.ERROR, a, Span.NONE, Span.NONE);
    return Check.run(set, List.of(i), Duration.ofSeconds(30)).get(0);
  }

  static End pods(String ns, String selector) throws Exception {
    return new End.Hypothetical(ns, Selector.parse(selector), false);
  }

  static FlowSpec tcp(int port) {
    return new FlowSpec(Protocols.TCP, new Port.Range(port, port), null, null, null, null);
  }

  @Test
  void isolated_carveOutByPeersAndPort_provenOnlyWhenBothMatch() throws Exception {
    End red = pods("red", "all()");
    End blue = pods("blue", "all()");
    Carve web443 =
        new Carve(
            List.of(pods("red", "app == 'web'")),
            List.of(pods("blue", "app == 'web'")),
            List.of(tcp(443)));
    assertThat(
            check(
                    ZERO_TRUST,
                    new Invariant.Isolated(List.of(red), List.of(blue), List.of(), List.of()))
                .status())
        .isEqualTo(Status.VIOLATED);
    assertThat(
            check(
                    ZERO_TRUST,
                    new Invariant.Isolated(List.of(red), List.of(blue), List.of(), List.of(web443)))
                .status())
        .isEqualTo(Status.PROVEN);
    // the right port to the wrong pods does not excuse red's web front end
    Carve wrongPeer = new Carve(null, List.of(pods("blue", "app == 'db'")), List.of(tcp(443)));
    CheckResult r =
        check(
            ZERO_TRUST,
            new Invariant.Isolated(List.of(red), List.of(blue), List.of(), List.of(wrongPeer)));
    assertThat(r.status()).isEqualTo(Status.VIOLATED);
    assertThat(r.witness().destinationPort()).isEqualTo(443);
    assertThat(r.witness().destination().ref()).isEqualTo("blue/web-0");
    assertThat(r.explanation().allowed()).isTrue();
    // a port-only carve-out
    Carve any443 = new Carve(null, null, List.of(tcp(443)));
    assertThat(
            check(
                    ZERO_TRUST,
                    new Invariant.Isolated(List.of(red), List.of(blue), List.of(), List.of(any443)))
                .status())
        .isEqualTo(Status.PROVEN);
    // the pull request opens 5432: not excused by 443
    CheckResult pr =
        check(
            PULL_REQUEST,
            new Invariant.Isolated(List.of(red), List.of(blue), List.of(), List.of(any443)));
    assertThat(pr.status()).isEqualTo(Status.VIOLATED);
    assertThat(pr.witness().destinationPort()).isEqualTo(5432);
    assertThat(pr.decidedBy().policy().name()).isEqualTo("app.reporting");
  }

  @Test
  void reachable_someAndAll() throws Exception {
    End web = pods("red", "app == 'web'");
    End blueWeb = pods("blue", "app == 'web'");
    assertThat(
            check(
                    ZERO_TRUST,
                    new Invariant.Reachable(
                        List.of(web), List.of(blueWeb), List.of(tcp(443)), false))
                .status())
        .isEqualTo(Status.PROVEN);
    CheckResult none =
        check(
            ZERO_TRUST,
            new Invariant.Reachable(List.of(web), List.of(blueWeb), List.of(tcp(80)), false));
    assertThat(none.status()).isEqualTo(Status.VIOLATED);
    assertThat(none.explanation().allowed()).isFalse();
    // every flow from red's web pods to blue's web pods on 443: not for pods not yet deployed at
    // the metadata address
    CheckResult all =
        check(
            ZERO_TRUST,
            new Invariant.Reachable(List.of(web), List.of(blueWeb), List.of(tcp(443)), true));
    assertThat(all.status()).isEqualTo(Status.VIOLATED);
    assertThat(all.explanation().allowed()).isFalse();
  }

  @Test
  void covered_zonesYesKubeSystemNo() throws Exception {
    End zones = new End.Hypothetical(null, Selector.parse("has(pcns.zone)"), false);
    assertThat(
            check(
                    ZERO_TRUST,
                    new Invariant.Covered(
                        List.of(zones), Set.of(Direction.INGRESS, Direction.EGRESS)))
                .status())
        .isEqualTo(Status.PROVEN);
    CheckResult all =
        check(
            ZERO_TRUST,
            new Invariant.Covered(List.of(pods(null, "all()")), Set.of(Direction.EGRESS)));
    assertThat(all.status()).isEqualTo(Status.VIOLATED);
    assertThat(all.uncovered().direction()).isEqualTo(Direction.EGRESS);
    assertThat(all.explanation().steps().get(0).decidedBy().kind().json()).isEqualTo("profile");
  }

  @Test
  void noNewReachability_baseVersusPullRequest() {
    assertThat(check(ZERO_TRUST, new Invariant.NoNewReachability("base", ZERO_TRUST)).status())
        .isEqualTo(Status.PROVEN);
    CheckResult r = check(PULL_REQUEST, new Invariant.NoNewReachability("base", ZERO_TRUST));
    assertThat(r.status()).isEqualTo(Status.VIOLATED);
    assertThat(r.before().allowed()).isFalse();
    assertThat(r.explanation().allowed()).isTrue();
    assertThat(r.witness().destinationPort()).isEqualTo(5432);
    // closing flows is fine: the base with the pull request, checked against the base alone
    assertThat(check(ZERO_TRUST, new Invariant.NoNewReachability("pr", PULL_REQUEST)).status())
        .isEqualTo(Status.PROVEN);
  }
}
