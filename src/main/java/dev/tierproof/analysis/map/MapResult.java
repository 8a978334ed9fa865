package dev.tierproof.analysis.map;

import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Port;
import java.util.List;
import java.util.Map;

/**
 * Who can talk to whom: groups of ends that every flow treats alike, and per ordered pair of groups
 * the packets allowed, each part with the deciding point of each step and a witness the evaluator
 * replayed.
 *
 * @param groups endpoint groups first (input order of their first endpoint), then outside ones
 * @param edges the ordered pairs with something allowed, in group order
 */
public record MapResult(List<Group> groups, List<Edge> edges) {

  public MapResult {
    groups = List.copyOf(groups);
    edges = List.copyOf(edges);
  }

  /**
   * Endpoints that every flow treats alike (same labels, namespace, profiles, named ports,
   * membership in every range a policy or network set names, and other owners of their addresses,
   * spec S5.5); or ({@code cidrs} non-empty, no endpoints) the addresses outside the cluster that
   * no policy tells apart; or ({@code domains} non-empty) destinations outside the cluster reached
   * by a DNS name of one class (spec S3.6); or ({@code hypothetical}) the workload endpoints that
   * could be deployed in a namespace and satisfy exactly the selectors {@code matches} of those the
   * policies name (spec S5.3).
   *
   * @param id {@code g1}, {@code g2}, ... for endpoints; {@code o1}, ... outside; {@code d1}, ...
   *     DNS names; {@code h1}, ... pods that could be deployed
   * @param labels what sets the group apart from the others of its namespace (empty outside); for a
   *     hypothetical group, the labels of one of its pods that selectors look at
   * @param cidrs outside: its addresses; a DNS-name or hypothetical group: the addresses no
   *     endpoint owns that its members stand at (empty: any of them; a DNS name: those of the
   *     outside groups holding explain's outside address)
   * @param names what a reader calls it: outside, the network sets its addresses are in, or {@code
   *     world}; a DNS name or pattern; a hypothetical group's namespace and labels; a namespace or
   *     workload when the map is read at that grain; else null
   * @param matches a hypothetical group: the selectors (canonical) its pods satisfy, among those
   *     whose truth its namespace leaves open; {@code notMatches} those they do not
   * @param domains a DNS-name group: the name or pattern its names are (a pattern: its names that
   *     no other group's name or narrower pattern holds)
   */
  public record Group(
      String id,
      String namespace,
      Map<String, String> labels,
      List<Endpoint> endpoints,
      List<Cidr> cidrs,
      String names,
      boolean hypothetical,
      List<String> matches,
      List<String> notMatches,
      List<String> domains) {
    public Group {
      labels =
          java.util.Collections.unmodifiableMap(
              new java.util.TreeMap<>(labels)); // in key order, run after run
      endpoints = List.copyOf(endpoints);
      cidrs = List.copyOf(cidrs);
      matches = List.copyOf(matches);
      notMatches = List.copyOf(notMatches);
      domains = List.copyOf(domains);
    }

    /** A group of endpoints of the input, or of addresses outside. */
    public Group(
        String id,
        String namespace,
        Map<String, String> labels,
        List<Endpoint> endpoints,
        List<Cidr> cidrs,
        String names) {
      this(id, namespace, labels, endpoints, cidrs, names, false, List.of(), List.of(), List.of());
    }

    /** Addresses outside the cluster, reached by a DNS name or not. */
    public boolean outside() {
      return endpoints.isEmpty() && !hypothetical;
    }

    /** The same group under another id and with other addresses (DNS-name, hypothetical). */
    public Group as(String newId, List<Cidr> within, String newNames) {
      return new Group(
          newId,
          namespace,
          labels,
          endpoints,
          within,
          newNames,
          hypothetical,
          matches,
          notMatches,
          domains);
    }

    /** {@code ns/name} of one endpoint, {@code ns/{app=web} (3)} of several, the names outside. */
    public String display() {
      if (endpoints.isEmpty()) {
        return names;
      }
      if (names != null) {
        return names + " (" + endpoints.size() + ")";
      }
      if (endpoints.size() == 1) {
        return endpoints.get(0).ref();
      }
      String prefix = namespace == null ? "" : namespace + "/";
      String set =
          labels.isEmpty()
              ? endpoints.get(0).name() + ",…"
              : labels.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .sorted()
                  .reduce((a, b) -> a + "," + b)
                  .orElse("");
      return prefix + "{" + set + "} (" + endpoints.size() + ")";
    }
  }

  /** The packets allowed from one group to another, in parts (never empty). */
  public record Edge(Group from, Group to, List<Part> allowed) {
    public Edge {
      allowed = List.copyOf(allowed);
    }
  }

  /**
   * Packets that every step allows, decided by the same points: a protocol ({@link #ANY} with
   * {@code exceptProtocols} for the protocols no rule names), destination and source port ranges
   * for protocols with ports (all ports when empty), ICMP type and code ranges for ICMP (all when
   * empty); {@code ipVersion} 4 or 6 when the other family's packets are decided otherwise (null:
   * either); {@code witness} one of them, replayed through the evaluator to {@code verdict}.
   */
  public record Part(
      Integer ipVersion,
      int protocol,
      List<Integer> exceptProtocols,
      List<Port.Range> ports,
      List<Port.Range> sourcePorts,
      List<Port.Range> icmpTypes,
      List<Port.Range> icmpCodes,
      Flow witness,
      Verdict verdict) {
    public static final int ANY = -1;

    public Part {
      exceptProtocols = List.copyOf(exceptProtocols);
      ports = List.copyOf(ports);
      sourcePorts = List.copyOf(sourcePorts);
      icmpTypes = List.copyOf(icmpTypes);
      icmpCodes = List.copyOf(icmpCodes);
    }

    /** The same packets with another witness and verdict. */
    public Part with(Flow witness, Verdict verdict) {
      return new Part(
          ipVersion,
          protocol,
          exceptProtocols,
          ports,
          sourcePorts,
          icmpTypes,
          icmpCodes,
          witness,
          verdict);
    }

    /** The same packets in family {@code v} (null: either). */
    public Part in(Integer v) {
      return new Part(
          v, protocol, exceptProtocols, ports, sourcePorts, icmpTypes, icmpCodes, witness, verdict);
    }
  }
}
