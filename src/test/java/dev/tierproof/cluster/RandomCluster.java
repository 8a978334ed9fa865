package dev.tierproof.cluster;

import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A seeded generator of the multi-document YAML a user keeps in git (issue 10): Namespaces with
 * labels (and a namespace only referenced), Deployments, StatefulSets, DaemonSets, ReplicaSets,
 * Jobs and CronJobs (pod templates: no addresses, named container ports), Pods with and without
 * {@code status.podIP}/{@code podIPs} of both families (two of them at one address in a third of
 * the clusters, spec S5.5), WorkloadEndpoints and HostEndpoints, ServiceAccounts,
 * (Global)NetworkSets (some with DNS names, {@link RandomDomains}), Tiers, Calico
 * (Global)NetworkPolicies with Allow/Deny/Pass/Log, staged policies, Kubernetes NetworkPolicies
 * (podSelector, namespaceSelector, ipBlock with except, named and numeric ports, endPort) mixed
 * with Calico tiers, Services with EndpointSlices or Endpoints and {@code services} rules ({@link
 * RandomClusterServices}), ClusterNetworkPolicies and, on Calico 3.29-3.31 ({@link #versionFor}),
 * AdminNetworkPolicies and the BaselineAdminNetworkPolicy ({@link ClusterAdminPolicies}), and kinds
 * tierproof does not model (ConfigMap, a third-party CRD, rarely a FelixConfiguration), Profiles
 * with a {@code Pass} rule listed by host endpoints and WorkloadEndpoints, and the dataplane that
 * enforces the text ({@link RandomClusterDataplane}: {@link #load} loads on it). The same seed
 * gives the same text; {@link #load} goes through the loader, the front door every command uses.
 *
 * <p>{@link #yaml(boolean)} with {@code deployed} renders every endpoint without an address as the
 * pod it stands for: a Pod of the same namespace, name, labels, service account and named ports at
 * an address no endpoint of the plain text owns ({@link #DEPLOY_POOL}). By spec S5.4 that pod is
 * one instance of the address-less endpoint, which the metamorphic tests use.
 */
public final class RandomCluster {

  public static final List<String> NAMESPACES = List.of("shop", "pay", "ops");

  /** A namespace that workloads use but no Namespace resource declares. */
  public static final String UNDECLARED = "dev";

  static final List<String> APPS = List.of("web", "api", "db", "cache");
  static final List<String> TIERS = List.of("front", "back");
  static final List<String> ROLES = List.of("a", "b");
  static final List<String> ACCOUNTS = List.of("default", "frontend", "backend");
  static final List<String> OWNABLE4 =
      List.of(
          "10.1.0.1",
          "10.1.0.2",
          "10.1.0.3",
          "10.1.0.4",
          "10.1.0.5",
          "10.1.0.6",
          "10.1.0.9",
          "10.1.0.10",
          "192.168.5.1");
  static final List<String> OWNABLE6 = List.of("fd00:1::1", "fd00:1::2", "fd00:1::3", "fd00:1::a");

  /** Addresses nothing in the plain text owns; {@link #DEPLOY_POOL} is taken by deployed pods. */
  public static final List<String> OUTSIDE =
      List.of(
          "10.1.0.200",
          "10.1.0.7",
          "8.8.8.8",
          "203.0.113.7",
          "192.168.5.99",
          "fd00:1::99",
          "2001:db8::1",
          "fd00:2::5");

  public static final List<String> DEPLOY_POOL =
      List.of(
          "10.1.1.1",
          "10.1.1.2",
          "10.1.1.3",
          "10.1.1.4",
          "10.1.1.5",
          "10.1.1.6",
          "10.1.1.7",
          "10.1.1.8",
          "10.1.1.9",
          "10.1.1.10",
          "10.1.1.11",
          "10.1.1.12",
          "10.1.1.13",
          "10.1.1.14",
          "10.1.1.15",
          "10.1.1.16");
  static final List<String> CIDRS4 =
      List.of(
          "10.1.0.0/16",
          "10.1.0.0/29",
          "10.1.0.8/30",
          "10.1.1.0/28",
          "8.8.8.0/24",
          "203.0.113.0/24",
          "0.0.0.0/0",
          "192.168.0.0/16");
  static final List<String> CIDRS6 = List.of("fd00:1::/64", "fd00::/16", "2001:db8::/32", "::/0");
  public static final List<Integer> PORTS = List.of(53, 80, 443, 5432, 8080, 9090);

  /** name, protocol, port. */
  static final List<String[]> NAMED =
      List.of(
          new String[] {"http", "TCP", "8080"},
          new String[] {"http", "TCP", "80"},
          new String[] {"metrics", "TCP", "9090"},
          new String[] {"dns", "UDP", "53"},
          new String[] {"db", "TCP", "5432"});

  static final List<String> WORKLOAD_KINDS =
      List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob");

  /** An endpoint as written; {@code ips} empty: without an address. */
  private record Workload(
      String kind,
      String ns,
      String name,
      Map<String, String> labels,
      String account,
      List<String[]> ports,
      List<String> ips,
      List<String> deployIps,
      boolean phasePending) {}

  private final Random rnd;
  private final long seed;
  private final List<String> declared = new ArrayList<>();
  private final List<String> used = new ArrayList<>();
  private final List<Workload> workloads = new ArrayList<>();
  private final List<String> docs = new ArrayList<>();
  private final List<String> tiers = new ArrayList<>();
  private final List<String> free4 = new ArrayList<>(OWNABLE4);
  private final List<String> free6 = new ArrayList<>(OWNABLE6);
  private final List<String> deploy4 = new ArrayList<>(DEPLOY_POOL);
  private int deploy6 = 1;
  private boolean enforcingUnmodelled;
  private final boolean listed;
  private final RandomClusterServices services;
  private final RandomDomains domains;
  private final RandomClusterDataplane dataplane;
  private final CalicoVersion version;

  /** The cluster of {@code seed} under the release {@link #versionFor} chooses. */
  public RandomCluster(long seed) {
    this(seed, versionFor(seed));
  }

  /**
   * The cluster of {@code seed} as {@code version} enforces it: before 3.32 it also holds admin
   * policies of the older API.
   */
  public RandomCluster(long seed, CalicoVersion version) {
    this.seed = seed;
    this.version = version;
    this.rnd = new Random(seed);
    this.domains = new RandomDomains(seed);
    this.dataplane = new RandomClusterDataplane(seed);
    for (String ns : NAMESPACES) {
      if (rnd.nextInt(5) > 0) {
        declared.add(ns);
      }
    }
    used.addAll(declared);
    if (used.isEmpty() || rnd.nextInt(4) == 0) {
      used.add(UNDECLARED);
    }
    for (String ns : declared) {
      docs.add(namespace(ns));
    }
    accounts();
    int n = 2 + rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      workloads.add(workload(i));
    }
    shareAddress(new Random(seed * 0x2545F4914F6CDD1DL + 71)); // its own source: the rest stays
    RandomHostPaths paths = new RandomHostPaths(seed);
    hosts(paths);
    docs.addAll(dataplane.docs()); // spec S4.6
    docs.addAll(RandomWalkedNodes.draw(seed)); // spec S6.11
    netsets();
    tiers();
    services = new RandomClusterServices(rnd, used);
    docs.addAll(services.docs());
    int policies = 1 + rnd.nextInt(5);
    for (int i = 0; i < policies; i++) {
      docs.add(paths.mark(policy(i)));
    }
    String replies = paths.replies(); // spec S6.5
    if (replies != null) {
      docs.add(replies);
    }
    docs.addAll(paths.forward()); // spec S6.11
    docs.addAll(RandomClusterUntracked.draw(seed, dataplane.dataplane(), docs)); // spec S6.6
    docs.addAll(RandomMasqueradedHost.draw(seed, docs, podNodes())); // spec S6.10
    // forwarded traffic through host endpoints (S6.6), or a service the input does not resolve
    enforcingUnmodelled =
        paths.drawn()
            || services.unresolvedReferenced()
            || dataplane.unmodelled()
            || RandomNamedInterfaces.drawn(docs)
            || RandomClusterUntracked.drawn(docs)
            || RandomWalkedNodes.masquerades(docs); // spec S6.10, S9.2
    // a random source of their own: the rest of the text stays what it was without them
    docs.addAll(ClusterAdminPolicies.draw(new Random(seed * 0x9E3779B97F4A7C15L + 3), used));
    if (version.adminNetworkPolicies()) {
      docs.addAll(ClusterAdminPolicies.drawAdmin(new Random(seed * 0x9E3779B97F4A7C15L + 5), used));
    }
    unmodelled();
    withoutEndpoints();
    listed = rnd.nextInt(4) == 0;
  }

  public long seed() {
    return seed;
  }

  /**
   * The release a seed's cluster is analysed under: one seed in five an older one (3.31, 3.30, 3.29
   * in turn: AdminNetworkPolicy enforced, the baseline one from 3.30), the others the newest.
   */
  public static CalicoVersion versionFor(long seed) {
    if (Math.floorMod(seed, 5L) != 4) {
      return CalicoVersion.DEFAULT;
    }
    return List.of(CalicoVersion.V3_31, CalicoVersion.V3_30, CalicoVersion.V3_29)
        .get((int) Math.floorMod(seed / 5, 3L));
  }

  /** The dataplane and profiles' Pass drawn for the text ({@code --dataplane}). */
  public RandomClusterDataplane dataplane() {
    return dataplane;
  }

  /** The release the text is loaded under ({@code --calico-version}). */
  public CalicoVersion version() {
    return version;
  }

  /**
   * True when the text holds a kind Calico or Kubernetes enforces that tierproof does not model.
   */
  public boolean enforcingUnmodelled() {
    return enforcingUnmodelled;
  }

  /** The text; {@code deployed}: endpoints without an address are pods at fresh addresses. */
  public String yaml(boolean deployed) {
    List<String> all = new ArrayList<>(docs);
    List<String> rendered = workloads.stream().map(w -> render(w, deployed)).toList();
    if (listed) { // as `kubectl get -o yaml` prints them
      StringBuilder b = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
      for (String doc : rendered) {
        String[] lines = doc.split("\n");
        for (int i = 0; i < lines.length; i++) {
          b.append(i == 0 ? "- " : "  ").append(lines[i]).append('\n');
        }
      }
      all.add(b.toString());
    } else {
      all.addAll(rendered);
    }
    return String.join("---\n", all);
  }

  /** The text through {@link Loader}; a load error fails (a generator or a loader bug). */
  public PolicySet load(boolean deployed) {
    Diagnostics d = new Diagnostics();
    String text = yaml(deployed);
    PolicySet set = load(text, version, d);
    if (d.hasErrors()) {
      throw new AssertionError("seed " + seed + ": load errors\n" + d.render() + "\n" + text);
    }
    return set;
  }

  /** The text through {@link Loader} as {@code version} enforces it, problems in {@code d}. */
  public PolicySet load(boolean deployed, CalicoVersion version, Diagnostics d) {
    return load(yaml(deployed), version, dataplane.dataplane(), d);
  }

  /** The text through {@link Loader} as {@code version} on {@code dataplane} enforces it. */
  public PolicySet load(
      boolean deployed, CalicoVersion version, Dataplane dataplane, Diagnostics d) {
    return load(yaml(deployed), version, dataplane, d);
  }

  private PolicySet load(String text, CalicoVersion version, Diagnostics d) {
    return load(text, version, dataplane.dataplane(), d);
  }

  private PolicySet load(String text, CalicoVersion version, Dataplane dataplane, Diagnostics d) {
    return Loader.input(
            List.of(new SourceText("cluster-" + seed + ".yaml", text)), d, null, version, dataplane)
        .set();
  }

  // ---------------------------------------------------------------------------------------------
  // resources

  private String namespace(String ns) {
    Map<String, String> labels = new TreeMap<>();
    if (rnd.nextInt(4) > 0) {
      labels.put("team", pick(List.of("x", "y")));
    }
    if (rnd.nextBoolean()) {
      labels.put("env", pick(List.of("prod", "dev")));
    }
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "
        + ns
        + "\n"
        + labels("  ", labels);
  }

  private void accounts() {
    for (String ns : used) {
      for (String sa : List.of("frontend", "backend")) {
        if (rnd.nextInt(3) == 0) {
          Map<String, String> labels = rnd.nextBoolean() ? Map.of("role", pick(ROLES)) : Map.of();
          docs.add(
              "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: "
                  + sa
                  + "\n  namespace: "
                  + ns
                  + "\n"
                  + labels("  ", labels));
        }
      }
    }
  }

  private Workload workload(int i) {
    String ns = pick(used);
    int k = rnd.nextInt(10);
    String kind = k < 4 ? "Pod" : k < 9 ? pick(WORKLOAD_KINDS) : "WorkloadEndpoint";
    Map<String, String> labels = ownLabels();
    List<String[]> ports = new ArrayList<>();
    if (rnd.nextInt(3) > 0) {
      ports.add(pick(NAMED));
      if (rnd.nextInt(3) == 0) {
        String[] p = pick(NAMED);
        if (!p[0].equals(ports.get(0)[0])) {
          ports.add(p);
        }
      }
    }
    List<String> ips = new ArrayList<>();
    boolean pending = false;
    if (kind.equals("Pod") || kind.equals("WorkloadEndpoint")) {
      switch (rnd.nextInt(5)) {
        case 0 -> pending = kind.equals("Pod") && rnd.nextBoolean();
        case 1 -> {
          take(free4, ips);
          take(free6, ips);
        }
        case 2 -> take(free6, ips);
        default -> take(free4, ips);
      }
    }
    List<String> deployIps = new ArrayList<>();
    if (ips.isEmpty()) {
      switch (rnd.nextInt(3)) {
        case 0 -> deployIps.add("fd00:1::1:" + deploy6++);
        case 1 -> {
          take(deploy4, deployIps);
          deployIps.add("fd00:1::1:" + deploy6++);
        }
        default -> take(deploy4, deployIps);
      }
    }
    String account = kind.equals("WorkloadEndpoint") && rnd.nextBoolean() ? null : pick(ACCOUNTS);
    String name =
        switch (kind) {
          case "Pod" -> "pod" + i;
          case "WorkloadEndpoint" -> "wep" + i;
          default -> kind.toLowerCase(java.util.Locale.ROOT) + i;
        };
    if (!kind.equals("Pod") && !kind.equals("WorkloadEndpoint") && !kind.endsWith("Job")) {
      labels.put("gen", name); // what the controller's selector matches
    }
    return new Workload(kind, ns, name, labels, account, ports, ips, deployIps, pending);
  }

  /**
   * In about a third of the clusters, one Pod or WorkloadEndpoint with addresses also owns an
   * address of another (spec S5.5: a stale export, two clusters' files in one folder).
   */
  private void shareAddress(Random r) {
    List<Integer> owning = new ArrayList<>();
    for (int i = 0; i < workloads.size(); i++) {
      if (!workloads.get(i).ips().isEmpty()) {
        owning.add(i);
      }
    }
    if (owning.size() < 2 || r.nextInt(3) != 0) {
      return;
    }
    Collections.shuffle(owning, r);
    Workload giver = workloads.get(owning.get(0));
    Workload w = workloads.get(owning.get(1));
    List<String> ips = new ArrayList<>(w.ips());
    String shared = giver.ips().get(r.nextInt(giver.ips().size()));
    ips.removeIf(ip -> ip.contains(":") == shared.contains(":")); // one address per family
    ips.add(shared);
    workloads.set(
        owning.get(1),
        new Workload(
            w.kind(),
            w.ns(),
            w.name(),
            w.labels(),
            w.account(),
            w.ports(),
            ips,
            w.deployIps(),
            w.phasePending()));
  }

  private void take(List<String> pool, List<String> into) {
    if (!pool.isEmpty()) {
      into.add(pool.remove(rnd.nextInt(pool.size())));
    }
  }

  private String render(Workload w, boolean deployed) {
    boolean deploy = deployed && w.ips().isEmpty();
    List<String> ips = deploy ? w.deployIps() : w.ips();
    if (w.kind().equals("WorkloadEndpoint")) {
      StringBuilder b =
          new StringBuilder(
              "apiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\nmetadata:\n");
      b.append("  name: node1-k8s-")
          .append(w.name())
          .append("-eth0\n  namespace: ")
          .append(w.ns())
          .append('\n')
          .append(labels("  ", w.labels()));
      b.append("spec:\n  node: node1\n  orchestrator: k8s\n  ")
          .append(rnd(w) ? "pod" : "workload")
          .append(": ")
          .append(w.name())
          .append('\n');
      b.append("  interfaceName: cali")
          .append(w.name())
          .append("\n  profiles: [")
          .append(String.join(", ", dataplane.listed(w.name(), List.of("kns." + w.ns()))))
          .append("]\n");
      if (w.account() != null) {
        b.append("  serviceAccountName: ").append(w.account()).append('\n');
      }
      if (!ips.isEmpty()) {
        b.append("  ipNetworks: [")
            .append(
                ips.stream()
                    .map(ip -> "\"" + ip + (ip.contains(":") ? "/128" : "/32") + "\"")
                    .collect(Collectors.joining(", ")))
            .append("]\n");
      }
      if (!w.ports().isEmpty()) {
        b.append("  ports:\n");
        for (String[] p : w.ports()) {
          b.append("  - name: ")
              .append(p[0])
              .append("\n    protocol: ")
              .append(p[1])
              .append("\n    port: ")
              .append(p[2])
              .append('\n');
        }
      }
      return b.toString();
    }
    String kind = deploy ? "Pod" : w.kind();
    StringBuilder pod = new StringBuilder();
    String in = kind.equals("Pod") ? "  " : kind.equals("CronJob") ? "          " : "      ";
    if (w.account() != null && !(w.account().equals("default") && w.name().hashCode() % 2 == 0)) {
      pod.append(in).append("serviceAccountName: ").append(w.account()).append('\n');
    }
    int node =
        Math.floorMod(w.name().hashCode() / 7, 4); // the host endpoints' nodes, another, none
    String walked = RandomWalkedNodes.podNode(seed, w.name()); // spec S6.10
    if (w.kind().equals("Pod") && (walked != null || node < 3)) {
      // spec S6.12: deployed, a Pod stays on its node; a controller's pod template names none
      pod.append(in).append("nodeName: ").append(walked != null ? walked : "node" + node);
      pod.append('\n');
    }
    pod.append(in)
        .append("containers:\n")
        .append(in)
        .append("- name: main\n")
        .append(in)
        .append("  image: registry.example/app:1\n");
    if (!w.ports().isEmpty()) {
      pod.append(in).append("  ports:\n");
      for (String[] p : w.ports()) {
        pod.append(in)
            .append("  - name: ")
            .append(p[0])
            .append('\n')
            .append(in)
            .append("    containerPort: ")
            .append(p[2])
            .append('\n');
        if (!p[1].equals("TCP") || w.name().length() % 2 == 0) {
          pod.append(in).append("    protocol: ").append(p[1]).append('\n');
        }
      }
    }
    if (w.name().length() % 3 == 0) {
      pod.append(in)
          .append("- name: sidecar\n")
          .append(in)
          .append("  image: registry.example/proxy:2\n");
    }
    StringBuilder b = new StringBuilder();
    b.append("apiVersion: ")
        .append(
            switch (kind) {
              case "Pod" -> "v1";
              case "Job", "CronJob" -> "batch/v1";
              default -> "apps/v1";
            })
        .append("\nkind: ")
        .append(kind)
        .append("\nmetadata:\n  name: ")
        .append(w.name())
        .append('\n');
    if (!w.ns().equals("default")) {
      b.append("  namespace: ").append(w.ns()).append('\n');
    }
    if (kind.equals("Pod")) {
      b.append(labels("  ", w.labels())).append("spec:\n").append(pod);
      if (!ips.isEmpty()) {
        b.append("status:\n  phase: Running\n");
        if (ips.size() == 1 && !ips.get(0).contains(":") && w.name().length() % 2 == 1) {
          b.append("  podIP: ").append(quote(ips.get(0))).append('\n');
        } else {
          b.append("  podIP: ").append(quote(ips.get(0))).append("\n  podIPs:\n");
          ips.forEach(ip -> b.append("  - ip: ").append(quote(ip)).append('\n'));
        }
      } else if (w.phasePending()) {
        b.append("status:\n  phase: Pending\n");
      }
      return b.toString();
    }
    b.append("  labels: {owner: team}\nspec:\n");
    String tin = "  ";
    if (kind.equals("CronJob")) {
      b.append("  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n");
      tin = "      ";
    }
    if (!kind.equals("Job") && !kind.equals("CronJob")) {
      b.append("  selector:\n    matchLabels: {gen: ").append(w.name()).append("}\n");
      if (!kind.equals("DaemonSet")) {
        b.append("  replicas: ").append(1 + w.name().length() % 3).append('\n');
      }
    }
    Map<String, String> tl = new TreeMap<>(w.labels());
    b.append(tin)
        .append("template:\n")
        .append(tin)
        .append(tl.isEmpty() ? "  metadata: {}\n" : "  metadata:\n")
        .append(labels(tin + "    ", tl));
    b.append(tin).append("  spec:\n").append(pod);
    if (kind.equals("Job") || kind.equals("CronJob")) {
      b.append(in).append("restartPolicy: Never\n");
    }
    return b.toString();
  }

  private static boolean rnd(Workload w) {
    return w.name().hashCode() % 2 == 0;
  }

  /** The nodes the Pods with an address name ({@link #workload}'s rendering, spec S6.10). */
  private List<String> podNodes() {
    List<String> out = new ArrayList<>();
    for (Workload w : workloads) {
      String walked = RandomWalkedNodes.podNode(seed, w.name());
      int node = Math.floorMod(w.name().hashCode() / 7, 4);
      if (w.kind().equals("Pod") && !w.ips().isEmpty() && (walked != null || node < 3)) {
        out.add(walked != null ? walked : "node" + node);
      }
    }
    return out;
  }

  private void hosts(RandomHostPaths paths) {
    int n = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0;
    for (int i = 0; i < n; i++) {
      StringBuilder b =
          new StringBuilder(
              "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: host"
                  + i
                  + "\n");
      Map<String, String> labels = new TreeMap<>(ownLabels());
      labels.put("node-role", pick(List.of("worker", "edge")));
      b.append(labels("  ", labels))
          .append("spec:\n  node: node")
          .append(i)
          .append("\n  interfaceName: ")
          .append(paths.interfaceName())
          .append('\n');
      List<String> ips = new ArrayList<>();
      int k = rnd.nextInt(6);
      if (k > 0) {
        take(free4, ips);
      }
      if (k == 1 || k == 2) {
        take(free6, ips);
      }
      if (!ips.isEmpty()) {
        b.append("  expectedIPs: [")
            .append(ips.stream().map(RandomCluster::quote).collect(Collectors.joining(", ")))
            .append("]\n");
      }
      List<String> profiles =
          dataplane.listed(
              "host" + i,
              rnd.nextBoolean() ? List.of("projectcalico-default-allow") : List.of()); // S4.6
      if (!profiles.isEmpty()) {
        b.append("  profiles: [").append(String.join(", ", profiles)).append("]\n");
      }
      if (rnd.nextInt(3) == 0) {
        String[] p = pick(NAMED);
        b.append("  ports:\n  - name: ")
            .append(p[0])
            .append("\n    protocol: ")
            .append(p[1])
            .append("\n    port: ")
            .append(p[2])
            .append('\n');
      }
      docs.add(b.toString());
    }
  }

  private void netsets() {
    Random likePods = new Random(seed * 0x6A09E667F3BCC909L + 53); // its own: the rest stays
    int n = rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      boolean global = rnd.nextBoolean();
      StringBuilder b =
          new StringBuilder(
              "apiVersion: projectcalico.org/v3\nkind: "
                  + (global ? "Global" : "")
                  + "NetworkSet\nmetadata:\n  name: set"
                  + i
                  + "\n");
      if (!global) {
        b.append("  namespace: ").append(pick(used)).append('\n');
      }
      Map<String, String> labels = new TreeMap<>();
      labels.put("set", pick(List.of("ext", "partner")));
      if (rnd.nextBoolean()) {
        labels.put("app", pick(APPS));
      }
      if (likePods.nextInt(3) == 0) { // spec S3.9: still none of a Service's pods
        labels.put("projectcalico.org/orchestrator", "k8s");
      }
      b.append(labels("  ", labels)).append("spec:\n  nets:\n");
      List<String> nets = new ArrayList<>();
      for (int j = 1 + rnd.nextInt(2); j > 0; j--) {
        String c = rnd.nextInt(4) == 0 ? pick(CIDRS6) : pick(CIDRS4);
        if (!nets.contains(c)) {
          nets.add(c);
        }
      }
      nets.forEach(c -> b.append("  - ").append(quote(c)).append('\n'));
      b.append(domains.netset());
      docs.add(b.toString());
    }
  }

  private void tiers() {
    tiers.add("default");
    if (rnd.nextBoolean()) {
      tiers.add("security");
      docs.add(
          "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: security\nspec:\n  order: 100\n"
              + (rnd.nextBoolean()
                  ? "  defaultAction: Pass\n"
                  : rnd.nextBoolean() ? "  defaultAction: Deny\n" : ""));
    }
    if (rnd.nextInt(3) == 0) {
      tiers.add("platform");
      docs.add(
          "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: platform\nspec:\n  order: "
              + pick(List.of("50", "200"))
              + "\n"
              + (rnd.nextBoolean() ? "  defaultAction: Pass\n" : ""));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // policies

  private String policy(int i) {
    int k = rnd.nextInt(10);
    if (k < 4) {
      return kubernetesPolicy(i, rnd.nextInt(8) == 0);
    }
    boolean global = k >= 8;
    boolean staged = rnd.nextInt(8) == 0;
    String tier = pick(tiers);
    String name = (tier.equals("default") ? "" : tier + ".") + "p" + i;
    StringBuilder b =
        new StringBuilder(
            "apiVersion: projectcalico.org/v3\nkind: "
                + (staged ? "Staged" : "")
                + (global ? "Global" : "")
                + "NetworkPolicy\n");
    b.append("metadata:\n  name: ").append(name).append('\n');
    String ns = global ? null : pick(used);
    if (ns != null) {
      b.append("  namespace: ").append(ns).append('\n');
    }
    b.append("spec:\n");
    if (!tier.equals("default") || rnd.nextInt(4) == 0) {
      b.append("  tier: ").append(tier).append('\n');
    }
    if (rnd.nextInt(4) > 0) {
      b.append("  order: ").append(pick(List.of("10", "100", "500", "1000", "1500"))).append('\n');
    }
    if (rnd.nextInt(5) > 0) {
      b.append("  selector: ").append(quote(selector(2))).append('\n');
    }
    if (global && rnd.nextInt(3) == 0) {
      b.append("  namespaceSelector: ").append(quote(namespaceSelector())).append('\n');
    }
    if (rnd.nextInt(8) == 0) {
      b.append("  serviceAccountSelector: ")
          .append(quote(rnd.nextBoolean() ? "role == 'a'" : "all()"))
          .append('\n');
    }
    int ingress = rnd.nextInt(4);
    int egress = rnd.nextInt(3);
    List<String> types = new ArrayList<>();
    if (ingress > 0 || rnd.nextBoolean()) {
      types.add("Ingress");
    }
    if (egress > 0 || rnd.nextInt(3) == 0) {
      types.add("Egress");
    }
    if (types.isEmpty()) {
      types.add("Ingress");
    }
    if (rnd.nextInt(4) > 0) {
      b.append("  types: [").append(String.join(", ", types)).append("]\n");
    } else {
      ingress = Math.max(ingress, types.contains("Ingress") ? 1 : 0);
      egress = types.contains("Egress") ? Math.max(egress, 1) : 0;
      if (!types.contains("Ingress")) {
        ingress = 0;
      }
    }
    if (types.contains("Ingress") && ingress > 0) {
      b.append("  ingress:\n");
      for (int r = 0; r < ingress; r++) {
        b.append(rule(true, global));
      }
    }
    if (types.contains("Egress") && egress > 0) {
      b.append("  egress:\n");
      for (int r = 0; r < egress; r++) {
        b.append(rule(false, global));
      }
    }
    return b.toString();
  }

  private String rule(boolean ingress, boolean global) {
    StringBuilder b = new StringBuilder();
    int a = rnd.nextInt(10);
    String action = a < 5 ? "Allow" : a < 8 ? "Deny" : a < 9 ? "Pass" : "Log";
    b.append("  - action: ").append(action).append('\n');
    int family = rnd.nextInt(6) == 0 ? 6 : 4;
    boolean versioned = rnd.nextInt(6) == 0;
    if (versioned) {
      b.append("    ipVersion: ").append(family).append('\n');
    }
    String protocol = null;
    int p = rnd.nextInt(10);
    if (p < 4) {
      protocol = "TCP";
    } else if (p < 6) {
      protocol = "UDP";
    } else if (p < 7) {
      protocol = family == 6 && versioned ? "ICMPv6" : "ICMP";
    } else if (p < 8) {
      protocol = "SCTP";
    }
    if (protocol != null) {
      b.append("    protocol: ").append(protocol).append('\n');
    } else if (rnd.nextInt(8) == 0) {
      b.append("    notProtocol: UDP\n");
    }
    if (protocol != null && protocol.startsWith("ICMP") && rnd.nextBoolean()) {
      b.append("    icmp: {type: 8").append(rnd.nextBoolean() ? ", code: 0" : "").append("}\n");
    }
    boolean ports = protocol != null && !protocol.startsWith("ICMP");
    String far = side(ingress ? "source" : "destination", true, ports && !ingress, family, global);
    String near = side(ingress ? "destination" : "source", false, ports && ingress, family, global);
    b.append(ingress ? far + near : near + far);
    return b.toString();
  }

  /**
   * A rule side; {@code farEnd}: the peer (selectors, nets); {@code ports}: the side that takes
   * ports.
   */
  private String side(String key, boolean farEnd, boolean ports, int family, boolean global) {
    String service = farEnd ? services.side(key) : null;
    if (service != null) {
      return service;
    }
    StringBuilder b = new StringBuilder();
    if (farEnd && rnd.nextInt(4) > 0) {
      switch (rnd.nextInt(10)) {
        case 0, 1, 2 -> b.append("      selector: ").append(quote(selector(1))).append('\n');
        case 3 ->
            b.append("      namespaceSelector: ")
                .append(quote(namespaceSelector()))
                .append('\n')
                .append(rnd.nextBoolean() ? "      selector: " + quote(selector(1)) + "\n" : "");
        case 4 -> b.append("      nets: [").append(quote(net(family))).append("]\n");
        case 5 ->
            b.append("      notNets: [")
                .append(quote(notNet(family)))
                .append("]\n")
                .append(rnd.nextBoolean() ? "      selector: " + quote(selector(1)) + "\n" : "");
        case 6 ->
            b.append("      selector: ")
                .append(
                    quote(
                        pick(
                            List.of(
                                "set == 'ext'", "has(set)", "set == 'partner' || app == 'db'"))))
                .append('\n');
        case 7 ->
            b.append(
                rnd.nextBoolean()
                    ? "      serviceAccounts:\n        names: [" + pick(ACCOUNTS) + "]\n"
                    : "      serviceAccounts:\n        selector: "
                        + quote(pick(List.of("role == 'a'", "all()", "!has(role)")))
                        + "\n");
        case 8 ->
            b.append(
                global && rnd.nextBoolean()
                    ? "      namespaceSelector: global()\n      selector: \"has(set) || has(node-role)\"\n"
                    : "      notSelector: " + quote(selector(0)) + "\n");
        default ->
            b.append("      namespaceSelector: ")
                .append(quote(namespaceSelector()))
                .append("\n      selector: \"has(set)\"\n");
      }
    }
    if (farEnd && key.equals("destination") && b.length() == 0) {
      b.append(domains.rule()); // an egress rule's peer (spec S3.6)
    }
    if (ports && rnd.nextInt(3) > 0) {
      List<String> list = new ArrayList<>();
      for (int i = 1 + rnd.nextInt(2); i > 0; i--) {
        list.add(
            switch (rnd.nextInt(4)) {
              case 0 -> pick(NAMED)[0];
              case 1 -> "\"8000:9000\"";
              default -> String.valueOf(pick(PORTS));
            });
      }
      b.append("      ")
          .append(rnd.nextInt(6) == 0 ? "notPorts" : "ports")
          .append(": [")
          .append(String.join(", ", list))
          .append("]\n");
    }
    return b.length() == 0 ? "" : "    " + key + ":\n" + b;
  }

  private String net(int family) {
    return family == 6 ? pick(CIDRS6) : pick(CIDRS4);
  }

  private String notNet(int family) {
    String c;
    do {
      c = net(family);
    } while (c.endsWith("/0"));
    return c;
  }

  private String kubernetesPolicy(int i, boolean staged) {
    String ns = pick(used);
    StringBuilder b =
        new StringBuilder(
            staged
                ? "apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\n"
                : "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n");
    b.append("metadata:\n  name: knp")
        .append(i)
        .append("\n  namespace: ")
        .append(ns)
        .append("\nspec:\n  podSelector:");
    b.append(labelSelector(true)).append('\n');
    boolean ingressType = rnd.nextInt(4) > 0;
    boolean egressType = !ingressType || rnd.nextInt(3) == 0;
    boolean written = rnd.nextInt(4) > 0 || !ingressType;
    if (written) {
      b.append("  policyTypes: [")
          .append(ingressType ? "Ingress" : "")
          .append(ingressType && egressType ? ", " : "")
          .append(egressType ? "Egress" : "")
          .append("]\n");
    }
    if (ingressType) {
      b.append(knpRules("ingress", "from"));
    }
    if (egressType) {
      b.append(knpRules("egress", "to"));
    }
    return b.toString();
  }

  private String knpRules(String key, String peers) {
    int n = rnd.nextInt(4);
    if (n == 0) {
      return rnd.nextBoolean() ? "" : "  " + key + ": []\n";
    }
    StringBuilder b = new StringBuilder("  " + key + ":\n");
    for (int r = 0; r < n; r++) {
      if (rnd.nextInt(6) == 0) {
        b.append("  - {}\n");
        continue;
      }
      boolean first = true;
      if (rnd.nextInt(4) > 0) {
        b.append("  - ").append(peers).append(":\n");
        first = false;
        for (int p = 1 + rnd.nextInt(2); p > 0; p--) {
          switch (rnd.nextInt(5)) {
            case 0 -> b.append("    - podSelector:").append(labelSelector(false)).append('\n');
            case 1 ->
                b.append("    - namespaceSelector:").append(namespaceLabelSelector()).append('\n');
            case 2 ->
                b.append("    - namespaceSelector:")
                    .append(namespaceLabelSelector())
                    .append("\n      podSelector:")
                    .append(labelSelector(false))
                    .append('\n');
            default -> {
              boolean v6 = rnd.nextInt(5) == 0;
              String cidr =
                  v6
                      ? pick(List.of("fd00:1::/64", "::/0"))
                      : pick(List.of("10.1.0.0/16", "0.0.0.0/0", "10.1.0.0/29", "203.0.113.0/24"));
              b.append("    - ipBlock:\n        cidr: ").append(quote(cidr)).append('\n');
              if (rnd.nextBoolean()) {
                String except =
                    v6
                        ? "fd00:1::/120"
                        : cidr.equals("10.1.0.0/29")
                            ? "10.1.0.0/30"
                            : cidr.equals("203.0.113.0/24") ? "203.0.113.0/25" : "10.1.0.0/30";
                b.append("        except: [").append(quote(except)).append("]\n");
              }
            }
          }
        }
      }
      if (rnd.nextInt(3) > 0) {
        b.append(first ? "  - " : "    ").append("ports:\n");
        for (int p = 1 + rnd.nextInt(2); p > 0; p--) {
          switch (rnd.nextInt(6)) {
            case 0 -> b.append("    - port: ").append(pick(NAMED)[0]).append('\n');
            case 1 -> b.append("    - protocol: UDP\n      port: 53\n");
            case 2 -> b.append("    - port: 8000\n      endPort: 9000\n");
            case 3 ->
                b.append("    - protocol: ")
                    .append(pick(List.of("TCP", "UDP", "SCTP")))
                    .append('\n');
            default ->
                b.append("    - port: ")
                    .append(pick(PORTS))
                    .append(rnd.nextBoolean() ? "\n      protocol: TCP\n" : "\n");
          }
        }
      } else if (first) {
        b.append("  - {}\n");
      }
    }
    return b.toString();
  }

  private String labelSelector(boolean policy) {
    return switch (rnd.nextInt(policy ? 5 : 4)) {
      case 0 -> " {}";
      case 1 ->
          "\n"
              + (policy ? "    " : "        ")
              + "matchExpressions:\n"
              + (policy ? "    " : "        ")
              + "- {key: app, operator: "
              + pick(
                  List.of(
                      "In, values: [web, api]", "NotIn, values: [db]", "Exists", "DoesNotExist"))
              + "}";
      default ->
          "\n"
              + (policy ? "    " : "        ")
              + "matchLabels: {"
              + (rnd.nextBoolean() ? "app: " + pick(APPS) : "tier: " + pick(TIERS))
              + "}";
    };
  }

  private String namespaceLabelSelector() {
    return switch (rnd.nextInt(4)) {
      case 0 -> " {}";
      case 1 -> "\n        matchLabels: {kubernetes.io/metadata.name: " + pick(used) + "}";
      default -> "\n        matchLabels: {team: " + pick(List.of("x", "y")) + "}";
    };
  }

  /** A Calico selector over the vocabulary. */
  private String selector(int depth) {
    return switch (rnd.nextInt(depth > 0 ? 11 : 7)) {
      case 0 -> "all()";
      case 1 -> "has(" + pick(List.of("app", "tier", "role")) + ")";
      case 2, 3 -> "app == '" + pick(APPS) + "'";
      case 4 -> "tier " + pick(List.of("==", "!=")) + " '" + pick(TIERS) + "'";
      case 5 -> "app in {'" + pick(APPS) + "', '" + pick(APPS) + "'}";
      case 6 -> "!has(" + pick(List.of("app", "tier")) + ")";
      case 7 -> "projectcalico.org/namespace == '" + pick(used) + "'";
      case 8 -> selector(depth - 1) + " && " + selector(depth - 1);
      case 9 -> "(" + selector(depth - 1) + " || " + selector(depth - 1) + ")";
      default -> "projectcalico.org/serviceaccount == '" + pick(ACCOUNTS) + "'";
    };
  }

  private String namespaceSelector() {
    return switch (rnd.nextInt(5)) {
      case 0 -> "all()";
      case 1 -> "projectcalico.org/name == '" + pick(used) + "'";
      case 2 -> "has(team)";
      default -> "team == '" + pick(List.of("x", "y")) + "'";
    };
  }

  /** Pods that have no workload endpoint: on the host network, or finished. */
  private void withoutEndpoints() {
    if (rnd.nextInt(6) == 0) {
      docs.add(
          "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: node-agent\n  namespace: "
              + pick(used)
              + "\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n"
              + "    spec:\n      hostNetwork: true\n      containers:\n      - name: agent\n        image: registry.example/agent:1\n");
    }
    if (rnd.nextInt(6) == 0) {
      docs.add(
          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: done\n  namespace: "
              + pick(used)
              + "\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: registry.example/app:1\nstatus:\n  phase: Succeeded\n  podIP: \"10.1.0.250\"\n");
    }
  }

  private void unmodelled() {
    if (rnd.nextInt(3) == 0) {
      Workload w = workloads.get(rnd.nextInt(workloads.size()));
      docs.add(
          "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-"
              + w.name()
              + "\n  namespace: "
              + w.ns()
              + "\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: http\n");
    }
    if (rnd.nextInt(5) == 0) {
      docs.add(
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: "
              + pick(used)
              + "\ndata:\n  mode: strict\n");
    }
    if (rnd.nextInt(5) == 0) {
      docs.add(
          "apiVersion: monitoring.example.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: mon\n  namespace: "
              + pick(used)
              + "\nspec:\n  endpoints:\n  - port: metrics\n");
    }
    dev.tierproof.model.FailsafePorts failsafe =
        dev.tierproof.smt.RandomFailsafe.draw(
            new Random(seed * 31 + 11),
            dev.tierproof.smt.RandomFailsafe.CLUSTER_NETS,
            List.of("node0", "node1", "node2"));
    if (rnd.nextInt(12) == 0) {
      enforcingUnmodelled = true;
      docs.add(
          "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n  name: default\nspec:\n"
              + "  chainInsertMode: Append\n");
    } else if (new Random(seed * 31 + 7).nextInt(6) == 0) {
      // spec S9.1: settings that change nothing modelled (drawn apart: every seed keeps its
      // cluster)
      docs.add(
          "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n  name: default\nspec:\n"
              + "  logSeverityScreen: Info\n  healthPort: 9099\n  vxlanPort: 4789\n"
              + "  defaultEndpointToHostAction: Accept\n  bpfConnectTimeLoadBalancing: TCP\n"
              + dev.tierproof.smt.RandomFailsafe.yaml(failsafe));
    }
    // spec S6.2: the host endpoints' nodes' own failsafe lists (node.<name> configurations)
    docs.addAll(dev.tierproof.smt.RandomFailsafe.nodeDocs(failsafe));
  }

  // ---------------------------------------------------------------------------------------------

  private Map<String, String> ownLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    if (rnd.nextInt(5) > 0) {
      labels.put("app", pick(APPS));
    }
    if (rnd.nextBoolean()) {
      labels.put("tier", pick(TIERS));
    }
    if (rnd.nextInt(4) == 0) {
      labels.put("role", pick(ROLES));
    }
    return labels;
  }

  private static String labels(String indent, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(indent + "labels:\n");
    labels.forEach(
        (k, v) -> b.append(indent).append("  ").append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }

  private static String quote(String selector) {
    return "\"" + selector + "\"";
  }

  private <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }
}
