package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.NamedPort;
import dev.tierproof.selector.Selector;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A set of flow ends, tested inside a query: the carve-outs of a claim, the classes of a semantic
 * diff ({@link Region}). A test is exact when the query observed the set (it then keeps the
 * endpoints it tells apart in different groups); {@link Pods} and {@link Outside} are always exact,
 * since a group's endpoints share their labels and outside addresses are symbolic.
 */
public sealed interface EndSet
    permits EndSet.Any, EndSet.Pods, EndSet.Endpoints, EndSet.Range, Outside {

  /** Every end: endpoints, hypothetical pods, addresses outside the cluster. */
  record Any() implements EndSet {}

  /**
   * Workload endpoints, existing or hypothetical (spec S5.3), whose labels satisfy {@code selector}
   * (null: any labels): in {@code namespaces}, or when that is null in every namespace the input
   * mentions except {@code excluded}; with {@code unlisted}, also in namespaces the input does not
   * mention. Hypothetical pods are at any address no endpoint owns that is in every range of {@code
   * within} and in none of {@code except}, and declare exactly the named ports {@code ports} (null:
   * any) and, for each name of {@code atPort} (null: none), a named port of that name at the flow's
   * protocol and this end's port (true) or none there (false): the only way a rule sees a
   * hypothetical pod's named ports (spec S3.5, S5.3). Without {@code existing}, only hypothetical
   * pods: none of the input's.
   */
  record Pods(
      Set<String> namespaces,
      Set<String> excluded,
      boolean unlisted,
      Selector selector,
      List<Cidr> within,
      List<Cidr> except,
      List<NamedPort> ports,
      boolean existing,
      Map<String, Boolean> atPort)
      implements EndSet {
    public Pods {
      namespaces = namespaces == null ? null : Set.copyOf(namespaces);
      excluded = Set.copyOf(excluded);
      within = List.copyOf(within);
      except = List.copyOf(except);
      ports = ports == null ? null : List.copyOf(ports);
      atPort = atPort == null ? null : Collections.unmodifiableMap(new TreeMap<>(atPort));
    }

    public Pods(Set<String> namespaces, Set<String> excluded, boolean unlisted, Selector selector) {
      this(namespaces, excluded, unlisted, selector, List.of(), List.of(), null, true, null);
    }

    /** The pods of one namespace. */
    public static Pods in(String namespace, Selector selector) {
      return new Pods(Set.of(namespace), Set.of(), false, selector);
    }

    /**
     * The same pods, hypothetical ones at addresses in all of {@code in} and none of {@code out}.
     */
    public Pods at(List<Cidr> in, List<Cidr> out) {
      return new Pods(namespaces, excluded, unlisted, selector, in, out, ports, existing, atPort);
    }

    /** The same pods with another selector. */
    public Pods selecting(Selector s) {
      return new Pods(namespaces, excluded, unlisted, s, within, except, ports, existing, atPort);
    }

    /** The same pods, hypothetical ones declaring exactly {@code named} (null: any). */
    public Pods declaring(List<NamedPort> named) {
      return new Pods(
          namespaces, excluded, unlisted, selector, within, except, named, existing, atPort);
    }

    /**
     * The same pods, hypothetical ones declaring (true) or not (false) a named port of each name of
     * {@code named} at the flow's protocol and this end's port (null: any).
     */
    public Pods declaringAtPort(Map<String, Boolean> named) {
      return new Pods(
          namespaces, excluded, unlisted, selector, within, except, ports, existing, named);
    }

    /**
     * The same pods in every namespace the input mentions except {@code excluded}, and with {@code
     * unlisted} in those it does not mention.
     */
    public Pods everywhereBut(Set<String> excluded, boolean unlisted) {
      return new Pods(null, excluded, unlisted, selector, within, except, ports, existing, atPort);
    }

    /** The hypothetical pods of this set only. */
    public Pods hypothetical() {
      return new Pods(
          namespaces, excluded, unlisted, selector, within, except, ports, false, atPort);
    }

    /** Whether a namespace (null: one the input does not mention) is in the set. */
    public boolean includes(String namespace) {
      if (namespace == null) {
        return unlisted;
      }
      return namespaces == null ? !excluded.contains(namespace) : namespaces.contains(namespace);
    }
  }

  /**
   * These input endpoints (workloads or hosts), at any of their addresses; those without addresses
   * (spec S5.4) at a free address in every range of {@code within} and in none of {@code except}
   * (the others are tested at their own addresses).
   */
  record Endpoints(List<Endpoint> endpoints, List<Cidr> within, List<Cidr> except)
      implements EndSet {
    public Endpoints {
      endpoints = List.copyOf(endpoints);
      within = List.copyOf(within);
      except = List.copyOf(except);
    }

    public Endpoints(List<Endpoint> endpoints) {
      this(endpoints, List.of(), List.of());
    }

    /** The same set over {@code f}'s image of each endpoint. */
    public Endpoints mapped(java.util.function.UnaryOperator<Endpoint> f) {
      return new Endpoints(endpoints.stream().map(f).toList(), within, except);
    }
  }

  /** Every end whose address is in the range: an endpoint, a hypothetical pod or outside. */
  record Range(Cidr range) implements EndSet {}
}
