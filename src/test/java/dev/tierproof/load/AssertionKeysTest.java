package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Invariant;
import dev.tierproof.model.Direction;
import dev.tierproof.model.InvariantSet;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An assertion's key (reports and {@code check} JSON print it) is the key it is written under, for
 * the assertions as read and as resolved: both come from {@link InvariantSet#key}.
 */
class AssertionKeysTest {

  private static final List<String> KEYS =
      List.of(
          "isolated",
          "reachable",
          "covered",
          "allowed",
          "denied",
          "no-new-reachability",
          "no-findings");

  @Test
  void key_everyAssertionAsRead_isTheKeyItIsWrittenUnder() {
    Diagnostics d = new Diagnostics();
    List<InvariantSet> sets =
        InvariantsTest.parse(
            """
            apiVersion: tierproof.dev/v1alpha1
            kind: InvariantSet
            metadata: {name: keys}
            invariants:
              - {id: a, isolated: {from: "red/*", to: "blue/*"}}
              - {id: b, reachable: {from: "*", to: "blue/*", protocol: UDP, port: 53}}
              - {id: c, covered: {selector: "*"}}
              - {id: d, allowed: {from: red/web-0, to: 10.0.0.1, protocol: tcp, port: 22}}
              - {id: e, denied: {from: red/web-0, to: 10.0.0.1, protocol: tcp, port: 22}}
              - {id: f, no-new-reachability: {baseline: "git:main"}}
              - {id: g, no-findings: {rules: [TP102]}}
            """,
            d);
    assertThat(d.all()).isEmpty();
    assertThat(sets.get(0).invariants())
        .extracting(i -> i.assertion().key())
        .containsExactlyElementsOf(KEYS);
  }

  @Test
  void key_everyResolvedAssertion_isTheWrittenKey() {
    End world = new End.Addresses(null, null);
    List<Invariant.Assertion> resolved =
        List.of(
            new Invariant.Isolated(List.of(world), List.of(world), List.of(), List.of()),
            new Invariant.Reachable(List.of(world), List.of(world), List.of(), false),
            new Invariant.Covered(List.of(world), Set.of(Direction.INGRESS)),
            new Invariant.Probe(true, world, world, null, List.of(), null),
            new Invariant.Probe(false, world, world, null, List.of(), null),
            new Invariant.NoNewReachability("git:main", null),
            new Invariant.NoFindings(List.of()));
    assertThat(resolved).extracting(Invariant.Assertion::key).containsExactlyElementsOf(KEYS);
  }
}
