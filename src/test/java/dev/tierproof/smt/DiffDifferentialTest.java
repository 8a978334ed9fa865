package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.Diff;
import dev.tierproof.analysis.DiffResult;
import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.EndKind;
import dev.tierproof.analysis.DiffResult.Ends;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Namespace;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicyKind;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Tier;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Differential test of {@code diff} against the evaluator on generated pull requests: a {@link
 * RandomModel} cluster and the same cluster after one edit (relabel a pod, change a port, add a
 * default deny, remove a rule, flip an action, add a namespace with a workload, add the first
 * policies, remove every policy, move a pod to another node (every other time onto a host
 * endpoint's node that allows some ICMPv6 types: {@link RandomIcmpMoves}), add the first host
 * endpoints with a flipped action, change the failsafe ports). Per case: no crash; every class's
 * witness changed as the class says (base and current evaluators); when the search is complete,
 * every sampled flow whose verdict differs, in each placement of a workload that can be on a host
 * endpoint's node (spec S6.12: one placement shared by both inputs, the current one's when it names
 * the node), lies in a listed class of that placement (every third case compares with {@code
 * --scope any}: also pods that could be deployed). A search stops inconclusive only at the class
 * cap (counted, printed and bounded), never because the generalizer finds no class shape the solver
 * proves, but for a moved pod whose change holds for some of the base's interface choices only
 * (counted with the moves). Cases: {@code -Ddiff.differential.cases=N} (default 120), first seed
 * {@code -Ddiff.differential.seed=S}, {@code -Ddiff.differential.verbose=true} names the
 * inconclusive cases; a failure names its seed.
 */
class DiffDifferentialTest {

  private static final int CASES = Integer.getInteger("diff.differential.cases", 120);
  private static final long SEED = Long.getLong("diff.differential.seed", 1);
  private static final int FLOWS = 300;
  private static final int MAX_CLASSES = 40;
  private static final boolean VERBOSE = Boolean.getBoolean("diff.differential.verbose");

  private static final List<String> EDITS =
      List.of(
          "relabel",
          "port",
          "default-deny",
          "remove-rule",
          "flip",
          "namespace",
          "first-policies",
          "no-policies",
          "move",
          "first-host",
          "failsafe");

  @Test
  void diff_generatedPullRequests_classesCoverEveryChangedFlow() {
    long start = System.nanoTime();
    int inconclusive = 0;
    int inconclusiveAny = 0;
    int inconclusiveMoves = 0;
    int inconclusiveFailsafe = 0;
    int classes = 0;
    int changed = 0;
    int[] local = new int[12];
    for (int i = 0; i < CASES; i++) {
      long seed = SEED + i;
      try {
        int[] r = check(seed);
        classes += r[0];
        changed += r[1];
        inconclusive += r[2] == 1 ? 1 : 0;
        inconclusiveAny += r[2] == 2 ? 1 : 0;
        inconclusiveMoves += r[2] == 3 ? 1 : 0;
        inconclusiveFailsafe += r[2] == 4 ? 1 : 0;
        for (int k = 0; k < local.length; k++) {
          local[k] += r[3 + k];
        }
      } catch (Throwable t) {
        throw new AssertionError(
            "diff differential case failed: seed "
                + seed
                + " (replay with -Ddiff.differential.seed="
                + seed
                + " -Ddiff.differential.cases=1)",
            t);
      }
    }
    System.out.printf(
        "diff differential: %d cases in %d ms: %d classes, %d sampled flows changed; inconclusive: %d of the scope-existing cases, %d of the scope-any ones, %d of the moves, %d of the failsafe port changes; local (a host endpoint and a workload on its node): %d sampled flows compared, %d changed, %d classes of one placement; a workload naming no node on a walked node: %d sampled flows compared, %d changed; %d classes of all ICMP types but some; between two workloads through forward chains: %d sampled flows compared, %d changed; crossing a named interface of a walked node: %d sampled flows compared, %d changed; between a workload and another node's host endpoint crossing a forward chain: %d sampled flows compared, %d changed%n",
        CASES,
        (System.nanoTime() - start) / 1_000_000,
        classes,
        changed,
        inconclusive,
        inconclusiveAny,
        inconclusiveMoves,
        inconclusiveFailsafe,
        local[0],
        local[1],
        local[2],
        local[3],
        local[4],
        local[5],
        local[6],
        local[7],
        local[8],
        local[9],
        local[10],
        local[11]);
    // a class joins the placements (nodes, interface choices) that changed alike (spec S6.10,
    // S6.11), the port ranges, the protocols and the pod ends (spec S5.3): 6 of the
    // scope-existing cases and 13 of the scope-any ones of 120 at seed 1 stop inconclusive (14
    // scope-any before classes alike but in one pod end were joined) (7 and 14 with a class per
    // protocol and per
    // cell of the address ranges; 10 and 14 with a class per port range and per value of a label
    // compared as a string; 12 scope-existing with a class per pair of interfaces, 8 before routed
    // flows were modelled); which ones varies from run to run while the classes found do (seed
    // 109: 30 classes alone, the cap of 40 once)
    assertThat(inconclusive)
        .as("scope-existing cases inconclusive")
        .isLessThanOrEqualTo(CASES / 10);
    assertThat(inconclusiveAny).as("scope-any cases inconclusive").isLessThanOrEqualTo(CASES / 6);
    assertThat(inconclusiveMoves)
        .as("moves inconclusive")
        .isLessThanOrEqualTo(CASES / EDITS.size() / 2);
  }

  /**
   * Seed 96: a pod moved off the node where a hypothetical pod is placed. The base's flow leaves
   * that node by an interface the current flow does not cross (both pods on one node), so the
   * change holds for some of the base's interface choices only, which no class can say:
   * inconclusive (it was an internal error before the base's encoding read its own flow, {@code
   * Answer#base}).
   */
  @Test
  void movedPod_changeOnSomeBaseInterfaceChoices_inconclusiveNotAnInternalError() {
    RandomModel model = new RandomModel(96);
    PolicySet set = model.set();
    PolicySet current = edit(set, "move", model);
    DiffResult r = Diff.run(set, current, Scope.ANY, Duration.ofSeconds(30), 100);
    assertThat(r.status()).isEqualTo(DiffResult.Status.INCONCLUSIVE);
    assertThat(r.reason()).startsWith("could not group the change of");
  }

  /**
   * Seeds 3009 (the first policies) and 3021 (every policy removed), at {@code --scope any}: a pod
   * that could be deployed in {@code ns3}, a namespace the set names but does not declare, whose
   * flows with a pod in a namespace not in the input changed for some of its namespace's labels
   * only (spec S5.3: they are unknown). The class pins them ({@code pcns.team}); the search stopped
   * with "could not group the change of ..." before, it stops at the class cap now (both change
   * many flows: 100 classes do not hold them either).
   */
  @Test
  void undeclaredNamespace_changeForSomeOfItsLabels_groupedNotStopped() {
    for (long seed : new long[] {3009, 3021}) {
      check(seed); // a reason other than the class cap fails the case
    }
  }

  /**
   * Seed 84 (every policy removed, {@code --scope any}): the flows of pods that could be deployed
   * in {@code ns3} opened for every value of {@code pcsa.name} that the base's comparisons ({@code
   * starts with "web-1"}, {@code == "web-1"}, {@code in {"b"}}) treat alike, but an input pod of
   * such a value did not change so: the class holds the pods not yet deployed of every such value
   * (spec S5.3), where it held one value the solver drew ({@code "B"}, {@code "C"}, ...) per class.
   */
  @Test
  void stringComparedLabel_inputPodDiffers_oneClassOfItsValuesNotOnePerValue() {
    RandomModel model = new RandomModel(84);
    PolicySet set = model.set();
    DiffResult r = Diff.run(set, withTiers(set, List.of()), Scope.ANY, Duration.ofSeconds(30), 20);
    java.util.regex.Pattern pinned =
        java.util.regex.Pattern.compile("(?<!!)pcsa\\.name == \"([^\"]*)\"");
    List<String> values =
        r.classes().stream()
            .flatMap(c -> pinned.matcher(c.source().display()).results().map(m -> m.group(1)))
            .toList();
    assertThat(values)
        .as("%s", r.classes().stream().map(DiffDifferentialTest::show).toList())
        .allMatch(v -> v.equals("web-1"));
  }

  /**
   * Seed 84 again, at the default class cap: the flows between pods opened for every source class
   * (in its namespaces, deployed or not) with every destination class, a class per pair; classes
   * alike but in one pod end are one class now (the end lists each set of pods, or one selector
   * when only the selectors differ), and the diff completes where it stopped at 100 classes.
   */
  @Test
  void noPolicies_productOfPodClasses_completeWithinDefaultCap() {
    RandomModel model = new RandomModel(84);
    PolicySet set = model.set();
    DiffResult r =
        Diff.run(
            set,
            withTiers(set, List.of()),
            Scope.ANY,
            Duration.ofSeconds(30),
            Diff.DEFAULT_MAX_CLASSES);
    assertThat(r.status())
        .as("%s: %s", r.reason(), r.classes().stream().map(DiffDifferentialTest::show).toList())
        .isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).anyMatch(c -> !c.source().more().isEmpty());
  }

  /**
   * One case: {classes, sampled flows that changed, 1 (scope existing), 2 (scope any), 3 (a moved
   * pod) or 4 (failsafe ports changed) when inconclusive, local sampled flows compared, local
   * sampled flows that changed, classes of one placement, classes of all ICMP types but some}.
   */
  private static int[] check(long seed) {
    return check(seed, EDITS.get((int) Math.floorMod(seed, (long) EDITS.size())));
  }

  /** {@link #check(long)} with {@code edit} ({@code dataplane}: RandomDataplane's, spec S4.6). */
  static int[] check(long seed, String edit) {
    RandomModel model = new RandomModel(seed);
    PolicySet set = model.set();
    PolicySet base = set;
    PolicySet current = edit(set, edit, model);
    if (edit.equals("first-policies")) {
      base = withTiers(set, List.of());
      current = set;
    }
    if (edit.equals("first-host")) {
      base = RandomPlacement.withoutHosts(set);
    }
    PolicySet[] icmpMove =
        edit.equals("move") && seed / EDITS.size() % 2 == 1
            ? RandomIcmpMoves.pullRequest(set, seed)
            : null;
    if (icmpMove != null) { // onto a host's node that allows some ICMPv6 types (spec S6.12)
      base = icmpMove[0];
      current = icmpMove[1];
    }
    Scope scope = seed % 3 == 0 ? Scope.ANY : Scope.EXISTING;
    // a pod moved to or from a host endpoint's node turns its traffic with the host either way,
    // around the failsafe ports and the ICMPv6 host discovery types (spec S6.2, S6.12): many port
    // ranges and ICMPv6 types, each a class (counted apart)
    int cap =
        edit.equals("move")
            ? Diff.DEFAULT_MAX_CLASSES
            : scope == Scope.ANY ? MAX_CLASSES / 2 : MAX_CLASSES;
    DiffResult r = Diff.run(base, current, scope, Duration.ofSeconds(30), cap);
    boolean complete = r.status() == DiffResult.Status.COMPLETE;
    if (!complete) {
      // the class cap only: the class shapes hold every change the generators draw (a
      // destination reached by no listed name, one of a host endpoint's addresses: seed 18)
      // a moved pod's change may hold for some of the base's interface choices only (seed 96):
      // no class says that, counted with the moves
      assertThat(r.reason())
          .as("edit %s", edit)
          .matches(
              edit.equals("move")
                  ? "(stopped after .*--max-classes.*|could not group the change of .*)"
                  : "stopped after .*--max-classes.*");
      if (VERBOSE) {
        System.out.printf(
            "diff differential: seed %d (%s) inconclusive: %s; classes %s%n",
            seed, edit, r.reason(), r.classes().stream().map(DiffDifferentialTest::show).toList());
      }
    }
    // the base as diff compares it (its semantics: base endpoints, current-only ones as they are
    // now)
    PolicySet paired = Diff.paired(base, current);
    Map<Endpoint, Endpoint> toCurrent = new IdentityHashMap<>();
    Map<Endpoint, Endpoint> toPaired = new IdentityHashMap<>();
    for (int i = 0; i < set.endpoints().size(); i++) {
      toCurrent.put(set.endpoints().get(i), current.endpoints().get(i));
    }
    for (int i = 0; i < current.endpoints().size(); i++) {
      toPaired.put(current.endpoints().get(i), paired.endpoints().get(i));
    }
    Evaluator before = new Evaluator(paired);
    Evaluator now = new Evaluator(current);
    java.util.Set<String> mentioned = new java.util.TreeSet<>(mentioned(base));
    mentioned.addAll(mentioned(current));
    java.util.Set<String> patterns = new java.util.TreeSet<>(Network.patterns(base));
    patterns.addAll(Network.patterns(current));
    DomainClasses names = new DomainClasses(patterns);
    for (ChangeClass c : r.classes()) {
      Flow w = c.witness();
      boolean b = evaluator(paired, w).evaluate(moved(w, toPaired::get)).allowed();
      boolean n = evaluator(current, w).evaluate(w).allowed();
      assertThat(List.of(b, n))
          .as("witness %s of class %s (%s)", w.describe(), show(c), edit)
          .isEqualTo(
              c.kind() == DiffResult.Kind.OPENED ? List.of(false, true) : List.of(true, false));
    }
    int changed = 0;
    int[] local = new int[10];
    java.util.Set<String> walked = new java.util.TreeSet<>(set.walked());
    walked.addAll(current.walked());
    List<Flow> sampled = new ArrayList<>();
    for (int f = 0; f < FLOWS; f++) {
      Flow x = model.flow();
      boolean fresh = hypothetical(x.source(), set) || hypothetical(x.destination(), set);
      if (fresh && scope == Scope.EXISTING) {
        continue; // the input's endpoints and outside addresses
      }
      sampled.addAll(
          dev.tierproof.cluster.Questions.placements(moved(x, toCurrent::get), set, current));
    }
    for (Flow y : sampled) {
      boolean fresh = hypothetical(y.source(), current) || hypothetical(y.destination(), current);
      boolean b =
          (fresh ? evaluator(paired, y) : before).evaluate(moved(y, toPaired::get)).allowed();
      boolean n = (fresh ? evaluator(current, y) : now).evaluate(y).allowed();
      local[0] += y.local() ? 1 : 0;
      local[2] += dev.tierproof.cluster.Questions.floatingWalked(y) ? 1 : 0; // spec S6.11
      if (Flow.betweenWorkloads(y.source(), y.destination())
          && !now.forwarders(y).isEmpty()) { // spec S6.10
        local[4]++;
        local[5] += b != n ? 1 : 0;
      }
      long[] crossing = new long[2];
      dev.tierproof.cluster.Questions.countInterfaces(y, crossing, 0); // spec S6.10
      local[6] += (int) crossing[0];
      local[7] += crossing[0] > 0 && b != n ? 1 : 0;
      if (dev.tierproof.cluster.Questions.hostElsewhere(y, now)) { // spec S6.10, S6.11
        local[8]++;
        local[9] += b != n ? 1 : 0;
      }
      if (b != n) {
        changed++;
        local[1] += y.local() ? 1 : 0;
        local[3] += dev.tierproof.cluster.Questions.floatingWalked(y) ? 1 : 0;
        if (complete) {
          DiffResult.Kind kind = n ? DiffResult.Kind.OPENED : DiffResult.Kind.CLOSED;
          PolicySet now0 = current;
          assertThat(
                  r.classes().stream()
                      .anyMatch(
                          c -> c.kind() == kind && contains(c, y, now0, walked, mentioned, names)))
              .as(
                  "changed flow %s (%s, now %s) in a class of %s",
                  y.describe(),
                  edit,
                  n ? "allowed" : "denied",
                  r.classes().stream().map(DiffDifferentialTest::show).toList())
              .isTrue();
        }
      }
    }
    return new int[] {
      r.classes().size(),
      changed,
      complete
          ? 0
          : edit.equals("move") ? 3 : edit.equals("failsafe") ? 4 : scope == Scope.ANY ? 2 : 1,
      local[0],
      local[1],
      (int) r.classes().stream().filter(c -> c.placed() != null).count(),
      local[2],
      local[3],
      (int) r.classes().stream().filter(c -> !c.packets().icmpTypesNot().isEmpty()).count(),
      local[4],
      local[5],
      local[6],
      local[7],
      local[8],
      local[9]
    };
  }

  /**
   * The evaluator of a flow whose hypothetical ends may be in namespaces without a profile (built
   * as Calico builds it).
   */
  private static Evaluator evaluator(PolicySet set, Flow f) {
    Map<String, dev.tierproof.model.Profile> extra = new LinkedHashMap<>();
    for (Endpoint e : java.util.Arrays.asList(f.source(), f.destination())) {
      String kns = e == null ? "" : "kns." + e.namespace();
      if (e != null
          && hypothetical(e, set)
          && !e.isHost()
          && !set.profiles().containsKey(kns)
          && set.endpoints().stream().noneMatch(x -> x.profiles().contains(kns))) {
        extra.put(kns, Network.namespaceProfile(e.namespace(), Map.of()));
      }
    }
    if (extra.isEmpty()) {
      return new Evaluator(set);
    }
    return new Evaluator(set.withProfiles(extra)); // the set's dataplane kept
  }

  /** The namespaces a set mentions (as diff counts them). */
  private static java.util.Set<String> mentioned(PolicySet set) {
    java.util.Set<String> out = new java.util.TreeSet<>(set.namespaces().keySet());
    set.profiles().keySet().stream()
        .filter(n -> n.startsWith("kns."))
        .map(n -> n.substring(4))
        .forEach(out::add);
    set.endpoints().stream()
        .map(Endpoint::namespace)
        .filter(java.util.Objects::nonNull)
        .forEach(out::add);
    set.policies().stream()
        .map(Policy::namespace)
        .filter(java.util.Objects::nonNull)
        .forEach(out::add);
    set.networkSets().stream()
        .map(dev.tierproof.model.NetworkSet::namespace)
        .filter(java.util.Objects::nonNull)
        .forEach(out::add);
    return out;
  }

  private static String show(ChangeClass c) {
    return c.kind().text()
        + ": "
        + c.source().display()
        + " -> "
        + c.destination().display()
        + ", "
        + DiffResult.packets(c.packets())
        + c.placement();
  }

  private static boolean hypothetical(Endpoint e, PolicySet set) {
    return e != null && set.endpoints().stream().noneMatch(x -> x == e);
  }

  private static Flow moved(Flow f, UnaryOperator<Endpoint> map) {
    Endpoint s = f.source() == null ? null : map.apply(f.source());
    Endpoint d = f.destination() == null ? null : map.apply(f.destination());
    // spec S6.10, S6.12: both inputs place a workload naming no node alike, crossing alike
    return f.withEnds(s == null ? f.source() : s, d == null ? f.destination() : d);
  }

  // ---------------------------------------------------------------------------------------------
  // class membership of a flow between input endpoints and outside addresses

  private static boolean contains(
      ChangeClass c,
      Flow f,
      PolicySet set,
      java.util.Set<String> walked,
      java.util.Set<String> mentioned,
      DomainClasses names) {
    return alternatives(c.source()).stream()
            .anyMatch(
                e ->
                    in(e, f.source(), f.sourceIp(), null, set, mentioned, names)
                        && atPort(e, f.source(), f.protocol(), f.sourcePort(), set))
        && alternatives(c.destination()).stream()
            .anyMatch(
                e ->
                    in(
                            e,
                            f.destination(),
                            f.destinationIp(),
                            f.destinationDomain(),
                            set,
                            mentioned,
                            names)
                        && atPort(e, f.destination(), f.protocol(), f.destinationPort(), set))
        && in(c.packets(), f)
        && (c.placed() == null || c.placed().holds(f, walked)); // spec S6.11, S6.12
  }

  /** The ends whose union {@code e} is: itself and, for pod ends, each of {@link Ends#more}. */
  private static List<Ends> alternatives(Ends e) {
    List<Ends> out = new java.util.ArrayList<>(List.of(e.first()));
    out.addAll(e.more());
    return out;
  }

  /**
   * Whether the end is in {@code e}; a class's domain stands for every name the policies cannot
   * tell from it.
   */
  private static boolean in(
      Ends e,
      Endpoint ep,
      Ip ip,
      String domain,
      PolicySet set,
      java.util.Set<String> mentioned,
      DomainClasses names) {
    if (ep != null && e.kind() == EndKind.PODS && hypothetical(ep, set)) {
      String ns = ep.namespace();
      boolean included =
          mentioned.contains(ns)
              ? e.namespaces() == null ? !e.excluded().contains(ns) : e.namespaces().contains(ns)
              : e.unlisted();
      return included
          && (e.selector() == null || e.selector().matches(ep.labels()))
          && e.within().stream().allMatch(r -> r.contains(ip))
          && e.except().stream().noneMatch(r -> r.contains(ip))
          && (e.ports() == null
              || new java.util.HashSet<>(e.ports()).equals(new java.util.HashSet<>(ep.ports())));
    }
    if (e.kind() == EndKind.ANY) {
      return true;
    }
    if (e.kind() == EndKind.ENDPOINTS) {
      return ep != null
          && e.endpoints().stream().anyMatch(x -> x == ep)
          && e.within().stream().allMatch(r -> r.contains(ip))
          && e.except().stream().noneMatch(r -> r.contains(ip));
    }
    if (e.kind() == EndKind.OUTSIDE) {
      return ep == null
          && (e.ranges().isEmpty() || e.ranges().stream().anyMatch(r -> r.contains(ip)))
          && (e.domain() == null // "": by no name the input lists (class 0), spec S3.6
              || names.classOf(e.domain().isEmpty() ? null : e.domain()) == names.classOf(domain));
    }
    return ep != null
        && !ep.isHost()
        && e.existing()
        && (e.namespaces() == null
            ? !e.excluded().contains(ep.namespace())
            : e.namespaces().contains(ep.namespace()))
        && (e.selector() == null || e.selector().matches(ep.labels()));
  }

  /**
   * Whether a hypothetical pod at an end declares the named ports of {@link Ends#atPort} at the
   * flow's protocol and that end's port as the class says (spec S3.5).
   */
  private static boolean atPort(Ends e, Endpoint ep, int protocol, Integer port, PolicySet set) {
    if (e.atPort() == null || ep == null || !hypothetical(ep, set)) {
      return true;
    }
    return e.atPort().entrySet().stream()
        .allMatch(
            x ->
                x.getValue()
                    == (port != null
                        && ep.ports().stream()
                            .anyMatch(
                                np ->
                                    np.name().equals(x.getKey())
                                        && np.protocol() == protocol
                                        && np.port() == port)));
  }

  private static boolean in(FlowSpec p, Flow f) {
    return (p.protocol() == null || p.protocol() == f.protocol())
        && !p.otherThan().contains(f.protocol())
        && (p.port() == null
            || (f.destinationPort() != null
                && p.portRanges().stream().anyMatch(r -> r.contains(f.destinationPort()))))
        && (p.sourcePort() == null
            || (f.sourcePort() != null
                && f.sourcePort() >= p.sourcePort().min()
                && f.sourcePort() <= p.sourcePort().max()))
        && (p.icmpType() == null || p.icmpType().equals(f.icmpType()))
        && (p.icmpCode() == null || p.icmpCode().equals(f.icmpCode()))
        && !(dev.tierproof.model.Protocols.isIcmp(f.protocol())
            && p.icmpTypesNot().contains(f.icmpType()))
        && (p.ipVersion() == null || p.ipVersion() == f.family());
  }

  // ---------------------------------------------------------------------------------------------
  // edits

  private static boolean shares(Endpoint a, Endpoint b) {
    return a.ips().stream().anyMatch(b.ips()::contains);
  }

  private static PolicySet edit(PolicySet set, String edit, RandomModel model) {
    switch (edit) {
      case "relabel" -> {
        List<Endpoint> pods = set.endpoints().stream().filter(e -> !e.isHost()).toList();
        if (pods.isEmpty()) {
          return set;
        }
        // half the time one that shares an address (spec S5.5: the other owners' flows change too)
        List<Endpoint> sharing =
            pods.stream()
                .filter(p -> set.endpoints().stream().anyMatch(o -> o != p && shares(o, p)))
                .toList();
        Endpoint e = model.pick(sharing.isEmpty() || model.nextInt(2) == 0 ? pods : sharing);
        Map<String, String> labels = new TreeMap<>(e.labels());
        String key = model.pick(RandomModel.KEYS);
        if (labels.containsKey(key) && model.nextInt(2) == 0) {
          labels.remove(key);
        } else {
          labels.put(key, model.pick(RandomModel.VALUES));
        }
        Endpoint x =
            new Endpoint(
                e.kind(),
                e.namespace(),
                e.name(),
                e.source(),
                labels,
                e.ips(),
                e.ports(),
                e.profiles(),
                e.node(),
                e.span(),
                false,
                null);
        return replaced(set, e, x);
      }
      case "port", "remove-rule", "flip" -> {
        return withRule(set, model, edit);
      }
      case "default-deny" -> {
        String ns = model.pick(RandomModel.NAMESPACES);
        Policy deny =
            new Policy(
                PolicyKind.KUBERNETES_NETWORK_POLICY,
                "default-deny",
                ns,
                "default",
                1000.0,
                Selector.and(
                    new Selector.Has("projectcalico.org/orchestrator"),
                    new Selector.Compare("projectcalico.org/namespace", Selector.Op.EQ, ns)),
                EnumSet.of(Direction.INGRESS),
                List.of(),
                List.of(),
                false,
                false,
                false,
                Span.NONE);
        List<Tier> tiers = new ArrayList<>();
        boolean added = false;
        for (Tier t : set.tiers()) {
          if (t.name().equals("default")) {
            List<Policy> ps = new ArrayList<>(t.policies());
            ps.add(deny);
            ps.sort(PolicySet.POLICY_ORDER);
            t = new Tier(t.name(), t.order(), t.defaultAction(), t.declared(), t.span(), ps);
            added = true;
          }
          tiers.add(t);
        }
        if (!added) {
          tiers.add(new Tier("default", null, Action.DENY, false, Span.NONE, List.of(deny)));
          tiers.sort(PolicySet.TIER_ORDER);
        }
        return withTiers(set, tiers);
      }
      case "namespace" -> {
        Map<String, Namespace> namespaces = new LinkedHashMap<>(set.namespaces());
        namespaces.put("ns9", new Namespace("ns9", Map.of("team", "x"), Span.NONE));
        Map<String, String> labels =
            new TreeMap<>(
                Map.of(
                    model.pick(RandomModel.KEYS),
                    model.pick(RandomModel.VALUES),
                    "projectcalico.org/namespace",
                    "ns9",
                    "projectcalico.org/orchestrator",
                    "k8s",
                    "pcns.team",
                    "x",
                    "pcns.projectcalico.org/name",
                    "ns9"));
        List<Endpoint> endpoints = new ArrayList<>(set.endpoints());
        endpoints.add(
            Endpoint.workload(
                "ns9",
                "job",
                "Deployment",
                labels,
                List.of(),
                List.of(),
                List.of(),
                null,
                Span.NONE));
        return new PolicySet(
                set.tiers(),
                endpoints,
                set.networkSets(),
                set.profiles(),
                namespaces,
                set.dataplane())
            .withFailsafe(set.failsafe())
            .withPools(set.pools());
      }
      case "move" -> {
        Endpoint[] moved = RandomPlacement.moved(set, model::nextInt);
        return moved == null ? set : replaced(set, moved[0], moved[1]);
      }
      case "first-host" -> {
        return withRule(set, model, "flip");
      }
      case "no-policies" -> {
        return withTiers(set, List.of());
      }
      case "dataplane" -> {
        return RandomDataplane.other(set);
      }
      case "failsafe" -> { // spec S6.2, S9.1: a FelixConfiguration's failsafe ports
        java.util.Random rnd = new java.util.Random(model.nextInt(1 << 20));
        List<String> nodes = RandomModel.hostNodes(set.endpoints());
        dev.tierproof.model.FailsafePorts p =
            RandomFailsafe.draw(rnd, RandomFailsafe.MODEL_NETS, nodes);
        while (p.equals(set.failsafe())) {
          p = RandomFailsafe.draw(rnd, RandomFailsafe.MODEL_NETS, nodes);
        }
        return set.withFailsafe(p);
      }
      default -> {
        return set;
      }
    }
  }

  /** {@code set} with its endpoint {@code e} replaced by {@code x}. */
  private static PolicySet replaced(PolicySet set, Endpoint e, Endpoint x) {
    return new PolicySet(
        set.tiers(),
        set.endpoints().stream().map(y -> y == e ? x : y).toList(),
        set.networkSets(),
        set.profiles(),
        set.namespaces(),
        set.dataplane(),
        set.failsafe(),
        set.pools());
  }

  /** One rule of one policy changed: its first port range moved, removed, or its action flipped. */
  private static PolicySet withRule(PolicySet set, RandomModel model, String edit) {
    List<Policy> policies =
        set.policies().stream()
            .filter(p -> !p.ingress().isEmpty() || !p.egress().isEmpty())
            .toList();
    if (policies.isEmpty()) {
      return set;
    }
    Policy p = model.pick(policies);
    boolean ingress = !p.ingress().isEmpty() && (p.egress().isEmpty() || model.nextInt(2) == 0);
    List<Rule> rules = new ArrayList<>(ingress ? p.ingress() : p.egress());
    int i = model.nextInt(rules.size());
    Rule r = rules.get(i);
    switch (edit) {
      case "remove-rule" -> rules.remove(i);
      case "flip" ->
          rules.set(
              i,
              new Rule(
                  r.index(),
                  r.action() == Action.ALLOW ? Action.DENY : Action.ALLOW,
                  r.ipVersion(),
                  r.protocol(),
                  r.notProtocol(),
                  r.icmp(),
                  r.notIcmp(),
                  r.source(),
                  r.destination(),
                  r.http(),
                  r.span()));
      default -> {
        EntityMatch d = r.destination();
        List<Port> ports = new ArrayList<>(d.ports());
        int at = -1;
        for (int k = 0; k < ports.size() && at < 0; k++) {
          if (ports.get(k) instanceof Port.Range) {
            at = k;
          }
        }
        int to = model.pick(List.of(80, 81, 8080, 8081, 53));
        if (at < 0) {
          ports.add(new Port.Range(to, to));
        } else {
          ports.set(at, new Port.Range(to, to));
        }
        Integer protocol =
            r.protocol() != null && dev.tierproof.model.Protocols.hasPorts(r.protocol())
                ? r.protocol()
                : Integer.valueOf(6);
        EntityMatch moved =
            new EntityMatch(
                d.nets(),
                d.notNets(),
                d.selector(),
                d.notSelector(),
                ports,
                d.notPorts(),
                d.domains(),
                d.service());
        rules.set(
            i,
            new Rule(
                r.index(),
                r.action(),
                r.ipVersion(),
                protocol,
                r.notProtocol(),
                null,
                null,
                r.source(),
                moved,
                r.http(),
                r.span()));
      }
    }
    Policy q =
        new Policy(
            p.kind(),
            p.name(),
            p.namespace(),
            p.tier(),
            p.order(),
            p.selector(),
            p.types(),
            ingress ? rules : p.ingress(),
            ingress ? p.egress() : rules,
            p.doNotTrack(),
            p.preDnat(),
            p.applyOnForward(),
            p.span());
    List<Tier> tiers =
        set.tiers().stream()
            .map(
                t ->
                    new Tier(
                        t.name(),
                        t.order(),
                        t.defaultAction(),
                        t.declared(),
                        t.span(),
                        t.policies().stream().map(x -> x == p ? q : x).toList()))
            .toList();
    return withTiers(set, tiers);
  }

  private static PolicySet withTiers(PolicySet set, List<Tier> tiers) {
    return new PolicySet(
        tiers,
        set.endpoints(),
        set.networkSets(),
        set.profiles(),
        set.namespaces(),
        set.dataplane(),
        set.failsafe(),
        set.pools());
  }
}
