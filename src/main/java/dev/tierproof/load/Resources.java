package dev.tierproof.load;

import dev.tierproof.model.Action;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Suppression;
import dev.tierproof.model.Tier;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Documents → model. {@link #add} checks one document (kind, apiVersion, metadata, duplicates) and
 * converts it; {@link #build} assembles the cluster: built-in tiers and profiles, namespaces,
 * effective labels (specs/semantics.md S2.7, S2.8) and tiers with their policies (S2.6, S7).
 */
final class Resources {

  static final String DEFAULT_ALLOW = "projectcalico-default-allow";
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Namespaces every cluster has: not defining them is not worth a warning. */
  private static final Set<String> CLUSTER_NAMESPACES =
      Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  /** The tiers Calico creates in {@code version} (spec S2.6, S2.11). */
  private static List<TierDef> builtInTiers(CalicoVersion version) {
    TierDef standard = new TierDef(Policies.DEFAULT_TIER, 1_000_000.0, Action.DENY, Span.NONE);
    if (version.clusterNetworkPolicies()) {
      return List.of(
          new TierDef(ClusterPolicies.KUBE_ADMIN, 1_000.0, Action.PASS, Span.NONE),
          standard,
          new TierDef(ClusterPolicies.KUBE_BASELINE, 10_000_000.0, Action.PASS, Span.NONE));
    }
    List<TierDef> out = new ArrayList<>();
    out.add(new TierDef(ClusterPolicies.ANP_TIER, 1_000.0, Action.PASS, Span.NONE));
    out.add(standard);
    if (version.baselineAdminNetworkPolicies()) {
      out.add(new TierDef(ClusterPolicies.BANP_TIER, 10_000_000.0, Action.PASS, Span.NONE));
    }
    return List.copyOf(out);
  }

  private record TierDef(String name, Double order, Action defaultAction, Span span) {}

  /** A policy and where its tier is named, for "tier does not exist". */
  private record Placed(Policy policy, Span tierAt) {}

  private final Diagnostics diagnostics;
  private final Map<Object, Deferred> deferred = new LinkedHashMap<>();
  private final List<Suppression> suppressions = new ArrayList<>();

  /** The {@code tierproof.dev/ignore} annotations read, in input order. */
  List<Suppression> suppressions() {
    return List.copyOf(suppressions);
  }

  /** The Services, EndpointSlices and Endpoints read, in input order. */
  List<dev.tierproof.model.ServiceInput> services() {
    return services.inputs();
  }

  private final Map<String, Span> defined = new HashMap<>();
  private final Map<String, TierDef> tiers = new LinkedHashMap<>();
  private final List<Placed> policies = new ArrayList<>();
  private final Map<String, Namespace> namespaces = new TreeMap<>();
  private final Map<String, Span> namespaceReferences = new LinkedHashMap<>();

  /** {@code ns/sa} → labels; null labels for a service account only referenced by a pod. */
  private final Map<String, Map<String, String>> serviceAccounts = new TreeMap<>();

  private final Map<String, Profile> profiles = new TreeMap<>();
  private final List<Unmodelled> unmodelled = new ArrayList<>();
  private final List<FelixSettings> felix = new ArrayList<>();
  private final Endpoints endpoints;
  private final Services services;
  private final IpPools pools = new IpPools();
  private final CalicoVersion version;
  private final Dataplane dataplane; // --dataplane, null when not chosen
  private final List<TierDef> builtInTiers;

  Resources(Diagnostics diagnostics, CalicoVersion version, Dataplane dataplane) {
    this.diagnostics = diagnostics;
    this.version = version;
    this.dataplane = dataplane;
    this.endpoints = new Endpoints(diagnostics, unmodelled);
    this.services = new Services(diagnostics, unmodelled);
    this.builtInTiers = builtInTiers(version);
    builtInTiers.forEach(t -> tiers.put(t.name(), t));
  }

  /** Checks and converts one document (a resource, or a {@code List}/{@code *List} of them). */
  void add(Node document) {
    add(document, null, null);
  }

  private void add(Node document, String listKind, String listApiVersion) {
    if (!(document instanceof Node.Mapping mapping)) {
      diagnostics.error(
          document.span(), "expected a resource (a mapping), found " + document.describe());
      return;
    }
    Node.Entry kindEntry = mapping.entry("kind");
    String kind =
        kindEntry != null
                && kindEntry.value() instanceof Node.Scalar s
                && s.type() == Node.Scalar.Type.STRING
            ? s.text()
            : listKind;
    if (kind == null) {
      diagnostics.error(
          kindEntry == null ? mapping.span() : kindEntry.value().span(),
          kindEntry == null ? "missing field `kind`" : "`kind` must be a string");
      return;
    }
    Fields f = new Fields(mapping, kind, "", diagnostics);
    Span kindAt = f.has("kind") ? f.valueSpan("kind") : f.span();
    String apiVersion = f.string("apiVersion");
    String api = apiVersion != null ? apiVersion : listApiVersion;
    if (kind.endsWith("List")) {
      f.ignore("metadata");
      for (Node item : f.list("items")) {
        add(item, kind.equals("List") ? null : kind.substring(0, kind.length() - 4), api);
      }
      f.done();
      return;
    }
    List<String> apis = Kinds.apis(kind);
    if (apis == null) {
      other(mapping, kind, api, kindAt);
      return;
    }
    if (api == null) {
      diagnostics.error(f.span(), "missing field `apiVersion`");
      return;
    }
    if (!apis.contains(api)) {
      diagnostics.error(
          f.valueSpan("apiVersion"),
          "invalid apiVersion `" + api + "` for kind `" + kind + "`" + Suggest.choice(api, apis));
      return;
    }
    defer(new Deferred(f, mapping, kind, api));
  }

  /** A resource of a modelled kind, converted when the input is complete (duplicates resolved). */
  private record Deferred(Fields fields, Node.Mapping mapping, String kind, String api) {}

  /**
   * Keeps {@code d} for conversion, as {@code kubectl apply} would leave the cluster: an identical
   * copy of an object already read is the same object; a differing one replaces it (the later wins)
   * with a warning naming both places.
   */
  private void defer(Deferred d) {
    Node.Entry metadata = d.mapping().entry("metadata");
    Node.Mapping meta = metadata != null && metadata.value() instanceof Node.Mapping m ? m : null;
    Node.Entry name = meta == null ? null : meta.entry("name");
    if (name == null || !(name.value() instanceof Node.Scalar n) || n.text().isEmpty()) {
      deferred.put(new Object(), d); // reported when converted
      return;
    }
    Node.Entry ns = meta.entry("namespace");
    String group = d.api().contains("/") ? d.api().substring(0, d.api().indexOf('/')) : "";
    String key =
        group
            + "\0"
            + d.kind()
            + "\0"
            + (ns != null && ns.value() instanceof Node.Scalar s ? s.text() : "")
            + "\0"
            + n.text();
    Deferred before = deferred.get(key);
    if (before == null) {
      deferred.put(key, d);
    } else if (!before.mapping().sameAs(d.mapping())) {
      diagnostics.warning(
          n.span(),
          d.kind()
              + " `"
              + (ns != null && ns.value() instanceof Node.Scalar s ? s.text() + "/" : "")
              + n.text()
              + "` is also defined at "
              + before.mapping().span()
              + " with other content: this later one wins,"
              + " as `kubectl apply` would leave it");
      deferred.put(key, d);
    }
  }

  private void convert(Deferred d) {
    Fields f = d.fields();
    String api = d.api();
    switch (d.kind()) {
      case "Tier" -> tier(f);
      case "GlobalNetworkPolicy" -> calicoPolicy(f, PolicyKind.GLOBAL_NETWORK_POLICY);
      case "StagedGlobalNetworkPolicy" -> calicoPolicy(f, PolicyKind.STAGED_GLOBAL_NETWORK_POLICY);
      case "StagedNetworkPolicy" -> calicoPolicy(f, PolicyKind.STAGED_NETWORK_POLICY);
      case "NetworkPolicy" -> {
        if (api.equals(Kinds.KUBERNETES_NETWORKING)) {
          kubernetesPolicy(f, PolicyKind.KUBERNETES_NETWORK_POLICY);
        } else {
          calicoPolicy(f, PolicyKind.NETWORK_POLICY);
        }
      }
      case "StagedKubernetesNetworkPolicy" ->
          kubernetesPolicy(f, PolicyKind.STAGED_KUBERNETES_NETWORK_POLICY);
      case "Namespace" -> namespace(f);
      case "ServiceAccount" -> serviceAccount(f);
      case "Pod" -> endpoints.pod(f, meta(f, "Pod", true, Names.UNCHECKED));
      case "WorkloadEndpoint" ->
          endpoints.workloadEndpoint(f, meta(f, "WorkloadEndpoint", true, Names.DNS_SUBDOMAIN));
      case "HostEndpoint" ->
          endpoints.hostEndpoint(f, meta(f, "HostEndpoint", false, Names.DNS_SUBDOMAIN));
      case "GlobalNetworkSet", "NetworkSet" ->
          endpoints.networkSet(
              f, meta(f, f.kind(), f.kind().equals("NetworkSet"), Names.DNS_SUBDOMAIN));
      case "Profile" -> profile(f);
      case "Service" -> services.service(f, meta(f, "Service", true, Names.DNS_LABEL));
      case "EndpointSlice" ->
          services.endpointSlice(f, meta(f, "EndpointSlice", true, Names.DNS_SUBDOMAIN));
      case "Endpoints" -> services.endpoints(f, meta(f, "Endpoints", true, Names.UNCHECKED));
      case "ClusterNetworkPolicy" -> clusterPolicy(f, PolicyKind.KUBERNETES_CLUSTER_NETWORK_POLICY);
      case "AdminNetworkPolicy" -> clusterPolicy(f, PolicyKind.KUBERNETES_ADMIN_NETWORK_POLICY);
      case "BaselineAdminNetworkPolicy" ->
          clusterPolicy(f, PolicyKind.KUBERNETES_BASELINE_ADMIN_NETWORK_POLICY);
      default -> endpoints.controller(f, meta(f, f.kind(), true, Names.UNCHECKED));
    }
  }

  /**
   * A {@code FelixConfiguration}: its settings that change nothing tierproof models or equal what
   * it assumes are read past with a note; others are unmodelled, with a warning (spec S9.1).
   */
  private void felix(Node.Mapping resource, Span at) {
    FelixSettings s = FelixSettings.read(resource);
    felix.add(s);
    dev.tierproof.model.Unmodelled element = s.element(dataplane); // e.g. an SCTP failsafe port
    if (element == null) {
      diagnostics.note(
          at,
          "FelixConfiguration `"
              + s.name()
              + (s.failsafe() == null
                      || s.failsafe().equals(dev.tierproof.model.FailsafePorts.DEFAULT)
                  ? "`: its settings change nothing tierproof models or are what it assumes"
                  : "`: its failsafe ports are modelled (spec S6.2); its other settings change"
                      + " nothing tierproof models or are what it assumes")
              + " (spec S9.1)");
    } else {
      diagnostics.warning(
          at,
          "FelixConfiguration `"
              + s.name()
              + "`: "
              + (s.unsettled().isEmpty()
                  ? element.reason() + ";"
                  : String.join(", ", s.unsettled().stream().map(k -> "`" + k + "`").toList())
                      + (s.unsettled().size() == 1 ? " is" : " are")
                      + " not modelled;")
              + " answers it could change are inconclusive (spec S9.1)");
    }
  }

  /** Kinds that are not modelled: known ones and third-party API groups warn, others are errors. */
  private void other(Node.Mapping resource, String kind, String api, Span at) {
    String group = api == null || !api.contains("/") ? "" : api.substring(0, api.indexOf('/'));
    boolean thirdParty =
        group.contains(".")
            && !group.endsWith("k8s.io")
            && !group.endsWith("projectcalico.org")
            && !group.endsWith("tigera.io");
    if (kind.equals("IPPool")) {
      pools.read(resource); // spec S6.10: its encapsulation, cidr and natOutgoing, nothing else
      diagnostics.note(
          at,
          "`IPPool`: only its encapsulation (`ipipMode`, `vxlanMode`, a v1 `ipip` block),"
              + " `cidr` and `natOutgoing` are read"
              + " (spec S6.10)");
    } else if (kind.equals("FelixConfiguration")) {
      felix(resource, at);
    } else if (IgnoredKinds.why(kind) != null) {
      diagnostics.warning(at, "kind `" + kind + "` is ignored: " + IgnoredKinds.why(kind));
    } else if (Kinds.notModelled(kind) || thirdParty) {
      diagnostics.warning(at, "kind `" + kind + "` is not modelled and is ignored");
    } else {
      Set<String> known = new TreeSet<>(Kinds.known());
      known.addAll(IgnoredKinds.names());
      diagnostics.error(at, "unknown kind `" + kind + "`" + Suggest.suffix(kind, known));
    }
  }

  /**
   * Reads {@code metadata}: name (required, validated), namespace ({@code default} when absent for
   * namespaced kinds), labels; reports duplicates of the same {@code identity}/namespace/name.
   */
  private Meta meta(Fields f, String identity, boolean namespaced, Names names) {
    Fields m = f.objectOrEmpty("metadata");
    Node.Scalar name = m.scalar("name");
    Node.Scalar ns = m.scalar("namespace");
    Map<String, String> labels = m.labels("labels");
    Map<String, String> annotations = m.stringMap("annotations");
    if (annotations.containsKey(Suppression.KEY)) {
      List<String> rules =
          java.util.Arrays.stream(annotations.get(Suppression.KEY).split(","))
              .map(String::strip)
              .filter(r -> !r.isEmpty())
              .toList();
      suppressions.add(
          new Suppression(
              f.span(), rules, m.objectOrEmpty("annotations").keySpan(Suppression.KEY)));
    }
    m.ignore(
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "generation",
        "managedFields",
        "ownerReferences",
        "finalizers",
        "generateName",
        "selfLink",
        "deletionTimestamp",
        "deletionGracePeriodSeconds");
    m.done();
    String namespace = null;
    if (namespaced) {
      namespace = ns == null || ns.text().isEmpty() ? "default" : ns.text();
      name(ns, Names.DNS_LABEL);
      namespaceReferences.putIfAbsent(namespace, ns == null ? f.span() : ns.span());
    } else if (ns != null) {
      diagnostics.warning(
          ns.span(), "`metadata.namespace` is ignored: " + f.kind() + " is not namespaced");
    }
    if (name == null) {
      if (!m.has("name")) {
        diagnostics.error(m.span(), "missing field `metadata.name`");
      }
      return new Meta("", namespace, labels, f.span(), f.span(), false);
    }
    name(name, names);
    Meta meta = new Meta(name.text(), namespace, labels, f.span(), name.span(), true);
    Span first = defined.putIfAbsent(identity + "\0" + meta.ref(), name.span());
    if (first != null) {
      diagnostics.error(
          name.span(),
          "duplicate " + f.kind() + " `" + meta.ref() + "`: first defined at " + first);
      return new Meta(meta.name(), namespace, labels, f.span(), name.span(), false);
    }
    return meta;
  }

  /** How names are validated: Kubernetes workload kinds are not (their schema is not checked). */
  private enum Names {
    DNS_LABEL,
    DNS_SUBDOMAIN,
    UNCHECKED
  }

  private void name(Node.Scalar name, Names names) {
    if (name == null) {
      return;
    }
    String n = name.text();
    if (names == Names.DNS_LABEL && (n.length() > 63 || !DNS_LABEL.matcher(n).matches())) {
      diagnostics.error(
          name.span(),
          "invalid name `"
              + n
              + "`: must be a DNS label (lowercase letters, digits and `-`, at most 63)");
    } else if (names == Names.DNS_SUBDOMAIN
        && (n.length() > 253 || !DNS_SUBDOMAIN.matcher(n).matches())) {
      diagnostics.error(
          name.span(),
          "invalid name `"
              + n
              + "`: must be a DNS subdomain (lowercase letters, digits, `-` and `.`, at most 253)");
    }
  }

  private void tier(Fields f) {
    // spec S2.6
    Meta meta = meta(f, "Tier", false, Names.DNS_LABEL);
    Fields spec = f.objectOrEmpty("spec");
    Double order = spec.number("order");
    Node.Scalar actionText = spec.scalar("defaultAction");
    spec.done();
    f.done();
    Action action = Action.DENY;
    if (actionText != null && actionText.text().equals("Pass")) {
      action = Action.PASS;
    } else if (actionText != null && !actionText.text().equals("Deny")) {
      diagnostics.error(
          actionText.span(),
          "invalid defaultAction `"
              + actionText.text()
              + "`"
              + Suggest.choice(actionText.text(), List.of("Deny", "Pass")));
    }
    if (!meta.keep()) {
      return;
    }
    TierDef builtIn =
        builtInTiers.stream().filter(t -> t.name().equals(meta.name())).findFirst().orElse(null);
    if (builtIn != null
        && (order != null && !order.equals(builtIn.order()) || action != builtIn.defaultAction())) {
      diagnostics.error(
          meta.nameSpan(),
          "built-in tier `"
              + meta.name()
              + "` has order "
              + number(builtIn.order())
              + " and defaultAction `"
              + builtIn.defaultAction().calico()
              + "`, which a Tier resource cannot change");
      return;
    }
    tiers.put(
        meta.name(),
        new TierDef(meta.name(), builtIn != null ? builtIn.order() : order, action, meta.span()));
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private void calicoPolicy(Fields f, PolicyKind kind) {
    Meta meta = meta(f, kind.felixName(), kind.namespaced(), Names.DNS_SUBDOMAIN);
    Fields spec = f.objectOrEmpty("spec");
    Policy policy = Policies.calico(kind, meta, spec, version);
    f.done();
    if (meta.keep()) {
      policies.add(new Placed(policy, spec.valueSpan("tier")));
    }
  }

  private void kubernetesPolicy(Fields f, PolicyKind kind) {
    Meta meta = meta(f, kind.felixName(), true, Names.DNS_SUBDOMAIN);
    Fields spec = f.objectOrEmpty("spec");
    Policy policy = KubernetesPolicies.convert(kind, meta, spec);
    f.ignore("status");
    f.done();
    if (meta.keep()) {
      policies.add(new Placed(policy, policy.span()));
    }
  }

  /**
   * A ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy: converted when the
   * chosen Calico version enforces its kind, else ignored with a warning (spec S2.10, S2.11).
   */
  private void clusterPolicy(Fields f, PolicyKind kind) {
    boolean enforced =
        switch (kind) {
          case KUBERNETES_CLUSTER_NETWORK_POLICY -> version.clusterNetworkPolicies();
          case KUBERNETES_ADMIN_NETWORK_POLICY -> version.adminNetworkPolicies();
          default -> version.baselineAdminNetworkPolicies();
        };
    if (!enforced) {
      diagnostics.warning(
          f.has("kind") ? f.valueSpan("kind") : f.span(),
          "Calico "
              + version.label()
              + " does not enforce "
              + kind.written()
              + (kind == PolicyKind.KUBERNETES_CLUSTER_NETWORK_POLICY
                  ? " (3.32 and later do)"
                  : kind == PolicyKind.KUBERNETES_ADMIN_NETWORK_POLICY
                      ? " (3.29-3.31 did; 3.32 enforces ClusterNetworkPolicy instead)"
                      : " (3.30 and 3.31 did; 3.32 enforces ClusterNetworkPolicy instead)")
              + ": it is ignored (choose another with `--calico-version`)");
      return;
    }
    Meta meta = meta(f, kind.felixName(), false, Names.DNS_SUBDOMAIN);
    Fields spec = f.objectOrEmpty("spec");
    if (!f.has("spec")) {
      diagnostics.error(f.span(), "missing field `spec`");
    }
    Policy policy = ClusterPolicies.convert(kind, meta, spec);
    f.ignore("status");
    f.done();
    if (meta.keep()) {
      policies.add(new Placed(policy, policy.span()));
    }
  }

  private void namespace(Fields f) {
    Meta meta = meta(f, "Namespace", false, Names.DNS_LABEL);
    f.ignore("spec", "status");
    f.done();
    if (meta.keep()) {
      Map<String, String> labels = new LinkedHashMap<>(meta.labels());
      labels.put(NAMESPACE_NAME_LABEL, meta.name());
      namespaces.put(meta.name(), new Namespace(meta.name(), labels, meta.span()));
    }
  }

  private void serviceAccount(Fields f) {
    Meta meta = meta(f, "ServiceAccount", true, Names.UNCHECKED);
    f.ignore("secrets", "imagePullSecrets", "automountServiceAccountToken");
    f.done();
    if (meta.keep()) {
      serviceAccounts.put(meta.ref(), meta.labels());
    }
  }

  private void profile(Fields f) {
    // spec S2.8
    Meta meta = meta(f, "Profile", false, Names.DNS_SUBDOMAIN);
    Fields spec = f.objectOrEmpty("spec");
    Map<String, String> labels = spec.labels("labelsToApply");
    List<Rule> ingress = Rules.read(spec, Direction.INGRESS, null, version);
    List<Rule> egress = Rules.read(spec, Direction.EGRESS, null, version);
    spec.done();
    f.done();
    for (List<Rule> rules : List.of(ingress, egress)) {
      for (Rule r : rules) {
        if (r.action() == Action.PASS && (dataplane == null || !dataplane.renderer())) {
          diagnostics.warning( // spec S4.6: the dataplanes disagree
              r.span(),
              dataplane == null
                  ? "a Pass rule in a profile acts as Deny here, as in the BPF dataplane (the"
                      + " iptables dataplane goes on to the next profile instead); use Allow or Deny"
                  : "a Pass rule in a profile acts as Deny on the eBPF dataplane; use Deny");
        }
      }
    }
    if (meta.keep()) {
      profiles.put(meta.name(), new Profile(meta.name(), labels, ingress, egress, meta.span()));
    }
  }

  /** The model: built-ins added, labels inherited, policies placed in their tiers and ordered. */
  PolicySet build() {
    deferred.values().forEach(this::convert);
    deferred.clear();
    // spec S3.9: services rules match the endpoints the whole input gives their services
    services.hostNetwork(endpoints.hostNetwork());
    policies.replaceAll(p -> new Placed(services.resolve(p.policy()), p.tierAt()));
    profiles.replaceAll((name, p) -> services.resolve(p));
    endpoints.serviceAccounts().forEach(ref -> serviceAccounts.putIfAbsent(ref, null));
    Map<String, Namespace> allNamespaces = new TreeMap<>(namespaces);
    namespaceReferences.forEach(
        (name, at) -> {
          if (!namespaces.containsKey(name)) {
            if (!CLUSTER_NAMESPACES.contains(name)) {
              diagnostics.warning(
                  at, "namespace `" + name + "` is not defined: only its name labels are known");
            }
            allNamespaces.put(
                name, new Namespace(name, Map.of(NAMESPACE_NAME_LABEL, name), Span.NONE));
          }
        });
    Map<String, Profile> allProfiles = new LinkedHashMap<>();
    allProfiles.put(DEFAULT_ALLOW, allowing(DEFAULT_ALLOW, Map.of(), Span.NONE));
    // spec S2.8
    for (Namespace ns : allNamespaces.values()) {
      Map<String, String> labels = prefixed(Selectors.NAMESPACE_PREFIX, ns.labels(), ns.name());
      allProfiles.put("kns." + ns.name(), allowing("kns." + ns.name(), labels, ns.span()));
    }
    serviceAccounts.forEach(
        (ref, labels) -> {
          String ns = ref.substring(0, ref.indexOf('/'));
          String sa = ref.substring(ref.indexOf('/') + 1);
          Map<String, String> prefixed =
              prefixed(Selectors.SERVICE_ACCOUNT_PREFIX, labels == null ? Map.of() : labels, sa);
          allProfiles.put(
              "ksa." + ns + "." + sa,
              new Profile("ksa." + ns + "." + sa, prefixed, List.of(), List.of(), Span.NONE));
        });
    allProfiles.putAll(profiles);

    List<Endpoint> eps = new ArrayList<>();
    for (Endpoints.Pending<Endpoint> p : endpoints.endpoints()) {
      Endpoint e = p.value();
      eps.add(e.withLabels(effective(e.labels(), p, allProfiles)));
    }
    List<NetworkSet> sets = new ArrayList<>();
    for (Endpoints.Pending<NetworkSet> p : endpoints.networkSets()) {
      NetworkSet s = p.value();
      sets.add(
          new NetworkSet(
              s.namespace(),
              s.name(),
              effective(s.labels(), p, allProfiles),
              s.nets(),
              s.allowedEgressDomains(),
              s.span()));
    }
    endpoints.warnShared(eps);
    return PolicySet.ordered(tiers(), eps, sets, allProfiles, allNamespaces, version)
        .withDataplane(dataplane)
        .withFailsafe(FailsafeConfig.of(felix)) // spec S6.2, S9.1
        .withPools(pools.natOutgoing());
  }

  /**
   * What the input holds that is enforced and not modelled, in {@code set} built from it (spec
   * S9.1).
   */
  List<Unmodelled> unmodelled(PolicySet set) {
    List<Unmodelled> out = new ArrayList<>(unmodelled);
    for (FelixSettings f : felix) { // spec S9.1
      java.util.Optional.ofNullable(f.element(dataplane)).ifPresent(out::add);
    }
    // spec S6.10: a FelixConfiguration may move the VXLAN port (Felix's default: 4789)
    boolean moved = felix.stream().anyMatch(FelixSettings::vxlanPort);
    out.addAll(Gaps.of(set, pools.modes(), moved ? null : 4789, pools.natOutgoing().any()));
    out.addAll(Masquerades.of(set, pools.natOutgoing())); // spec S6.10, S9.2
    out.addAll(FailsafeConfig.masqueraded(set, pools.natOutgoing(), felix)); // spec S6.2, S6.10
    out.addAll(BpfInterfaces.of(dataplane, endpoints.hostInterfaces()));
    return out;
  }

  /** A profile that allows everything both ways. */
  private static Profile allowing(String name, Map<String, String> labels, Span span) {
    return new Profile(name, labels, List.of(Rule.allowAll()), List.of(Rule.allowAll()), span);
  }

  private static Map<String, String> prefixed(
      String prefix, Map<String, String> labels, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    labels.forEach((k, v) -> out.put(prefix + k, v));
    out.put(prefix + Selectors.NAME, name);
    return out;
  }

  /** Own labels overlaid on the profiles' labels: own win, then the first profile (S2.7). */
  private Map<String, String> effective(
      Map<String, String> own, Endpoints.Pending<?> p, Map<String, Profile> all) {
    // spec S2.7
    Map<String, String> out = new HashMap<>();
    for (int i = p.profiles().size() - 1; i >= 0; i--) {
      Profile profile = all.get(p.profiles().get(i));
      if (profile == null) {
        diagnostics.warning(p.profilesAt(), "profile `" + p.profiles().get(i) + "` is not defined");
      } else {
        out.putAll(profile.labels());
      }
    }
    out.putAll(own);
    return out;
  }

  private List<Tier> tiers() {
    Map<String, List<Policy>> byTier = new LinkedHashMap<>();
    for (Placed p : policies) {
      String name = p.policy().tier();
      if (!tiers.containsKey(name)) {
        diagnostics.error(
            p.tierAt(),
            "tier `" + name + "` does not exist" + Suggest.suffix(name, tiers.keySet()));
      }
      byTier.computeIfAbsent(name, k -> new ArrayList<>()).add(p.policy());
    }
    List<Tier> out = new ArrayList<>();
    for (TierDef t : tiers.values()) {
      out.add(
          new Tier(
              t.name(),
              t.order(),
              t.defaultAction(),
              true,
              t.span(),
              byTier.getOrDefault(t.name(), List.of())));
    }
    byTier.forEach(
        (name, members) -> {
          if (!tiers.containsKey(name)) {
            out.add(new Tier(name, null, Action.DENY, false, Span.NONE, members));
          }
        });
    return out;
  }
}
