package dev.tierproof.cluster;

import dev.tierproof.analysis.End;
import dev.tierproof.analysis.References;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Questions a user asks about a generated cluster, written as the command line takes them (endpoint
 * references resolved by {@link References}) and checked against {@link Evaluator}.
 */
public final class Questions {

  /** Some step of {@code v} was decided with an untracked Allow's reply (spec S6.5). */
  static boolean replied(dev.tierproof.eval.Verdict v) {
    return v.steps().stream().anyMatch(s -> s.decidedBy().reply() != null);
  }

  static final List<String> SELECTORS =
      List.of(
          "app == 'web'",
          "app == 'api'",
          "has(app)",
          "all()",
          "tier == 'back'",
          "app in {'api', 'db'}",
          "!has(tier)",
          "role == 'a' || app == 'db'");

  private Questions() {}

  /**
   * A random endpoint reference: a named endpoint (with or without an address), an address (owned
   * or not), a range, a selector (in a namespace or any), {@code world}; a domain only as a
   * destination. {@code stable}: only forms that mean the same endpoints whether or not the
   * address-less endpoints are deployed (named endpoints, selectors, world).
   */
  public static String ref(Sampler s, PolicySet set, boolean source, boolean stable) {
    int k = s.nextInt(stable ? 6 : 10);
    if (k < 3 && !set.endpoints().isEmpty()) {
      return s.pick(set.endpoints()).ref();
    }
    if (k < 5) {
      String sel = s.nextInt(6) == 0 ? "*" : "{" + s.pick(SELECTORS) + "}";
      return s.nextInt(3) == 0 ? sel : s.pick(List.copyOf(set.namespaces().keySet())) + "/" + sel;
    }
    return switch (k) {
      case 6 ->
          s.pick(s.nextInt(2) == 0 ? RandomCluster.CIDRS4 : RandomCluster.CIDRS6)
              .replace("0.0.0.0/0", "10.0.0.0/8")
              .replace("::/0", "fd00::/8");
      case 7 -> {
        // an address several endpoints own is a reference error (spec S5.5: name one of them)
        List<String> all = new ArrayList<>();
        set.endpoints().forEach(e -> e.ips().forEach(ip -> all.add(ip.toString())));
        List<String> owned =
            all.stream().filter(ip -> all.indexOf(ip) == all.lastIndexOf(ip)).toList();
        yield owned.isEmpty() || s.nextInt(2) == 0 ? s.pick(RandomCluster.OUTSIDE) : s.pick(owned);
      }
      case 8 -> source ? "world" : s.pick(List.of("example.com", "api.example.com"));
      default -> "world";
    };
  }

  /** The reference resolved as the command line does; an error fails. */
  public static End resolve(String ref, PolicySet set, boolean existing) {
    Diagnostics d = new Diagnostics();
    try {
      var r = References.resolve(EndpointRef.parse(ref), set, existing, Span.NONE, d);
      if (d.hasErrors() || r.isEmpty()) {
        throw new AssertionError("reference `" + ref + "`: " + d.render());
      }
      return r.get().end();
    } catch (dev.tierproof.selector.SelectorSyntaxException e) {
      throw new AssertionError("reference `" + ref + "`", e);
    }
  }

  /** The end as {@code verify --pod-cidr} makes it: its pods without an address in {@code pods}. */
  public static End inPods(End end, List<Cidr> pods) {
    if (pods.isEmpty()) {
      return end;
    }
    return end instanceof End.Hypothetical h
        ? h.inPodCidrs(pods)
        : end instanceof End.Known k ? k.inPodCidrs(pods) : end;
  }

  /** A random {@code [flow]}. */
  public static FlowSpec spec(Sampler s) {
    return switch (s.nextInt(8)) {
      case 0, 1 -> {
        int p = s.pick(RandomCluster.PORTS);
        yield new FlowSpec(
            p == 53 ? Protocols.UDP : Protocols.TCP,
            new Port.Range(p, p),
            null,
            null,
            null,
            s.nextInt(4) == 0 ? 4 : null);
      }
      case 2 -> new FlowSpec(Protocols.TCP, null, null, null, null, null);
      case 3 -> new FlowSpec(Protocols.TCP, new Port.Range(8000, 9100), null, null, null, null);
      case 4 -> new FlowSpec(Protocols.ICMP, null, null, 8, null, 4);
      case 5 -> new FlowSpec(null, null, null, null, null, s.nextInt(2) == 0 ? 4 : 6);
      default -> FlowSpec.ANY;
    };
  }

  /** The flow lies in the question's packets. */
  public static boolean fits(Flow f, FlowSpec spec) {
    return (spec.protocol() == null || spec.protocol() == f.protocol())
        && (spec.port() == null
            || f.destinationPort() != null
                && f.destinationPort() >= spec.port().min()
                && f.destinationPort() <= spec.port().max())
        && (spec.ipVersion() == null || spec.ipVersion() == f.sourceIp().family())
        && (spec.icmpType() == null || spec.icmpType().equals(f.icmpType()))
        && (spec.icmpCode() == null || spec.icmpCode().equals(f.icmpCode()));
  }

  /**
   * An endpoint the input does not hold in a namespace it lacks: eval would not know its profile.
   */
  public static boolean assumed(PolicySet set, Flow f) {
    for (Endpoint e : java.util.Arrays.asList(f.source(), f.destination())) {
      if (e != null
          && set.endpoints().stream().noneMatch(x -> x == e)
          && !set.namespaces().containsKey(e.namespace())) {
        return true;
      }
    }
    return false;
  }

  /** {@code TCP shop/web[10.1.0.1]:40000 -> outside[8.8.8.8]:80}. */
  /**
   * The flow in each placement of its workload end naming no node that can matter: elsewhere, on
   * its host end's node (spec S6.12), or for a flow with outside on each node whose forward chain
   * {@code sets} walk (S6.11); else the flow as it must be placed.
   */
  public static List<Flow> placements(Flow flow, PolicySet... sets) {
    java.util.Map<String, dev.tierproof.model.Ports> walked = new java.util.TreeMap<>();
    for (PolicySet set : sets) {
      set.ports().forEach(walked::putIfAbsent);
    }
    return flow.placements(walked);
  }

  /**
   * Adds one to counter {@code at} when {@code f} crosses a named interface of a walked node (spec
   * S6.10), or to {@code at + 1} when it crosses another interface of a node with named ones.
   */
  public static void countInterfaces(Flow f, long[] stats, int at) {
    int k = crossing(f);
    if (k >= 0) {
      stats[at + k]++;
    }
  }

  /** {@link #countInterfaces(Flow, long[], int)} into {@code c}. */
  public static void countInterfaces(
      Flow f, java.util.concurrent.atomic.AtomicLongArray c, int at) {
    int k = crossing(f);
    if (k >= 0) {
      c.incrementAndGet(at + k);
    }
  }

  /** 0: {@code f} crosses a named interface; 1: only another one; -1: no interface choice. */
  private static int crossing(Flow f) {
    List<String> chosen = java.util.Arrays.asList(f.sourceInterface(), f.destinationInterface());
    if (chosen.stream().anyMatch(i -> i != null && !i.equals(dev.tierproof.model.Ports.OTHER))) {
      return 0;
    }
    return chosen.contains(dev.tierproof.model.Ports.OTHER) ? 1 : -1;
  }

  /**
   * Adds one to counter {@code at} (a flow between two workloads with the forward steps of one
   * node) or {@code at + 1} (of two) for {@code f} (spec S6.10).
   */
  public static void countPods(
      Flow f,
      dev.tierproof.eval.Evaluator eval,
      java.util.concurrent.atomic.AtomicLongArray c,
      int at) {
    if (Flow.betweenWorkloads(f.source(), f.destination())) {
      int nodes =
          (int)
              eval.forwarders(f).stream()
                  .map(dev.tierproof.model.Endpoint::node)
                  .distinct()
                  .count();
      if (nodes > 0) {
        c.incrementAndGet(at + nodes - 1);
      }
    }
  }

  /**
   * Whether {@code f} is between a workload and a host endpoint of another node and crosses the
   * workload's node's forward chain (spec S6.10, S6.11).
   */
  public static boolean hostElsewhere(Flow f, dev.tierproof.eval.Evaluator eval) {
    return f.source() != null
        && f.destination() != null
        && f.source().isHost() != f.destination().isHost()
        && !f.local()
        && !eval.forwarders(f).isEmpty();
  }

  /** Whether {@code f} places a workload end naming no node on a walked node (spec S6.11). */
  public static boolean floatingWalked(Flow f) {
    return !f.local() && (f.placedOn(true) != null || f.placedOn(false) != null);
  }

  public static String brief(Flow f) {
    return Protocols.name(f.protocol())
        + " "
        + brief(f.source(), f.sourceIp(), f.sourcePort())
        + " -> "
        + brief(f.destination(), f.destinationIp(), f.destinationPort())
        + (f.icmpType() != null ? " icmp " + f.icmpType() + "/" + f.icmpCode() : "")
        + (f.destinationDomain() != null ? " (" + f.destinationDomain() + ")" : "")
        + (f.local() ? " local" : "")
        + (floatingWalked(f) ? " on " + f.placedOn(true) + "/" + f.placedOn(false) : "");
  }

  private static String brief(Endpoint e, Ip ip, Integer port) {
    String who =
        e == null
            ? "outside"
            : e.ref()
                + (e.source().equals("Hypothetical") ? e.labels().toString() + e.ports() : "");
    return who + "[" + ip + "]" + (port != null ? ":" + port : "");
  }

  /** Per step: endpoint, verdict and {@link #decision}. */
  public static List<String> decisions(Verdict v) {
    return v.steps().stream()
        .map(s -> s.endpoint().ref() + " " + s.allowed() + " " + decision(s))
        .toList();
  }

  /** A step's direction and deciding element by name. */
  public static String decision(Step s) {
    return decision(s.direction(), s.decidedBy());
  }

  /** A direction and deciding element by name: {@code INGRESS RULE tier policy #1}. */
  public static String decision(Direction direction, Decision d) {
    return direction
        + " "
        + d.kind()
        + (d.tier() != null ? " " + d.tier().name() : "")
        + (d.policy() != null ? " " + d.policy().sortKey() : "")
        + (d.rule() != null ? " #" + d.rule().index() : "")
        + (d.profile() != null ? " " + d.profile().name() : "");
  }
}
