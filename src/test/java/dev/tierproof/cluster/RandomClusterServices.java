package dev.tierproof.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Services for {@link RandomCluster} (spec S3.9): per cluster a few Kubernetes Services, selecting
 * workloads by {@code app} with numbered and named target ports, some listed by an EndpointSlice
 * (addresses of both families that endpoints own or nobody owns; never the deployed pods' pool) or
 * by Endpoints, rarely one with neither and no selector (unresolved: its rules are unmodelled); and
 * {@code services} rule sides naming them.
 */
final class RandomClusterServices {

  private static final List<String> APPS = List.of("web", "api", "db");
  private static final List<String> TARGETS = List.of("http", "metrics", "dns", "db", "8080", "53");

  /** A Service: namespace, name, whether the input leaves its endpoints unknown. */
  private record Svc(String ns, String name, boolean unresolved) {}

  private final Random rnd;
  private final List<Svc> services = new ArrayList<>();
  private final List<String> docs = new ArrayList<>();
  private boolean unresolvedReferenced;

  RandomClusterServices(Random rnd, List<String> namespaces) {
    this.rnd = rnd;
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      String ns = namespaces.get(rnd.nextInt(namespaces.size()));
      String name = "backend" + i;
      int how = rnd.nextInt(8);
      boolean unresolved = how == 7;
      StringBuilder b =
          new StringBuilder("apiVersion: v1\nkind: Service\nmetadata:\n  name: ")
              .append(name)
              .append("\n  namespace: ")
              .append(ns)
              .append("\nspec:\n");
      if (!unresolved && how != 6) {
        b.append("  selector: {app: ").append(pick(APPS)).append("}\n");
      }
      b.append("  ports:\n");
      for (int p = 1 + rnd.nextInt(2); p > 0; p--) {
        String target = pick(TARGETS);
        String protocol = target.equals("dns") || target.equals("53") ? "UDP" : "TCP";
        b.append("  - name: p")
            .append(p)
            .append("\n    port: ")
            .append(80 + p)
            .append("\n    protocol: ")
            .append(protocol)
            .append("\n    targetPort: ")
            .append(target)
            .append('\n');
      }
      docs.add(b.toString());
      if (how == 6 || how == 5) {
        docs.add(rnd.nextBoolean() ? slice(ns, name) : endpoints(ns, name));
      }
      services.add(new Svc(ns, name, unresolved));
    }
  }

  /** The Services, EndpointSlices and Endpoints, one document each. */
  List<String> docs() {
    return List.copyOf(docs);
  }

  /** True when a rule names a service whose endpoints the input does not give. */
  boolean unresolvedReferenced() {
    return unresolvedReferenced;
  }

  /** Now and then a {@code services} far side (egress destination, ingress source), else null. */
  String side(String key) {
    if (services.isEmpty() || rnd.nextInt(6) > 0) {
      return null;
    }
    Svc s = pick(services);
    unresolvedReferenced |= s.unresolved();
    return "    "
        + key
        + ":\n      services:\n        name: "
        + s.name()
        + "\n        namespace: "
        + s.ns()
        + "\n";
  }

  private String slice(String ns, String name) {
    boolean v6 = rnd.nextInt(4) == 0;
    List<String> pool = new ArrayList<>(v6 ? RandomCluster.OWNABLE6 : RandomCluster.OWNABLE4);
    RandomCluster.OUTSIDE.stream().filter(a -> a.contains(":") == v6).forEach(pool::add);
    StringBuilder b =
        new StringBuilder("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n")
            .append("  name: ")
            .append(name)
            .append("-x1\n  namespace: ")
            .append(ns)
            .append("\n  labels: {kubernetes.io/service-name: ")
            .append(name)
            .append("}\naddressType: ")
            .append(v6 ? "IPv6" : "IPv4")
            .append("\nendpoints:\n");
    for (int e = 1 + rnd.nextInt(3); e > 0; e--) {
      b.append("- addresses: [\"").append(pick(pool)).append("\"]\n");
      b.append("  conditions: {ready: ").append(rnd.nextBoolean()).append("}\n");
    }
    int ports = rnd.nextInt(3);
    b.append(ports == 0 ? "ports: []\n" : "ports:\n");
    for (int p = ports; p > 0; p--) {
      b.append("- port: ").append(pick(RandomCluster.PORTS));
      b.append("\n  protocol: ").append(rnd.nextInt(3) == 0 ? "UDP" : "TCP").append('\n');
    }
    return b.toString();
  }

  private String endpoints(String ns, String name) {
    StringBuilder b =
        new StringBuilder("apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ")
            .append(name)
            .append("\n  namespace: ")
            .append(ns)
            .append("\nsubsets:\n- addresses:\n");
    List<String> pool = new ArrayList<>(RandomCluster.OWNABLE4);
    pool.add("10.1.0.200");
    for (int e = 1 + rnd.nextInt(2); e > 0; e--) {
      b.append("  - ip: ").append(pick(pool)).append('\n');
    }
    b.append("  ports:\n  - port: ").append(pick(RandomCluster.PORTS)).append('\n');
    return b.toString();
  }

  private <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }
}
