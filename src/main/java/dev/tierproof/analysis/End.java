package dev.tierproof.analysis;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.PolicySet;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Outside;
import dev.tierproof.smt.Side;
import java.util.ArrayList;
import java.util.List;

/**
 * One end of a question, resolved from an endpoint reference (design.md §2).
 *
 * <ul>
 *   <li>{@link Known}: one endpoint of the input (a pod, a workload's pod template, a host
 *       endpoint); its address is one of its own, or any address no endpoint owns when it has none
 *       (in one of {@code podCidrs} when there are any);
 *   <li>{@link Addresses}: an address named by value, not by endpoint: {@code world} (any address
 *       outside the cluster), an address or range (a literal address is a /32 or /128), or a
 *       destination reached by DNS name {@code domain}. A literal address that an endpoint owns
 *       resolves to {@link Known} instead; inside a range the address is symbolic and whichever
 *       endpoint owns it is that end, so a range also holds the input's endpoints in it (a domain
 *       or {@code world} is outside the cluster only: {@link Outside} in the solver's terms);
 *   <li>{@link Hypothetical}: any workload endpoint, existing or not yet deployed, in {@code
 *       namespace} (null: any namespace) whose labels satisfy {@code selector}; with {@code
 *       existingOnly}, only the input's endpoints; not yet deployed ones, and the input's endpoints
 *       without an address, at an address no endpoint owns, in one of {@code podCidrs} when there
 *       are any ({@code --pod-cidr}).
 * </ul>
 */
public sealed interface End {

  /**
   * {@code podCidrs}: where a workload endpoint stands when it has no address (spec S5.4; empty:
   * anywhere free).
   */
  record Known(Endpoint endpoint, List<Cidr> podCidrs) implements End {
    public Known {
      podCidrs = List.copyOf(podCidrs);
    }

    public Known(Endpoint endpoint) {
      this(endpoint, List.of());
    }

    /** The same end, standing at addresses in one of {@code cidrs} when it has none of its own. */
    public Known inPodCidrs(List<Cidr> cidrs) {
      return new Known(endpoint, cidrs);
    }

    @Override
    public String display() {
      return endpoint.ref();
    }
  }

  record Addresses(Cidr range, String domain) implements End {
    @Override
    public String display() {
      return domain != null ? domain : range != null ? range.toString() : "world";
    }
  }

  record Hypothetical(
      String namespace, Selector selector, boolean existingOnly, List<Cidr> podCidrs)
      implements End {
    public Hypothetical {
      podCidrs = List.copyOf(podCidrs);
    }

    /** Not yet deployed endpoints at any address no endpoint owns. */
    public Hypothetical(String namespace, Selector selector, boolean existingOnly) {
      this(namespace, selector, existingOnly, List.of());
    }

    /**
     * The same end, its not yet deployed endpoints at addresses in one of {@code cidrs} (none:
     * anywhere).
     */
    public Hypothetical inPodCidrs(List<Cidr> cidrs) {
      return new Hypothetical(namespace, selector, existingOnly, cidrs);
    }

    @Override
    public String display() {
      String sel = "{" + selector.canonical() + "}";
      return namespace == null ? sel : namespace + "/" + sel;
    }

    /** The input's workload endpoints this end holds. */
    public List<Endpoint> existing(PolicySet set) {
      return set.endpoints().stream()
          .filter(e -> !e.isHost())
          .filter(e -> namespace == null || namespace.equals(e.namespace()))
          .filter(e -> selector.matches(e.labels()))
          .toList();
    }
  }

  /**
   * How messages name it: {@code shop/podA}, {@code tigera.io}, {@code 10.0.0.0/8}, {@code world}.
   */
  String display();

  /**
   * A decoded flow's end ({@code e} at {@code ip}; {@code e} null outside the cluster) is one of
   * this end's alternatives over {@code set}: what every solver answer is checked against before it
   * is reported.
   */
  default boolean admits(Endpoint e, dev.tierproof.model.Ip ip, PolicySet set) {
    boolean unowned = set.endpoints().stream().noneMatch(o -> o.ips().contains(ip));
    if (this instanceof Known k) {
      return e == k.endpoint()
          && (e.ips().isEmpty()
              ? unowned && (e.isHost() || inPods(k.podCidrs(), ip))
              : e.ips().contains(ip));
    }
    if (this instanceof Addresses o) {
      boolean inRange = o.range() == null || o.range().contains(ip);
      return inRange && (e == null ? unowned : o.domain() == null && e.ips().contains(ip));
    }
    Hypothetical h = (Hypothetical) this;
    boolean input = set.endpoints().stream().anyMatch(o -> o == e);
    return e != null
        && !e.isHost()
        && (h.namespace() == null || h.namespace().equals(e.namespace()))
        && h.selector().matches(e.labels())
        && (input && !e.ips().isEmpty()
            ? e.ips().contains(ip)
            : unowned && inPods(h.podCidrs(), ip) && (input || !h.existingOnly()));
  }

  private static boolean inPods(List<Cidr> pods, dev.tierproof.model.Ip ip) {
    return pods.isEmpty() || pods.stream().anyMatch(c -> c.contains(ip));
  }

  /**
   * The query alternatives for this end over {@code set}: a range without a name also holds the
   * input endpoints at addresses in it.
   */
  default List<Side> sides(PolicySet set) {
    if (this instanceof Known k) {
      return placed(List.of(k.endpoint()), k.podCidrs());
    }
    if (this instanceof Addresses o) {
      if (o.domain() != null || o.range() == null) {
        return List.of(Outside.in(o.range(), o.domain()));
      }
      List<Endpoint> inRange =
          set.endpoints().stream()
              .filter(e -> e.ips().stream().anyMatch(o.range()::contains))
              .toList();
      return List.of(new Side.Endpoints(inRange, o.range()), Outside.in(o.range(), null));
    }
    Hypothetical h = (Hypothetical) this;
    List<Side> out = new ArrayList<>(placed(h.existing(set), h.podCidrs()));
    if (!h.existingOnly()) {
      if (h.podCidrs().isEmpty()) {
        out.add(new Side.Fresh(h.namespace(), h.selector(), null, null));
      }
      h.podCidrs().forEach(c -> out.add(new Side.Fresh(h.namespace(), h.selector(), null, c)));
    }
    return out;
  }

  /**
   * The endpoints at their addresses; workload endpoints without one in one of {@code podCidrs}
   * (spec S5.4; a host endpoint is not a pod).
   */
  private static List<Side> placed(List<Endpoint> endpoints, List<Cidr> podCidrs) {
    List<Endpoint> free = endpoints.stream().filter(e -> e.ips().isEmpty() && !e.isHost()).toList();
    if (podCidrs.isEmpty() || free.isEmpty()) {
      return List.of(new Side.Endpoints(endpoints, null));
    }
    List<Side> out = new ArrayList<>();
    out.add(
        new Side.Endpoints(
            endpoints.stream().filter(e -> !e.ips().isEmpty() || e.isHost()).toList(), null));
    podCidrs.forEach(c -> out.add(new Side.Endpoints(free, c)));
    return out;
  }
}
