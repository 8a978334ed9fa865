package dev.tierproof.analysis;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import dev.tierproof.source.Suggest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Endpoint references to ends (design.md §2, "Endpoint references"), and the one concrete flow that
 * {@code explain} evaluates between two ends.
 *
 * <p>Resolution: {@code ns/name} is the pod or workload {@code name} of namespace {@code ns}
 * ({@code ns/Kind/name} picks one kind when several share the name); a bare {@code name} is the one
 * endpoint of any kind, host endpoints included, with that name; an address is the endpoint that
 * owns it, else an address outside the cluster (so is a range of one address); a range, a domain
 * and {@code world} are outside the cluster, a selector reference is a hypothetical workload
 * endpoint. An unknown or ambiguous name is an error that lists what it could have meant.
 *
 * <p>The concrete flow's defaults, for what the question leaves open: protocol TCP (ICMP or ICMPv6
 * when only {@code --icmp-type} is given), destination port {@value Placeholders#PORT} and source
 * port {@value Placeholders#SOURCE_PORT} for protocols with ports, ICMP echo request (type 8,
 * ICMPv6 type 128) with code 0; IPv4 unless {@code --ip-version 6}, ICMPv6 or an end allows only
 * IPv6. An endpoint uses its first address of that family. Addresses that the input does not give
 * are made up and never owned by an endpoint: a workload without addresses (a controller's pod
 * template) gets one from {@code 10.255.0.0/16} ({@code fd00:ff::/64}), and a note says so; an end
 * outside the cluster is {@code 203.0.113.7} as destination and {@code 198.51.100.7} as source
 * ({@code 2001:db8::cb00:7107}, {@code 2001:db8::c633:6407}), or the next free address.
 */
public final class References {

  private References() {}

  /**
   * A resolved reference.
   *
   * @param address the one address the reference pins (a literal address, {@code --destination-ip}
   *     for a domain), else null
   */
  public record Resolved(End end, Ip address) {}

  /**
   * The flow {@code explain} evaluates.
   *
   * @param notes what was made up for it that the user should know (placeholder addresses)
   */
  public record Concrete(Flow flow, List<String> notes) {
    public Concrete {
      notes = List.copyOf(notes);
    }
  }

  /**
   * Resolves {@code ref} against the input; reports into {@code d} at {@code at} and returns empty
   * when it names nothing or is ambiguous.
   *
   * @param existing restricts a selector reference to the input's endpoints ({@code --existing})
   */
  public static Optional<Resolved> resolve(
      EndpointRef ref, PolicySet set, boolean existing, Span at, Diagnostics d) {
    if (ref instanceof EndpointRef.Named named) {
      return named(named, set, at, d).map(e -> new Resolved(new End.Known(e), null));
    }
    if (ref instanceof EndpointRef.Address address) {
      return address(address.text(), set, at, d);
    }
    if (ref instanceof EndpointRef.Range range) {
      Optional<Cidr> cidr = Cidr.parse(range.text());
      if (cidr.isEmpty()) {
        d.error(at, "`" + range.text() + "` is not an address range");
        return Optional.empty();
      }
      if (cidr.get().hasHostBits()) {
        d.error(at, "`" + range.text() + "` has host bits set; did you mean `" + cidr.get() + "`?");
        return Optional.empty();
      }
      if (cidr.get().prefix() == cidr.get().address().bits()) {
        return address(cidr.get().address().toString(), set, at, d);
      }
      return Optional.of(new Resolved(new End.Addresses(cidr.get(), null), null));
    }
    if (ref instanceof EndpointRef.Domain domain) {
      for (Endpoint e : set.endpoints()) {
        if (e.name().equals(domain.name())) {
          String hint =
              !e.isHost()
                  ? "; write `" + e.ref() + "`"
                  : e.ips().isEmpty() ? "" : "; name it by its address `" + e.ips().get(0) + "`";
          d.warning(
              at,
              "`"
                  + domain.name()
                  + "` is read as a domain name, not as the endpoint `"
                  + e.ref()
                  + "`"
                  + hint);
          break;
        }
      }
      return Optional.of(new Resolved(new End.Addresses(null, domain.name()), null));
    }
    if (ref instanceof EndpointRef.SelectorRef selection) {
      String ns = selection.namespace();
      if (ns != null && !namespaces(set).contains(ns)) {
        d.warning(
            at,
            "namespace `"
                + ns
                + "` is not in the input; its endpoints have no namespace labels"
                + didYouMean(ns, namespaces(set)));
      }
      return Optional.of(
          new Resolved(new End.Hypothetical(ns, selection.selector(), existing), null));
    }
    return Optional.of(new Resolved(new End.Addresses(null, null), null));
  }

  /**
   * Pins the address of a domain destination ({@code --destination-ip}); the address must be
   * outside the cluster.
   */
  public static Optional<Resolved> pin(
      Resolved destination, Ip ip, PolicySet set, Span at, Diagnostics d) {
    if (!(destination.end() instanceof End.Addresses outside) || outside.domain() == null) {
      d.error(
          at,
          "`--destination-ip` pins the address of a domain, but the destination is `"
              + destination.end().display()
              + "`");
      return Optional.empty();
    }
    Optional<Endpoint> owner =
        set.endpoints().stream().filter(e -> e.ips().contains(ip)).findFirst();
    if (owner.isPresent()) {
      d.error(
          at,
          "`"
              + ip
              + "` is the address of `"
              + owner.get().ref()
              + "`; a domain is reached outside the cluster");
      return Optional.empty();
    }
    return Optional.of(new Resolved(new End.Addresses(Cidr.host(ip), outside.domain()), ip));
  }

  /**
   * The one concrete flow from {@code source} to {@code destination}: every open field gets the
   * default of the class comment. Reports into {@code d} and returns empty when an end or the spec
   * stands for more than one flow (a selector, a range, a wildcard domain, a port range), or when
   * the ends and the spec contradict each other.
   */
  public static Optional<Concrete> concrete(
      Resolved source, Resolved destination, FlowSpec spec, PolicySet set, Span at, Diagnostics d) {
    int errors = d.errors().size();
    concreteEnd(source, at, d);
    concreteEnd(destination, at, d);
    if (source.end() instanceof End.Addresses o && o.domain() != null) {
      d.error(at, "a domain (`" + o.domain() + "`) can only be a destination");
    }
    // spec S6.11: such a flow meets policy only routed through a walked node's forward chain
    if (source.end() instanceof End.Addresses
        && destination.end() instanceof End.Addresses
        && set.walked().isEmpty()) {
      d.error(
          at,
          "neither `"
              + source.end().display()
              + "` nor `"
              + destination.end().display()
              + "` is an endpoint of the input, so no policy applies between them");
    }
    singlePort("--port", spec.port(), at, d);
    singlePort("--source-port", spec.sourcePort(), at, d);
    if (d.errors().size() > errors) {
      return Optional.empty();
    }

    Set<Integer> families = new TreeSet<>(List.of(4, 6));
    families.retainAll(families(source));
    families.retainAll(families(destination));
    if (families.isEmpty()) {
      d.error(
          at,
          "`"
              + source.end().display()
              + "` and `"
              + destination.end().display()
              + "` have no address family in common");
      return Optional.empty();
    }
    int family;
    if (spec.ipVersion() != null) {
      family = spec.ipVersion();
      if (!families.contains(family)) {
        End without = families(source).contains(family) ? destination.end() : source.end();
        d.error(at, "`" + without.display() + "` has no IPv" + family + " address");
        return Optional.empty();
      }
    } else if (spec.protocol() != null && spec.protocol() == Protocols.ICMPV6) {
      family = families.contains(6) ? 6 : 4;
    } else {
      family = families.contains(4) ? 4 : 6;
    }

    int protocol =
        spec.protocol() != null
            ? spec.protocol()
            : spec.icmpType() != null
                ? (family == 6 ? Protocols.ICMPV6 : Protocols.ICMP)
                : Protocols.TCP;
    boolean ports = Protocols.hasPorts(protocol);
    boolean icmp = Protocols.isIcmp(protocol);
    String name = Protocols.name(protocol);
    if (!ports && spec.port() != null) {
      d.error(
          at, "`--port` needs a protocol with ports (TCP, UDP, SCTP, UDPLite), not `" + name + "`");
    }
    if (!ports && spec.sourcePort() != null) {
      d.error(
          at,
          "`--source-port` needs a protocol with ports (TCP, UDP, SCTP, UDPLite), not `"
              + name
              + "`");
    }
    if (!icmp && spec.icmpType() != null) {
      d.error(at, "`--icmp-type` needs protocol ICMP or ICMPv6, not `" + name + "`");
    }
    if (!icmp && spec.icmpCode() != null) {
      d.error(at, "`--icmp-code` needs protocol ICMP or ICMPv6, not `" + name + "`");
    } else if (spec.icmpCode() != null && spec.icmpType() == null) {
      d.error(at, "`--icmp-code` needs `--icmp-type`");
    }
    if (d.errors().size() > errors) {
      return Optional.empty();
    }

    Set<Ip> owned = new HashSet<>();
    set.endpoints().forEach(e -> owned.addAll(e.ips()));
    List<String> notes = new ArrayList<>();
    Placed from = place(source, family, owned, null, true, notes);
    Placed to = place(destination, family, owned, from.ip(), false, notes);
    Integer sourcePort =
        ports
            ? (spec.sourcePort() != null ? spec.sourcePort().min() : Placeholders.SOURCE_PORT)
            : null;
    Integer port = ports ? (spec.port() != null ? spec.port().min() : Placeholders.PORT) : null;
    Integer icmpType =
        icmp
            ? (spec.icmpType() != null ? spec.icmpType() : protocol == Protocols.ICMPV6 ? 128 : 8)
            : null;
    Integer icmpCode = icmp ? (spec.icmpCode() != null ? spec.icmpCode() : 0) : null;
    String domain = destination.end() instanceof End.Addresses o ? o.domain() : null;
    Flow flow =
        Flow.between(
            protocol,
            from.ip(),
            sourcePort,
            to.ip(),
            port,
            icmpType,
            icmpCode,
            domain,
            from.endpoint(),
            to.endpoint());
    return Optional.of(new Concrete(flow, notes));
  }

  /** An end placed at one address; {@code endpoint} is null outside the cluster. */
  private record Placed(Ip ip, Endpoint endpoint) {}

  private static Placed place(
      Resolved r, int family, Set<Ip> owned, Ip taken, boolean source, List<String> notes) {
    if (r.end() instanceof End.Known known) {
      Endpoint e = known.endpoint();
      if (r.address() != null) {
        return new Placed(r.address(), e);
      }
      Optional<Ip> own = e.ips().stream().filter(ip -> ip.family() == family).findFirst();
      if (own.isPresent()) {
        return new Placed(own.get(), e);
      }
      Ip placeholder = free(Placeholders.pod(family, true), owned, taken);
      if (e.isHost()) {
        // spec S5.4: a host endpoint's addresses in IP sets are its expectedIPs only
        notes.add(
            "`"
                + e.ref()
                + "` has no "
                + (e.ips().isEmpty() ? "" : "IPv" + family + " ")
                + "`expectedIPs`; the flow gives it `"
                + placeholder
                + "`, an address no endpoint owns, where no rule selector matches it (Calico's IP"
                + " sets hold a host endpoint's expectedIPs only)");
        return new Placed(placeholder, e);
      }
      notes.add(
          "`"
              + e.ref()
              + "` has no address in the input; the flow gives it `"
              + placeholder
              + "`, an address no endpoint owns");
      // without addresses of its own the workload is at the flow's address (spec S5.4); with
      // addresses of the other family only, a copy at the placeholder
      return new Placed(placeholder, e.ips().isEmpty() ? e : e.withIps(List.of(placeholder)));
    }
    if (r.address() != null) {
      return new Placed(r.address(), null);
    }
    return new Placed(free(Placeholders.outside(family, source), owned, taken), null);
  }

  /**
   * The first address from {@code start} upwards that no endpoint owns and is not {@code taken}.
   */
  private static Ip free(Ip start, Set<Ip> owned, Ip taken) {
    Ip ip = start;
    while (owned.contains(ip) || ip.equals(taken)) {
      ip = new Ip(ip.family(), ip.value().add(BigInteger.ONE));
    }
    return ip;
  }

  /** The address families an end can be concrete in. */
  private static Set<Integer> families(Resolved r) {
    if (r.address() != null) {
      return Set.of(r.address().family());
    }
    if (r.end() instanceof End.Known k && !k.endpoint().ips().isEmpty()) {
      return k.endpoint().ips().stream().map(Ip::family).collect(Collectors.toSet());
    }
    return Set.of(4, 6);
  }

  private static void concreteEnd(Resolved r, Span at, Diagnostics d) {
    boolean many =
        r.end() instanceof End.Hypothetical
            || (r.end() instanceof End.Addresses o
                && ((o.range() != null && r.address() == null)
                    || (o.domain() != null && o.domain().startsWith("*."))));
    if (many) {
      d.error(
          at,
          "`"
              + r.end().display()
              + "` stands for many endpoints or addresses: "
              + "explain needs one concrete flow; use verify");
    }
  }

  private static void singlePort(String option, Port.Range range, Span at, Diagnostics d) {
    if (range != null && range.min() != range.max()) {
      d.error(
          at,
          "`" + option + " " + range + "` is a range: explain needs one concrete flow; use verify");
    }
  }

  private static Optional<Resolved> address(String text, PolicySet set, Span at, Diagnostics d) {
    Optional<Ip> ip = Ip.parse(text);
    if (ip.isEmpty()) {
      d.error(at, "`" + text + "` is not an IP address");
      return Optional.empty();
    }
    List<Endpoint> owners =
        set.endpoints().stream().filter(e -> e.ips().contains(ip.get())).toList();
    if (owners.size() > 1) {
      d.error(
          at,
          "`"
              + text
              + "` is the address of several endpoints: "
              + list(owners)
              + "; name one of them");
      return Optional.empty();
    }
    End end =
        owners.isEmpty()
            ? new End.Addresses(Cidr.host(ip.get()), null)
            : new End.Known(owners.get(0));
    return Optional.of(new Resolved(end, ip.get()));
  }

  private static Optional<Endpoint> named(
      EndpointRef.Named ref, PolicySet set, Span at, Diagnostics d) {
    List<Endpoint> all = set.endpoints();
    String written =
        (ref.namespace() == null ? "" : ref.namespace() + "/")
            + (ref.kind() == null ? "" : ref.kind() + "/")
            + ref.name();
    List<Endpoint> candidates;
    List<String> pool;
    if (ref.namespace() == null) {
      candidates = all.stream().filter(e -> e.name().equals(ref.name())).toList();
      pool = all.stream().map(e -> display(e, set)).toList();
    } else {
      candidates =
          all.stream()
              .filter(e -> !e.isHost())
              .filter(e -> ref.namespace().equals(e.namespace()) && ref.name().equals(e.name()))
              .filter(e -> ref.kind() == null || ref.kind().equalsIgnoreCase(e.source()))
              .toList();
      pool =
          all.stream()
              .filter(e -> !e.isHost())
              .map(e -> ref.kind() == null ? e.ref() : qualified(e))
              .toList();
    }
    if (candidates.size() == 1) {
      return Optional.of(candidates.get(0));
    }
    if (candidates.isEmpty()) {
      String what =
          ref.namespace() == null
              ? "endpoint"
              : ref.kind() == null ? "pod or workload" : ref.kind();
      d.error(
          at,
          "no "
              + what
              + " `"
              + written
              + "` in the input"
              + didYouMean(written, pool, ref.name(), all, set));
    } else {
      d.error(at, "`" + written + "` is ambiguous: it could be " + list(candidates));
    }
    return Optional.empty();
  }

  /**
   * How an endpoint is referred to: {@code ns/name}, or {@code ns/Kind/name} when that is
   * ambiguous.
   */
  private static String display(Endpoint e, PolicySet set) {
    long same = set.endpoints().stream().filter(o -> o.ref().equals(e.ref())).count();
    return same > 1 && !e.isHost() ? qualified(e) : e.ref();
  }

  private static String qualified(Endpoint e) {
    return e.namespace() + "/" + e.source() + "/" + e.name();
  }

  /**
   * The endpoints as a message lists them: {@code ns/Kind/name} where {@code ns/name} is shared.
   */
  private static String list(List<Endpoint> endpoints) {
    return endpoints.stream()
        .map(
            e ->
                endpoints.stream().filter(o -> o.ref().equals(e.ref())).count() > 1 && !e.isHost()
                    ? qualified(e)
                    : e.ref())
        .map(s -> "`" + s + "`")
        .collect(Collectors.joining(", "));
  }

  private static Set<String> namespaces(PolicySet set) {
    Set<String> out = new TreeSet<>(set.namespaces().keySet());
    set.endpoints().stream().map(Endpoint::namespace).filter(n -> n != null).forEach(out::add);
    return out;
  }

  private static String didYouMean(String written, Set<String> pool) {
    return didYouMean(written, List.copyOf(pool), null, List.of(), null);
  }

  /**
   * {@code ; did you mean `x`?} with up to three close spellings from {@code pool}, and the
   * endpoints of other namespaces that have exactly the name {@code name}; empty when none.
   */
  private static String didYouMean(
      String written, List<String> pool, String name, List<Endpoint> all, PolicySet set) {
    int limit = Math.max(1, Math.min(3, written.length() / 4));
    Set<String> close = new java.util.LinkedHashSet<>();
    pool.stream()
        .distinct()
        .filter(p -> Suggest.distance(written, p) <= limit)
        .sorted(
            Comparator.comparingInt((String p) -> Suggest.distance(written, p))
                .thenComparing(p -> p))
        .forEach(close::add);
    if (name != null) {
      all.stream()
          .filter(e -> e.name().equals(name))
          .map(e -> display(e, set))
          .sorted()
          .forEach(close::add);
    }
    close.remove(written);
    if (close.isEmpty()) {
      return "";
    }
    return "; did you mean "
        + close.stream().limit(3).map(s -> "`" + s + "`").collect(Collectors.joining(" or "))
        + "?";
  }
}
