package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.Tier;
import dev.tierproof.source.Diagnostics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input shapes (files, directories, stdin, multi-document, lists, JSON), positions and ordering.
 */
class LoaderTest {

  private static final String TIER =
      "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: %s}\nspec: {order: %d}\n";
  private static final InputStream NO_STDIN = InputStream.nullInputStream();

  @Test
  void read_directory_recursesSortedYamlAndJsonSkippingHidden(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("b/c"));
    Files.createDirectories(dir.resolve(".git"));
    Files.writeString(dir.resolve("b/c/z.yml"), TIER.formatted("z", 3));
    Files.writeString(
        dir.resolve("b/a.json"),
        "{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"Tier\", "
            + "\"metadata\": {\"name\": \"j\"}, \"spec\": {\"order\": 2}}");
    Files.writeString(dir.resolve("a.yaml"), TIER.formatted("a", 1));
    Files.writeString(dir.resolve("notes.txt"), "not yaml");
    Files.writeString(dir.resolve(".git/x.yaml"), "broken: [");
    Diagnostics diagnostics = new Diagnostics();
    List<SourceText> texts = Loader.read(List.of(dir.toString()), NO_STDIN, diagnostics);
    assertThat(texts)
        .extracting(SourceText::file)
        .containsExactly(
            dir.resolve("a.yaml").toString(),
            dir.resolve("b/a.json").toString(),
            dir.resolve("b/c/z.yml").toString());
    assertThat(Loader.load(texts, diagnostics).tiers())
        .extracting(Tier::name)
        .startsWith("a", "j", "z");
    assertThat(diagnostics.all()).isEmpty();
  }

  @Test
  void read_stdinDash_namedStdinAndJsonDetected() {
    InputStream stdin =
        new ByteArrayInputStream(
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "projectcalico.org/v3", "kind": "Tier", "metadata": {"name": "t"}, "spec": {"order": "x"}}]}
            """
                .getBytes(StandardCharsets.UTF_8));
    Diagnostics diagnostics = new Diagnostics();
    List<SourceText> texts = Loader.read(List.of("-"), stdin, diagnostics);
    assertThat(texts).extracting(SourceText::file).containsExactly("<stdin>");
    Loader.load(texts, diagnostics);
    assertThat(diagnostics.all())
        .extracting(Object::toString)
        .containsExactly("<stdin>:2:103: error: `spec.order` must be a number, found a string");
  }

  @Test
  void read_missingFile_isAnError() {
    Diagnostics diagnostics = new Diagnostics();
    assertThat(Loader.read(List.of("no/such.yaml"), NO_STDIN, diagnostics)).isEmpty();
    assertThat(diagnostics.render())
        .isEqualTo("no/such.yaml:1:1: error: cannot read: no such file\n");
  }

  @Test
  void load_multiDocument_skipsEmptyDocuments() {
    Loaded loaded =
        Loaded.of(
            "# leading comment\n---\n---\n# only a comment\n---\n"
                + TIER.formatted("t1", 5)
                + "---\n"
                + TIER.formatted("t2", 6)
                + "...\n");
    assertThat(loaded.diagnostics().all()).isEmpty();
    assertThat(loaded.set().tier("t1")).isPresent();
    assertThat(loaded.set().tier("t2").orElseThrow().span()).hasToString("test.yaml:11:1");
  }

  @Test
  void load_jsonFile_keepsPositions() {
    Loaded loaded =
        Loaded.of(
            List.of(
                new SourceText(
                    "export.json",
                    """
                    {
                      "apiVersion": "projectcalico.org/v3",
                      "kind": "GlobalNetworkPolicyList",
                      "items": [
                        {"metadata": {"name": "p"}, "spec": {"selector": "a ==", "ingress": [{"action": "Allow"}]}}
                      ]
                    }
                    """)));
    assertThat(loaded.messages())
        .containsExactly(
            "export.json:5:59: error: invalid selector: expected a quoted string after `==`, found"
                + " end of selector");
    assertThat(loaded.policy("p").kind()).isEqualTo(PolicyKind.GLOBAL_NETWORK_POLICY);
  }

  @Test
  void load_anchorsAliasesAndMergeKeys_resolved() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: p}
            spec:
              ingress:
                - &base {action: Allow, protocol: TCP, destination: {ports: [80]}}
                - *base
                - <<: *base
                  action: Deny
            """);
    assertThat(loaded.diagnostics().all()).isEmpty();
    assertThat(loaded.policy("p").ingress())
        .extracting(r -> r.action().calico() + " " + r.protocol())
        .containsExactly("Allow 6", "Allow 6", "Deny 6");
  }

  @Test
  void load_unknownField_warnsAtItsKeyWithoutFailing() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: p}
            spec:
              selectr: app == 'x'
              ingress: [{action: Allow, source: {nets: [10.0.0.0/8], colour: red}}]
            """);
    assertThat(loaded.diagnostics().hasErrors()).isFalse();
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:5:3: warning: unknown field `selectr` in GlobalNetworkPolicy `spec`: did you"
                + " mean `selector`?",
            "test.yaml:6:58: warning: unknown field `colour` in GlobalNetworkPolicy"
                + " `spec.ingress[0].source`");
    assertThat(loaded.policy("p").selector().canonical()).isEqualTo("all()");
  }

  @Test
  void load_duplicateKey_isAnError() {
    Loaded loaded = Loaded.of(TIER.formatted("t", 1) + "kind: Tier\n");
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:5:1: error: duplicate key `kind`: first defined at test.yaml:2:1");
  }

  @Test
  void load_notModelledKinds_warnAndAreIgnored() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: s}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: c}
            """);
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:2:7: warning: kind `ConfigMap` is not modelled and is ignored",
            "test.yaml:6:7: warning: kind `Certificate` is not modelled and is ignored");
  }

  @Test
  void load_passInAProfile_warnsThatItActsAsDeny() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: Profile
            metadata: {name: legacy}
            spec:
              ingress:
                - action: Allow
                - action: Pass
            """);
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:7:7: warning: a Pass rule in a profile acts as Deny here, as in the BPF dataplane (the iptables"
                + " dataplane goes on to the next profile instead); use Allow or Deny");
  }

  @Test
  void load_selectorErrorPositions_pointIntoScalars() {
    String yaml =
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: p}
        spec:
          selector: app == 'web' &&
            tier == 'db' &&
            bad label
          ingress:
            - action: Allow
              source: {selector: "a == \\"\\u00e9\\" && !"}
            - action: Allow
              source:
                selector: >-
                  a == 'b'
                  && c = 'd'
        """;
    assertThat(Loaded.of(yaml).messages())
        .extracting(m -> m.substring(0, m.indexOf(": error")))
        .containsExactly("test.yaml:7:9", "test.yaml:10:47", "test.yaml:15:16");
  }

  @Test
  void load_largeInput_beyondSnakeYamlDefaultLimit() {
    String padding = ("# " + "x".repeat(78) + "\n").repeat(40_000);
    Loaded loaded = Loaded.of(TIER.formatted("a", 1) + padding + "---\n" + TIER.formatted("b", 2));
    assertThat(padding.length()).isGreaterThan(3 << 20);
    assertThat(loaded.diagnostics().all()).isEmpty();
    assertThat(loaded.set().tier("b").orElseThrow().span().line()).isEqualTo(40_006);
  }

  @Test
  void load_diagnostics_orderedByFileThenPosition() {
    Loaded loaded =
        Loaded.of(
            List.of(
                new SourceText(
                    "b.yaml",
                    "apiVersion: projectcalico.org/v3\n"
                        + "kind: GlobalNetworkPolicy\n"
                        + "metadata: {name: p}\n"
                        + "spec: {tier: nope}\n"),
                new SourceText("a.yaml", "kind: [\n")));
    assertThat(loaded.messages())
        .extracting(m -> m.substring(0, m.indexOf(": error")))
        .containsExactly("b.yaml:4:14", "a.yaml:2:1");
  }

  @Test
  void ordered_policies_byOrderThenNameNamespaceKindBytes() {
    String yaml =
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: a}
        spec: {order: 10}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: a-b}
        spec: {order: 10}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: z-unordered}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: b-unordered}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: knp, namespace: default}
        spec: {podSelector: {}}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: knp, namespace: default}
        spec: {order: 1000}
        """;
    Loaded loaded = Loaded.of(yaml);
    assertThat(loaded.policy("a").order()).isEqualTo(10.0);
    assertThat(loaded.set().tier("default").orElseThrow().policies())
        .extracting(p -> p.kind().felixName() + " " + p.displayName())
        .containsExactly(
            "GlobalNetworkPolicy a-b",
            "GlobalNetworkPolicy a",
            "KubernetesNetworkPolicy default/knp",
            "NetworkPolicy default/knp",
            "GlobalNetworkPolicy b-unordered",
            "GlobalNetworkPolicy z-unordered");
  }

  @Test
  void ordered_tiers_declaredThenOrderedThenNameAndUndeclaredLast() {
    Loaded loaded =
        Loaded.of(
            TIER.formatted("b", 100)
                + "---\n"
                + TIER.formatted("a", 100)
                + """
                ---
                apiVersion: projectcalico.org/v3
                kind: Tier
                metadata: {name: unordered}
                spec: {defaultAction: Pass}
                ---
                apiVersion: projectcalico.org/v3
                kind: Tier
                metadata: {name: default}
                spec: {order: 1000000}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: p}
                spec: {tier: ghost}
                """);
    assertThat(loaded.messages())
        .containsExactly("test.yaml:24:14: error: tier `ghost` does not exist");
    assertThat(loaded.set().tiers())
        .extracting(t -> t.name() + (t.declared() ? "" : "?") + " " + t.defaultAction())
        .containsExactly(
            "a DENY",
            "b DENY",
            "kube-admin PASS",
            "default DENY",
            "kube-baseline PASS",
            "unordered PASS",
            "ghost? DENY");
  }

  @Test
  void load_sameObjectInTwoFiles_identicalIsOneDifferingLaterWinsWithAWarning() {
    String a = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n";
    String same = "apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {team: a}\n  name: shop\n";
    String other = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: b}}\n";
    Loaded one = Loaded.of(List.of(new SourceText("a.yaml", a), new SourceText("b.yaml", same)));
    assertThat(one.diagnostics().all()).isEmpty();
    assertThat(one.set().namespaces().get("shop").labels()).containsEntry("team", "a");
    Loaded later = Loaded.of(List.of(new SourceText("a.yaml", a), new SourceText("c.yaml", other)));
    assertThat(later.diagnostics().render())
        .startsWith(
            "c.yaml:3:18: warning: Namespace `shop` is also defined at a.yaml:1:1 with other content: this later one wins");
    assertThat(later.diagnostics().hasErrors()).isFalse();
    assertThat(later.set().namespaces().get("shop").labels()).containsEntry("team", "b");
  }
}
