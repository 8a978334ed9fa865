package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.selector.Selector;
import java.util.List;
import java.util.Set;

/**
 * A set of flow ends, tested inside a query: the carve-outs of a claim, the classes of a semantic
 * diff ({@link Region}). A test is exact when the query observed the set (it then keeps the
 * endpoints it tells apart in different groups); {@link Pods} and {@link Outside} are always
 * exact, since a group's endpoints share their labels and outside addresses are symbolic.
 */
public sealed interface EndSet permits EndSet.Any, EndSet.Pods, EndSet.Endpoints, EndSet.Range, EndSet.Outside {

  /** Every end: endpoints, hypothetical pods, addresses outside the cluster. */
  record Any() implements EndSet {}

  /**
   * Workload endpoints, existing or hypothetical (spec S5.3), whose labels satisfy {@code selector}
   * (null: any labels): in {@code namespaces}, or when that is null in every namespace the input
   * mentions except {@code excluded}; with {@code unlisted}, also in namespaces the input does not
   * mention. Hypothetical pods are at any address no endpoint owns, except in the ranges of
   * {@code except}.
   */
  record Pods(Set<String> namespaces, Set<String> excluded, boolean unlisted, Selector selector, List<Cidr> except)
      implements EndSet {
    public Pods {
      namespaces = namespaces == null ? null : Set.copyOf(namespaces);
      excluded = Set.copyOf(excluded);
      except = List.copyOf(except);
    }

    public Pods(Set<String> namespaces, Set<String> excluded, boolean unlisted, Selector selector) {
      this(namespaces, excluded, unlisted, selector, List.of());
    }

    /** The pods of one namespace. */
    public static Pods in(String namespace, Selector selector) {
      return new Pods(Set.of(namespace), Set.of(), false, selector);
    }

    /** The same pods, hypothetical ones also not in {@code range}. */
    public Pods except(Cidr range) {
      List<Cidr> more = new java.util.ArrayList<>(except);
      more.add(range);
      return new Pods(namespaces, excluded, unlisted, selector, more);
    }

    /** The same pods with another selector. */
    public Pods selecting(Selector s) {
      return new Pods(namespaces, excluded, unlisted, s, except);
    }

    /** Whether a namespace (null: one the input does not mention) is in the set. */
    public boolean includes(String namespace) {
      if (namespace == null) {
        return unlisted;
      }
      return namespaces == null ? !excluded.contains(namespace) : namespaces.contains(namespace);
    }
  }

  /** These input endpoints (workloads or hosts), at any of their addresses. */
  record Endpoints(List<Endpoint> endpoints) implements EndSet {
    public Endpoints {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** Every end whose address is in the range: an endpoint, a hypothetical pod or outside. */
  record Range(Cidr range) implements EndSet {}

  /**
   * Addresses outside the cluster: in {@code range} (null: any), and for a destination reached by
   * DNS name {@code domain} (null: by any name or none).
   */
  record Outside(Cidr range, String domain) implements EndSet {}
}
