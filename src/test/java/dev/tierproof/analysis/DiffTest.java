package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
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
    PolicySet set =
        Loader.load(Loader.read(List.of(paths), new ByteArrayInputStream(new byte[0]), d), d);
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
    return Diff.run(base, current, Scope.ANY, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
  }

  /** Namespace {@code shop} with one pod, {@code db} (10.0.0.5 on n1), allowed by its profile. */
  static final String SHOP_DB =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: projectcalico.org/v3
      kind: WorkloadEndpoint
      metadata: {name: n1-k8s-db-eth0, namespace: shop, labels: {app: db}}
      spec:
        orchestrator: k8s
        workload: db
        node: n1
        ipNetworks: [10.0.0.5/32]
        profiles: [kns.shop]
      """;

  /**
   * The diff from {@link #SHOP_DB} to it with {@code added}, which only closes flows: asserts it
   * completes and every class is closed.
   */
  static DiffResult closing(String added) {
    DiffResult r = diff(yaml(SHOP_DB), yaml(SHOP_DB + added));
    assertThat(r.status()).as("%s", r.reason()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).allSatisfy(c -> assertThat(c.kind()).isEqualTo(Kind.CLOSED));
    return r;
  }

  static String show(ChangeClass c) {
    return c.kind().text()
        + ": "
        + c.source().display()
        + " -> "
        + c.destination().display()
        + ", "
        + DiffResult.packets(c.packets());
  }

  /** Host endpoint edge (10.9.0.1) on interface IFACE, allowed both ways by its profile. */
  private static final String EDGE =
      """
      apiVersion: projectcalico.org/v3
      kind: Profile
      metadata: {name: projectcalico-default-allow}
      spec: {ingress: [{action: Allow}], egress: [{action: Allow}]}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: edge, labels: {role: edge}}
      spec: {node: n1, interfaceName: IFACE, expectedIPs: [10.9.0.1],
             profiles: [projectcalico-default-allow]}
      """;

  /** An untracked egress Deny of TCP 2222 at edge. */
  private static final String RAW_OUT =
      """
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: raw-out}
      spec:
        selector: role == 'edge'
        doNotTrack: true
        applyOnForward: true
        types: [Egress]
        egress: [{action: Deny, protocol: TCP, destination: {ports: [2222]}}]
      """;

  @Test
  void run_hostEndpointNowOfAllInterfaces_untrackedEgressDenyNoLongerEnforced() {
    // spec S6.6: the same host endpoint on `*` walks no untracked path
    String hep = EDGE + "---\n" + RAW_OUT;
    // one class is enough: the untracked path's failsafe-reply holes split the change by source
    // port
    DiffResult r =
        Diff.run(
            yaml(hep.replace("IFACE", "eth0")),
            yaml(hep.replace("IFACE", "'*'")),
            Scope.EXISTING,
            Duration.ofSeconds(30),
            1);
    assertThat(r.classes()).hasSize(1);
    assertThat(show(r.classes().get(0))).startsWith("newly allowed: edge -> ").contains("TCP 2222");
    assertThat(r.changes())
        .extracting(DiffResult.InputChange::what, DiffResult.InputChange::how)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("HostEndpoint edge", "modified"));
  }

  @Test
  void run_untrackedEgressDenyRemoved_completeWithSourcePortRunsBetweenFailsafeReplies() {
    // spec S6.4: a failsafe reply's source port skips the untracked path, so the change has holes
    // at those source ports; each class is a whole run of source ports between them
    String hep = EDGE.replace("IFACE", "eth0");
    String raw = "---\n" + RAW_OUT;
    DiffResult r =
        Diff.run(yaml(hep + raw), yaml(hep), Scope.EXISTING, Duration.ofSeconds(30), 100);
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).isNotEmpty().hasSizeLessThan(20);
    List<Integer> replies =
        dev.tierproof.model.Failsafe.INBOUND.stream()
            .filter(f -> f.protocol() == 6)
            .map(dev.tierproof.model.Failsafe::port)
            .toList();
    for (ChangeClass c : r.classes()) {
      assertThat(c.kind()).isEqualTo(Kind.OPENED);
      dev.tierproof.model.Port.Range s = c.packets().sourcePort();
      assertThat(s).as(show(c)).isNotNull();
      assertThat(s.min() == s.max() && s.min() != 0).as("pinned: " + show(c)).isFalse();
      assertThat(replies).as(show(c)).noneMatch(p -> s.min() <= p && p <= s.max());
    }
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
    DiffResult r =
        diff(files("examples/zero-trust"), files("examples/zero-trust", "examples/zero-trust-pr"));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes())
        .extracting(DiffTest::show)
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
    // every class: the range that went away, from the pods of a namespace labelled team=a, to a
    // database
    assertThat(r.classes())
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.kind()).isEqualTo(Kind.CLOSED);
              assertThat(DiffResult.packets(c.packets())).isEqualTo("TCP 8051-8100");
              assertThat(c.destination().display()).contains("{app == \"db\"}");
              assertThat(c.before().allowed()).isTrue();
              assertThat(c.after().allowed()).isFalse();
            });
    assertThat(r.changes())
        .extracting(DiffResult.InputChange::what)
        .containsExactly("GlobalNetworkPolicy db-ingress");
  }

  @Test
  void run_networkSetGrows_openedForTheNewAddressesOnly() {
    DiffResult r =
        diff(
            yaml(BASE),
            yaml(
                BASE.replace("nets: [203.0.113.0/24]", "nets: [203.0.113.0/24, 198.51.100.0/24]")));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // from the new range (outside, or pods not yet deployed that get an address in it) to databases
    assertThat(r.classes())
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.kind()).isEqualTo(Kind.OPENED);
              assertThat(DiffResult.packets(c.packets())).isEqualTo("TCP 5432");
              assertThat(c.witness().sourceIp().toString()).startsWith("198.51.100.");
            });
    assertThat(r.classes())
        .extracting(DiffTest::show)
        .contains("newly allowed: 198.51.100.0/24 -> {app == \"db\"}, TCP 5432");
    assertThat(r.changes())
        .extracting(DiffResult.InputChange::what)
        .containsExactly("GlobalNetworkSet partners");
  }

  @Test
  void run_addressMoved_notedComparedAtTheCurrentAddress() {
    DiffResult r = diff(yaml(BASE), yaml(BASE.replace("podIP: 10.0.0.2", "podIP: 10.0.0.3")));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).isEmpty();
    assertThat(r.notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .contains(
                        "1 endpoint at other addresses in the base (`b/db`): compared at the current addresses"));
  }

  /**
   * Ten namespaces, one web pod each, and a monitoring pod; a GlobalNetworkPolicy over all of them.
   */
  static String monitored(String ports) {
    StringBuilder y = new StringBuilder();
    for (int n = 0; n < 10; n++) {
      y.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-")
          .append(n)
          .append("}\n---\n");
      y.append("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: ns-")
          .append(n)
          .append(", labels: {app: web}}\nstatus: {podIP: 10.0.1.")
          .append(n + 1)
          .append("}\n---\n");
    }
    y.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring}\n---\n");
    y.append(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: prom, namespace: monitoring, labels: {app: prom}}\n"
            + "status: {podIP: 10.0.2.1}\n---\n");
    y.append(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: scrape}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
            - action: Allow
              protocol: TCP
              source: {selector: app == 'prom'}
              destination: {ports: [%s]}
        """
            .formatted(ports));
    return y.toString();
  }

  @Test
  void run_globalPolicyOverManyNamespaces_oneClassOverTheInputsEndpoints() {
    PolicySet base = yaml(monitored("9100"));
    PolicySet current = yaml(monitored("9100, 8080"));
    DiffResult r =
        Diff.run(base, current, Scope.EXISTING, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // one question per namespace (the scope is split), joined again into one class
    assertThat(r.stats().scopes()).isEqualTo(10);
    assertThat(r.classes()).hasSize(1);
    ChangeClass c = r.classes().get(0);
    assertThat(show(c)).startsWith("newly allowed: monitoring/prom -> ").endsWith(", TCP 8080");
    // the witness depends on the class alone (the first endpoint of each end in input order),
    // whatever the solver found
    assertThat(c.witness().destination().ref()).isEqualTo("ns-0/web");
    assertThat(c.witness().destinationPort()).isEqualTo(8080);
    assertThat(c.witness().sourcePort()).isEqualTo(40000);
    assertThat(c.destination().endpoints())
        .extracting(e -> e.namespace())
        .containsExactlyInAnyOrder(
            "ns-0", "ns-1", "ns-2", "ns-3", "ns-4", "ns-5", "ns-6", "ns-7", "ns-8", "ns-9");
    // every flow of the joined class changed: replayed through both evaluators
    dev.tierproof.eval.Evaluator before = new dev.tierproof.eval.Evaluator(base);
    dev.tierproof.eval.Evaluator now = new dev.tierproof.eval.Evaluator(current);
    dev.tierproof.model.Endpoint prom =
        current.endpoints().stream().filter(e -> e.name().equals("prom")).findFirst().orElseThrow();
    for (dev.tierproof.model.Endpoint web : c.destination().endpoints()) {
      dev.tierproof.model.Flow f =
          dev.tierproof.model.Flow.between(
              6, prom.ips().get(0), 40000, web.ips().get(0), 8080, null, null, null, prom, web);
      assertThat(before.evaluate(f).allowed()).as(web.ref()).isFalse();
      assertThat(now.evaluate(f).allowed()).as(web.ref()).isTrue();
    }
  }

  @Test
  void run_ruleOpensToSeveralNetworkSets_oneOutsideClassOverTheirRanges() {
    String sets =
        """
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkSet
        metadata: {name: vendors, labels: {role: vendor}}
        spec: {nets: [198.51.100.0/24]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkSet
        metadata: {name: auditors, labels: {role: auditor}}
        spec: {nets: [192.0.2.0/25]}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkSet
        metadata: {name: unlabelled}
        spec: {nets: [100.64.0.0/16]}
        """;
    PolicySet base = yaml(BASE + sets);
    PolicySet current =
        yaml(
            BASE.replace("source: {selector: role == 'partner'}", "source: {selector: has(role)}")
                + sets);
    DiffResult r =
        Diff.run(base, current, Scope.EXISTING, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    // the two network sets the rule now also selects: one class, proved by one question
    assertThat(r.classes())
        .extracting(DiffTest::show)
        .containsExactly("newly allowed: 192.0.2.0/25, 198.51.100.0/24 -> b/db, TCP 5432");
    ChangeClass c = r.classes().get(0);
    assertThat(c.source().ranges())
        .extracting(Object::toString)
        .containsExactly("192.0.2.0/25", "198.51.100.0/24");
    // the witness depends on the class alone: explain's address outside (198.51.100.7, in
    // 198.51.100.0/24; else the first range's first address), lowest port, source port 40000
    assertThat(c.witness().toString())
        .isEqualTo(
            dev.tierproof.model.Flow.between(
                    6,
                    ip("198.51.100.7"),
                    40000,
                    ip("10.0.0.2"),
                    5432,
                    null,
                    null,
                    null,
                    null,
                    c.destination().endpoints().get(0))
                .toString());
    assertThat(c.before().allowed()).isFalse();
    assertThat(c.after().allowed()).isTrue();
    dev.tierproof.eval.Evaluator before = new dev.tierproof.eval.Evaluator(base);
    dev.tierproof.eval.Evaluator now = new dev.tierproof.eval.Evaluator(current);
    dev.tierproof.model.Endpoint db =
        current.endpoints().stream().filter(e -> e.name().equals("db")).findFirst().orElseThrow();
    for (String from :
        List.of(
            "192.0.2.0",
            "192.0.2.127",
            "198.51.100.0",
            "198.51.100.255",
            "100.64.0.1",
            "203.0.113.9")) {
      dev.tierproof.model.Ip ip = dev.tierproof.model.Ip.parse(from).orElseThrow();
      dev.tierproof.model.Flow f =
          dev.tierproof.model.Flow.between(
              6, ip, 40000, db.ips().get(0), 5432, null, null, null, null, db);
      boolean inClass = c.source().ranges().stream().anyMatch(x -> x.contains(ip));
      assertThat(!before.evaluate(f).allowed() && now.evaluate(f).allowed())
          .as(from)
          .isEqualTo(inClass);
    }
  }

  private static dev.tierproof.model.Ip ip(String text) {
    return dev.tierproof.model.Ip.parse(text).orElseThrow();
  }
}
