package dev.tierproof.analysis.lint;

import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.ForwardSkips;
import dev.tierproof.eval.Hop;
import dev.tierproof.eval.LocalSteps;
import dev.tierproof.eval.StepPath;
import dev.tierproof.eval.Watcher;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The concrete side of lint: endpoints grouped into classes (same kind, effective labels and
 * profiles evaluate alike, spec S4.1), per class and direction its {@link StepPath}; the sides of
 * walked nodes' forward chains ({@link ForwardSide}, spec S6.11), steps of their own; and lint's
 * walk: eval's one walk of spec S4 ({@link Evaluator#walk}) watched for whether the packet arrives
 * at a target rule and who took it first, optionally with one rule left out (for redundancy).
 * Reported findings are replayed through {@link Evaluator#evaluate} itself. The one user of eval's
 * forward chains in lint.
 */
final class Steps {

  static final String NAMESPACE = Endpoint.NAMESPACE_LABEL;

  /** How many classes of a policy's endpoints sampling looks at. */
  static final int CLASSES_SAMPLED = 12;

  /** Endpoints with the same kind, effective labels and profiles. */
  record EClass(Endpoint representative, List<Endpoint> members) {}

  /**
   * A side of the forward chain of walked nodes' all-interfaces host endpoints (spec S6.7, S6.8,
   * S6.11): {@code chain} is the first's ({@link Evaluator#forwardChain}), {@code hosts} every one
   * whose forward chain in that direction applies the same policies (one chain, met at any of their
   * nodes by a flow between a workload there and outside or another workload, S6.10).
   */
  record ForwardSide(StepPath chain, List<Endpoint> hosts) {
    ForwardSide {
      hosts = List.copyOf(hosts);
    }

    /** {@code ingress of n1}, {@code ingress of n1, n2} ({@code pre-DNAT ingress of}): messages. */
    String name() {
      return (chain.local() ? "pre-DNAT " : "")
          + chain.direction().json()
          + " of "
          + String.join(", ", hosts.stream().map(Endpoint::ref).toList());
    }

    /** Whether a workload on {@code node} (null: naming none) can meet this side. */
    boolean near(String node) {
      return node == null || hosts.stream().anyMatch(h -> h.node().equals(node));
    }
  }

  /**
   * A walk's outcome: {@code arrived} when the packet got to the target rule's position, {@code
   * took} when the target then took it; {@code blocker} what took it before the target (in the
   * target's tier a Pass counts; a rule decision names a Pass rule then); {@code decider}: the
   * final decision.
   */
  record Walk(boolean arrived, boolean took, Decision blocker, Decision decider) {
    boolean allowed() {
      return decider.allows();
    }
  }

  final PolicySet set;
  final Evaluator evaluator;
  final List<EClass> classes = new ArrayList<>();
  private final Map<String, List<EClass>> byNamespace = new HashMap<>();
  private final Map<EClass, Map<Direction, StepPath>> chains = new IdentityHashMap<>();

  /** Policy → the classes it applies to, per direction. */
  private final Map<Policy, Map<Direction, List<EClass>>> selected = new IdentityHashMap<>();

  /** Policy → the forward sides it applies on, per direction. */
  private final Map<Policy, Map<Direction, List<ForwardSide>>> forwarded = new IdentityHashMap<>();

  Steps(PolicySet set, Evaluator evaluator) {
    this.set = set;
    this.evaluator = evaluator;
    Map<List<Object>, List<Endpoint>> groups = new LinkedHashMap<>();
    for (Endpoint e : set.endpoints()) {
      groups
          .computeIfAbsent(List.of(e.site(), e.labels(), e.profiles()), k -> new ArrayList<>())
          .add(e);
    }
    for (List<Endpoint> members : groups.values()) {
      EClass c = new EClass(members.get(0), List.copyOf(members));
      classes.add(c);
      byNamespace.computeIfAbsent(nsLabel(c.representative()), k -> new ArrayList<>()).add(c);
    }
    for (EClass c : classes) {
      Map<Direction, StepPath> both = new java.util.EnumMap<>(Direction.class);
      for (Direction d : Direction.values()) {
        StepPath chain = evaluator.chain(c.representative(), d);
        both.put(d, chain);
        for (StepPath.Entered part : chain.tiers()) {
          for (Policy p : part.applying()) {
            selected
                .computeIfAbsent(p, k -> new java.util.EnumMap<>(Direction.class))
                .computeIfAbsent(d, k -> new ArrayList<>())
                .add(c);
          }
        }
      }
      chains.put(c, both);
    }
    for (Direction d : Direction.values()) {
      // host endpoints whose forward chains apply the same policies on this side share one step
      // (spec S6.9-S6.11: each governing an interface of a walked node), with the same failsafe
      // ports (S6.2: its node's)
      Map<List<Object>, List<StepPath>> alike = new LinkedHashMap<>();
      for (String node : evaluator.walked()) {
        for (Endpoint h : evaluator.ports().get(node).governing()) {
          StepPath chain = evaluator.forwardChain(h, d);
          if (!chain.tiers().isEmpty()) {
            alike
                .computeIfAbsent(
                    List.of(chain.tiers(), set.failsafe().at(node)), k -> new ArrayList<>())
                .add(chain);
          }
        }
      }
      register(alike, d);
    }
    // spec S6.12: the local pre-DNAT paths of settled nodes' all-interfaces endpoints, alike
    Map<List<Object>, List<StepPath>> locals = new LinkedHashMap<>();
    for (String node : evaluator.walked()) {
      Endpoint star = evaluator.ports().get(node).other();
      if (star != null) {
        StepPath chain = LocalSteps.chain(evaluator, new Hop(star, Direction.INGRESS, true, true));
        if (!chain.tiers().isEmpty()) {
          locals
              .computeIfAbsent(
                  List.of(chain.tiers(), set.failsafe().at(node)), k -> new ArrayList<>())
              .add(chain);
        }
      }
    }
    register(locals, Direction.INGRESS);
  }

  /** Makes each list of {@code alike} chains one {@link ForwardSide} of the rules in {@code d}. */
  private void register(Map<List<Object>, List<StepPath>> alike, Direction d) {
    for (List<StepPath> same : alike.values()) {
      ForwardSide side = new ForwardSide(same.get(0), same.stream().map(StepPath::at).toList());
      for (StepPath.Entered part : side.chain().tiers()) {
        for (Policy p : part.applying()) {
          List<ForwardSide> on =
              forwarded
                  .computeIfAbsent(p, k -> new java.util.EnumMap<>(Direction.class))
                  .computeIfAbsent(d, k -> new ArrayList<>());
          if (on.stream().noneMatch(x -> x == side)) {
            on.add(side);
          }
        }
      }
    }
  }

  private static String nsLabel(Endpoint e) {
    String ns = e.labels().get(NAMESPACE);
    return ns == null ? "" : ns;
  }

  StepPath chain(EClass c, Direction d) {
    return chains.get(c).get(d);
  }

  /** The classes {@code p} applies to in {@code d} (enforced, selects, governs). */
  List<EClass> selected(Policy p, Direction d) {
    return selected.getOrDefault(p, Map.of()).getOrDefault(d, List.of());
  }

  /** The forward sides {@code p} applies on in {@code d} (spec S6.11). */
  List<ForwardSide> forwarded(Policy p, Direction d) {
    return forwarded.getOrDefault(p, Map.of()).getOrDefault(d, List.of());
  }

  /**
   * The step of {@code side} that {@code flow} meets: the side of the forward chain of the one of
   * its host endpoints that the flow's hops meet in its direction ({@link Evaluator#hops}: its
   * nodes, and where a node has named host endpoints its interface choices), or null.
   */
  StepPath at(ForwardSide side, Flow flow) {
    StepPath c = side.chain();
    for (dev.tierproof.eval.Hop h :
        evaluator.hops(flow.source(), flow.destination(), flow.ends())) {
      if (h.forward()
          && h.local() == c.local()
          && h.direction() == c.direction()
          && side.hosts().contains(h.at())) {
        return new StepPath(h.at(), c.direction(), c.tiers(), List.of(), true, c.local());
      }
    }
    return null;
  }

  /**
   * {@code chain} under {@code other} (e.g. with a rule removed): the same endpoint's step, with
   * the profiles {@code chain} has, or the same side of its forward chain.
   */
  static StepPath again(Evaluator other, StepPath chain) {
    if (chain.forward()) {
      return LocalSteps.chain(other, new Hop(chain.at(), chain.direction(), true, chain.local()));
    }
    StepPath rest = other.chain(chain.at(), chain.direction());
    return new StepPath(chain.at(), chain.direction(), rest.tiers(), chain.profiles());
  }

  /** The class of an input endpoint (by identity). */
  EClass classOf(Endpoint e) {
    for (EClass c : byNamespace.getOrDefault(nsLabel(e), List.of())) {
      for (Endpoint m : c.members()) {
        if (m == e) {
          return c;
        }
      }
    }
    return null;
  }

  /**
   * Follows {@code flow} along {@code chain} by eval's walk (spec S4): with {@code target} (policy,
   * index) non-null, notes whether the packet arrives at that rule and whether the rule takes it;
   * with {@code skip} non-null, that rule is left out (as if removed).
   */
  Walk walk(StepPath chain, Flow flow, Policy target, int targetIndex, Policy skip, int skipIndex) {
    Watch w = new Watch(flow, target, targetIndex, skip, skipIndex);
    Decision d = evaluator.walk(chain, flow, w);
    if (d.kind() == Decision.Kind.FAILSAFE) {
      return new Walk(false, false, d, d);
    }
    if (target != null && !w.arrived && skips(set, chain, HostPath.of(target), flow)) {
      // spec S6.4, S6.7: the failsafe handling took it from the target's path, whatever a later
      // path decides
      w.blocker = new Decision(Decision.Kind.FAILSAFE, null, null, null, null);
    }
    if (d.kind() == Decision.Kind.TIER_DEFAULT
        && !w.arrived
        && w.blocker == null
        && target != null) {
      w.blocker = d;
    }
    return new Walk(w.arrived, w.took, w.blocker, d);
  }

  /**
   * Whether the failsafe handling takes {@code flow} from the rules of {@code path} on {@code
   * chain}: at a host endpoint's own step the raw table accepts a failsafe reply before the
   * untracked path (spec S6.4); on a forward chain the mangle table accepts a packet to an inbound
   * failsafe port before the pre-DNAT path (S6.7); on the local pre-DNAT path what {@link
   * LocalSteps#skips} says (S6.12).
   */
  private static boolean skips(PolicySet set, StepPath chain, HostPath path, Flow flow) {
    if (!chain.at().isHost()) {
      return false;
    }
    String node = chain.at().node();
    if (chain.local()) {
      return path == HostPath.PRE_DNAT && LocalSteps.skips(set, node, flow);
    }
    return chain.forward()
        ? path == HostPath.PRE_DNAT && set.failsafe().allows(node, chain.direction(), flow)
            || path == HostPath.UNTRACKED
                && ForwardSkips.skips(set, node, path, flow) // spec S6.7.1
        : path == HostPath.UNTRACKED
            && set.failsafe().skipsUntracked(node, chain.direction(), flow);
  }

  /**
   * Lint's watcher of a walk: arrival at and taking by a target rule, and what took the packet
   * before it.
   */
  private final class Watch implements Watcher {
    private final Flow flow;
    private final Policy target;
    private final int targetIndex;
    private final Policy skip;
    private final int skipIndex;
    boolean arrived;
    boolean took;
    Decision blocker;

    Watch(Flow flow, Policy target, int targetIndex, Policy skip, int skipIndex) {
      this.flow = flow;
      this.target = target;
      this.targetIndex = targetIndex;
      this.skip = skip;
      this.skipIndex = skipIndex;
    }

    @Override
    public boolean reached(StepPath.Entered tier, Policy p, Rule r) {
      boolean isTarget = p == target && r.index() == targetIndex;
      if (isTarget && blocker == null) {
        arrived = true;
      }
      if (r.action() == Action.LOG && arrived && isTarget && !took && evaluator.matches(r, flow)) {
        took =
            true; // a Log rule "takes" a packet it is reached with and matches, and lets it go on
      }
      return !(p == skip && r.index() == skipIndex);
    }

    @Override
    public void left(StepPath.Entered tier, Policy p, Rule hit) {
      if (hit == null) {
        return;
      }
      if (arrived && p == target && hit.index() == targetIndex) {
        took = true;
      }
      if (!arrived
          && blocker == null
          && target != null
          && (hit.action() != Action.PASS || tier.has(target))) {
        blocker =
            new Decision(
                Decision.Kind.RULE,
                tier.tier(),
                p,
                hit,
                null); // spec S4.4: a Pass leaves the target's tier
      }
    }
  }

  /** True when one of the rule's Calico rules matches the flow (spec S3). */
  boolean matches(RuleRef rule, Flow flow) {
    for (Rule r : rule.rules()) {
      if (evaluator.matches(r, flow)) {
        return true;
      }
    }
    return false;
  }

  /** The element key of a walker's taker, as {@link StepGoals.Element#key()} spells it. */
  static String key(Decision t) {
    return switch (t.kind()) {
      case RULE -> t.tier().name() + "/" + t.policy().sortKey() + "/" + t.rule().index();
      case TIER_DEFAULT -> t.tier().name() + "/default";
      default -> "failsafe";
    };
  }

  /** Up to {@link #CLASSES_SAMPLED} classes, spread over the list (namespaces, apps). */
  static List<EClass> spread(List<EClass> classes) {
    return spread(classes, CLASSES_SAMPLED);
  }

  static <T> List<T> spread(List<T> classes, int n) {
    if (classes.size() <= n) {
      return classes;
    }
    List<T> out = new ArrayList<>();
    double step = classes.size() / (double) n;
    for (int i = 0; i < n; i++) {
      out.add(classes.get((int) (i * step)));
    }
    return out;
  }
}
