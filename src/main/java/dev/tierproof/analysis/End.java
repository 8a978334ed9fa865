package dev.tierproof.analysis;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.selector.Selector;

/**
 * One end of a question, resolved from an endpoint reference (design.md §2).
 *
 * <ul>
 *   <li>{@link Known}: one endpoint of the input (a pod, a workload's pod template, a host
 *       endpoint); its address is one of its own, or any address no endpoint owns when it has none;
 *   <li>{@link Outside}: an address outside the cluster — in {@code range} when given (a literal
 *       address is a /32 or /128), reached by DNS name {@code domain} when given; an address that
 *       an endpoint owns resolves to {@link Known} instead, except inside a range, where the
 *       address is symbolic and whichever endpoint owns it is that end;
 *   <li>{@link Hypothetical}: any workload endpoint, existing or not yet deployed, in {@code
 *       namespace} (null: any namespace) whose labels satisfy {@code selector}; with {@code
 *       existingOnly}, only the input's endpoints.
 * </ul>
 */
public sealed interface End {

  record Known(Endpoint endpoint) implements End {
    @Override
    public String display() {
      return endpoint.ref();
    }
  }

  record Outside(Cidr range, String domain) implements End {
    @Override
    public String display() {
      return domain != null ? domain : range != null ? range.toString() : "world";
    }
  }

  record Hypothetical(String namespace, Selector selector, boolean existingOnly) implements End {
    @Override
    public String display() {
      String sel = "{" + selector.canonical() + "}";
      return namespace == null ? sel : namespace + "/" + sel;
    }
  }

  /** How messages name it: {@code shop/podA}, {@code tigera.io}, {@code 10.0.0.0/8}, {@code world}. */
  String display();
}
