package dev.tierproof.analysis;

/**
 * YAML for the outer-packet tests (specs/semantics.md S6.10): namespace {@code op}, its pods, and
 * nodes whose one host endpoint is of all interfaces ({@code nN-all}, labelled {@code host: nN}),
 * so their forward chains are walked once a policy selects them.
 */
public final class OuterNodes {

  private OuterNodes() {}

  /** Namespace {@code op}, as a document. */
  public static final String NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: op}\n";

  /**
   * Node {@code n}'s host endpoint as a document (after a separator), with {@code expectedIPs}
   * ({@code [10.90.0.1]}) or none ("").
   */
  public static String hostEndpoint(int n, String expectedIps) {
    return "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: n"
        + n
        + "-all, labels: {host: n"
        + n
        + "}}\nspec: {node: n"
        + n
        + ", interfaceName: \"*\""
        + (expectedIps.isEmpty() ? "" : ", expectedIPs: " + expectedIps)
        + "}\n";
  }

  /** Pod {@code name} of namespace {@code op} on {@code node} (null: none) at {@code ip}. */
  public static String pod(String name, String node, String ip) {
    return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: "
        + name
        + ", namespace: op, labels: {app: "
        + name
        + "}}\n"
        + (node == null ? "" : "spec: {nodeName: " + node + "}\n")
        + "status: {podIP: "
        + ip
        + "}\n";
  }
}
