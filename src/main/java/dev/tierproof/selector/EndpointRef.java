package dev.tierproof.selector;

import java.util.Objects;

/**
 * An endpoint reference as written on the command line for SRC and DST (design.md S2), parsed but
 * not resolved: whether a name exists, an address is valid or a kind is known is decided where the
 * model is at hand.
 *
 * <table>
 *   <caption>Forms</caption>
 *   <tr><td>{@code ns/name}, {@code ns/Kind/name}, {@code name}</td><td>{@link Named}</td></tr>
 *   <tr><td>{@code 10.0.1.5}, {@code fd00::5}</td><td>{@link Address}</td></tr>
 *   <tr><td>{@code 10.0.0.0/8}, {@code fd00::/64}</td><td>{@link Range}</td></tr>
 *   <tr><td>{@code tigera.io}, {@code *.example.com}</td><td>{@link Domain}</td></tr>
 *   <tr><td>{@code ns/{app == 'web'}}, {@code {app == 'web'}}, {@code ns/*}, {@code *}</td>
 *       <td>{@link SelectorRef}</td></tr>
 *   <tr><td>{@code world}</td><td>{@link World}</td></tr>
 * </table>
 *
 * <p>A bare word with a dot is a domain, without one a name: a pod whose name has a dot is written
 * {@code ns/my.pod}. {@code world} is a keyword only on its own ({@code ns/world} is the pod {@code
 * world}). No whitespace outside the braces of a selector.
 */
public sealed interface EndpointRef
    permits EndpointRef.Named,
        EndpointRef.Address,
        EndpointRef.Range,
        EndpointRef.Domain,
        EndpointRef.SelectorRef,
        EndpointRef.World {

  /**
   * A pod, workload or host endpoint by name.
   *
   * @param namespace the namespace, or null for a bare name (any namespace, or a host endpoint)
   * @param kind the workload kind as written (e.g. {@code Deployment}), or null
   * @param name the object name
   */
  record Named(String namespace, String kind, String name) implements EndpointRef {
    public Named {
      Objects.requireNonNull(name, "name");
    }
  }

  /** An IPv4 or IPv6 literal as written (syntax only; its value is validated elsewhere). */
  record Address(String text) implements EndpointRef {
    public Address {
      Objects.requireNonNull(text, "text");
    }
  }

  /** An address range {@code address/length} as written. */
  record Range(String text) implements EndpointRef {
    public Range {
      Objects.requireNonNull(text, "text");
    }
  }

  /** A DNS name with at least one dot, possibly a wildcard {@code *.example.com}. */
  record Domain(String name) implements EndpointRef {
    public Domain {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Every workload endpoint, existing or hypothetical, whose labels match.
   *
   * @param namespace the namespace, or null for any namespace
   * @param selector the selector; {@code all()} for {@code *}
   */
  record SelectorRef(String namespace, Selector selector) implements EndpointRef {
    public SelectorRef {
      Objects.requireNonNull(selector, "selector");
    }
  }

  /** Any address outside the cluster. */
  record World() implements EndpointRef {}

  /**
   * Parses one endpoint reference.
   *
   * @throws SelectorSyntaxException at the first problem, with its 0-based offset in {@code text}
   *     (also for a problem inside the braces of a selector)
   */
  static EndpointRef parse(String text) throws SelectorSyntaxException {
    return EndpointRefReader.parse(text);
  }
}
