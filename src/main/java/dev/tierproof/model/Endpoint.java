package dev.tierproof.model;

import dev.tierproof.source.Span;
import java.util.List;
import java.util.Map;

/**
 * An enforcement point: a workload endpoint (a pod, or one pod of a workload controller) or a host
 * endpoint (specs/semantics.md S2.7, S6).
 *
 * @param namespace the namespace of a workload, null for a host endpoint
 * @param source how it was written: {@code Pod}, {@code Deployment}, {@code WorkloadEndpoint},
 *     {@code HostEndpoint}, ...; hypothetical endpoints say {@code Hypothetical}
 * @param labels the effective labels: own, automatic ({@code projectcalico.org/*}) and inherited
 *     from profiles, own labels winning (S2.7)
 * @param ips the addresses rule selectors see (empty for a workload whose pods are not listed)
 * @param profiles profile names in evaluation order (e.g. {@code kns.shop}, {@code
 *     ksa.shop.default})
 * @param node the node it is on: a host endpoint's {@code node}, a WorkloadEndpoint's {@code node},
 *     a Pod's {@code spec.nodeName}; null when the input does not say
 * @param allInterfaces a host endpoint of all its node's interfaces ({@code interfaceName: "*"}),
 *     whose step walks no untracked path ({@link Site#ALL_INTERFACES}, S6.6)
 * @param interfaceName a host endpoint's {@code interfaceName} as written ({@code "*"} with {@code
 *     allInterfaces}), null when it names none (it governs the interface holding its {@code
 *     expectedIPs}) and for a workload: which host interface it governs ({@link Ports}, S6.9)
 */
public record Endpoint(
    Kind kind,
    String namespace,
    String name,
    String source,
    Map<String, String> labels,
    List<Ip> ips,
    List<NamedPort> ports,
    List<String> profiles,
    String node,
    Span span,
    boolean allInterfaces,
    String interfaceName) {

  /** The label a workload endpoint carries with its namespace's name (spec S2.1). */
  public static final String NAMESPACE_LABEL = "projectcalico.org/namespace";

  /**
   * The endpoints owning each address, each once and in input order: more than one where endpoints
   * share an address (specs/semantics.md S5.5).
   */
  public static Map<Ip, List<Endpoint>> byAddress(List<Endpoint> endpoints) {
    Map<Ip, List<Endpoint>> out = new java.util.HashMap<>();
    for (Endpoint e : endpoints) {
      for (Ip ip : e.ips()) {
        List<Endpoint> at = out.computeIfAbsent(ip, k -> new java.util.ArrayList<>(1));
        if (at.stream().noneMatch(o -> o == e)) {
          at.add(e);
        }
      }
    }
    return out;
  }

  public enum Kind {
    WORKLOAD,
    HOST
  }

  /** A workload endpoint (it names no interface). */
  public static Endpoint workload(
      String namespace,
      String name,
      String source,
      Map<String, String> labels,
      List<Ip> ips,
      List<NamedPort> ports,
      List<String> profiles,
      String node,
      Span span) {
    return new Endpoint(
        Kind.WORKLOAD,
        namespace,
        name,
        source,
        labels,
        ips,
        ports,
        profiles,
        node,
        span,
        false,
        null);
  }

  /**
   * A host endpoint of {@code interfaceName} ({@code "*"}: all its node's interfaces, {@link
   * #allInterfaces}; null: the interface holding its {@code expectedIPs}).
   */
  public static Endpoint host(
      String name,
      String source,
      Map<String, String> labels,
      List<Ip> ips,
      List<NamedPort> ports,
      List<String> profiles,
      String node,
      Span span,
      String interfaceName) {
    return new Endpoint(
        Kind.HOST,
        null,
        name,
        source,
        labels,
        ips,
        ports,
        profiles,
        node,
        span,
        "*".equals(interfaceName),
        interfaceName);
  }

  public Endpoint {
    labels = Map.copyOf(labels);
    ips = List.copyOf(ips);
    ports = List.copyOf(ports);
    profiles = List.copyOf(profiles);
  }

  /** {@code ns/name} for workloads, the name for host endpoints: the CLI's reference form. */
  public String ref() {
    return namespace == null ? name : namespace + "/" + name;
  }

  /** The nodes of the host endpoints among {@code endpoints} (spec S6.12). */
  public static java.util.Set<String> hostNodes(java.util.Collection<Endpoint> endpoints) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (Endpoint e : endpoints) {
      if (e.isHost() && e.node() != null) {
        out.add(e.node());
      }
    }
    return out;
  }

  /**
   * What tells this endpoint's local flows (spec S6.12, {@link Flow#local}) from another's, given
   * the {@code hostNodes}: a host endpoint's node ({@code "host N"}), a workload's node when it is
   * one of them, {@code ""} for a workload that names no node; null for the rest, and for every
   * endpoint when there are no host nodes. Endpoints alike in it and in their steps are alike in
   * every flow.
   */
  public String placementKey(java.util.Set<String> hostNodes) {
    if (hostNodes.isEmpty()) {
      return null;
    }
    if (isHost()) {
      return hostKey(node);
    }
    return node == null ? "" : hostNodes.contains(node) ? node : null;
  }

  /** The {@link #placementKey} of a host endpoint on {@code node}. */
  public static String hostKey(String node) {
    return "host " + node;
  }

  /** Whether a {@link #placementKey} is a host endpoint's. */
  public static boolean isHostKey(String key) {
    return key.startsWith("host ");
  }

  public boolean isHost() {
    return kind == Kind.HOST;
  }

  /**
   * A workload endpoint that is one pod (a Pod, a WorkloadEndpoint), not a controller's pod
   * template, which stands for each of its pods, nor a pod not yet deployed (spec S5.6).
   */
  public boolean onePod() {
    return kind == Kind.WORKLOAD && (source.equals("Pod") || source.equals("WorkloadEndpoint"));
  }

  /** Where its steps are taken, as far as their paths go (spec S6.4, S6.6). */
  public Site site() {
    return !isHost() ? Site.WORKLOAD : allInterfaces ? Site.ALL_INTERFACES : Site.HOST;
  }

  /** A copy with other addresses (hypothetical endpoints get theirs from the question). */
  public Endpoint withIps(List<Ip> newIps) {
    return with(labels, newIps, node);
  }

  /** A copy on {@code newNode} (null: a node the input does not name). */
  public Endpoint withNode(String newNode) {
    return with(labels, ips, newNode);
  }

  /** A copy with other effective labels (those inherited from profiles added, S2.7). */
  public Endpoint withLabels(Map<String, String> newLabels) {
    return with(newLabels, ips, node);
  }

  private Endpoint with(Map<String, String> newLabels, List<Ip> newIps, String newNode) {
    return new Endpoint(
        kind,
        namespace,
        name,
        source,
        newLabels,
        newIps,
        ports,
        profiles,
        newNode,
        span,
        allInterfaces,
        interfaceName);
  }
}
