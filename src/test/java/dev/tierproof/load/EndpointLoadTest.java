package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.tierproof.model.Action;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import org.junit.jupiter.api.Test;

/** Endpoints, network sets, namespaces and profiles: automatic and inherited labels (§2.6-§2.8). */
class EndpointLoadTest {

  private static final String NAMESPACE =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: shop, env: prod}}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: web, namespace: shop, labels: {role: frontend}}
      ---
      """;

  @Test
  void load_pod_becomesWorkloadWithAutomaticAndInheritedLabels() {
    Loaded loaded =
        Loaded.of(
            NAMESPACE
                + """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-1
                  namespace: shop
                  labels: {app: web, pcns.env: own-wins}
                spec:
                  serviceAccountName: web
                  containers:
                    - name: c
                      ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}, {containerPort: 9}]
                status:
                  podIP: 10.0.0.1
                  podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]
                """);
    assertThat(loaded.diagnostics().all()).isEmpty();
    Endpoint e = loaded.endpoint("shop/web-1");
    assertThat(e.kind()).isEqualTo(Endpoint.Kind.WORKLOAD);
    assertThat(e.source()).isEqualTo("Pod");
    assertThat(e.span()).hasToString("test.yaml:9:1");
    assertThat(e.profiles()).containsExactly("kns.shop", "ksa.shop.web");
    assertThat(e.ips()).hasToString("[10.0.0.1, fd00::1]");
    assertThat(e.ports())
        .containsExactly(
            new NamedPort("http", Protocols.TCP, 8080), new NamedPort("dns", Protocols.UDP, 53));
    assertThat(e.labels())
        .containsOnly(
            entry("app", "web"),
            entry("projectcalico.org/namespace", "shop"),
            entry("projectcalico.org/orchestrator", "k8s"),
            entry("projectcalico.org/serviceaccount", "web"),
            entry("pcns.team", "shop"),
            entry("pcns.env", "own-wins"),
            entry("pcns.kubernetes.io/metadata.name", "shop"),
            entry("pcns.projectcalico.org/name", "shop"),
            entry("pcsa.role", "frontend"),
            entry("pcsa.projectcalico.org/name", "web"));
  }

  @Test
  void load_podWithoutServiceAccount_usesDefaultAndPodIp() {
    Loaded loaded =
        Loaded.of(
            NAMESPACE
                + """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: shop}
                status: {podIP: 10.0.0.2}
                """);
    Endpoint e = loaded.endpoint("shop/p");
    assertThat(e.profiles()).containsExactly("kns.shop", "ksa.shop.default");
    assertThat(e.labels())
        .contains(
            entry("projectcalico.org/serviceaccount", "default"),
            entry("pcsa.projectcalico.org/name", "default"));
    assertThat(e.ips()).hasToString("[10.0.0.2]");
    assertThat(loaded.set().profile("ksa.shop.default")).isPresent();
  }

  @Test
  void load_longServiceAccountName_hasNoServiceAccountLabel() {
    String sa = "s".repeat(63);
    Loaded loaded =
        Loaded.of(
            NAMESPACE
                + """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: shop}
                spec: {serviceAccountName: %s}
                """
                    .formatted(sa));
    assertThat(loaded.endpoint("shop/p").labels())
        .doesNotContainKey("projectcalico.org/serviceaccount")
        .containsEntry("pcsa.projectcalico.org/name", sa);
  }

  @Test
  void load_hostNetworkPod_hasNoEndpointAndWarns() {
    Loaded loaded =
        Loaded.of(
            NAMESPACE
                + """
                apiVersion: v1
                kind: Pod
                metadata: {name: node-agent, namespace: shop}
                spec: {hostNetwork: true}
                """);
    assertThat(loaded.set().endpoints()).isEmpty();
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:12:8: warning: Pod `shop/node-agent` uses the host network: "
                + "it has no workload endpoint, host endpoints govern its traffic");
  }

  @Test
  void load_controllers_becomeOneWorkloadPerTemplate() {
    Loaded loaded =
        Loaded.of(
            NAMESPACE
                + """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: web}}
                    spec: {serviceAccountName: web, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly, namespace: shop}
                spec:
                  jobTemplate:
                    spec:
                      template:
                        metadata: {labels: {app: batch}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec: {template: {metadata: {labels: {app: db}}}}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: shop}
                spec: {template: {metadata: {labels: {app: agent}}}}
                ---
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: web-5d4f, namespace: shop}
                spec: {template: {metadata: {labels: {app: web}}}}
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: migrate, namespace: shop}
                spec: {template: {metadata: {labels: {app: migrate}}}}
                ---
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: legacy, namespace: shop}
                spec: {replicas: 2, selector: {app: legacy}, template: {metadata: {labels: {app: legacy}}}}
                """);
    assertThat(loaded.diagnostics().all()).isEmpty();
    assertThat(loaded.set().endpoints())
        .extracting(Endpoint::ref, Endpoint::source)
        .containsExactly(
            tuple("shop/web", "Deployment"),
            tuple("shop/nightly", "CronJob"),
            tuple("shop/db", "StatefulSet"),
            tuple("shop/agent", "DaemonSet"),
            tuple("shop/web-5d4f", "ReplicaSet"),
            tuple("shop/migrate", "Job"),
            tuple("shop/legacy", "ReplicationController"));
    Endpoint web = loaded.endpoint("shop/web");
    assertThat(web.ips()).isEmpty();
    assertThat(web.labels()).contains(entry("app", "web"), entry("pcsa.role", "frontend"));
    assertThat(web.ports()).containsExactly(new NamedPort("http", Protocols.TCP, 80));
    assertThat(loaded.endpoint("shop/nightly").labels()).containsEntry("app", "batch");
  }

  @Test
  void load_hostEndpoint_expectedIpsProfilesAndNode() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: Profile
            metadata: {name: hosts}
            spec: {labelsToApply: {role: host, zone: a}}
            ---
            apiVersion: projectcalico.org/v3
            kind: HostEndpoint
            metadata: {name: node1-eth0, labels: {zone: b}}
            spec:
              node: node1
              interfaceName: eth0
              expectedIPs: [192.168.0.1]
              profiles: [hosts, projectcalico-default-allow]
              ports: [{name: ssh, protocol: TCP, port: 22}]
            ---
            apiVersion: projectcalico.org/v3
            kind: HostEndpoint
            metadata: {name: node2-eth0}
            spec: {node: node2, interfaceName: eth0}
            """);
    assertThat(loaded.diagnostics().all()).isEmpty();
    Endpoint h = loaded.endpoint("node1-eth0");
    assertThat(h.isHost()).isTrue();
    assertThat(h.node()).isEqualTo("node1");
    assertThat(h.ips()).hasToString("[192.168.0.1]");
    assertThat(h.labels()).containsOnly(entry("zone", "b"), entry("role", "host"));
    assertThat(h.ports()).containsExactly(new NamedPort("ssh", Protocols.TCP, 22));
    assertThat(loaded.endpoint("node2-eth0").ips()).isEmpty();
  }

  @Test
  void load_workloadEndpoint_firstProfileWins() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: Profile
            metadata: {name: first}
            spec: {labelsToApply: {tier: gold}}
            ---
            apiVersion: projectcalico.org/v3
            kind: Profile
            metadata: {name: second}
            spec: {labelsToApply: {tier: silver, extra: x}}
            ---
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata: {name: node1-k8s-vm1-eth0, namespace: vms, labels: {app: vm}}
            spec:
              orchestrator: libvirt
              workload: vm1
              node: node1
              ipNetworks: [10.1.0.5/32]
              profiles: [first, second, missing]
            """);
    Endpoint e = loaded.endpoint("vms/vm1");
    assertThat(e.ips()).hasToString("[10.1.0.5]");
    assertThat(e.labels())
        .contains(
            entry("tier", "gold"),
            entry("extra", "x"),
            entry("app", "vm"),
            entry("projectcalico.org/namespace", "vms"),
            entry("projectcalico.org/orchestrator", "libvirt"));
    assertThat(loaded.messages())
        .contains("test.yaml:19:13: warning: profile `missing` is not defined");
  }

  @Test
  void load_networkSets_namespacedInheritNamespaceLabels() {
    Loaded loaded =
        Loaded.of(
            NAMESPACE
                + """
                apiVersion: projectcalico.org/v3
                kind: NetworkSet
                metadata: {name: partners, namespace: shop, labels: {kind: partner}}
                spec: {nets: [203.0.113.0/24], allowedEgressDomains: [example.com]}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkSet
                metadata: {name: world, labels: {kind: internet}}
                spec: {nets: ["::/0", 0.0.0.0/0]}
                """);
    assertThat(loaded.diagnostics().all()).isEmpty();
    NetworkSet partners = loaded.set().networkSets().get(0);
    assertThat(partners.labels())
        .containsOnly(
            entry("kind", "partner"),
            entry("projectcalico.org/namespace", "shop"),
            entry("pcns.team", "shop"),
            entry("pcns.env", "prod"),
            entry("pcns.kubernetes.io/metadata.name", "shop"),
            entry("pcns.projectcalico.org/name", "shop"));
    assertThat(partners.allowedEgressDomains()).containsExactly("example.com");
    NetworkSet world = loaded.set().networkSets().get(1);
    assertThat(world.namespace()).isNull();
    assertThat(world.labels()).containsOnly(entry("kind", "internet"));
    assertThat(world.nets()).hasToString("[::/0, 0.0.0.0/0]");
  }

  @Test
  void load_undefinedNamespace_warnsOnceAndKeepsNameLabels() {
    Loaded loaded =
        Loaded.of(
            """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: a, namespace: ghost}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: b, namespace: ghost}
            """);
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:3:32: warning: namespace `ghost` is not defined: only its name labels are"
                + " known");
    assertThat(loaded.set().profile("kns.ghost").orElseThrow().labels())
        .containsOnly(
            entry("pcns.kubernetes.io/metadata.name", "ghost"),
            entry("pcns.projectcalico.org/name", "ghost"));
    assertThat(loaded.set().namespaces()).containsKey("ghost");
  }

  @Test
  void load_builtIns_tiersAndAllowProfiles() {
    Loaded loaded = Loaded.of(NAMESPACE);
    assertThat(loaded.set().tiers())
        .extracting(t -> t.name() + " " + t.order() + " " + t.defaultAction())
        .containsExactly(
            "kube-admin 1000.0 PASS", "default 1000000.0 DENY", "kube-baseline 1.0E7 PASS");
    for (String name : new String[] {"kns.shop", Resources.DEFAULT_ALLOW}) {
      Profile p = loaded.set().profile(name).orElseThrow();
      assertThat(p.ingress())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.action()).isEqualTo(Action.ALLOW);
                assertThat(r.index()).isZero();
                assertThat(r.source().isEmpty() && r.destination().isEmpty()).isTrue();
              });
      assertThat(p.egress()).hasSize(1);
    }
    assertThat(loaded.set().profile("ksa.shop.web").orElseThrow().ingress()).isEmpty();
  }
}
