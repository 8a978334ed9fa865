package dev.tierproof.analysis;

import dev.tierproof.analysis.DiffResult.InputChange;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Input;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceInput;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.model.Tier;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a diff says about its inputs besides changed flows (the inventory): endpoints and namespaces
 * only in one input or at other addresses (notes), and the policies, tiers, network sets, declared
 * profiles, endpoints and namespaces that were added, removed or modified, and the Services,
 * EndpointSlices and Endpoints of services that rules name. Rules are compared as written: what a
 * {@code services} side resolves to changes with those resources, which are listed instead.
 */
final class Inventory {

  private Inventory() {}

  static boolean builtIn(String profile) {
    return profile.startsWith("kns.")
        || profile.startsWith("ksa.")
        || profile.equals("projectcalico-default-allow");
  }

  /**
   * What the comparison cannot compare, or compares in a way worth saying: endpoints only in one
   * input, endpoints at other addresses, namespaces only in one input.
   */
  static List<String> notes(PolicySet base, PolicySet current) {
    List<String> out = new ArrayList<>();
    Map<String, Endpoint> b = byRef(base.endpoints());
    Map<String, Endpoint> c = byRef(current.endpoints());
    List<String> added = c.keySet().stream().filter(k -> !b.containsKey(k)).toList();
    List<String> removed = b.keySet().stream().filter(k -> !c.containsKey(k)).toList();
    List<String> moved =
        c.keySet().stream()
            .filter(b::containsKey)
            .filter(k -> !b.get(k).ips().equals(c.get(k).ips()))
            .toList();
    if (!added.isEmpty()) {
      out.add(
          count(added, "endpoint")
              + " only in the current input ("
              + sample(added)
              + "): the base's policies are applied to "
              + (added.size() == 1 ? "it" : "them")
              + " as "
              + (added.size() == 1 ? "it is" : "they are")
              + " now");
    }
    if (!removed.isEmpty()) {
      out.add(
          count(removed, "endpoint")
              + " only in the base ("
              + sample(removed)
              + "): not compared, their flows are gone");
    }
    if (!moved.isEmpty()) {
      out.add(
          count(moved, "endpoint")
              + " at other addresses in the base ("
              + sample(moved)
              + "): compared at the current addresses");
    }
    List<String> ns = new ArrayList<>();
    Set<String> names = new TreeSet<>(base.namespaces().keySet());
    names.addAll(current.namespaces().keySet());
    for (String n : names) {
      if (base.namespaces().containsKey(n) != current.namespaces().containsKey(n)) {
        ns.add(n);
      }
    }
    if (!ns.isEmpty()) {
      out.add(
          count(ns, "namespace")
              + " only in one input ("
              + sample(ns)
              + "): compared with the labels the current input gives");
    }
    return out;
  }

  static Map<String, Endpoint> byRef(List<Endpoint> endpoints) {
    Map<String, Endpoint> out = new TreeMap<>();
    for (Endpoint e : endpoints) {
      out.putIfAbsent(key(e), e);
    }
    return out;
  }

  static String key(Endpoint e) {
    return e.kind() + " " + e.source() + " " + e.ref();
  }

  private static String count(List<String> items, String noun) {
    return items.size() + " " + noun + (items.size() == 1 ? "" : "s");
  }

  private static String sample(List<String> items) {
    List<String> shown =
        items.stream().limit(3).map(s -> "`" + s.substring(s.lastIndexOf(' ') + 1) + "`").toList();
    return String.join(", ", shown) + (items.size() > 3 ? ", ..." : "");
  }

  /** Policies, tiers, network sets and declared profiles that were added, removed or modified. */
  static List<InputChange> changes(PolicySet base, PolicySet current) {
    List<InputChange> out = new ArrayList<>();
    compare(
        out,
        base.policies(),
        current.policies(),
        p ->
            (p.kind().written() != null ? p.kind().written() : p.kind().felixName())
                + " "
                + p.displayName(),
        Inventory::content,
        Policy::span);
    compare(
        out,
        base.tiers(),
        current.tiers(),
        t -> "Tier " + t.name(),
        t -> java.util.Arrays.asList(t.order(), t.defaultAction(), t.declared()),
        Tier::span);
    compare(
        out,
        base.networkSets(),
        current.networkSets(),
        s ->
            (s.namespace() == null
                ? "GlobalNetworkSet " + s.name()
                : "NetworkSet " + s.namespace() + "/" + s.name()),
        s -> List.of(s.labels(), s.nets(), s.allowedEgressDomains()),
        NetworkSet::span);
    List<InputChange> inventory = new ArrayList<>();
    compare(
        inventory,
        base.endpoints(),
        current.endpoints(),
        e -> e.source() + " " + e.ref(),
        e -> java.util.Arrays.asList(e.labels(), e.ports(), e.profiles(), e.site(), e.node()),
        Endpoint::span);
    compare(
        inventory,
        List.copyOf(base.namespaces().values()),
        List.copyOf(current.namespaces().values()),
        n -> "Namespace " + n.name(),
        Namespace::labels,
        Namespace::span);
    inventory.stream().filter(x -> x.how().equals("modified")).forEach(out::add);
    compare(
        out,
        base.profiles().values().stream().filter(p -> !builtIn(p.name())).toList(),
        current.profiles().values().stream().filter(p -> !builtIn(p.name())).toList(),
        p -> "Profile " + p.name(),
        p -> List.of(p.labels(), rules(p.ingress()), rules(p.egress())),
        Profile::span);
    return out;
  }

  private static <T> void compare(
      List<InputChange> out,
      List<T> base,
      List<T> current,
      Function<T, String> name,
      Function<T, Object> content,
      Function<T, Span> span) {
    Map<String, T> b = new LinkedHashMap<>();
    base.forEach(x -> b.putIfAbsent(name.apply(x), x));
    Map<String, T> c = new LinkedHashMap<>();
    current.forEach(x -> c.putIfAbsent(name.apply(x), x));
    Set<String> all = new LinkedHashSet<>(b.keySet());
    all.addAll(c.keySet());
    for (String n : all) {
      T x = b.get(n);
      T y = c.get(n);
      if (x == null) {
        out.add(new InputChange(n, "added", Span.NONE, span.apply(y)));
      } else if (y == null) {
        out.add(new InputChange(n, "removed", span.apply(x), Span.NONE));
      } else if (!content.apply(x).equals(content.apply(y))) {
        out.add(new InputChange(n, "modified", span.apply(x), span.apply(y)));
      }
    }
  }

  private static Object content(Policy p) {
    return java.util.Arrays.asList(
        p.tier(),
        p.order(),
        p.selector(),
        p.types(),
        rules(p.ingress()),
        rules(p.egress()),
        p.doNotTrack(),
        p.preDnat(),
        p.applyOnForward());
  }

  private static List<Object> rules(List<Rule> rules) {
    return rules.stream()
        .map(
            r ->
                (Object)
                    List.of(
                        r.index(),
                        r.withSides(written(r.source()), written(r.destination())).content()))
        .toList();
  }

  /** A {@code services} side as written: the service it names, not what it resolves to. */
  private static EntityMatch written(EntityMatch m) {
    ServiceMatch s = m.service();
    return s == null ? m : m.withService(ServiceMatch.pending(s.ref(), s.withPorts()));
  }

  /**
   * The Services, EndpointSlices and Endpoints added, removed or modified that give endpoints to a
   * service some rule of either input names (spec S3.9), each with that service.
   */
  static List<InputChange> services(Input base, Input current) {
    Set<String> named = new java.util.HashSet<>();
    for (PolicySet set : List.of(base.set(), current.set())) {
      List<List<Rule>> all = new ArrayList<>();
      set.policies().forEach(p -> all.addAll(List.of(p.ingress(), p.egress())));
      set.profiles().values().forEach(p -> all.addAll(List.of(p.ingress(), p.egress())));
      for (List<Rule> rules : all) {
        for (Rule r : rules) {
          for (EntityMatch m : List.of(r.source(), r.destination())) {
            if (m.service() != null) {
              named.add(m.service().ref());
            }
          }
        }
      }
    }
    List<InputChange> found = new ArrayList<>();
    compare(
        found,
        base.services(),
        current.services(),
        ServiceInput::display,
        ServiceInput::content,
        ServiceInput::span);
    List<InputChange> out = new ArrayList<>();
    for (InputChange x : found) {
      // a slice may move to another service: either one being named makes it count
      String service =
          java.util.stream.Stream.of(current.services(), base.services())
              .flatMap(List::stream)
              .filter(s -> s.display().equals(x.what()) && named.contains(s.service()))
              .map(ServiceInput::service)
              .findFirst()
              .orElse(null);
      if (service != null) {
        out.add(new InputChange(x.what(), x.how(), x.before(), x.after(), service));
      }
    }
    return out;
  }
}
