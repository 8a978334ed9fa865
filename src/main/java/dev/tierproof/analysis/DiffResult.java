package dev.tierproof.analysis;

import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Scope;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The semantic difference between two policy sets: every class of flows whose verdict changed, and
 * whether the solver proved that no other flow changed.
 *
 * @param status {@code COMPLETE}: after the classes, Z3 proved that no other flow's verdict
 *     changed; {@code INCONCLUSIVE}: the search stopped early ({@code reason} says why) and other
 *     flows may have changed
 * @param changes what differs in the input: policies, tiers, network sets, profiles, endpoints and
 *     namespaces, and the Services, EndpointSlices and Endpoints of services that rules name
 *     (added, removed, modified)
 * @param notes differences the comparison does not cover (the inventory: endpoints, namespaces)
 * @param scope the ends compared: the input's endpoints and outside addresses, or also every pod
 *     that could be deployed
 */
public record DiffResult(
    Status status,
    List<ChangeClass> classes,
    List<InputChange> changes,
    List<String> notes,
    String reason,
    Scope scope,
    Stats stats) {

  public DiffResult {
    classes = List.copyOf(classes);
    changes = List.copyOf(changes);
    notes = List.copyOf(notes);
  }

  /** The same result with {@code more} changes in the input listed after its own. */
  public DiffResult withChanges(List<InputChange> more) {
    List<InputChange> all = new java.util.ArrayList<>(changes);
    all.addAll(more);
    return new DiffResult(status, classes, all, notes, reason, scope, stats);
  }

  /** The same classes, no longer proved complete: {@code why} other flows may have changed too. */
  public DiffResult inconclusive(String why) {
    return new DiffResult(
        Status.INCONCLUSIVE,
        classes,
        changes,
        notes,
        status == Status.INCONCLUSIVE ? reason : why,
        scope,
        stats);
  }

  public enum Status {
    COMPLETE,
    INCONCLUSIVE;

    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Kind {
    /** Denied by the base, allowed now. */
    OPENED("newly allowed"),
    /** Allowed by the base, denied now. */
    CLOSED("newly denied");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    /** {@code newly allowed}, {@code newly denied}. */
    public String text() {
      return text;
    }

    /** {@code opened}, {@code closed}. */
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Flows from {@code source} to {@code destination} within {@code packets}, every one of which
   * changed as {@code kind} says (proved by the solver), with one witness replayed through both
   * versions' evaluators ({@code before}, {@code after}). {@code placed}: null for flows however
   * placed; else only those placed as one of its placements says ({@link
   * dev.tierproof.model.Placements}: a workload naming no node on the host endpoint's node or a
   * walked node, or elsewhere, with every flow that must be so; spec S6.10-S6.12).
   */
  public record ChangeClass(
      Kind kind,
      Ends source,
      Ends destination,
      FlowSpec packets,
      dev.tierproof.model.Placements placed,
      Flow witness,
      Verdict before,
      Verdict after) {

    /**
     * For a class placed between a host endpoint and a workload (spec S6.12), whether the workload
     * is on the host endpoint's node (in every placement) or elsewhere (in every placement); else
     * null, also where a placement puts it on another (walked) node, whose forward chain it crosses
     * (S6.10, S6.11: said as for a flow with outside).
     */
    public Boolean local() {
      dev.tierproof.model.Endpoint host =
          witness.source() != null && witness.source().isHost()
              ? witness.source()
              : witness.destination() != null && witness.destination().isHost()
                  ? witness.destination()
                  : null;
      if (placed == null || host == null) {
        return null;
      }
      java.util.Set<Boolean> on = new java.util.HashSet<>();
      for (dev.tierproof.model.Placement p : placed.each()) {
        if (p.node() != null && !p.node().equals(host.node())) {
          return null;
        }
        on.add(p.node() != null);
      }
      return on.size() == 1 ? on.iterator().next() : null;
    }

    /**
     * {@code " (workload on the host endpoint's node)"} or {@code " (workload not on the host
     * endpoint's node)"} for a class of one placement between a host endpoint and a workload (spec
     * S6.12), {@code " (workload on node n1)"} or {@code " (workload on no walked node)"} for one
     * between a workload and outside (S6.11), {@code " (source on node n1, destination on no walked
     * node)"} for one between two workloads (S6.10), else {@code ""}; with the interfaces a class
     * of some interface choices crosses ({@code " (workload on node n1) (leaving by eth0 or
     * eth1)"}); {@code " (routed through node n1, entering by eth0, leaving by eth1)"} for one
     * between two outside addresses (no interface named at an end: the class holds for every choice
     * there). A class of several placements lists each, {@code " or"} between them.
     */
    public String placement() {
      if (placed == null) {
        return "";
      }
      return String.join(" or", placed.each().stream().map(this::placement).toList());
    }

    private String placement(dev.tierproof.model.Placement at) {
      if (routed()) { // spec S6.11: " (routed through node n1, entering by eth0, leaving by eth1)"
        return " (routed through "
            + (at.node() == null ? "no walked node" : "node " + at.node())
            + by(", entering by ", at.sourceInterfaces())
            + by(", leaving by ", at.destinationInterfaces())
            + ")";
      }
      String crossing =
          by(", leaving by ", at.sourceInterfaces())
              + by(", entering by ", at.destinationInterfaces());
      return where(at) + (crossing.isEmpty() ? "" : " (" + crossing.substring(2) + ")");
    }

    /** {@code how} and the interface choices, {@code " or "} between them; none: {@code ""}. */
    private static String by(String how, java.util.Set<String> choices) {
      return choices.isEmpty()
          ? ""
          : how
              + String.join(
                  " or ", choices.stream().map(dev.tierproof.model.Ports::describe).toList());
    }

    /** {@link #placement} of {@code at} without the interfaces. */
    private String where(dev.tierproof.model.Placement at) {
      if (local() != null) {
        return at.node() != null
            ? " (workload on the host endpoint's node)"
            : " (workload not on the host endpoint's node)";
      }
      if (pods()) {
        // spec S6.10: each end on its own
        return " (source on "
            + (at.source() != null ? "node " + at.source() : "no walked node")
            + ", destination on "
            + (at.destination() != null ? "node " + at.destination() : "no walked node")
            + ")";
      }
      return at.node() != null
          ? " (workload on node " + at.node() + ")"
          : " (workload on no walked node)";
    }

    /** Whether the class is between two addresses outside the cluster (spec S6.11: routed). */
    public boolean routed() {
      return witness.source() == null && witness.destination() == null;
    }

    /** Whether the class is between two workloads, each placed on its own (spec S6.10). */
    public boolean pods() {
      return dev.tierproof.model.Flow.betweenWorkloads(witness.source(), witness.destination());
    }
  }

  /**
   * One end of a class.
   *
   * <ul>
   *   <li>{@code ANY}: every end;
   *   <li>{@code PODS}: workload endpoints, existing or not yet deployed, in {@code namespaces}
   *       (null: every namespace of the input except {@code excluded}, and with {@code unlisted}
   *       also namespaces the input does not have) whose labels satisfy {@code selector} (null:
   *       any), those not yet deployed at any address no endpoint owns in all of {@code within} and
   *       none of {@code except}, declaring the named ports {@code ports} (null: any) and, for each
   *       name of {@code atPort} (null: none), one of that name at the flow's protocol and this
   *       end's port (true) or none there (false); without {@code existing} only those not yet
   *       deployed;
   *   <li>{@code ENDPOINTS}: exactly these endpoints of the input;
   *   <li>{@code OUTSIDE}: addresses outside the cluster, in one of {@code ranges} (none: any),
   *       reached by {@code domain} (null: any name or none; {@code ""}: by no name the input's
   *       rules or network sets list, or none, spec S3.6).
   * </ul>
   *
   * <p>A {@code PODS} end with {@code more} (pod ends without {@code more}) is the union of its own
   * pods and those of each of {@code more}: classes alike but in such an end are joined ({@link
   * EndUnion}).
   */
  public record Ends(
      EndKind kind,
      Set<String> namespaces,
      Set<String> excluded,
      boolean unlisted,
      Selector selector,
      List<Endpoint> endpoints,
      List<Cidr> ranges,
      String domain,
      List<Cidr> within,
      List<Cidr> except,
      List<NamedPort> ports,
      boolean existing,
      Map<String, Boolean> atPort,
      List<Ends> more) {

    public Ends {
      more = List.copyOf(more);
      namespaces = namespaces == null ? null : Set.copyOf(namespaces);
      excluded = Set.copyOf(excluded);
      endpoints = List.copyOf(endpoints);
      ranges = List.copyOf(ranges);
      within = List.copyOf(within);
      except = List.copyOf(except);
      ports = ports == null ? null : List.copyOf(ports);
      atPort = atPort == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(atPort));
    }

    /** One end, no {@link #more}. */
    public Ends(
        EndKind kind,
        Set<String> namespaces,
        Set<String> excluded,
        boolean unlisted,
        Selector selector,
        List<Endpoint> endpoints,
        List<Cidr> ranges,
        String domain,
        List<Cidr> within,
        List<Cidr> except,
        List<NamedPort> ports,
        boolean existing,
        Map<String, Boolean> atPort) {
      this(
          kind,
          namespaces,
          excluded,
          unlisted,
          selector,
          endpoints,
          ranges,
          domain,
          within,
          except,
          ports,
          existing,
          atPort,
          List.of());
    }

    /** This end alone, without {@link #more}. */
    public Ends first() {
      return more.isEmpty() ? this : withMore(List.of());
    }

    /** This end with {@code more} in place of its own. */
    public Ends withMore(List<Ends> more) {
      return with(namespaces, excluded, unlisted, ranges, more);
    }

    public static final Ends ANY =
        new Ends(
            EndKind.ANY,
            null,
            Set.of(),
            true,
            null,
            List.of(),
            List.of(),
            null,
            List.of(),
            List.of(),
            null,
            true,
            null);

    /** This end with {@code ranges} in place of its own. */
    public Ends withRanges(List<Cidr> ranges) {
      return with(namespaces, excluded, unlisted, ranges, more);
    }

    /** This end with {@code namespaces} and {@code unlisted} in place of its own. */
    public Ends withNamespaces(Set<String> namespaces, boolean unlisted) {
      return with(namespaces, excluded, unlisted, ranges, more);
    }

    /** This end with {@code excluded} in place of its own. */
    public Ends withExcluded(Set<String> excluded) {
      return with(namespaces, excluded, unlisted, ranges, more);
    }

    private Ends with(
        Set<String> namespaces,
        Set<String> excluded,
        boolean unlisted,
        List<Cidr> ranges,
        List<Ends> more) {
      return new Ends(
          kind,
          namespaces,
          excluded,
          unlisted,
          selector,
          endpoints,
          ranges,
          domain,
          within,
          except,
          ports,
          existing,
          atPort,
          more);
    }

    /**
     * How reports name it: {@code anything}, {@code *} (any pod), {@code ns/*}, {@code ns/{app ==
     * "web"}}, {@code {ns-a, ns-b}/*}, {@code * except ns-c}, endpoint references, {@code world},
     * ranges ({@code 64 ranges outside (…)} when there are more than three), a domain.
     */
    public String display() {
      if (!more.isEmpty()) {
        StringBuilder out = new StringBuilder(first().display());
        more.forEach(m -> out.append(" or ").append(m.display()));
        return out.toString();
      }
      return switch (kind) {
        case ANY -> "anything";
        case ENDPOINTS ->
            summary(endpoints)
                + (within.isEmpty() && except.isEmpty()
                    ? ""
                    : " ("
                        + String.join(
                            ", ",
                            java.util.stream.Stream.of(
                                    within.isEmpty() ? null : "at addresses in " + list(within),
                                    except.isEmpty()
                                        ? null
                                        : except.size() <= 3
                                            ? "not at " + list(except)
                                            : "not in any of the "
                                                + except.size()
                                                + " other ranges that rules or network sets name")
                                .filter(java.util.Objects::nonNull)
                                .toList())
                        + ")");
        case OUTSIDE -> {
          String where =
              ranges.isEmpty()
                  ? "world"
                  : ranges.size() <= 3 ? list(ranges) : outsideExcept(ranges);
          yield domain == null
              ? where
              : domain.isEmpty()
                  ? where + " by no DNS name the policies list"
                  : domain + (ranges.isEmpty() ? "" : " (" + where + ")");
        }
        case PODS -> {
          List<String> hypothetical = new java.util.ArrayList<>();
          if (!within.isEmpty()) {
            hypothetical.add("at addresses in " + list(within));
          }
          if (!except.isEmpty()) {
            hypothetical.add(
                except.size() <= 3
                    ? "not at " + list(except)
                    : "not in any of the "
                        + except.size()
                        + " other ranges that rules or network sets name");
          }
          if (ports != null) {
            hypothetical.add(
                ports.isEmpty()
                    ? "declaring no named port"
                    : "declaring exactly "
                        + String.join(
                            ", ",
                            ports.stream()
                                .map(
                                    p ->
                                        p.name()
                                            + " ("
                                            + Protocols.name(p.protocol())
                                            + " "
                                            + p.port()
                                            + ")")
                                .toList()));
          }
          if (atPort != null) {
            hypothetical.add(atPortText());
          }
          String away =
              hypothetical.isEmpty()
                  ? ""
                  : " (hypothetical pods " + String.join(", ", hypothetical) + ")";
          String sel = selector == null ? "*" : "{" + selector.canonical() + "}";
          String ns;
          if (namespaces == null) {
            ns = excluded.isEmpty() ? "" : null;
          } else if (namespaces.size() == 1 && !unlisted) {
            ns = namespaces.iterator().next() + "/";
          } else {
            Set<String> all = new TreeSet<>(namespaces);
            if (unlisted) {
              all.add("<namespaces not in the input>");
            }
            ns = "{" + String.join(", ", all) + "}/";
          }
          if (ns == null) {
            yield (existing ? "" : "not yet deployed pods ")
                + sel
                + " except in "
                + String.join(", ", new TreeSet<>(excluded))
                + (unlisted ? "" : " and namespaces not in the input")
                + away;
          }
          if (namespaces == null && !unlisted) {
            yield (existing ? "" : "not yet deployed pods ")
                + sel
                + " in the input's namespaces"
                + away;
          }
          yield (existing ? "" : "not yet deployed pods ") + ns + sel + away;
        }
      };
    }

    /**
     * {@code declaring http at the flow's port, no dns there}: the named ports of {@link #atPort}
     * (spec S3.5).
     */
    private String atPortText() {
      List<String> on = new java.util.ArrayList<>();
      List<String> off = new java.util.ArrayList<>();
      atPort.forEach((name, at) -> (at ? on : off).add(name));
      List<String> out = new java.util.ArrayList<>();
      if (!on.isEmpty()) {
        out.add("declaring " + String.join(" and ", on) + " at the flow's port");
      }
      if (!off.isEmpty()) {
        out.add(
            (on.isEmpty() ? "declaring no " : "no ")
                + String.join(" or ", off)
                + (on.isEmpty() ? " at the flow's port" : " there"));
      }
      return String.join(", ", out);
    }
  }

  /**
   * A few endpoints by reference; more as a count per namespace: {@code 48 endpoints of ns-a},
   * {@code 120 endpoints in 3 namespaces (ns-a, ns-b, ns-c)} (JSON lists them all).
   */
  private static String summary(List<Endpoint> endpoints) {
    if (endpoints.size() <= 4) {
      return String.join(", ", endpoints.stream().map(Endpoint::ref).toList());
    }
    Set<String> namespaces = new TreeSet<>();
    endpoints.forEach(e -> namespaces.add(e.isHost() ? "host endpoints" : e.namespace()));
    String n = String.format(java.util.Locale.ROOT, "%,d endpoints", endpoints.size());
    if (namespaces.size() == 1) {
      return n + " of " + namespaces.iterator().next();
    }
    List<String> names = new java.util.ArrayList<>(namespaces);
    String shown =
        String.join(", ", names.subList(0, Math.min(6, names.size())))
            + (names.size() > 6 ? ", …" : "");
    return n + " in " + names.size() + " namespaces (" + shown + ")";
  }

  /**
   * Many ranges outside: {@code IPv4 outside except 10.240.0.0/16, 192.168.0.0/16} when they are of
   * one family and leave at most three CIDRs of it out, else {@code 64 ranges outside (…)}.
   */
  private static String outsideExcept(List<Cidr> ranges) {
    int family = ranges.get(0).family();
    List<Cidr> rest =
        ranges.stream().allMatch(c -> c.family() == family)
            ? dev.tierproof.model.Cidrs.complement(ranges, family)
            : List.of();
    return !rest.isEmpty() && rest.size() <= 3
        ? "IPv" + family + " outside except " + list(rest)
        : String.format(
            java.util.Locale.ROOT,
            "%,d ranges outside (%s, …)",
            ranges.size(),
            list(ranges.subList(0, 3)));
  }

  private static String list(List<Cidr> cidrs) {
    return String.join(
        ", ",
        cidrs.stream()
            .map(c -> c.prefix() == c.address().bits() ? c.address().toString() : c.toString())
            .toList());
  }

  public enum EndKind {
    ANY,
    PODS,
    ENDPOINTS,
    OUTSIDE
  }

  /**
   * A difference in the input itself: {@code what} ({@code GlobalNetworkPolicy security.x}), how it
   * changed, where; {@code service} is the service ({@code namespace/name}) a changed Service,
   * EndpointSlice or Endpoints gives endpoints to, else null.
   */
  public record InputChange(String what, String how, Span before, Span after, String service) {

    public InputChange(String what, String how, Span before, Span after) {
      this(what, how, before, after, null);
    }
  }

  /** Solver work: checks run, wall time, the scopes searched. */
  public record Stats(int checks, long millis, int scopes) {}

  /** {@code 130-133, 135, 136}: the numbers ascending, three or more consecutive as a range. */
  static String runs(Set<Integer> numbers) {
    List<Integer> sorted = List.copyOf(new TreeSet<>(numbers));
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0, j; i < sorted.size(); i = j) {
      j = i + 1;
      while (j < sorted.size() && sorted.get(j) == sorted.get(j - 1) + 1) {
        j++;
      }
      if (j - i > 2) {
        out.add(sorted.get(i) + "-" + sorted.get(j - 1));
      } else {
        sorted.subList(i, j).forEach(n -> out.add(n.toString()));
      }
    }
    return String.join(", ", out);
  }

  /**
   * {@code TCP 5432}, {@code TCP 8000-8080}, {@code TCP 22, 179, 2379-2380}, {@code TCP}, {@code
   * any protocol}, {@code ICMPv6 except types 130-133, 135, 136}, with pins.
   */
  public static String packets(FlowSpec p) {
    StringBuilder out = new StringBuilder();
    if (p.protocol() == null && !p.otherThan().isEmpty()) {
      out.append("any protocol but ")
          .append(
              String.join(
                  ", ",
                  new java.util.TreeSet<>(p.otherThan()).stream().map(Protocols::name).toList()));
    } else if (p.protocol() == null) {
      out.append("any protocol");
    } else {
      out.append(Protocols.name(p.protocol()));
      if (p.port() != null) {
        out.append(' ')
            .append(
                String.join(
                    ", ",
                    p.portRanges().stream()
                        .map(
                            r ->
                                r.min() == r.max()
                                    ? Integer.toString(r.min())
                                    : r.min() + "-" + r.max())
                        .toList()));
      }
      if (p.icmpType() != null) {
        out.append(" type ").append(p.icmpType());
        if (p.icmpCode() != null) {
          out.append(" code ").append(p.icmpCode());
        }
      }
      if (!p.icmpTypesNot().isEmpty()) {
        out.append(p.icmpTypesNot().size() == 1 ? " except type " : " except types ")
            .append(runs(p.icmpTypesNot()));
      }
    }
    if (p.sourcePort() != null) {
      out.append(" from port ").append(p.sourcePort());
    }
    if (p.ipVersion() != null) {
      out.append(" (IPv").append(p.ipVersion()).append(')');
    }
    return out.toString();
  }
}
