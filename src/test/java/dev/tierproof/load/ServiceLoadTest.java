package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Ip;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.ServiceMatch.Member;
import dev.tierproof.model.ServiceMatch.Target;
import org.junit.jupiter.api.Test;

/**
 * Services, EndpointSlices and Endpoints, and the {@code services} rule sides they resolve (S3.9).
 */
class ServiceLoadTest {

  private static final String POLICY =
      """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: shop}
      spec:
        selector: app == 'client'
        egress:
          - action: Allow
            destination: {services: {name: db}}
        ingress:
          - action: Allow
            source: {services: {name: db, namespace: shop}}
      ---
      """;

  /** {@code yaml} with the Namespace {@code shop} after it. */
  private static Loaded load(String yaml) {
    return Loaded.of(
        yaml
            + (yaml.endsWith("\n") ? "" : "\n")
            + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
  }

  private static ServiceMatch egress(Loaded loaded) {
    return loaded.policy("shop/p").egress().get(0).destination().service();
  }

  private static ServiceMatch ingress(Loaded loaded) {
    return loaded.policy("shop/p").ingress().get(0).source().service();
  }

  private static Ip ip(String s) {
    return Ip.parse(s).orElseThrow();
  }

  @Test
  void load_endpointSlices_membersPerSliceAndSelectorIgnored() {
    Loaded loaded =
        load(
            POLICY
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec: {selector: {app: db}, ports: [{port: 5432}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}
                addressType: IPv4
                endpoints: [{addresses: ["10.0.0.1", "10.0.0.2"], conditions: {ready: false}}]
                ports: [{port: 5432}, {port: 53, protocol: UDP}, {name: unnumbered}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: db-2, namespace: shop, labels: {kubernetes.io/service-name: db}}
                addressType: IPv6
                endpoints: [{addresses: ["fd00::1"]}]
                ports: []
                """);
    assertThat(loaded.messages()).isEmpty();
    ServiceMatch s = egress(loaded);
    assertThat(s.resolved()).isTrue();
    assertThat(s.withPorts()).isTrue();
    assertThat(s.selector()).isNull();
    assertThat(s.members())
        .containsExactly(
            new Member(ip("10.0.0.1"), Protocols.TCP, 5432),
            new Member(ip("10.0.0.1"), Protocols.UDP, 53),
            new Member(ip("10.0.0.2"), Protocols.TCP, 5432),
            new Member(ip("10.0.0.2"), Protocols.UDP, 53));
    assertThat(s.addresses()).containsExactly(ip("10.0.0.1"), ip("10.0.0.2"), ip("fd00::1"));
    assertThat(ingress(loaded).withPorts()).isFalse();
    assertThat(loaded.policy("shop/p").egress().get(0).destination().unresolvedService()).isFalse();
  }

  @Test
  void load_endpointsWithoutSlices_readyAndNotReadyTimesPorts() {
    Loaded loaded =
        load(
            POLICY
                + """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: db, namespace: shop}
                subsets:
                  - addresses: [{ip: 10.0.0.1}]
                    notReadyAddresses: [{ip: 10.0.0.3}]
                    ports: [{port: 5432, protocol: TCP}]
                """);
    assertThat(loaded.messages()).isEmpty();
    assertThat(egress(loaded).members())
        .containsExactly(
            new Member(ip("10.0.0.1"), Protocols.TCP, 5432),
            new Member(ip("10.0.0.3"), Protocols.TCP, 5432));
  }

  @Test
  void load_serviceWithSelectorOnly_derivedFromPodsWithTargets() {
    Loaded loaded =
        load(
            POLICY
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec:
                  selector: {app: db}
                  ports:
                    - {port: 5432, targetPort: pg}
                    - {port: 53, protocol: UDP}
                    - {port: 9000, targetPort: 9100}
                """);
    assertThat(loaded.messages()).isEmpty();
    ServiceMatch s = egress(loaded);
    assertThat(s.selector().canonical())
        .isEqualTo(
            "(projectcalico.org/orchestrator == \"k8s\" && projectcalico.org/namespace =="
                + " \"shop\" && app == \"db\")");
    assertThat(s.targets())
        .containsExactly(
            new Target(Protocols.TCP, null, "pg"),
            new Target(Protocols.UDP, 53, null),
            new Target(Protocols.TCP, 9100, null));
    assertThat(s.targetNames()).containsExactly("pg");
  }

  @Test
  void load_unresolvedServices_warnWhy() {
    Loaded absent = load(POLICY);
    assertThat(egress(absent).unresolved())
        .isEqualTo("service `shop/db` is not in the input, nor EndpointSlices or Endpoints of it");
    Loaded selectorless =
        load(
            POLICY
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec: {type: ExternalName, externalName: db.example.com, selector: {app: db}}
                """);
    assertThat(selectorless.messages())
        .contains(
            "test.yaml:7:7: warning: service `shop/db` has no selector and the input holds no"
                + " EndpointSlices or Endpoints of it: the rule's `services` side matches no"
                + " address");
    Loaded hostNetwork =
        load(
            POLICY
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec: {selector: {app: db}}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: db, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: db, extra: x}}
                    spec: {hostNetwork: true}
                """);
    assertThat(egress(hostNetwork).unresolved()).contains("uses the host network");
  }

  @Test
  void load_badServicesAndSlices_errorsWithPositions() {
    Loaded loaded =
        load(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec:
              ports:
                - {port: 70000}
                - {port: 80, protocol: ICMP}
                - {port: 81, targetPort: Not_A_Name}
                - {port: 82, targetPort: 0}
                - {targetPort: 80}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}
            addressType: IPv5
            endpoints: [{addresses: ["10.0.0.300"]}]
            ports: [{port: 0}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-2, namespace: shop}
            endpoints: [{addresses: ["fd00::1"]}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-3, namespace: shop, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            endpoints: [{addresses: ["fd00::1"]}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: shop}
            subsets: [{addresses: [{hostname: x}], ports: [{port: 80, protocol: TCP}]}]
            """);
    assertThat(loaded.diagnostics().errors().stream().map(Object::toString).toList())
        .containsExactly(
            "test.yaml:6:14: error: invalid port `70000`: ports must be 1-65535",
            "test.yaml:7:28: error: invalid protocol `ICMP`: expected `TCP`, `UDP` or `SCTP`",
            "test.yaml:8:30: error: invalid targetPort `Not_A_Name`: a port name has 1-15 lower"
                + " case letters, digits and `-`, at least one letter, and no `-` at either end",
            "test.yaml:9:30: error: invalid targetPort `0`: ports must be 1-65535",
            "test.yaml:10:7: error: missing field `spec.ports[4].port`",
            "test.yaml:15:14: error: invalid addressType `IPv5`: did you mean `IPv4`?",
            "test.yaml:16:26: error: invalid IP address `10.0.0.300`",
            "test.yaml:17:16: error: invalid port `0`: ports must be 1-65535",
            "test.yaml:19:1: error: missing field `addressType`",
            "test.yaml:28:26: error: address `fd00::1` is not of the slice's addressType `IPv4`",
            "test.yaml:33:24: error: missing field `subsets[0].addresses[0].ip`");
  }

  @Test
  void load_sliceWithoutServiceLabel_andFqdn_warned() {
    Loaded loaded =
        load(
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: s1, namespace: shop}
            addressType: IPv4
            endpoints: []
            ports: []
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: s2, namespace: shop, labels: {kubernetes.io/service-name: db}}
            addressType: FQDN
            endpoints: [{addresses: [db.example.com]}]
            ports: []
            """);
    assertThat(loaded.messages())
        .containsExactly(
            "test.yaml:3:18: warning: EndpointSlice `shop/s1` has no label"
                + " `kubernetes.io/service-name`: Calico matches it to no service",
            "test.yaml:11:14: warning: FQDN endpoints are not IP addresses: Calico matches none of"
                + " them");
  }
}
