package dev.tierproof.load;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceInput;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.ServiceMatch.Member;
import dev.tierproof.model.ServiceMatch.Target;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes {@code Service} (v1), {@code EndpointSlice} (discovery.k8s.io/v1) and {@code
 * Endpoints} (v1) → the endpoints each {@code services} rule side matches (specs/semantics.md
 * S3.9). Felix reads only EndpointSlices, keyed by their {@code kubernetes.io/service-name} label;
 * a Service's Endpoints stand for the slices Kubernetes mirrors from them; a Service with neither
 * gets the slices its endpoints controller would make from the input's pods. {@link #resolve}
 * replaces each pending reference a rule holds ({@link ServiceMatch#pending}).
 */
final class Services {

  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6", "FQDN");

  /** A Service: its selector (null: none, or an ExternalName service) and its ports' targets. */
  private record Service(Map<String, String> selector, List<Target> targets) {}

  /** Endpoint addresses and (address, protocol, port) members, from slices or Endpoints. */
  private record Listed(Set<Ip> addresses, Set<Member> members) {
    Listed() {
      this(new LinkedHashSet<>(), new LinkedHashSet<>());
    }
  }

  private final Diagnostics diagnostics;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, Listed> slices = new LinkedHashMap<>();
  private final Map<String, Listed> endpoints = new LinkedHashMap<>();
  private final List<ServiceInput> inputs = new ArrayList<>();
  private List<Meta> hostNetwork = List.of();
  private final List<Unmodelled> unmodelled;

  /**
   * Reads into itself; a Service whose traffic kube-proxy translates is added to {@code
   * unmodelled}.
   */
  Services(Diagnostics diagnostics, List<Unmodelled> unmodelled) {
    this.diagnostics = diagnostics;
    this.unmodelled = unmodelled;
  }

  /** Each resource read, with what rule matching reads from it (for diff's inventory). */
  List<ServiceInput> inputs() {
    return List.copyOf(inputs);
  }

  /** A Service: {@code spec.selector}, {@code spec.type}, {@code spec.ports}. */
  void service(Fields f, Meta meta) {
    Fields spec = f.objectOrEmpty("spec");
    Map<String, String> selector = spec.labels("selector");
    String type = spec.string("type");
    List<Target> targets = new ArrayList<>();
    for (Fields p : spec.objects("ports")) {
      Integer port = p.integer("port");
      int protocol = protocol(p);
      if (port == null && !p.has("port")) {
        diagnostics.error(p.span(), "missing field `" + p.path("port") + "`");
      } else if (port != null && (port < 1 || port > 65535)) {
        diagnostics.error(
            p.valueSpan("port"), "invalid port `" + port + "`: ports must be 1-65535");
        port = null;
      }
      Target target = target(p, protocol, port);
      p.ignore("name", "nodePort", "appProtocol");
      p.done();
      if (target != null && protocol != 0) {
        targets.add(target);
      }
    }
    Span externalIps = spec.list("externalIPs").isEmpty() ? null : spec.keySpan("externalIPs");
    Span nodePorts =
        "NodePort".equals(type) || "LoadBalancer".equals(type) ? spec.valueSpan("type") : null;
    spec.ignore(
        "clusterIP",
        "clusterIPs",
        "externalIPs",
        "externalName",
        "externalTrafficPolicy",
        "internalTrafficPolicy",
        "healthCheckNodePort",
        "ipFamilies",
        "ipFamilyPolicy",
        "loadBalancerIP",
        "loadBalancerClass",
        "loadBalancerSourceRanges",
        "allocateLoadBalancerNodePorts",
        "publishNotReadyAddresses",
        "sessionAffinity",
        "sessionAffinityConfig",
        "trafficDistribution");
    spec.done();
    f.ignore("status");
    f.done();
    if (meta.keep()) {
      translated(meta, nodePorts, externalIps);
      // an ExternalName service, or one without a selector, has no endpoints controller
      boolean selects = !selector.isEmpty() && !"ExternalName".equals(type);
      services.put(meta.ref(), new Service(selects ? selector : null, targets));
      inputs.add(
          new ServiceInput(
              "Service",
              meta.ref(),
              meta.ref(),
              java.util.Arrays.asList(selects ? selector : null, targets),
              meta.span()));
    }
  }

  /**
   * A Service whose traffic kube-proxy translates to its endpoints where tierproof does not follow
   * it (specs/semantics.md S6.6, S9.1): the node ports of a {@code NodePort} or {@code
   * LoadBalancer} service (a flow to a host's address at one is DNAT'ed to a pod and forwarded, not
   * delivered to the host: it acts at host endpoints' ingress), and {@code externalIPs} (a flow to
   * such an address, outside the cluster to tierproof, reaches the pods: it acts on any flow).
   */
  private void translated(Meta meta, Span nodePorts, Span externalIps) {
    if (nodePorts != null) {
      String why = "its node ports translate traffic to a host's addresses to its pods";
      diagnostics.warning(nodePorts, "`" + meta.ref() + "`: " + why + ", which is not modelled");
      unmodelled.add(
          new Unmodelled(
              "Service",
              meta.ref(),
              meta.span(),
              why + " (not modelled)",
              new Reach.Endpoints(
                  java.util.EnumSet.of(Direction.INGRESS),
                  java.util.EnumSet.of(Endpoint.Kind.HOST),
                  null,
                  null)));
    }
    if (externalIps != null) {
      String why = "its `externalIPs` translate traffic to those addresses to its pods";
      diagnostics.warning(externalIps, "`" + meta.ref() + "`: " + why + ", which is not modelled");
      unmodelled.add(
          new Unmodelled(
              "Service", meta.ref(), meta.span(), why + " (not modelled)", Reach.EVERYWHERE));
    }
  }

  /** {@code targetPort}: a number 1-65535 or a port name; absent, the service port itself. */
  private Target target(Fields p, int protocol, Integer port) {
    Node n = p.node("targetPort");
    if (n == null) {
      return port == null ? null : new Target(protocol, port, null);
    }
    if (n instanceof Node.Scalar s && s.type() == Node.Scalar.Type.INTEGER) {
      Integer number = p.integer("targetPort");
      if (number != null && number >= 1 && number <= 65535) {
        return new Target(protocol, number, null);
      }
      diagnostics.error(n.span(), "invalid targetPort `" + s.text() + "`: ports must be 1-65535");
      return null;
    }
    Node.Scalar name = p.scalar("targetPort");
    if (name == null) {
      return null;
    }
    String problem = Rules.portNameProblem(name.text());
    if (problem != null) {
      diagnostics.error(name.span(), "invalid targetPort `" + name.text() + "`: " + problem);
      return null;
    }
    return new Target(protocol, null, name.text());
  }

  /** {@code protocol} of a service or endpoint port: TCP (default), UDP or SCTP; 0 when bad. */
  private int protocol(Fields p) {
    Node.Scalar s = p.scalar("protocol");
    if (s == null) {
      return Protocols.TCP;
    }
    if (!PROTOCOLS.contains(s.text())) {
      diagnostics.error(
          s.span(), "invalid protocol `" + s.text() + "`" + Suggest.choice(s.text(), PROTOCOLS));
      return 0;
    }
    return Protocols.parse(s.text()).orElseThrow();
  }

  /**
   * An EndpointSlice: its endpoints' addresses × its numbered ports, for the service its {@code
   * kubernetes.io/service-name} label names.
   */
  void endpointSlice(Fields f, Meta meta) {
    Node.Scalar addressType = f.scalar("addressType");
    if (addressType == null && !f.has("addressType")) {
      diagnostics.error(f.span(), "missing field `addressType`");
    } else if (addressType != null && !ADDRESS_TYPES.contains(addressType.text())) {
      diagnostics.error(
          addressType.span(),
          "invalid addressType `"
              + addressType.text()
              + "`"
              + Suggest.choice(addressType.text(), ADDRESS_TYPES));
    }
    boolean fqdn = addressType != null && addressType.text().equals("FQDN");
    List<Ip> addresses = new ArrayList<>();
    for (Fields e : f.objects("endpoints")) {
      for (Node.Scalar a : e.strings("addresses")) {
        if (!fqdn) {
          address(a, addressType == null ? null : addressType.text(), addresses);
        }
      }
      e.ignore(
          "conditions", "hostname", "targetRef", "nodeName", "zone", "hints", "deprecatedTopology");
      e.done();
    }
    List<int[]> ports = ports(f.objects("ports"));
    f.done();
    if (!meta.keep()) {
      return;
    }
    String service = meta.labels().get(SERVICE_NAME_LABEL);
    inputs.add(
        new ServiceInput(
            "EndpointSlice",
            meta.ref(),
            service == null ? null : meta.namespace() + "/" + service,
            java.util.Arrays.asList(
                fqdn, addresses, ports.stream().map(p -> List.of(p[0], p[1])).toList()),
            meta.span()));
    if (fqdn) {
      diagnostics.warning(
          addressType.span(), "FQDN endpoints are not IP addresses: Calico matches none of them");
    } else if (service == null) {
      diagnostics.warning(
          meta.nameSpan(),
          "EndpointSlice `"
              + meta.ref()
              + "` has no label `"
              + SERVICE_NAME_LABEL
              + "`: Calico matches it to no service");
    } else {
      add(slices, meta.namespace() + "/" + service, addresses, ports);
    }
  }

  /** Endpoints: per subset, its ready and not-ready addresses × its ports (as mirrored). */
  void endpoints(Fields f, Meta meta) {
    Listed listed = new Listed();
    for (Fields subset : f.objects("subsets")) {
      List<Ip> addresses = new ArrayList<>();
      for (String key : List.of("addresses", "notReadyAddresses")) {
        for (Fields a : subset.objects(key)) {
          Node.Scalar ip = a.scalar("ip");
          if (ip == null && !a.has("ip")) {
            diagnostics.error(a.span(), "missing field `" + a.path("ip") + "`");
          } else if (ip != null) {
            address(ip, null, addresses);
          }
          a.ignore("hostname", "nodeName", "targetRef");
          a.done();
        }
      }
      List<int[]> ports = ports(subset.objects("ports"));
      subset.done();
      addTo(listed, addresses, ports);
    }
    f.done();
    if (meta.keep()) {
      endpoints.put(meta.ref(), listed);
      inputs.add(
          new ServiceInput(
              "Endpoints",
              meta.ref(),
              meta.ref(),
              List.of(List.copyOf(listed.addresses()), List.copyOf(listed.members())),
              meta.span()));
    }
  }

  private void address(Node.Scalar a, String family, List<Ip> out) {
    Ip ip = Ip.parse(a.text()).orElse(null);
    if (ip == null) {
      diagnostics.error(a.span(), "invalid IP address `" + a.text() + "`");
    } else if (family != null && !family.equals("IPv" + ip.family())) {
      diagnostics.error(
          a.span(),
          "address `" + a.text() + "` is not of the slice's addressType `" + family + "`");
    } else {
      out.add(ip);
    }
  }

  /** Endpoint ports as {protocol, port}; a port without a number adds no member (Felix). */
  private List<int[]> ports(List<Fields> list) {
    List<int[]> out = new ArrayList<>();
    for (Fields p : list) {
      Integer port = p.integer("port");
      int protocol = protocol(p);
      if (port != null && (port < 1 || port > 65535)) {
        diagnostics.error(
            p.valueSpan("port"), "invalid port `" + port + "`: ports must be 1-65535");
      } else if (port != null && protocol != 0) {
        out.add(new int[] {protocol, port});
      }
      p.ignore("name", "appProtocol");
      p.done();
    }
    return out;
  }

  private static void add(Map<String, Listed> into, String ref, List<Ip> ips, List<int[]> ports) {
    addTo(into.computeIfAbsent(ref, k -> new Listed()), ips, ports);
  }

  private static void addTo(Listed listed, List<Ip> ips, List<int[]> ports) {
    listed.addresses().addAll(ips);
    for (Ip ip : ips) {
      for (int[] p : ports) {
        listed.members().add(new Member(ip, p[0], p[1]));
      }
    }
  }

  /** The pods on the host network: a service selecting one has its node's address (unmodelled). */
  void hostNetwork(List<Meta> pods) {
    hostNetwork = List.copyOf(pods);
  }

  /** {@code p} with each pending service reference of its rules resolved. */
  Policy resolve(Policy p) {
    return p.withRules(resolve(p.ingress()), resolve(p.egress()));
  }

  Profile resolve(Profile p) {
    return new Profile(p.name(), p.labels(), resolve(p.ingress()), resolve(p.egress()), p.span());
  }

  private List<Rule> resolve(List<Rule> rules) {
    List<Rule> out = new ArrayList<>(rules.size());
    for (Rule r : rules) {
      if (r.source().service() == null && r.destination().service() == null) {
        out.add(r);
        continue;
      }
      out.add(r.withSides(resolve(r.source(), r.span()), resolve(r.destination(), r.span())));
    }
    return out;
  }

  private EntityMatch resolve(EntityMatch m, Span at) {
    if (m.service() == null) {
      return m;
    }
    ServiceMatch s = resolve(m.service().ref(), m.service().withPorts());
    if (!s.resolved()) {
      diagnostics.warning(at, s.unresolved() + ": the rule's `services` side matches no address");
    }
    return m.withService(s);
  }

  /** spec S3.9: slices, else Endpoints, else the Service's selector over the input's pods. */
  private ServiceMatch resolve(String ref, boolean withPorts) {
    Listed listed = slices.containsKey(ref) ? slices.get(ref) : endpoints.get(ref);
    if (listed != null) {
      return new ServiceMatch(
          ref,
          withPorts,
          List.copyOf(listed.addresses()),
          List.copyOf(listed.members()),
          null,
          List.of(),
          null);
    }
    Service svc = services.get(ref);
    if (svc == null) {
      return unresolved(
          ref,
          withPorts,
          "service `" + ref + "` is not in the input, nor EndpointSlices or Endpoints of it");
    }
    if (svc.selector() == null) {
      return unresolved(
          ref,
          withPorts,
          "service `"
              + ref
              + "` has no selector and the input holds no EndpointSlices or Endpoints of it");
    }
    String ns = ref.substring(0, ref.indexOf('/'));
    for (Meta pod : hostNetwork) {
      if (pod.namespace().equals(ns)
          && pod.labels().entrySet().containsAll(svc.selector().entrySet())) {
        return unresolved(
            ref,
            withPorts,
            "service `"
                + ref
                + "` selects `"
                + pod.ref()
                + "`, which uses the host network: its node's address is not modelled");
      }
    }
    List<Selector> terms = new ArrayList<>();
    terms.add(Selectors.equal(Selectors.ORCHESTRATOR, "k8s"));
    terms.add(Selectors.equal(Selectors.NAMESPACE, ns));
    svc.selector().forEach((k, v) -> terms.add(Selectors.equal(k, v)));
    return new ServiceMatch(
        ref, withPorts, List.of(), List.of(), Selectors.all(terms), svc.targets(), null);
  }

  private static ServiceMatch unresolved(String ref, boolean withPorts, String why) {
    return new ServiceMatch(ref, withPorts, List.of(), List.of(), null, List.of(), why);
  }
}
