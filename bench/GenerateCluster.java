import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Writes a synthetic, realistic Calico cluster as multi-document YAML for the benchmarks.
 *
 * <pre>
 * java bench/GenerateCluster.java --size small|medium|large [--seed N]
 *      [--variant base|changed] [--red-blue] --out DIR
 * </pre>
 *
 * <p>Output in DIR: {@code namespaces.yaml}, {@code pods.yaml}, {@code tiers.yaml},
 * {@code netsets.yaml}, {@code policies-security.yaml}, {@code policies-platform.yaml},
 * {@code policies-application.yaml}, {@code policies-default.yaml}, plus {@code refs.env}
 * (endpoint references the harness uses) and, for {@code --variant changed}, {@code changes.txt}.
 * Counts go to stderr.
 *
 * <p>Determinism: the same arguments give byte-identical files. Independent random streams are
 * used for structure, pods, network sets, the red/blue pair and the mutations, so
 * {@code --variant changed} differs from {@code base} in exactly 10 policies and nothing else, and
 * {@code --red-blue} only appends documents (plus two security policies).
 *
 * <p>Shape of the cluster: system namespaces kube-system, monitoring, ingress-nginx; application
 * namespaces ns-a, ns-b, ..., ns-z, ns-aa, ... with labels team/env/tier; apps per namespace
 * (frontend, backend with {@code api} always present, db); tiers security (100), platform (200),
 * application (300, defaultAction Pass) and the built-in default tier holding Kubernetes
 * NetworkPolicies (default-deny-ingress, allow-same-namespace, ...) and a GNP default deny.
 * ns-a's api depends on ns-b's api (grpc 9090), so ns-a → ns-b is reachable; dependencies only go
 * from lower to higher namespace index, and ns-a has no address-based ingress rules, so
 * ns-b/* → ns-a/* is meant to be isolated.
 *
 * <p>Only apiVersions, kinds and fields from shared/calico-semantics.md §2/§3 are used.
 */
@SuppressWarnings("unchecked") // the YAML tree is Map<String, Object> all the way down
public class GenerateCluster {

  // ---------------------------------------------------------------------------------------
  // sizes

  record Size(
      String name,
      int namespaces,
      int pods,
      int policies,
      int rules,
      int nodes,
      int threatFeeds,
      int threatCidrsPerFeed,
      int offices) {}

  static final Map<String, Size> SIZES = new LinkedHashMap<>();

  static {
    SIZES.put("small", new Size("small", 10, 200, 60, 300, 4, 1, 20, 2));
    SIZES.put("medium", new Size("medium", 50, 2_000, 300, 1_500, 20, 2, 120, 4));
    SIZES.put("large", new Size("large", 200, 10_000, 2_000, 10_000, 100, 4, 250, 12));
  }

  static final List<String> SYSTEM_NAMESPACES = List.of("kube-system", "monitoring", "ingress-nginx");

  static final List<String> TEAMS =
      List.of(
          "payments", "checkout", "search", "identity", "catalog", "logistics", "marketing",
          "analytics", "support", "billing", "growth", "mobile", "partners", "risk", "ads",
          "content", "media", "messaging", "pricing", "loyalty", "fulfilment", "inventory",
          "reviews", "recommend", "platform-tools", "data", "ml", "security-eng", "devex",
          "finance", "hr-apps", "legal-apps", "travel", "maps", "notify", "sre-tools",
          "edge", "storage-apps", "crm", "erp");

  static final List<String> FRONTENDS = List.of("web", "storefront", "portal", "dashboard", "admin-ui");

  static final List<String> BACKENDS =
      List.of(
          "orders", "payments", "catalog", "auth", "search", "inventory", "billing",
          "notifications", "users", "cart", "shipping", "reports", "gateway",
          "recommendations", "pricing", "reviews", "sessions", "ledger", "events", "media");

  static final String[] PARTNERS = {"acme", "globex", "initech", "umbrella", "hooli", "stark"};

  // ---------------------------------------------------------------------------------------
  // entry point

  public static void main(String[] args) {
    String sizeName = null;
    long seed = 42;
    String variant = "base";
    boolean redBlue = false;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> sizeName = need(args, ++i);
        case "--seed" -> seed = Long.parseLong(need(args, ++i));
        case "--variant" -> variant = need(args, ++i);
        case "--red-blue" -> redBlue = true;
        case "--out" -> out = Path.of(need(args, ++i));
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> fail("unknown argument `" + args[i] + "`");
      }
    }
    if (sizeName == null || out == null) fail("--size and --out are required");
    Size size = SIZES.get(sizeName);
    if (size == null) fail("unknown size `" + sizeName + "` (small, medium, large)");
    if (!variant.equals("base") && !variant.equals("changed")) {
      fail("unknown variant `" + variant + "` (base, changed)");
    }
    new GenerateCluster(size, seed, variant.equals("changed"), redBlue).run(out);
  }

  static String need(String[] args, int i) {
    if (i >= args.length) fail("missing value for `" + args[i - 1] + "`");
    return args[i];
  }

  static void usage() {
    System.err.println(
        "usage: java bench/GenerateCluster.java --size small|medium|large [--seed N]"
            + " [--variant base|changed] [--red-blue] --out DIR");
  }

  static void fail(String msg) {
    System.err.println("GenerateCluster: " + msg);
    usage();
    System.exit(2);
  }

  // ---------------------------------------------------------------------------------------
  // state

  final Size size;
  final long seed;
  final boolean changed;
  final boolean redBlue;

  final Random structRng;
  final Random podRng;
  final Random netRng;
  final Random extraRng;
  final Random mutRng;
  final Random rbRng;

  final List<Map<String, Object>> namespaceDocs = new ArrayList<>();
  final List<Map<String, Object>> podDocs = new ArrayList<>();
  final List<Map<String, Object>> tierDocs = new ArrayList<>();
  final List<Map<String, Object>> netsetDocs = new ArrayList<>();
  final List<Pol> policies = new ArrayList<>();

  /** One policy document and direct handles on its rule lists (mutations edit them in place). */
  static final class Pol {
    final String file; // security, platform, application, default
    final String kind; // GlobalNetworkPolicy, NetworkPolicy, KubernetesNetworkPolicy
    final String namespace;
    final String name;
    final Map<String, Object> doc;
    final List<Object> ingress;
    final List<Object> egress;
    String role = ""; // frontend/backend/db/partner for application policies
    boolean noNetIngress; // extras must not add address-based ingress rules

    Pol(String file, String kind, String namespace, String name, Map<String, Object> doc,
        List<Object> ingress, List<Object> egress) {
      this.file = file;
      this.kind = kind;
      this.namespace = namespace;
      this.name = name;
      this.doc = doc;
      this.ingress = ingress;
      this.egress = egress;
    }

    int rules() {
      return (ingress == null ? 0 : ingress.size()) + (egress == null ? 0 : egress.size());
    }

    String id() {
      return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }
  }

  /** An application namespace and what the policies need to know about it. */
  static final class Ns {
    final int index;
    final String name;
    String team;
    String env;
    String tier;
    String zone; // red/blue only
    final List<App> apps = new ArrayList<>();
    final List<String> deps = new ArrayList<>(); // namespaces whose api this one calls
    final List<String> dependents = new ArrayList<>();
    int knps;
    boolean partner;
    boolean corpIpBlock;
    boolean monitoringKnp;
    boolean egressKnp;
    int appBudget;
    int podBudget;
    String partnerCidr;

    Ns(int index, String name) {
      this.index = index;
      this.name = name;
    }

    boolean protectedNs() {
      return index == 0; // ns-a: keep ns-b/* -> ns-a/* isolation provable
    }
  }

  record App(String name, String role, boolean ports, String db, int replicas, String sa) {}

  GenerateCluster(Size size, long seed, boolean changed, boolean redBlue) {
    this.size = size;
    this.seed = seed;
    this.changed = changed;
    this.redBlue = redBlue;
    this.structRng = new Random(seed * 1_000_003L + 1);
    this.podRng = new Random(seed * 1_000_003L + 2);
    this.netRng = new Random(seed * 1_000_003L + 3);
    this.extraRng = new Random(seed * 1_000_003L + 4);
    this.mutRng = new Random(seed * 1_000_003L + 5);
    this.rbRng = new Random(seed * 1_000_003L + 6);
  }

  final List<Ns> appNamespaces = new ArrayList<>();
  final List<String> refs = new ArrayList<>();
  final List<String> changes = new ArrayList<>();
  String corpCidr = "172.20.0.0/16";
  String vpnCidr = "192.168.100.0/22";
  final List<String> nodes = new ArrayList<>();
  final Map<String, int[]> nodeBlocks = new LinkedHashMap<>(); // node -> {blockIndex, used}
  int nextBlock = 0;

  void run(Path out) {
    for (int i = 1; i <= size.nodes(); i++) nodes.add(String.format(Locale.ROOT, "node-%03d", i));

    planNamespaces();
    tiers();
    netsets();
    globalPolicies();
    namespacePolicies();
    int baseRules = totalRules();
    int topUp = Math.max(0, size.rules() - baseRules - (redBlue ? 0 : 0));
    extras(topUp);
    pods();
    if (redBlue) redBlue();
    if (changed) mutate();
    write(out);
    report(baseRules, topUp);
  }

  int totalRules() {
    int n = 0;
    for (Pol p : policies) n += p.rules();
    return n;
  }

  // ---------------------------------------------------------------------------------------
  // namespaces and the application plan

  static String letters(int i) {
    // bijective base 26: 0 -> a, 25 -> z, 26 -> aa
    StringBuilder sb = new StringBuilder();
    int n = i + 1;
    while (n > 0) {
      n--;
      sb.append((char) ('a' + n % 26));
      n /= 26;
    }
    return sb.reverse().toString();
  }

  void planNamespaces() {
    int appCount = size.namespaces() - SYSTEM_NAMESPACES.size();
    int teamCount = Math.min(TEAMS.size(), Math.max(3, appCount / 4));
    for (int i = 0; i < appCount; i++) {
      Ns ns = new Ns(i, "ns-" + letters(i));
      ns.team = i == 0 ? "payments" : i == 1 ? "checkout" : TEAMS.get(2 + structRng.nextInt(teamCount - 2));
      double e = structRng.nextDouble();
      ns.env = i <= 1 ? "prod" : e < 0.5 ? "prod" : e < 0.8 ? "staging" : "dev";
      ns.tier = pick(structRng, "gold", "silver", "silver", "bronze");
      appNamespaces.add(ns);
    }
    // dependencies: a DAG from lower to higher index; ns-a -> ns-b always
    for (Ns ns : appNamespaces) {
      int want = ns.index == 0 ? 1 : structRng.nextInt(3);
      Set<Integer> chosen = new TreeSet<>();
      if (ns.index == 0 && appNamespaces.size() > 1) chosen.add(1);
      int tries = 0;
      while (chosen.size() < want && tries++ < 20 && ns.index < appNamespaces.size() - 1) {
        int span = Math.min(12, appNamespaces.size() - ns.index - 1);
        int j = ns.index + 1 + structRng.nextInt(span);
        if (ns.index == 0 && j != 1) continue;
        chosen.add(j);
      }
      for (int j : chosen) {
        ns.deps.add(appNamespaces.get(j).name);
        appNamespaces.get(j).dependents.add(ns.name);
      }
    }
    // default-tier Kubernetes policies and the partner network set, per namespace
    for (Ns ns : appNamespaces) {
      ns.corpIpBlock = !ns.protectedNs() && structRng.nextDouble() < 0.4;
      ns.monitoringKnp = structRng.nextDouble() < 0.3;
      ns.egressKnp = structRng.nextDouble() < 0.2;
      ns.partner = structRng.nextDouble() < 0.25;
      ns.knps = 2 + (ns.corpIpBlock ? 1 : 0) + (ns.monitoringKnp ? 1 : 0) + (ns.egressKnp ? 1 : 0);
    }
    int globals = globalPolicyCount();
    int fixed = globals;
    for (Ns ns : appNamespaces) fixed += ns.knps + (ns.partner ? 1 : 0);
    int appBudget = size.policies() - fixed;
    // too few policies left for three apps per namespace: drop optional per-namespace extras
    while (appBudget < 3 * appNamespaces.size()) {
      Ns ns = appNamespaces.get(structRng.nextInt(appNamespaces.size()));
      if (ns.egressKnp) {
        ns.egressKnp = false;
        ns.knps--;
      } else if (ns.monitoringKnp) {
        ns.monitoringKnp = false;
        ns.knps--;
      } else if (ns.corpIpBlock) {
        ns.corpIpBlock = false;
        ns.knps--;
      } else if (ns.partner) {
        ns.partner = false;
      } else {
        continue;
      }
      appBudget++;
    }
    double[] w = new double[appNamespaces.size()];
    int[] min = new int[appNamespaces.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.4 + 1.6 * structRng.nextDouble();
      min[i] = 3;
    }
    int[] budget = apportion(appBudget, w, min);
    for (int i = 0; i < w.length; i++) appNamespaces.get(i).appBudget = budget[i];

    // pods: system pods first, the rest spread over namespaces
    int appPods = size.pods() - systemPodCount();
    double[] pw = new double[appNamespaces.size()];
    int[] pmin = new int[appNamespaces.size()];
    for (int i = 0; i < pw.length; i++) {
      pw[i] = appNamespaces.get(i).appBudget * (0.5 + structRng.nextDouble());
      pmin[i] = appNamespaces.get(i).appBudget + 1;
    }
    int[] pb = apportion(appPods, pw, pmin);
    for (int i = 0; i < pw.length; i++) appNamespaces.get(i).podBudget = pb[i];

    for (Ns ns : appNamespaces) planApps(ns);

    // namespace documents
    for (String sys : SYSTEM_NAMESPACES) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("kubernetes.io/metadata.name", sys);
      labels.put("team", "platform");
      labels.put("tier", "platform");
      namespaceDocs.add(namespace(sys, labels));
    }
    for (Ns ns : appNamespaces) namespaceDocs.add(namespace(ns.name, nsLabels(ns)));
  }

  static Map<String, String> nsLabels(Ns ns) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/metadata.name", ns.name);
    labels.put("team", ns.team);
    labels.put("env", ns.env);
    labels.put("tier", ns.tier);
    if (ns.zone != null) labels.put("zone", ns.zone);
    return labels;
  }

  int systemPodCount() {
    return dnsReplicas() + 2 /* prometheus */ + 1 /* kube-state-metrics */ + ingressReplicas();
  }

  int dnsReplicas() {
    return Math.max(2, size.nodes() / 25);
  }

  int ingressReplicas() {
    return Math.max(2, size.nodes() / 20);
  }

  void planApps(Ns ns) {
    int k = ns.appBudget; // the partner policy is budgeted separately
    int f = 1 + (k >= 7 ? 1 : 0) + (k >= 11 ? 1 : 0);
    int d = 1 + (k >= 6 ? 1 : 0);
    int b = k - f - d;
    List<String> fronts = new ArrayList<>(FRONTENDS);
    Collections.shuffle(fronts, structRng);
    List<String> backs = new ArrayList<>(BACKENDS);
    Collections.shuffle(backs, structRng);
    List<String[]> plan = new ArrayList<>(); // name, role, db
    for (int i = 0; i < f; i++) plan.add(new String[] {fronts.get(i), "frontend", null});
    plan.add(new String[] {"api", "backend", null});
    for (int i = 1; i < b; i++) {
      String name = backs.get((i - 1) % backs.size());
      if (i - 1 >= backs.size()) name = name + "-" + (1 + (i - 1) / backs.size());
      plan.add(new String[] {name, "backend", null});
    }
    plan.add(new String[] {"postgres", "db", "postgres"});
    if (d > 1) plan.add(new String[] {"redis", "db", "redis"});

    double[] w = new double[plan.size()];
    int[] min = new int[plan.size()];
    for (int i = 0; i < w.length; i++) {
      String role = plan.get(i)[1];
      w[i] = (role.equals("frontend") ? 3 : role.equals("backend") ? 2 : 0.7) * (0.5 + structRng.nextDouble());
      min[i] = 1;
    }
    int[] reps = apportion(ns.podBudget, w, min);
    for (int i = 0; i < plan.size(); i++) {
      String[] p = plan.get(i);
      boolean ports = !p[1].equals("frontend") || structRng.nextDouble() >= 0.15;
      String sa = structRng.nextDouble() < 0.8 ? p[0] : "default";
      ns.apps.add(new App(p[0], p[1], ports, p[2], reps[i], sa));
    }
  }

  static Map<String, Object> namespace(String name, Map<String, String> labels) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "v1");
    doc.put("kind", "Namespace");
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("name", name);
    md.put("labels", new LinkedHashMap<>(labels));
    doc.put("metadata", md);
    return doc;
  }

  // ---------------------------------------------------------------------------------------
  // tiers and network sets

  void tiers() {
    tierDocs.add(tier("security", 100, null));
    tierDocs.add(tier("platform", 200, null));
    tierDocs.add(tier("application", 300, "Pass"));
  }

  static Map<String, Object> tier(String name, int order, String defaultAction) {
    Map<String, Object> doc = header("projectcalico.org/v3", "Tier", name, null);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("order", order);
    if (defaultAction != null) spec.put("defaultAction", defaultAction);
    doc.put("spec", spec);
    return doc;
  }

  static Map<String, Object> header(String apiVersion, String kind, String name, String namespace) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", apiVersion);
    doc.put("kind", kind);
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("name", name);
    if (namespace != null) md.put("namespace", namespace);
    doc.put("metadata", md);
    return doc;
  }

  int netsetCidrs = 0;

  void netsets() {
    // the public internet: everything but private, shared, loopback, link-local and multicast
    long[][] excluded = {
      {ip("0.0.0.0"), ip("0.255.255.255")},
      {ip("10.0.0.0"), ip("10.255.255.255")},
      {ip("100.64.0.0"), ip("100.127.255.255")},
      {ip("127.0.0.0"), ip("127.255.255.255")},
      {ip("169.254.0.0"), ip("169.254.255.255")},
      {ip("172.16.0.0"), ip("172.31.255.255")},
      {ip("192.168.0.0"), ip("192.168.255.255")},
      {ip("224.0.0.0"), ip("255.255.255.255")},
    };
    List<String> publicNets = new ArrayList<>();
    long cur = 0;
    for (long[] ex : excluded) {
      if (ex[0] > cur) publicNets.addAll(rangeToCidrs(cur, ex[0] - 1));
      cur = ex[1] + 1;
    }
    netsetDocs.add(gns("public-internet", labels("role", "public-internet"), publicNets, null));

    List<String> corp = new ArrayList<>(List.of(corpCidr, "172.21.0.0/16", "172.22.0.0/16"));
    netsetDocs.add(gns("corporate-networks", labels("role", "corporate"), corp, null));
    netsetDocs.add(gns("vpn-users", labels("role", "vpn"), List.of(vpnCidr), null));
    for (int i = 1; i <= size.offices(); i++) {
      String cidr = "172.24." + (i * 8) + ".0/21";
      netsetDocs.add(
          gns(String.format(Locale.ROOT, "office-%02d", i),
              labels("role", "corporate", "site", String.format(Locale.ROOT, "office-%02d", i)),
              List.of(cidr), null));
    }
    String[] vendors = {"spamhaus-drop", "abuse-ch", "emerging-threats", "firehol-level1", "tor-exits", "crowd-intel"};
    Set<String> used = new HashSet<>();
    for (int f = 0; f < size.threatFeeds(); f++) {
      List<String> nets = new ArrayList<>();
      while (nets.size() < size.threatCidrsPerFeed()) {
        String c = randomPublicCidr(netRng, netRng.nextDouble() < 0.7 ? 24 : 32);
        if (used.add(c)) nets.add(c);
      }
      netsetDocs.add(
          gns("threat-feed-" + vendors[f % vendors.length],
              labels("feed", "known-bad", "source", vendors[f % vendors.length]), nets, null));
    }
    List<String> embargo = new ArrayList<>();
    while (embargo.size() < 12) {
      String c = randomPublicCidr(netRng, 16);
      if (used.add(c)) embargo.add(c);
    }
    netsetDocs.add(gns("embargoed-regions", labels("feed", "embargo"), embargo, null));
    netsetDocs.add(
        gns("ntp-servers", labels("role", "ntp"),
            List.of("162.159.200.1/32", "162.159.200.123/32", "216.239.35.0/32", "216.239.35.4/32"), null));
    netsetDocs.add(
        gns("saas-apis", labels("role", "saas-apis"), null,
            List.of("api.stripe.com", "*.amazonaws.com", "api.github.com", "tigera.io", "*.sendgrid.net")));
    netsetDocs.add(
        gns("package-registries", labels("role", "registries"), List.of("151.101.0.0/16"),
            List.of("registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "*.docker.io", "repo.maven.apache.org")));

    // namespaced partner network sets
    for (Ns ns : appNamespaces) {
      if (!ns.partner) continue;
      String partner = PARTNERS[netRng.nextInt(PARTNERS.length)];
      String c;
      do {
        c = randomPublicCidr(netRng, 24);
      } while (!used.add(c));
      ns.partnerCidr = c;
      Map<String, Object> doc = header("projectcalico.org/v3", "NetworkSet", "partner-apis", ns.name);
      ((Map<String, Object>) doc.get("metadata")).put("labels", labels("role", "partner", "partner", partner));
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("nets", new ArrayList<>(List.of(c)));
      doc.put("spec", spec);
      netsetCidrs++;
      netsetDocs.add(doc);
    }
  }

  Map<String, Object> gns(String name, Map<String, Object> labels, List<String> nets, List<String> domains) {
    Map<String, Object> doc = header("projectcalico.org/v3", "GlobalNetworkSet", name, null);
    ((Map<String, Object>) doc.get("metadata")).put("labels", labels);
    Map<String, Object> spec = new LinkedHashMap<>();
    if (nets != null) {
      spec.put("nets", new ArrayList<>(nets));
      netsetCidrs += nets.size();
    }
    if (domains != null) spec.put("allowedEgressDomains", new ArrayList<>(domains));
    doc.put("spec", spec);
    return doc;
  }

  static String randomPublicCidr(Random r, int prefix) {
    while (true) {
      int a = 1 + r.nextInt(223);
      if (a == 10 || a == 100 || a == 127 || a == 169 || a == 172 || a == 192 || a == 198 || a == 203) continue;
      int b = r.nextInt(256);
      int c = r.nextInt(256);
      int d = r.nextInt(256);
      return switch (prefix) {
        case 16 -> a + "." + b + ".0.0/16";
        case 24 -> a + "." + b + "." + c + ".0/24";
        default -> a + "." + b + "." + c + "." + d + "/32";
      };
    }
  }

  static long ip(String s) {
    String[] p = s.split("\\.");
    long v = 0;
    for (String x : p) v = (v << 8) | Long.parseLong(x);
    return v;
  }

  static String ipString(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  static List<String> rangeToCidrs(long start, long end) {
    List<String> out = new ArrayList<>();
    while (start <= end) {
      int bits = start == 0 ? 32 : Long.numberOfTrailingZeros(start);
      bits = Math.min(bits, 32);
      while (bits > 0 && start + (1L << bits) - 1 > end) bits--;
      out.add(ipString(start) + "/" + (32 - bits));
      start += 1L << bits;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // rules: small builders

  static Map<String, Object> labels(String... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  static Map<String, Object> one(String k, Object v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k, v);
    return m;
  }

  static Map<String, Object> rule(String action) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("action", action);
    return r;
  }

  static Map<String, Object> rule(String action, String protocol) {
    Map<String, Object> r = rule(action);
    if (protocol != null) r.put("protocol", protocol);
    return r;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> side(Map<String, Object> r, String which) {
    return (Map<String, Object>) r.computeIfAbsent(which, k -> new LinkedHashMap<String, Object>());
  }

  static Map<String, Object> src(Map<String, Object> r, String... kv) {
    Map<String, Object> s = side(r, "source");
    for (int i = 0; i < kv.length; i += 2) s.put(kv[i], kv[i + 1]);
    return r;
  }

  static Map<String, Object> dst(Map<String, Object> r, String... kv) {
    Map<String, Object> s = side(r, "destination");
    for (int i = 0; i < kv.length; i += 2) s.put(kv[i], kv[i + 1]);
    return r;
  }

  static Map<String, Object> put(Map<String, Object> r, String side, String key, Object value) {
    side(r, side).put(key, value);
    return r;
  }

  static List<Object> list(Object... xs) {
    return new ArrayList<>(Arrays.asList(xs));
  }

  static String q(String v) {
    return "'" + v + "'";
  }

  // ---------------------------------------------------------------------------------------
  // global policies (security, platform, default GNP)

  int globalPolicyCount() {
    return 7 + 8 + 1;
  }

  Pol gnp(String file, String tier, String name, double order, String selector, String nsSelector,
      List<Object> ingress, List<Object> egress) {
    Map<String, Object> doc = header("projectcalico.org/v3", "GlobalNetworkPolicy", name, null);
    Map<String, Object> spec = new LinkedHashMap<>();
    if (tier != null) spec.put("tier", tier);
    spec.put("order", order == Math.rint(order) ? (Object) (int) order : (Object) order);
    if (selector != null) spec.put("selector", selector);
    if (nsSelector != null) spec.put("namespaceSelector", nsSelector);
    List<Object> types = new ArrayList<>();
    if (ingress != null) types.add("Ingress");
    if (egress != null) types.add("Egress");
    spec.put("types", types);
    if (ingress != null && !ingress.isEmpty()) spec.put("ingress", ingress);
    if (egress != null && !egress.isEmpty()) spec.put("egress", egress);
    doc.put("spec", spec);
    // keep the lists reachable for mutation even when empty: attach on write
    Pol p = new Pol(file, "GlobalNetworkPolicy", null, name, doc, ingress, egress);
    policies.add(p);
    return p;
  }

  void globalPolicies() {
    String notSystem =
        "has(projectcalico.org/name) && projectcalico.org/name not in {'kube-system', 'monitoring', 'ingress-nginx'}";
    // security: deny what is known bad, quarantine, then Pass everything else
    gnp("security", "security", "security.quarantine", 10, "quarantine == 'true'", null,
        list(src(rule("Log"), "selector", "all()"), rule("Deny")),
        list(dst(rule("Log"), "selector", "all()"), rule("Deny")));
    gnp("security", "security", "security.block-known-bad", 100, "all()", null,
        list(src(rule("Log"), "selector", "feed == 'known-bad'"), src(rule("Deny"), "selector", "feed == 'known-bad'")),
        list(dst(rule("Log"), "selector", "feed == 'known-bad'"), dst(rule("Deny"), "selector", "feed == 'known-bad'")));
    gnp("security", "security", "security.block-embargo", 110, null, "all()",
        list(src(rule("Deny"), "selector", "feed == 'embargo'")),
        list(dst(rule("Deny"), "selector", "feed == 'embargo'")));
    gnp("security", "security", "security.block-cloud-metadata", 120, null, notSystem,
        null,
        list(put(rule("Deny"), "destination", "nets", list("169.254.169.254/32"))));
    gnp("security", "security", "security.prod-isolation", 200, null, "env == 'prod'",
        list(src(rule("Deny"), "namespaceSelector", "env in {'dev', 'staging'}")),
        null);
    gnp("security", "security", "security.dev-internet-https-only", 210, null, "env == 'dev'",
        null,
        list(put(dst(rule("Deny", "TCP"), "selector", "role == 'public-internet'"), "destination", "notPorts", list(443)),
            put(dst(rule("Deny", "UDP"), "selector", "role == 'public-internet'"), "destination", "notPorts", list(53, 123))));
    gnp("security", "security", "security.pass", 10000, "all()", null,
        list(rule("Pass")), list(rule("Pass")));

    // platform: DNS, monitoring, ingress controller, API server, NTP, then Pass
    String kubeDns = "k8s-app == 'kube-dns'";
    String inKubeSystem = "projectcalico.org/name == 'kube-system'";
    gnp("platform", "platform", "platform.allow-dns", 100, null, "all()", null,
        list(put(dst(rule("Allow", "UDP"), "namespaceSelector", inKubeSystem, "selector", kubeDns), "destination", "ports", list(53)),
            put(dst(rule("Allow", "TCP"), "namespaceSelector", inKubeSystem, "selector", kubeDns), "destination", "ports", list(53))));
    gnp("platform", "platform", "platform.kube-dns", 110, kubeDns, inKubeSystem,
        list(put(rule("Allow", "UDP"), "destination", "ports", list("dns")),
            put(rule("Allow", "TCP"), "destination", "ports", list("dns-tcp")),
            put(src(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name == 'monitoring'", "selector", "app == 'prometheus'"),
                "destination", "ports", list("metrics"))),
        list(put(put(rule("Allow", "UDP"), "destination", "nets", list("8.8.8.8/32", "1.1.1.1/32")), "destination", "ports", list(53)),
            put(put(rule("Allow", "TCP"), "destination", "nets", list("8.8.8.8/32", "1.1.1.1/32")), "destination", "ports", list(53, 853))));
    gnp("platform", "platform", "platform.monitoring-scrape", 200, null, "all()",
        list(put(src(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name == 'monitoring'", "selector", "app == 'prometheus'"),
            "destination", "ports", list("metrics", 9100))),
        null);
    gnp("platform", "platform", "platform.prometheus", 210, "app in {'prometheus', 'kube-state-metrics'}",
        "projectcalico.org/name == 'monitoring'",
        list(put(src(rule("Allow", "TCP"), "selector", "role == 'vpn'"), "destination", "ports", list("web")),
            put(src(rule("Allow", "TCP"), "selector", "app == 'prometheus'"), "destination", "ports", list("web", "http-metrics"))),
        list(put(rule("Allow", "TCP"), "destination", "ports", list("metrics", 9100, "9153:9154", 10254)),
            put(put(rule("Allow", "TCP"), "destination", "nets", list("192.168.0.10/32", "192.168.0.11/32", "192.168.0.12/32")),
                "destination", "ports", list(6443))));
    gnp("platform", "platform", "platform.ingress-nginx", 300, "app == 'ingress-nginx'",
        "projectcalico.org/name == 'ingress-nginx'",
        list(put(rule("Allow", "TCP"), "destination", "ports", list(80, 443)),
            put(src(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name == 'monitoring'"), "destination", "ports", list("metrics"))),
        list(put(dst(rule("Allow", "TCP"), "namespaceSelector", "has(team) && team != 'platform'", "selector", "tier == 'frontend'"),
            "destination", "ports", list("http", 8080))));
    gnp("platform", "platform", "platform.allow-apiserver", 400,
        "app in {'ingress-nginx', 'prometheus', 'kube-state-metrics'} || k8s-app == 'kube-dns'", "all()",
        null,
        list(put(put(rule("Allow", "TCP"), "destination", "nets", list("192.168.0.10/32", "192.168.0.11/32", "192.168.0.12/32")),
            "destination", "ports", list(6443))));
    gnp("platform", "platform", "platform.allow-ntp", 500, null, "all()", null,
        list(put(dst(rule("Allow", "UDP"), "selector", "role == 'ntp'"), "destination", "ports", list(123))));
    gnp("platform", "platform", "platform.pass", 10000, "all()", null, list(rule("Pass")), list(rule("Pass")));

    // default tier: a global default deny for application namespaces, after the KNPs (1000)
    gnp("default", null, "default-deny", 2000, null, notSystem, list(), list());
  }

  // ---------------------------------------------------------------------------------------
  // namespaced policies: application tier NPs and default tier KNPs

  void namespacePolicies() {
    for (Ns ns : appNamespaces) {
      applicationPolicies(ns);
      kubernetesPolicies(ns);
    }
  }

  Pol np(Ns ns, String name, double order, String selector, String role, List<Object> ingress, List<Object> egress) {
    Map<String, Object> doc = header("projectcalico.org/v3", "NetworkPolicy", name, ns.name);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("tier", "application");
    spec.put("order", (int) order);
    spec.put("selector", selector);
    List<Object> types = new ArrayList<>();
    if (ingress != null) types.add("Ingress");
    if (egress != null) types.add("Egress");
    spec.put("types", types);
    if (ingress != null) spec.put("ingress", ingress);
    if (egress != null) spec.put("egress", egress);
    doc.put("spec", spec);
    Pol p = new Pol("application", "NetworkPolicy", ns.name, name, doc, ingress, egress);
    p.role = role;
    p.noNetIngress = ns.protectedNs();
    policies.add(p);
    return p;
  }

  static Object port(App a, String name, int number) {
    return a != null && a.ports() ? name : number;
  }

  void applicationPolicies(Ns ns) {
    boolean hasRedis = ns.apps.stream().anyMatch(a -> "redis".equals(a.db()));
    for (App a : ns.apps) {
      String sel = "app == " + q(a.name());
      switch (a.role()) {
        case "frontend" -> {
          List<Object> in = list(
              put(src(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name == 'ingress-nginx'", "selector", "app == 'ingress-nginx'"),
                  "destination", "ports", list(port(a, "http", 8080))));
          List<Object> out = list(
              put(dst(rule("Allow", "TCP"), "selector", "tier == 'backend'"), "destination", "ports", list("http")));
          if (structRng.nextDouble() < 0.4) {
            out.add(put(dst(rule("Allow", "TCP"), "namespaceSelector", "global()", "selector", "role == 'saas-apis'"), "destination", "ports", list(443)));
          }
          np(ns, "application." + a.name(), 100, sel, "frontend", in, out);
        }
        case "backend" -> {
          List<Object> in = list(
              put(src(rule("Allow", "TCP"), "selector", "tier == 'frontend'"), "destination", "ports", list("http", "grpc")));
          if (a.name().equals("api") && !ns.dependents.isEmpty()) {
            StringBuilder set = new StringBuilder();
            for (String d : ns.dependents) set.append(set.length() == 0 ? "" : ", ").append(q(d));
            in.add(put(src(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name in {" + set + "}", "selector", "tier == 'backend'"),
                "destination", "ports", list("grpc")));
          }
          if (structRng.nextDouble() < 0.5) {
            in.add(put(src(rule("Allow", "TCP"), "selector", "tier == 'backend' && app != " + q(a.name())), "destination", "ports", list("grpc")));
          }
          List<Object> out = list(
              put(dst(rule("Allow", "TCP"), "selector", "tier == 'db'"), "destination", "ports",
                  hasRedis ? list("postgres", "redis") : list("postgres")));
          if (a.name().equals("api")) {
            for (String d : ns.deps) {
              out.add(put(dst(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name == " + q(d), "selector", "app == 'api'"),
                  "destination", "ports", list("grpc")));
            }
          }
          if (structRng.nextDouble() < 0.5) {
            out.add(put(dst(rule("Allow", "TCP"), "selector", "tier == 'backend'"), "destination", "ports", list("grpc")));
          }
          if (structRng.nextDouble() < 0.3) {
            out.add(put(rule("Deny", "TCP"), "destination", "notPorts", list("http", "grpc", "postgres", 443)));
          }
          np(ns, "application." + a.name(), 200, sel, "backend", in, out);
        }
        default -> { // db
          String p = a.db().equals("redis") ? "redis" : "postgres";
          int num = a.db().equals("redis") ? 6379 : 5432;
          List<Object> in = list(
              put(src(rule("Allow", "TCP"), "selector", "tier == 'backend'"), "destination", "ports", list(a.ports() ? p : num)));
          if (structRng.nextDouble() < 0.5) {
            in.add(rule("Log"));
            in.add(rule("Deny"));
          }
          List<Object> out = list(rule("Deny"));
          np(ns, "application." + a.name(), 300, sel, "db", in, out);
        }
      }
    }
    if (ns.partner) {
      np(ns, "application.partner-egress", 400, "tier == 'backend'", "partner", null,
          list(put(dst(rule("Allow", "TCP"), "selector", "role == 'partner'"), "destination", "ports", list(443, 8443))));
    }
  }

  Pol knp(Ns ns, String name, Map<String, Object> podSelector, List<String> types, List<Object> ingress, List<Object> egress) {
    Map<String, Object> doc = header("networking.k8s.io/v1", "NetworkPolicy", name, ns.name);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("podSelector", podSelector);
    spec.put("policyTypes", new ArrayList<>(types));
    if (ingress != null) spec.put("ingress", ingress);
    if (egress != null) spec.put("egress", egress);
    doc.put("spec", spec);
    Pol p = new Pol("default", "KubernetesNetworkPolicy", ns.name, name, doc, ingress, egress);
    policies.add(p);
    return p;
  }

  static Map<String, Object> matchLabels(String... kv) {
    return one("matchLabels", labels(kv));
  }

  static Map<String, Object> kport(String protocol, Object port) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (protocol != null) m.put("protocol", protocol);
    m.put("port", port);
    return m;
  }

  void kubernetesPolicies(Ns ns) {
    knp(ns, "default-deny-ingress", new LinkedHashMap<>(), List.of("Ingress"), null, null);
    knp(ns, "allow-same-namespace", new LinkedHashMap<>(), List.of("Ingress"),
        list(one("from", list(one("podSelector", new LinkedHashMap<>())))), null);
    if (ns.corpIpBlock) {
      Map<String, Object> ipBlock = new LinkedHashMap<>();
      ipBlock.put("cidr", corpCidr);
      ipBlock.put("except", list("172.20.66.0/24"));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("from", list(one("ipBlock", ipBlock)));
      r.put("ports", list(kport("TCP", 8080), kport("TCP", 8443)));
      knp(ns, "allow-corp-ipblock", matchLabels("tier", "frontend"), List.of("Ingress"), list(r), null);
    }
    if (ns.monitoringKnp) {
      Map<String, Object> peer = new LinkedHashMap<>();
      peer.put("namespaceSelector", matchLabels("kubernetes.io/metadata.name", "monitoring"));
      peer.put("podSelector", matchLabels("app", "prometheus"));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("from", list(peer));
      r.put("ports", list(kport(null, "metrics")));
      knp(ns, "allow-monitoring", new LinkedHashMap<>(), List.of("Ingress"), list(r), null);
    }
    if (ns.egressKnp) {
      Map<String, Object> dns = new LinkedHashMap<>();
      dns.put("namespaceSelector", matchLabels("kubernetes.io/metadata.name", "kube-system"));
      dns.put("podSelector", matchLabels("k8s-app", "kube-dns"));
      Map<String, Object> r1 = new LinkedHashMap<>();
      r1.put("to", list(one("podSelector", new LinkedHashMap<>())));
      Map<String, Object> r2 = new LinkedHashMap<>();
      r2.put("to", list(dns));
      r2.put("ports", list(kport("UDP", 53), kport("TCP", 53)));
      Map<String, Object> exprSel = new LinkedHashMap<>();
      Map<String, Object> expr = new LinkedHashMap<>();
      expr.put("key", "tier");
      expr.put("operator", "In");
      expr.put("values", list("backend", "db"));
      exprSel.put("matchExpressions", list(expr));
      knp(ns, "restrict-egress", exprSel, List.of("Egress"), null, list(r1, r2));
    }
  }

  // ---------------------------------------------------------------------------------------
  // extra rules: top the rule count up to the target with realistic additions

  void extras(int count) {
    List<Pol> targets = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    double total = 0;
    for (Pol p : policies) {
      if (!p.file.equals("application") || p.role.equals("partner")) continue;
      double w = 0.2 - Math.log(1 - extraRng.nextDouble()); // long-tailed
      targets.add(p);
      weights.add(w);
      total += w;
    }
    Map<String, Ns> byName = new LinkedHashMap<>();
    for (Ns ns : appNamespaces) byName.put(ns.name, ns);
    int added = 0;
    for (int guard = 0; added < count && guard < count * 20; guard++) {
      double x = extraRng.nextDouble() * total;
      int i = 0;
      while (i < targets.size() - 1 && (x -= weights.get(i)) > 0) i++;
      Pol p = targets.get(i);
      Ns ns = byName.get(p.namespace);
      for (int attempt = 0; attempt < 8; attempt++) {
        boolean ingress = p.egress == null || (p.ingress != null && extraRng.nextBoolean());
        Map<String, Object> r = ingress ? extraIngress(p, ns) : extraEgress(p, ns);
        if (r == null) continue;
        List<Object> rules = ingress ? p.ingress : p.egress;
        if (rules.contains(r)) continue;
        int end = rules.size();
        if (end > 0 && isCatchAll(rules.get(end - 1))) end--; // keep final catch-all Deny last
        if (end > 0 && isLog(rules.get(end - 1)) && rules.size() > end) end--; // and its Log
        rules.add(extraRng.nextInt(end + 1), r);
        added++;
        break;
      }
    }
  }

  static boolean isCatchAll(Object r) {
    return r instanceof Map<?, ?> m && m.size() == 1 && "Deny".equals(m.get("action"));
  }

  static boolean isLog(Object r) {
    return r instanceof Map<?, ?> m && m.size() == 1 && "Log".equals(m.get("action"));
  }

  String otherApp(Ns ns, String self) {
    List<App> others = new ArrayList<>();
    for (App a : ns.apps) if (!a.name().equals(self)) others.add(a);
    return others.get(extraRng.nextInt(others.size())).name();
  }

  String appOf(Pol p) {
    return p.name.substring("application.".length());
  }

  Map<String, Object> extraIngress(Pol p, Ns ns) {
    String self = appOf(p);
    int kind = extraRng.nextInt(9);
    switch (kind) {
      case 0:
        return put(src(rule("Allow", "TCP"), "selector", "app == " + q(otherApp(ns, self))), "destination", "ports",
            list(extraRng.nextBoolean() ? "http" : 8080));
      case 1:
        if (p.noNetIngress) return null;
        return put(src(rule("Allow", "TCP"), "namespaceSelector", "global()", "selector", "role == 'vpn'"), "destination", "ports",
            list(8080, 9090));
      case 2:
        return src(rule("Log"), "namespaceSelector", "env == 'dev'");
      case 3: {
        if (p.noNetIngress) return null;
        Map<String, Object> r = rule("Allow", "ICMP");
        Map<String, Object> icmp = new LinkedHashMap<>();
        icmp.put("type", 8);
        icmp.put("code", 0);
        r.put("icmp", icmp);
        return put(r, "source", "nets", list(corpCidr));
      }
      case 4: {
        Map<String, Object> r = rule("Allow", "TCP");
        Map<String, Object> sas = new LinkedHashMap<>();
        sas.put("names", list(otherApp(ns, self)));
        side(r, "source").put("serviceAccounts", sas);
        return put(r, "destination", "ports", list("grpc"));
      }
      case 5:
        return put(src(rule("Deny", "TCP"), "namespaceSelector", "env == 'dev'"), "destination", "notPorts",
            list("http"));
      case 6:
        return put(src(rule("Allow", "TCP"), "namespaceSelector", "team == " + q(ns.team), "selector", "tier in {'frontend', 'backend'}"),
            "destination", "ports", list("http", "grpc"));
      case 7: {
        if (p.noNetIngress) return null;
        Map<String, Object> r = rule("Allow", "TCP");
        side(r, "source").put("nets", list(corpCidr, "172.21.0.0/16"));
        side(r, "source").put("notNets", list("172.20.66.0/24"));
        return put(r, "destination", "ports", list("8000:8099"));
      }
      default:
        return put(src(rule("Allow", "TCP"), "selector", "app == " + q(otherApp(ns, self)) + " && version != 'v1'"),
            "destination", "ports", list("grpc", "9091:9092"));
    }
  }

  Map<String, Object> extraEgress(Pol p, Ns ns) {
    String self = appOf(p);
    int kind = extraRng.nextInt(8);
    switch (kind) {
      case 0:
        return put(dst(rule("Allow", "TCP"), "namespaceSelector", "global()", "selector", "role == 'saas-apis'"), "destination", "ports", list(443));
      case 1:
        return put(dst(rule("Allow", "TCP"), "namespaceSelector", "global()", "selector", "role == 'registries'"), "destination", "ports",
            list(443, 80));
      case 2:
        return put(dst(rule("Deny", "TCP"), "namespaceSelector", "global()", "selector", "role == 'public-internet'"), "destination", "notPorts",
            list(80, 443));
      case 3: {
        Map<String, Object> r = rule("Allow", "UDP");
        side(r, "destination").put("nets", list("0.0.0.0/0"));
        side(r, "destination").put("notNets", list("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"));
        return put(r, "destination", "ports", list(443));
      }
      case 4:
        return put(dst(rule("Allow", "TCP"), "selector", "app == " + q(otherApp(ns, self))), "destination", "ports", list("8000:8100"));
      case 5:
        return dst(rule("Log", "TCP"), "namespaceSelector", "global()", "selector", "feed == 'embargo'");
      case 6:
        return put(dst(rule("Allow", "TCP"), "namespaceSelector", "global()", "selector", "role == 'corporate'"), "destination", "ports",
            list(443, 8443));
      default:
        if (ns.deps.isEmpty()) return null;
        return put(dst(rule("Allow", "TCP"), "namespaceSelector", "projectcalico.org/name == " + q(ns.deps.get(extraRng.nextInt(ns.deps.size()))),
            "selector", "tier == 'backend'"), "destination", "ports", list("http"));
    }
  }

  // ---------------------------------------------------------------------------------------
  // pods

  static final String HASH_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  String randomId(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(HASH_CHARS.charAt(podRng.nextInt(HASH_CHARS.length())));
    return sb.toString();
  }

  String allocateIp(String node) {
    int[] b = nodeBlocks.get(node);
    if (b == null || b[1] == 64) {
      b = new int[] {nextBlock++, 0};
      nodeBlocks.put(node, b);
    }
    long base = ip("10.48.0.0") + 64L * b[0];
    return ipString(base + b[1]++);
  }

  int podCount = 0;
  int quarantined = 0;

  Map<String, Object> pod(String ns, String name, Map<String, Object> labels, String sa, String image,
      List<Object> ports, Random rng) {
    String node = nodes.get(rng.nextInt(nodes.size()));
    String ipAddr = allocateIp(node);
    Map<String, Object> doc = header("v1", "Pod", name, ns);
    ((Map<String, Object>) doc.get("metadata")).put("labels", labels);
    Map<String, Object> spec = new LinkedHashMap<>();
    if (sa != null) spec.put("serviceAccountName", sa);
    spec.put("nodeName", node);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", image.substring(image.lastIndexOf('/') + 1, image.lastIndexOf(':')));
    c.put("image", image);
    if (ports != null && !ports.isEmpty()) c.put("ports", ports);
    spec.put("containers", list(c));
    doc.put("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("phase", "Running");
    status.put("podIP", ipAddr);
    status.put("podIPs", list(labels("ip", ipAddr)));
    doc.put("status", status);
    podDocs.add(doc);
    podCount++;
    return doc;
  }

  static Map<String, Object> cport(String name, int port, String protocol) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("containerPort", port);
    m.put("protocol", protocol);
    return m;
  }

  void pods() {
    // system pods
    for (int i = 0; i < dnsReplicas(); i++) {
      pod("kube-system", "coredns-5d78c9869d-" + randomId(5), labels("k8s-app", "kube-dns", "pod-template-hash", "5d78c9869d"),
          "coredns", "registry.k8s.io/coredns/coredns:v1.11.1",
          list(cport("dns", 53, "UDP"), cport("dns-tcp", 53, "TCP"), cport("metrics", 9153, "TCP")), podRng);
    }
    for (int i = 0; i < 2; i++) {
      pod("monitoring", "prometheus-k8s-" + i, labels("app", "prometheus", "statefulset.kubernetes.io/pod-name", "prometheus-k8s-" + i),
          "prometheus-k8s", "quay.io/prometheus/prometheus:v2.53.0", list(cport("web", 9090, "TCP")), podRng);
    }
    pod("monitoring", "kube-state-metrics-6f9c8d7b4-" + randomId(5), labels("app", "kube-state-metrics"), "kube-state-metrics",
        "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.12.0",
        list(cport("http-metrics", 8080, "TCP"), cport("metrics", 8081, "TCP")), podRng);
    String ingHash = randomId(10);
    for (int i = 0; i < ingressReplicas(); i++) {
      pod("ingress-nginx", "ingress-nginx-controller-" + ingHash + "-" + randomId(5),
          labels("app", "ingress-nginx", "app.kubernetes.io/component", "controller"), "ingress-nginx",
          "registry.k8s.io/ingress-nginx/controller:v1.10.1",
          list(cport("http", 80, "TCP"), cport("https", 443, "TCP"), cport("metrics", 10254, "TCP")), podRng);
    }
    // application pods
    for (Ns ns : appNamespaces) appPods(ns, podRng, true);
  }

  void appPods(Ns ns, Random rng, boolean maybeQuarantine) {
    Set<String> names = new HashSet<>();
    for (App a : ns.apps) {
      int major = 1 + rng.nextInt(5);
      boolean canary = a.role().equals("backend") && a.replicas() >= 4 && rng.nextDouble() < 0.25;
      String hash = randomId(10);
      String canaryHash = randomId(10);
      List<Object> ports = new ArrayList<>();
      if (a.ports()) {
        switch (a.role()) {
          case "frontend" -> ports.add(cport("http", 8080, "TCP"));
          case "backend" -> {
            ports.add(cport("http", 8080, "TCP"));
            ports.add(cport("grpc", 9090, "TCP"));
          }
          default -> ports.add(a.db().equals("redis") ? cport("redis", 6379, "TCP") : cport("postgres", 5432, "TCP"));
        }
        ports.add(cport("metrics", 9100, "TCP"));
      }
      for (int r = 0; r < a.replicas(); r++) {
        boolean isCanary = canary && r == a.replicas() - 1;
        String version = "v" + (isCanary ? major + 1 : major);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("app", a.name());
        l.put("tier", a.role());
        l.put("version", version);
        String name;
        if (a.role().equals("db")) {
          name = a.name() + "-" + r;
          l.put("statefulset.kubernetes.io/pod-name", name);
        } else {
          String h = isCanary ? canaryHash : hash;
          l.put("pod-template-hash", h);
          do {
            name = a.name() + "-" + h + "-" + randomId(5);
          } while (names.contains(name));
        }
        names.add(name);
        // a few pods carry the quarantine label (never in ns-a/ns-b: the benchmark endpoints)
        if (maybeQuarantine && ns.index > 1 && rng.nextDouble() < 0.003) {
          l.put("quarantine", "true");
          quarantined++;
        }
        String image = "registry.example.com/" + ns.team + "/" + a.name() + ":" + version + "." + rng.nextInt(10);
        pod(ns.name, name, l, a.sa(), image, ports, rng);
        if (a.name().equals("api") && r == 0 && ns.index <= 1) {
          refs.add((ns.index == 0 ? "A_API" : "B_API") + "=" + ns.name + "/" + name);
        }
        if (a.role().equals("frontend") && r == 0 && ns.index <= 1 && !refs.toString().contains(ns.index == 0 ? "A_WEB" : "B_WEB")) {
          refs.add((ns.index == 0 ? "A_WEB" : "B_WEB") + "=" + ns.name + "/" + name);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // red/blue pair (--red-blue): two prod namespaces that security policy keeps apart

  void redBlue() {
    int base = appNamespaces.size();
    List<Ns> pair = new ArrayList<>();
    for (String zone : List.of("red", "blue")) {
      Ns ns = new Ns(base + pair.size(), zone);
      ns.team = zone + "-team";
      ns.env = "prod";
      ns.tier = "gold";
      ns.zone = zone;
      ns.appBudget = 3;
      ns.podBudget = 12;
      ns.knps = 2;
      pair.add(ns);
      namespaceDocs.add(namespace(ns.name, nsLabels(ns)));
      String[][] plan = {{"web", "frontend", null}, {"api", "backend", null}, {"postgres", "db", "postgres"}};
      int[] reps = {5, 5, 2};
      for (int i = 0; i < plan.length; i++) {
        ns.apps.add(new App(plan[i][0], plan[i][1], true, plan[i][2], reps[i], plan[i][0]));
      }
    }
    for (Ns ns : pair) {
      applicationPolicies(ns);
      kubernetesPolicies(ns);
      appPods(ns, rbRng, false);
    }
    gnp("security", "security", "security.red-isolation", 50, null, "zone == 'red'",
        list(src(rule("Deny"), "namespaceSelector", "zone == 'blue'")),
        list(dst(rule("Deny"), "namespaceSelector", "zone == 'blue'")));
    gnp("security", "security", "security.blue-isolation", 51, null, "zone == 'blue'",
        list(src(rule("Deny"), "namespaceSelector", "zone == 'red'")),
        list(dst(rule("Deny"), "namespaceSelector", "zone == 'red'")));
    for (Ns ns : pair) {
      for (Map<String, Object> d : podDocs) {
        Map<?, ?> md = (Map<?, ?>) d.get("metadata");
        if (ns.name.equals(md.get("namespace")) && "api".equals(((Map<?, ?>) md.get("labels")).get("app"))) {
          refs.add(ns.name.toUpperCase(Locale.ROOT) + "_API=" + ns.name + "/" + md.get("name"));
          break;
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // --variant changed: exactly 10 policies differ

  void mutate() {
    // candidates: namespaced policies with rules, outside ns-a (keeps the isolation claim stable)
    List<Pol> candidates = new ArrayList<>();
    for (Pol p : policies) {
      if (p.namespace == null || p.rules() == 0) continue;
      if (p.namespace.equals("ns-a") || p.namespace.equals("red") || p.namespace.equals("blue")) continue;
      candidates.add(p);
    }
    Collections.shuffle(candidates, mutRng);
    String[] plan = {"add", "add", "add", "remove", "remove", "remove", "flip", "flip", "flip"};
    int c = 0;
    for (String op : plan) {
      while (c < candidates.size()) {
        Pol p = candidates.get(c++);
        if (apply(op, p)) break;
      }
    }
    // one global policy: monitoring may now also scrape 8080
    for (Pol p : policies) {
      if (p.name.equals("platform.monitoring-scrape")) {
        Map<?, ?> r = (Map<?, ?>) p.ingress.get(0);
        @SuppressWarnings("unchecked")
        List<Object> ports = (List<Object>) ((Map<?, ?>) r.get("destination")).get("ports");
        ports.add(8080);
        changes.add("changed " + p.id() + ": ingress rule 0 also allows port 8080");
      }
    }
    if (changes.size() != 10) throw new IllegalStateException("expected 10 changed policies, got " + changes.size());
  }

  boolean apply(String op, Pol p) {
    boolean knp = p.kind.equals("KubernetesNetworkPolicy");
    switch (op) {
      case "add": {
        if (knp) {
          List<Object> target = p.ingress != null ? p.ingress : p.egress;
          String key = p.ingress != null ? "from" : "to";
          Map<String, Object> r = new LinkedHashMap<>();
          r.put(key, list(one("namespaceSelector", new LinkedHashMap<>())));
          r.put("ports", list(kport("TCP", 8080)));
          target.add(r);
          changes.add("added to " + p.id() + ": " + (p.ingress != null ? "ingress" : "egress")
              + " rule " + (target.size() - 1) + " allowing TCP 8080 from/to every namespace");
          return true;
        }
        if (p.ingress != null) {
          p.ingress.add(0, put(src(rule("Allow", "TCP"), "namespaceSelector", "all()"), "destination", "ports", list("http")));
          changes.add("added to " + p.id() + ": ingress rule 0 allowing TCP http from every namespace");
        } else {
          p.egress.add(0, put(dst(rule("Allow", "TCP"), "namespaceSelector", "all()"), "destination", "ports", list("grpc")));
          changes.add("added to " + p.id() + ": egress rule 0 allowing TCP grpc to every namespace");
        }
        return true;
      }
      case "remove": {
        List<Object> target = p.ingress != null && p.ingress.size() >= 2 ? p.ingress : p.egress != null && p.egress.size() >= 2 ? p.egress : null;
        if (target == null) return false;
        int i = mutRng.nextInt(target.size());
        target.remove(i);
        changes.add("removed from " + p.id() + ": " + (target == p.ingress ? "ingress" : "egress") + " rule " + i);
        return true;
      }
      default: { // flip Allow <-> Deny
        if (knp) return false;
        for (List<Object> rules : Arrays.asList(p.ingress, p.egress)) {
          if (rules == null) continue;
          for (int i = 0; i < rules.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) rules.get(i);
            Object a = r.get("action");
            if (a.equals("Allow") || a.equals("Deny")) {
              String to = a.equals("Allow") ? "Deny" : "Allow";
              r.put("action", to);
              changes.add("flipped in " + p.id() + ": " + (rules == p.ingress ? "ingress" : "egress") + " rule " + i + " " + a + " -> " + to);
              return true;
            }
          }
        }
        return false;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // output

  void write(Path out) {
    try {
      Files.createDirectories(out);
      writeDocs(out.resolve("namespaces.yaml"), namespaceDocs);
      writeDocs(out.resolve("pods.yaml"), podDocs);
      writeDocs(out.resolve("tiers.yaml"), tierDocs);
      writeDocs(out.resolve("netsets.yaml"), netsetDocs);
      for (String f : List.of("security", "platform", "application", "default")) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Pol p : policies) {
          if (!p.file.equals(f)) continue;
          finalizeRules(p);
          docs.add(p.doc);
        }
        writeDocs(out.resolve("policies-" + f + ".yaml"), docs);
      }
      StringBuilder env = new StringBuilder();
      env.append("# endpoint references for bench/run.sh (generated; size=").append(size.name())
          .append(" seed=").append(seed).append(" variant=").append(changed ? "changed" : "base").append(")\n");
      for (String r : refs) env.append(r).append('\n');
      Files.writeString(out.resolve("refs.env"), env.toString(), StandardCharsets.UTF_8);
      Path ch = out.resolve("changes.txt");
      if (changed) {
        Files.writeString(ch, String.join("\n", changes) + "\n", StandardCharsets.UTF_8);
      } else {
        Files.deleteIfExists(ch);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rule lists that ended up empty are written as absent (a KNP with no rules, a default deny). */
  static void finalizeRules(Pol p) {
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) p.doc.get("spec");
    for (String k : List.of("ingress", "egress")) {
      Object v = spec.get(k);
      if (v instanceof List<?> l && l.isEmpty()) spec.remove(k);
    }
  }

  void report(int baseRules, int topUp) {
    int gnp = 0, np = 0, knp = 0, rules = 0;
    Map<String, int[]> perTier = new LinkedHashMap<>();
    for (Pol p : policies) {
      switch (p.kind) {
        case "GlobalNetworkPolicy" -> gnp++;
        case "NetworkPolicy" -> np++;
        default -> knp++;
      }
      rules += p.rules();
      int[] t = perTier.computeIfAbsent(p.file, k -> new int[2]);
      t[0]++;
      t[1] += p.rules();
    }
    int gns = 0, ns = 0;
    for (Map<String, Object> d : netsetDocs) {
      if (d.get("kind").equals("GlobalNetworkSet")) gns++;
      else ns++;
    }
    System.err.printf(Locale.ROOT,
        "GenerateCluster: size=%s seed=%d variant=%s%s%n"
            + "  namespaces %d (target %d), pods %d (target %d, %d quarantined), nodes %d%n"
            + "  policies %d (target %d): %d GlobalNetworkPolicy, %d NetworkPolicy, %d Kubernetes NetworkPolicy%n"
            + "  rules %d (target %d; %d structural + %d extra)%n"
            + "  network sets: %d GlobalNetworkSet, %d NetworkSet, %d CIDRs; tiers: %d + default%n",
        size.name(), seed, changed ? "changed" : "base", redBlue ? " +red-blue" : "",
        namespaceDocs.size(), size.namespaces(), podCount, size.pods(), quarantined, size.nodes(),
        policies.size(), size.policies(), gnp, np, knp,
        rules, size.rules(), baseRules, topUp,
        gns, ns, netsetCidrs, tierDocs.size());
    for (Map.Entry<String, int[]> e : perTier.entrySet()) {
      System.err.printf(Locale.ROOT, "    tier %-12s %5d policies %6d rules%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
    }
    for (String c : changes) System.err.println("  " + c);
  }

  // ---------------------------------------------------------------------------------------
  // a small block-style YAML writer (flow style for short all-scalar maps and lists)

  static final Set<String> BLOCK_KEYS =
      Set.of("metadata", "labels", "spec", "status", "containers", "ingress", "egress", "source", "destination", "from", "to");

  static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*|\\*?[A-Za-z0-9_.-]+|\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?");
  static final Set<String> RESERVED =
      Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

  void writeDocs(Path file, List<Map<String, Object>> docs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> d : docs) {
      sb.append("---\n");
      emitMap(sb, d, 0, false);
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  static boolean isScalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean;
  }

  static String scalar(Object v) {
    if (v instanceof String s) {
      boolean plain = PLAIN.matcher(s).matches()
          && !RESERVED.contains(s.toLowerCase(Locale.ROOT))
          && !s.matches("[-+]?[0-9][0-9_]*(\\.[0-9]*)?([eE][-+]?[0-9]+)?")
          && !s.startsWith("*");
      if (plain) return s;
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return String.valueOf(v);
  }

  static String flow(Object v) {
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) sb.append(", ");
        first = false;
        sb.append(scalar(e.getKey())).append(": ").append(flow(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) sb.append(", ");
        sb.append(flow(l.get(i)));
      }
      return sb.append(']').toString();
    }
    return scalar(v);
  }

  static boolean flowable(String key, Object v) {
    if (v instanceof Map<?, ?> m && m.isEmpty()) return true;
    if (v instanceof List<?> l && l.isEmpty()) return true;
    if (key != null && BLOCK_KEYS.contains(key)) return false;
    Iterable<?> items = v instanceof Map<?, ?> m ? m.values() : (List<?>) v;
    for (Object x : items) {
      if (!isScalar(x) && !(x instanceof Map<?, ?> mm && mm.values().stream().allMatch(GenerateCluster::isScalar))) return false;
    }
    return flow(v).length() <= 72;
  }

  static void indent(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) sb.append(' ');
  }

  static void emitMap(StringBuilder sb, Map<?, ?> map, int ind, boolean firstInline) {
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(first && firstInline)) indent(sb, ind);
      first = false;
      String k = (String) e.getKey();
      Object v = e.getValue();
      sb.append(scalar(k)).append(':');
      if (isScalar(v)) {
        sb.append(' ').append(scalar(v)).append('\n');
      } else if (flowable(k, v)) {
        sb.append(' ').append(flow(v)).append('\n');
      } else if (v instanceof Map<?, ?> m) {
        sb.append('\n');
        emitMap(sb, m, ind + 2, false);
      } else {
        sb.append('\n');
        emitList(sb, (List<?>) v, ind + 2);
      }
    }
  }

  static void emitList(StringBuilder sb, List<?> list, int ind) {
    for (Object x : list) {
      indent(sb, ind);
      sb.append("- ");
      if (isScalar(x)) {
        sb.append(scalar(x)).append('\n');
      } else if (x instanceof Map<?, ?> m && !m.isEmpty() && !flowable(null, m)) {
        emitMap(sb, m, ind + 2, true);
      } else {
        sb.append(flow(x)).append('\n');
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // helpers

  static String pick(Random r, String... xs) {
    return xs[r.nextInt(xs.length)];
  }

  /** Splits total into parts proportional to weights, each at least min[i] (largest remainder). */
  static int[] apportion(int total, double[] weights, int[] min) {
    int rest = total;
    for (int m : min) rest -= m;
    if (rest < 0) throw new IllegalStateException("budget " + total + " below the minimum");
    double sum = 0;
    for (double w : weights) sum += w;
    int[] out = new int[weights.length];
    double[] frac = new double[weights.length];
    int given = 0;
    for (int i = 0; i < weights.length; i++) {
      double share = rest * weights[i] / sum;
      out[i] = min[i] + (int) Math.floor(share);
      frac[i] = share - Math.floor(share);
      given += (int) Math.floor(share);
    }
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(frac[b], frac[a]) != 0 ? Double.compare(frac[b], frac[a]) : Integer.compare(a, b));
    for (int i = 0; i < rest - given; i++) out[order[i]]++;
    return out;
  }
}
