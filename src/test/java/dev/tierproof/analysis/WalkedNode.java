package dev.tierproof.analysis;

/**
 * A test cluster with a walked forward chain (spec S6.11): pod {@code fw/web} on node n1, whose one
 * host endpoint {@code n1-all} is of all interfaces, pod {@code fw/api} on n2 (no host endpoint),
 * and the {@code applyOnForward} policy {@code forward-no-smtp} denying TCP 25 on n1's egress
 * forward path. An unmodelled element for web's flows with other pods (S6.10), none for its flows
 * with the world or its own host.
 */
public final class WalkedNode {

  /** The namespace and the two pods. */
  public static final String PODS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: fw}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: fw, labels: {app: web}}
      spec: {nodeName: n1}
      status: {podIP: 10.70.1.10}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api, namespace: fw, labels: {app: api}}
      spec: {nodeName: n2}
      status: {podIP: 10.70.2.10}
      """;

  /** The pods, n1's all-interfaces host endpoint and its forward policy. */
  public static final String YAML =
      PODS
          + """
          ---
          apiVersion: projectcalico.org/v3
          kind: HostEndpoint
          metadata: {name: n1-all, labels: {host: n1}}
          spec: {node: n1, interfaceName: "*", expectedIPs: [10.70.0.1]}
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: forward-no-smtp}
          spec:
            selector: has(host)
            applyOnForward: true
            types: [Egress]
            egress: [{action: Deny, protocol: TCP, destination: {ports: [25]}}, {action: Allow}]
          """;

  private WalkedNode() {}
}
