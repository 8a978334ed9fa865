package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Direction;
import dev.tierproof.model.InvariantSet;
import dev.tierproof.model.InvariantSet.Isolated;
import dev.tierproof.model.InvariantSet.Reachable;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariant files: the format of the README, and every {@code
 * src/test/resources/bad-invariants/<name>.yaml} rendering exactly its {@code <name>.expected}
 * ({@code -Dgolden.update=true} rewrites them).
 */
class InvariantsTest {

  private static final Path BAD = Path.of("src", "test", "resources", "bad-invariants");

  static List<InvariantSet> parse(String yaml, Diagnostics d) {
    return Invariants.parse(List.of(new SourceText("spec.yaml", yaml)), d);
  }

  @Test
  void parse_issueExample_readsEveryAssertion() {
    Diagnostics d = new Diagnostics();
    List<InvariantSet> sets =
        parse(
            """
            apiVersion: tierproof.dev/v1alpha1
            kind: InvariantSet
            metadata: {name: zero-trust}
            invariants:
              - id: red-isolated-from-blue
                severity: error
                isolated: {from: "red/*", to: "blue/*", except: [{protocol: TCP, ports: ["443"]}]}
              - id: dns-from-every-pod
                reachable: {from: "*", to: "kube-system/{k8s-app == 'kube-dns'}", all: true, protocol: UDP, port: 53}
              - id: default-deny
                severity: warning
                covered: {selector: "*", directions: [Ingress, Egress]}
              - id: probe
                denied: {from: red/web-0, to: 10.0.0.1, protocol: tcp, port: 22, decidedBy: {tier: security, rule: 0}}
              - id: baseline
                no-new-reachability: {baseline: "git:main"}
              - id: lint
                no-findings: {rules: [TP102]}
              - id: peers
                isolated:
                  from: [{namespace: red, selector: "app == 'web'", serviceAccount: web}, {namespaceSelector: "zone == 'red'"}]
                  to: {nets: [10.0.0.0/8], domains: [tigera.io]}
            """,
            d);
    assertThat(d.all()).isEmpty();
    assertThat(sets).hasSize(1);
    List<InvariantSet.Invariant> inv = sets.get(0).invariants();
    assertThat(inv)
        .extracting(InvariantSet.Invariant::id)
        .containsExactly(
            "red-isolated-from-blue",
            "dns-from-every-pod",
            "default-deny",
            "probe",
            "baseline",
            "lint",
            "peers");
    Isolated iso = (Isolated) inv.get(0).assertion();
    assertThat(((InvariantSet.Ref) iso.from().terms().get(0)).ref())
        .isInstanceOf(EndpointRef.SelectorRef.class);
    assertThat(iso.except()).hasSize(1);
    assertThat(iso.except().get(0).scope()).hasSize(1);
    assertThat(iso.except().get(0).scope().get(0).protocol()).isEqualTo(Protocols.TCP);
    Reachable r = (Reachable) inv.get(1).assertion();
    assertThat(r.all()).isTrue();
    assertThat(r.scope()).hasSize(1);
    assertThat(r.scope().get(0).protocol()).isEqualTo(Protocols.UDP);
    assertThat(inv.get(2).severity()).isEqualTo(Severity.WARNING);
    assertThat(((InvariantSet.Covered) inv.get(2).assertion()).directions())
        .isEqualTo(Set.of(Direction.INGRESS, Direction.EGRESS));
    InvariantSet.Probe p = (InvariantSet.Probe) inv.get(3).assertion();
    assertThat(p.allowed()).isFalse();
    assertThat(p.decidedBy().tier()).isEqualTo("security");
    assertThat(((InvariantSet.NoNewReachability) inv.get(4).assertion()).baseline())
        .isEqualTo("git:main");
    assertThat(((InvariantSet.NoFindings) inv.get(5).assertion()).rules()).containsExactly("TP102");
    Isolated peers = (Isolated) inv.get(6).assertion();
    InvariantSet.Selection s = (InvariantSet.Selection) peers.from().terms().get(0);
    assertThat(s.namespace()).isEqualTo("red");
    assertThat(s.selector().canonical())
        .isEqualTo("(app == \"web\" && projectcalico.org/serviceaccount == \"web\")");
    InvariantSet.Selection ns = (InvariantSet.Selection) peers.from().terms().get(1);
    assertThat(ns.selector().canonical()).isEqualTo("pcns.zone == \"red\"");
    assertThat(peers.to().terms()).hasSize(2);
    assertThat(peers.to().terms().get(0)).isInstanceOf(InvariantSet.Net.class);
    assertThat(peers.to().terms().get(1)).isInstanceOf(InvariantSet.Domain.class);
  }

  @Test
  void parse_idsAcrossFiles_mustBeUnique() {
    String one =
        "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata: {name: a}\ninvariants:\n  - id: x\n    isolated: {from: a/*, to: b/*}\n";
    Diagnostics d = new Diagnostics();
    Invariants.parse(List.of(new SourceText("a.yaml", one), new SourceText("b.yaml", one)), d);
    assertThat(d.render())
        .startsWith("b.yaml:5:9: error: duplicate invariant id `x`: first defined at a.yaml:5:9\n");
  }

  static Stream<String> names() throws IOException {
    try (Stream<Path> files = Files.list(BAD)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void parse_badFile_rendersExpectedDiagnostics(String name) throws IOException {
    String text = Files.readString(BAD.resolve(name + ".yaml"), StandardCharsets.UTF_8);
    Diagnostics d = new Diagnostics();
    Invariants.parse(List.of(new SourceText("bad-invariants/" + name + ".yaml", text)), d);
    Path expected = BAD.resolve(name + ".expected");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, d.render(), StandardCharsets.UTF_8);
    }
    assertThat(d.hasErrors()).isTrue();
    assertThat(d.render()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
  }
}
