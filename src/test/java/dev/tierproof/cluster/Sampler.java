package dev.tierproof.cluster;

import dev.tierproof.analysis.End;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Concrete flows over a loaded policy set, drawn independently of the encoding from the rules of
 * specs/semantics.md: an endpoint with addresses is at one of them (S5.2); an endpoint without one
 * (S5.4) and a hypothetical pod (S5.3) are at an address no endpoint owns, two such ends at two
 * addresses; an outside end is at an unowned address or in its range.
 */
public final class Sampler {

  static final List<Integer> PROTOCOLS =
      List.of(Protocols.TCP, Protocols.UDP, Protocols.SCTP, Protocols.ICMP, Protocols.ICMPV6, 47);
  static final List<Integer> PORTS = List.of(53, 80, 443, 5432, 8080, 8500, 9090, 40000);
  static final List<NamedPort> NAMED =
      List.of(
          new NamedPort("http", Protocols.TCP, 8080),
          new NamedPort("metrics", Protocols.TCP, 9090),
          new NamedPort("dns", Protocols.UDP, 53));

  private final PolicySet set;
  private final dev.tierproof.model.Loopbacks loopbacks;
  private final Random rnd;
  private final List<Ip> unowned4 = new ArrayList<>();
  private final List<Ip> unowned6 = new ArrayList<>();

  public Sampler(PolicySet set, long seed) {
    this.set = set;
    this.loopbacks = set.loopbacks();
    this.rnd = new Random(seed);
    List<String> pool = new ArrayList<>(RandomCluster.OUTSIDE);
    pool.addAll(RandomCluster.DEPLOY_POOL.subList(0, 4));
    pool.addAll(List.of("fd00:1::1:1", "fd00:1::1:2", "fd00:1::1:3"));
    for (String s : pool) {
      Ip ip = Ip.parse(s).orElseThrow();
      if (set.endpoints().stream().noneMatch(e -> e.ips().contains(ip))) {
        (ip.family() == 4 ? unowned4 : unowned6).add(ip);
      }
    }
  }

  public int nextInt(int bound) {
    return rnd.nextInt(bound);
  }

  public <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  /** An address no endpoint owns, other than {@code not}. */
  public Ip unowned(int family, Ip not) {
    return unowned(family, not, List.of());
  }

  /**
   * An address no endpoint owns in one of {@code pods} (none: anywhere), other than {@code not};
   * null when none.
   */
  public Ip unowned(int family, Ip not, List<Cidr> pods) {
    List<Ip> free =
        (family == 4 ? unowned4 : unowned6)
            .stream()
                .filter(i -> !i.equals(not))
                .filter(i -> pods.isEmpty() || pods.stream().anyMatch(c -> c.contains(i)))
                .toList();
    return free.isEmpty() ? null : pick(free);
  }

  /** A random flow between input endpoints, hypothetical pods and outside addresses. */
  public Flow flow() {
    int family = rnd.nextInt(3) > 0 ? 4 : 6;
    Object[] s = any(family, null);
    Object[] d = any(family, (Ip) s[1]);
    return flow(
        s,
        d,
        FlowSpec.ANY,
        d[0] == null && rnd.nextInt(4) == 0
            ? pick(List.of("example.com", "api.example.com"))
            : null);
  }

  private Object[] any(int family, Ip not) {
    int k = rnd.nextInt(5);
    if (k < 3 && !set.endpoints().isEmpty()) {
      Object[] e = at(pick(set.endpoints()), family, not);
      if (e != null) {
        return e;
      }
    }
    if (k == 3) {
      Endpoint h = hypothetical(pick(namespaces()), family, not);
      return new Object[] {h, h.ips().get(0)};
    }
    return new Object[] {null, unowned(family, not)};
  }

  /**
   * The endpoint at an address of the family: one of its own, or an unowned one when it has none.
   */
  private Object[] at(Endpoint e, int family, Ip not) {
    return at(e, family, not, List.of());
  }

  private Object[] at(Endpoint e, int family, Ip not, List<Cidr> pods) {
    if (e.ips().isEmpty()) {
      Ip ip = unowned(family, not, pods);
      return ip == null ? null : new Object[] {e, ip};
    }
    List<Ip> mine = e.ips().stream().filter(i -> i.family() == family).toList();
    return mine.isEmpty() ? null : new Object[] {e, pick(mine)};
  }

  /** A flow of the question, or null when this try found none. */
  public Flow flow(End src, End dst, FlowSpec spec) {
    int family = spec.ipVersion() != null ? spec.ipVersion() : rnd.nextInt(2) == 0 ? 4 : 6;
    Object[] s = of(src, family, null);
    if (s == null) {
      return null;
    }
    Object[] d = of(dst, family, (Ip) s[1]);
    if (d == null || d[1].equals(s[1]) || loopbacks.loopback((Endpoint) s[0], (Endpoint) d[0])) {
      return null; // spec S5.6, S6.13: a loopback flow is no flow of a question
    }
    String domain = dst instanceof End.Addresses o && o.domain() != null ? o.domain() : null;
    if (domain != null && d[0] != null) {
      return null;
    }
    return flow(s, d, spec, domain);
  }

  private Flow flow(Object[] s, Object[] d, FlowSpec spec, String domain) {
    int proto = spec.protocol() != null ? spec.protocol() : pick(PROTOCOLS);
    boolean ports = Protocols.hasPorts(proto);
    if (spec.port() != null && !ports) {
      return null;
    }
    int family = ((Ip) s[1]).family();
    if (proto == Protocols.ICMP && family == 6 || proto == Protocols.ICMPV6 && family == 4) {
      if (spec.protocol() != null) {
        return null;
      }
      proto = family == 4 ? Protocols.ICMP : Protocols.ICMPV6;
    }
    boolean icmp = Protocols.isIcmp(proto);
    Integer dport = null;
    if (ports) {
      dport =
          spec.port() != null
              ? spec.port().min() + rnd.nextInt(spec.port().max() - spec.port().min() + 1)
              : pick(PORTS);
    }
    Integer sport = null;
    if (ports) {
      sport = spec.sourcePort() != null ? spec.sourcePort().min() : pick(PORTS);
    }
    Integer type = icmp ? spec.icmpType() != null ? spec.icmpType() : pick(List.of(0, 8, 3)) : null;
    Integer code = icmp ? spec.icmpCode() != null ? spec.icmpCode() : pick(List.of(0, 1)) : null;
    return Flow.between(
        proto,
        (Ip) s[1],
        sport,
        (Ip) d[1],
        dport,
        type,
        code,
        domain,
        (Endpoint) s[0],
        (Endpoint) d[0]);
  }

  private Object[] of(End end, int family, Ip not) {
    if (end instanceof End.Known k) {
      return at(k.endpoint(), family, not, k.endpoint().isHost() ? List.of() : k.podCidrs());
    }
    if (end instanceof End.Addresses o) {
      if (o.range() != null && o.domain() == null && rnd.nextBoolean()) {
        List<Object[]> owned = new ArrayList<>();
        for (Endpoint e : set.endpoints()) {
          e.ips().stream()
              .filter(i -> i.family() == family && o.range().contains(i))
              .forEach(ip -> owned.add(new Object[] {e, ip}));
        }
        return owned.isEmpty() ? null : pick(owned);
      }
      if (o.range() != null && o.range().prefix() == o.range().address().bits()) {
        Ip ip = o.range().address();
        return ip.family() == family && !ip.equals(not) ? new Object[] {null, ip} : null;
      }
      Ip ip = unowned(family, not);
      return o.range() == null || o.range().contains(ip) ? new Object[] {null, ip} : null;
    }
    End.Hypothetical h = (End.Hypothetical) end;
    if (h.existingOnly() || rnd.nextBoolean()) {
      List<Endpoint> existing = h.existing(set);
      return existing.isEmpty() ? null : at(pick(existing), family, not, h.podCidrs());
    }
    String ns = h.namespace() != null ? h.namespace() : pick(namespaces());
    Ip ip = unowned(family, not, h.podCidrs());
    if (!set.namespaces().containsKey(ns) || ip == null) {
      return null;
    }
    Endpoint e = pod(ns, ip);
    return h.selector().matches(e.labels()) ? new Object[] {e, e.ips().get(0)} : null;
  }

  private List<String> namespaces() {
    return List.copyOf(set.namespaces().keySet());
  }

  /**
   * A pod not in the input, in a namespace of the input (its {@code pcns.*} labels from the
   * namespace's profile, orchestrator {@code k8s}), with random labels, service account and named
   * ports, at an unowned address.
   */
  public Endpoint hypothetical(String ns, int family, Ip not) {
    return pod(ns, unowned(family, not));
  }

  private Endpoint pod(String ns, Ip at) {
    Map<String, String> labels = new TreeMap<>();
    Profile kns = set.profiles().get("kns." + ns);
    if (kns != null) {
      labels.putAll(kns.labels());
    }
    if (rnd.nextInt(5) > 0) {
      labels.put("app", pick(RandomCluster.APPS));
    }
    if (rnd.nextBoolean()) {
      labels.put("tier", pick(RandomCluster.TIERS));
    }
    if (rnd.nextInt(4) == 0) {
      labels.put("role", pick(RandomCluster.ROLES));
    }
    if (rnd.nextInt(3) == 0) {
      labels.put("set", "ext");
    }
    labels.put(Endpoint.NAMESPACE_LABEL, ns);
    labels.put("projectcalico.org/orchestrator", "k8s"); // a pod (smt package-info: fixed)
    if (rnd.nextBoolean()) {
      String sa = pick(RandomCluster.ACCOUNTS);
      labels.put("projectcalico.org/serviceaccount", sa);
      labels.put("pcsa.projectcalico.org/name", sa);
      if (rnd.nextBoolean()) {
        labels.put("pcsa.role", pick(RandomCluster.ROLES));
      }
    }
    List<NamedPort> ports = rnd.nextBoolean() ? List.of(pick(NAMED)) : List.of();
    return Endpoint.workload(
        ns,
        "hypothetical",
        "Hypothetical",
        labels,
        List.of(at),
        ports,
        List.of("kns." + ns),
        null,
        Span.NONE);
  }
}
