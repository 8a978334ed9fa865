package dev.tierproof.load;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The endpoint kinds → endpoints and network sets with their own labels, before {@link Resources}
 * adds the labels of their profiles (spec S2.7): Pods and workload controllers (automatic labels,
 * profiles {@code kns.<ns>} and {@code ksa.<ns>.<sa>}, named container ports), WorkloadEndpoints,
 * HostEndpoints (S6), NetworkSets and GlobalNetworkSets (S2.9). The resource's metadata is read by
 * {@link Resources}; problems go to the diagnostics at their positions.
 */
final class Endpoints {

  /**
   * An endpoint or network set holding its own labels, before profile labels are inherited.
   *
   * @param profilesAt where the profiles are named, for "profile is not defined"
   */
  record Pending<T>(T value, List<String> profiles, Span profilesAt) {}

  private final Diagnostics diagnostics;
  private final List<Unmodelled> unmodelled;
  private final List<Pending<Endpoint>> endpoints = new ArrayList<>();
  private final List<Pending<NetworkSet>> networkSets = new ArrayList<>();
  private final Set<String> serviceAccounts = new LinkedHashSet<>();
  private final List<Meta> hostNetwork = new ArrayList<>();
  private final List<BpfInterfaces.Host> hostInterfaces = new ArrayList<>();

  /**
   * Reports into {@code diagnostics}; what is enforced and not modelled is added to {@code
   * unmodelled}.
   */
  Endpoints(Diagnostics diagnostics, List<Unmodelled> unmodelled) {
    this.diagnostics = diagnostics;
    this.unmodelled = unmodelled;
  }

  List<Pending<Endpoint>> endpoints() {
    return List.copyOf(endpoints);
  }

  List<Pending<NetworkSet>> networkSets() {
    return List.copyOf(networkSets);
  }

  /** The pods (and pod templates) on the host network, with their own labels. */
  List<Meta> hostNetwork() {
    return List.copyOf(hostNetwork);
  }

  /** {@code ns/sa} of every service account a workload runs as, in input order. */
  List<String> serviceAccounts() {
    return List.copyOf(serviceAccounts);
  }

  /** A Pod: a workload endpoint at its {@code status.podIPs}, none when it has finished. */
  void pod(Fields f, Meta meta) {
    Fields spec = f.objectOrEmpty("spec");
    Fields status = f.objectOrEmpty("status");
    String phase = status.string("phase");
    List<Ip> ips = new ArrayList<>();
    for (Fields podIp : status.objects("podIPs")) {
      ip(podIp.scalar("ip"), ips);
    }
    List<Ip> single = new ArrayList<>();
    ip(status.scalar("podIP"), single);
    if (ips.isEmpty()) {
      ips.addAll(single);
    }
    f.done();
    if (!meta.keep()) {
      return;
    }
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      diagnostics.warning(
          status.valueSpan("phase"),
          "pod `" + meta.ref() + "` has finished: it has no workload endpoint");
      return;
    }
    workload(meta, "Pod", meta.labels(), spec, ips);
  }

  /**
   * A workload controller (Deployment, CronJob, ...): one workload endpoint for its pod template,
   * without an address (spec S5.4).
   */
  void controller(Fields f, Meta meta) {
    Fields spec = f.objectOrEmpty("spec");
    if (f.kind().equals("CronJob")) {
      spec = spec.objectOrEmpty("jobTemplate").objectOrEmpty("spec");
    }
    Fields template = spec.object("template");
    f.ignore("status");
    f.done();
    if (template == null) {
      diagnostics.error(spec.span(), "missing field `" + spec.path("template") + "`");
    } else if (meta.keep()) {
      workload(
          meta,
          f.kind(),
          template.objectOrEmpty("metadata").labels("labels"),
          template.objectOrEmpty("spec"),
          List.of());
    }
  }

  /**
   * A Kubernetes pod (or a controller's pod template) → workload endpoint: automatic labels,
   * profiles {@code kns.<ns>}, {@code ksa.<ns>.<sa>}, named container ports.
   */
  private void workload(
      Meta meta, String source, Map<String, String> labels, Fields spec, List<Ip> ips) {
    // spec S2.7, S2.8
    if (spec.flag("hostNetwork")) {
      hostNetwork.add(
          new Meta(meta.name(), meta.namespace(), labels, meta.span(), meta.nameSpan(), true));
      diagnostics.warning(
          spec.keySpan("hostNetwork"),
          source
              + " `"
              + meta.ref()
              + "` uses the host network: it has no workload endpoint, host endpoints govern its"
              + " traffic");
      return;
    }
    String sa = spec.string("serviceAccountName");
    if (sa == null) {
      sa = spec.string("serviceAccount");
    }
    if (sa == null || sa.isEmpty()) {
      sa = "default";
    }
    List<NamedPort> ports = new ArrayList<>();
    for (Fields container : spec.objects("containers")) {
      for (Fields port : container.objects("ports")) {
        String name = port.string("name");
        Integer number = port.integer("containerPort");
        Integer protocol =
            port.has("protocol")
                ? Rules.protocol(port, "protocol")
                : Integer.valueOf(Protocols.TCP);
        if (name != null && Rules.portNameProblem(name) != null) {
          diagnostics.error(
              port.valueSpan("name"),
              "invalid port name `" + name + "`: " + Rules.portNameProblem(name));
        } else if (number != null && (number < 1 || number > 65535)) {
          // Kubernetes' validation: a containerPort is 1-65535
          diagnostics.error(
              port.valueSpan("containerPort"),
              "invalid containerPort `" + number + "`: ports must be 1-65535");
        } else if (name != null && number != null && protocol != null) {
          ports.add(new NamedPort(name, protocol, number));
        }
      }
    }
    Map<String, String> own = new LinkedHashMap<>(labels);
    own.put(Selectors.NAMESPACE, meta.namespace());
    own.put(Selectors.ORCHESTRATOR, "k8s");
    if (sa.length() < 63) {
      own.put(Selectors.SERVICE_ACCOUNT, sa);
    }
    serviceAccounts.add(meta.namespace() + "/" + sa);
    String node =
        spec.string("nodeName"); // spec S6.6: the host endpoints its forwarded traffic crosses
    List<String> profileNames =
        List.of("kns." + meta.namespace(), "ksa." + meta.namespace() + "." + sa);
    Endpoint e =
        Endpoint.workload(
            meta.namespace(),
            meta.name(),
            source,
            own,
            ips,
            ports,
            profileNames,
            node,
            meta.span());
    endpoints.add(new Pending<>(e, profileNames, meta.span()));
  }

  /**
   * A Calico WorkloadEndpoint: its host addresses; a wider {@code ipNetworks} range is unmodelled
   * (spec S9.1).
   */
  void workloadEndpoint(Fields f, Meta meta) {
    Fields spec = f.objectOrEmpty("spec");
    String pod = spec.string("pod");
    String workload = spec.string("workload");
    String orchestrator = spec.string("orchestrator");
    String node = spec.string("node");
    String sa = spec.string("serviceAccountName");
    List<Ip> ips = new ArrayList<>();
    List<Span> ranges = new ArrayList<>();
    for (Node.Scalar s : spec.strings("ipNetworks")) {
      Cidr c = Cidr.parse(s.text()).orElse(null);
      if (c == null) {
        diagnostics.error(s.span(), "invalid CIDR `" + s.text() + "`");
      } else if (c.prefix() != c.address().bits()) {
        diagnostics.warning(
            s.span(), "only host addresses are modelled: `" + s.text() + "` is ignored");
        ranges.add(s.span());
      } else {
        ips.add(c.address());
      }
    }
    List<Node.Scalar> profileNames = spec.strings("profiles");
    List<NamedPort> ports = endpointPorts(spec);
    spec.ignore(
        "containerID",
        "endpoint",
        "interfaceName",
        "mac",
        "ipNATs",
        "ipv4Gateway",
        "ipv6Gateway",
        "allowSpoofedSourcePrefixes",
        "qosControls",
        "awsElasticIPs");
    spec.done();
    f.done();
    if (!meta.keep()) {
      return;
    }
    Map<String, String> own = new LinkedHashMap<>(meta.labels());
    own.put(Selectors.NAMESPACE, meta.namespace());
    if (orchestrator != null && !orchestrator.isEmpty()) {
      own.put(Selectors.ORCHESTRATOR, orchestrator);
    }
    if (sa != null && !sa.isEmpty() && sa.length() < 63) {
      own.put(Selectors.SERVICE_ACCOUNT, sa);
    }
    String name = pod != null ? pod : workload != null ? workload : meta.name();
    ranges.forEach(at -> unmodelled.add(Gaps.range(meta.namespace() + "/" + name, at)));
    List<String> names = profileNames.stream().map(Node.Scalar::text).toList();
    endpoint(
        Endpoint.Kind.WORKLOAD,
        meta.namespace(),
        name,
        own,
        ips,
        ports,
        names,
        node,
        null,
        spec,
        meta);
  }

  /** The named host endpoints read, as written (spec S6.9: {@link BpfInterfaces}). */
  List<BpfInterfaces.Host> hostInterfaces() {
    return hostInterfaces;
  }

  /** A HostEndpoint (spec S6): its {@code expectedIPs} and only the profiles it names. */
  void hostEndpoint(Fields f, Meta meta) {
    Fields spec = f.objectOrEmpty("spec");
    String node = spec.string("node");
    String interfaceName = spec.string("interfaceName");
    List<Ip> ips = new ArrayList<>();
    List<Node.Scalar> expectedIps = spec.strings("expectedIPs");
    expectedIps.forEach(s -> ip(s, ips));
    List<String> names = spec.strings("profiles").stream().map(Node.Scalar::text).toList();
    List<NamedPort> ports = endpointPorts(spec);
    spec.done();
    f.done();
    if (node == null) {
      diagnostics.error(spec.span(), "missing field `spec.node`");
    }
    if ((interfaceName == null || interfaceName.isEmpty()) && expectedIps.isEmpty()) {
      diagnostics.error(spec.span(), "a HostEndpoint needs `interfaceName` or `expectedIPs`");
    }
    if (meta.keep() && !"*".equals(interfaceName)) {
      hostInterfaces.add(
          new BpfInterfaces.Host(
              meta.name(), node, meta.labels(), interfaceName, spec.valueSpan("interfaceName")));
    }
    if (meta.keep()) {
      endpoint(
          Endpoint.Kind.HOST,
          null,
          meta.name(),
          meta.labels(),
          ips,
          ports,
          names,
          node,
          interfaceName == null || interfaceName.isEmpty() ? null : interfaceName,
          spec,
          meta);
    }
  }

  /**
   * Keeps a WorkloadEndpoint's or HostEndpoint's endpoint; the profiles it names (in {@code spec}'s
   * {@code profiles}) are looked up once every document is read.
   */
  private void endpoint(
      Endpoint.Kind kind,
      String namespace,
      String name,
      Map<String, String> labels,
      List<Ip> ips,
      List<NamedPort> ports,
      List<String> profiles,
      String node,
      String interfaceName,
      Fields spec,
      Meta meta) {
    String resource = kind == Endpoint.Kind.HOST ? "HostEndpoint" : "WorkloadEndpoint";
    Endpoint e =
        new Endpoint(
            kind,
            namespace,
            name,
            resource,
            labels,
            ips,
            ports,
            profiles,
            node,
            meta.span(),
            "*".equals(interfaceName),
            interfaceName);
    endpoints.add(new Pending<>(e, profiles, spec.valueSpan("profiles")));
  }

  /**
   * The named ports of a WorkloadEndpoint or HostEndpoint ({@code name}, {@code protocol}, {@code
   * port}).
   */
  private List<NamedPort> endpointPorts(Fields spec) {
    List<NamedPort> out = new ArrayList<>();
    for (Fields p : spec.objects("ports")) {
      Node.Scalar name = p.scalar("name");
      Integer protocol =
          p.has("protocol") ? Rules.protocol(p, "protocol") : Integer.valueOf(Protocols.TCP);
      Integer port = p.integer("port");
      p.ignore("hostPort", "hostIP");
      p.done();
      if (name == null || port == null) {
        diagnostics.error(p.span(), "a named port needs `name` and `port`");
      } else if (port < 1 || port > 65535) {
        diagnostics.error(
            p.valueSpan("port"), "invalid port `" + port + "`: ports must be 1-65535");
      } else if (Rules.port(name, p.path("name"), diagnostics) instanceof Port.Named
          && protocol != null) {
        out.add(new NamedPort(name.text(), protocol, port));
      }
    }
    return out;
  }

  private void ip(Node.Scalar s, List<Ip> out) {
    if (s == null) {
      return;
    }
    Ip ip = Ip.parse(s.text()).orElse(null);
    if (ip == null) {
      diagnostics.error(s.span(), "invalid IP address `" + s.text() + "`");
    } else {
      out.add(ip);
    }
  }

  /**
   * A NetworkSet or GlobalNetworkSet (spec S2.9): its nets and domains; a namespaced one inherits
   * {@code kns.<ns>}.
   */
  void networkSet(Fields f, Meta meta) {
    boolean namespaced = f.kind().equals("NetworkSet");
    Fields spec = f.objectOrEmpty("spec");
    List<Cidr> nets = new ArrayList<>();
    for (Node.Scalar s : spec.strings("nets")) {
      Cidr c = Cidr.parse(s.text()).orElse(null);
      if (c == null) {
        diagnostics.error(s.span(), "invalid CIDR `" + s.text() + "`");
        continue;
      }
      if (c.hasHostBits()) {
        diagnostics.warning(
            s.span(), "CIDR `" + s.text() + "` has host bits set: it is treated as `" + c + "`");
      }
      nets.add(c);
    }
    List<String> domains = Rules.domains(spec, "allowedEgressDomains", diagnostics);
    spec.done();
    f.done();
    Map<String, String> own = new LinkedHashMap<>(meta.labels());
    if (namespaced) {
      if (own.containsKey(Selectors.NAMESPACE)) {
        diagnostics.error(
            labelSpan(f, Selectors.NAMESPACE),
            "label `" + Selectors.NAMESPACE + "` is reserved: a NetworkSet cannot set it");
      }
      own.put(Selectors.NAMESPACE, meta.namespace());
    }
    if (meta.keep()) {
      NetworkSet set =
          new NetworkSet(meta.namespace(), meta.name(), own, nets, domains, meta.span());
      networkSets.add(
          new Pending<>(
              set, namespaced ? List.of("kns." + meta.namespace()) : List.of(), meta.span()));
    }
  }

  private static Span labelSpan(Fields f, String key) {
    Node.Entry metadata = ((Node.Mapping) f.node("metadata")).entry("labels");
    Node.Entry label = ((Node.Mapping) metadata.value()).entry(key);
    return label.key().span();
  }

  /**
   * Warns once per address that several endpoints own (spec S5.5), at each later owner: the input
   * is modelled as Calico sees it, but a stale export or two clusters' files are a likely cause.
   */
  void warnShared(List<Endpoint> endpoints) {
    Map<Ip, Endpoint> first = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      for (Ip ip : e.ips()) {
        Endpoint o = first.putIfAbsent(ip, e);
        if (o != null && o != e) {
          diagnostics.warning(
              e.span(),
              "address `"
                  + ip
                  + "` of `"
                  + e.ref()
                  + "` is also the address of `"
                  + o.ref()
                  + "` ("
                  + o.span()
                  + "): rules that match either match packets of both, and a packet to it may"
                  + " reach either (spec S5.5)");
        }
      }
    }
  }
}
