package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The semantic diff: classes are exact (the solver proves every flow of a class changed so),
 * complete (no other flow changed) and each witness replays through both evaluators.
 */
class DiffTest {

  static PolicySet files(String... paths) {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(Loader.read(List.of(paths), new ByteArrayInputStream(new byte[0]), d), d);
    assertThat(d.errors()).isEmpty();
    return set;
  }

  static PolicySet yaml(String text) {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("test.yaml", text)), d);
    assertThat(d.errors()).isEmpty();
    return set;
  }

  static DiffResult diff(PolicySet base, PolicySet current) {
    return Diff.run(base, current, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
  }

  static String show(ChangeClass c) {
    return c.kind().text() + ": " + c.source().display() + " -> " + c.destination().display() + ", "
        + DiffResult.packets(c.packets());
  }

  @Test
  void run_sameSet_completeWithoutClasses() {
    DiffResult r = diff(files("examples/zero-trust"), files("examples/zero-trust"));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).isEmpty();
    assertThat(r.changes()).isEmpty();
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void run_openPostgres_oneOpenedClass() {
    DiffResult r = diff(files("examples/zero-trust"), files("examples/zero-trust", "examples/zero-trust-pr"));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).extracting(DiffTest::show)
        .containsExactly(
            "newly allowed: red/{app == \"api\"} -> blue/{app == \"db\"} (hypothetical pods not at 169.254.169.254), TCP 5432");
    ChangeClass c = r.classes().get(0);
    assertThat(c.kind()).isEqualTo(Kind.OPENED);
    assertThat(c.before().allowed()).isFalse();
    assertThat(c.after().allowed()).isTrue();
    assertThat(r.changes()).extracting(DiffResult.InputChange::how).containsOnly("added");
  }

  static final String BASE =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: a, labels: {team: a}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: b, labels: {team: b}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: a, labels: {app: web}}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: b, labels: {app: db}}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkSet
      metadata: {name: partners, labels: {role: partner}}
      spec: {nets: [203.0.113.0/24]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: db-ingress}
      spec:
        selector: app == 'db'
        types: [Ingress]
        ingress:
          - action: Allow
            protocol: TCP
            source: {selector: role == 'partner'}
            destination: {ports: [5432]}
          - action: Allow
            protocol: TCP
            source: {namespaceSelector: team == 'a'}
            destination: {ports: ["8000:8100"]}
      """;

  @Test
  void run_portRangeNarrowed_closedClassWithTheRangeThatWentAway() {
    DiffResult r = diff(yaml(BASE), yaml(BASE.replace("\"8000:8100\"", "\"8000:8050\"")));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // every class: the range that went away, from the pods of a namespace labelled team=a, to a database
    assertThat(r.classes()).isNotEmpty().allSatisfy(c -> {
      assertThat(c.kind()).isEqualTo(Kind.CLOSED);
      assertThat(DiffResult.packets(c.packets())).isEqualTo("TCP 8051-8100");
      assertThat(c.destination().display()).contains("{app == \"db\"}");
      assertThat(c.before().allowed()).isTrue();
      assertThat(c.after().allowed()).isFalse();
    });
    assertThat(r.changes()).extracting(DiffResult.InputChange::what).containsExactly("GlobalNetworkPolicy db-ingress");
  }

  @Test
  void run_networkSetGrows_openedForTheNewAddressesOnly() {
    DiffResult r = diff(yaml(BASE), yaml(BASE.replace("nets: [203.0.113.0/24]", "nets: [203.0.113.0/24, 198.51.100.0/24]")));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // from the new range (outside, or pods not yet deployed that get an address in it) to databases
    assertThat(r.classes()).isNotEmpty().allSatisfy(c -> {
      assertThat(c.kind()).isEqualTo(Kind.OPENED);
      assertThat(DiffResult.packets(c.packets())).isEqualTo("TCP 5432");
      assertThat(c.witness().sourceIp().toString()).startsWith("198.51.100.");
    });
    assertThat(r.classes()).extracting(DiffTest::show).contains("newly allowed: 198.51.100.0/24 -> a/{app == \"db\"}, TCP 5432");
    assertThat(r.changes()).extracting(DiffResult.InputChange::what).containsExactly("GlobalNetworkSet partners");
  }

  @Test
  void run_inventoryDiffers_notedNotDiffed() {
    DiffResult r = diff(yaml(BASE), yaml(BASE.replace("podIP: 10.0.0.2", "podIP: 10.0.0.3")));
    assertThat(r.classes()).isEmpty();
    assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("with other labels or addresses in the base (`b/db`)"));
  }
}
