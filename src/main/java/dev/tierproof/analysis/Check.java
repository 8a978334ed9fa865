package dev.tierproof.analysis;

import dev.tierproof.analysis.CheckResult.Status;
import dev.tierproof.analysis.Invariant.Assertion;
import dev.tierproof.analysis.Invariant.Carve;
import dev.tierproof.analysis.Invariant.Covered;
import dev.tierproof.analysis.Invariant.DecidedBy;
import dev.tierproof.analysis.Invariant.Isolated;
import dev.tierproof.analysis.Invariant.NoFindings;
import dev.tierproof.analysis.Invariant.NoNewReachability;
import dev.tierproof.analysis.Invariant.Probe;
import dev.tierproof.analysis.Invariant.Reachable;
import dev.tierproof.analysis.lint.Lint;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Tier;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffEncoding;
import dev.tierproof.smt.DiffQuery;
import dev.tierproof.smt.EndSet;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.Outside;
import dev.tierproof.smt.Query;
import dev.tierproof.smt.Region;
import dev.tierproof.smt.Regions;
import dev.tierproof.smt.Side;
import dev.tierproof.smt.SolverSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks invariants ({@link Invariant}) on one policy set: every claim over flows is one solver
 * question per packet range, on one encoding of the set shared by all invariants of the run (one Z3
 * session, queries opened and closed in turn). Every flow reported was decoded from a model and
 * replayed through {@link Evaluator}; a disagreement makes that invariant's result {@link
 * Status#ERROR} (an internal error, never an answer). A solver {@code unknown} makes it {@link
 * Status#INCONCLUSIVE}, never proven. Probes need no solver: they are concrete flows.
 */
public final class Check {

  private final PolicySet set;
  private final SolverSession session;
  private final Network network;
  private final Duration timeout;
  private final Replay replay;
  private Lint.Result lint;

  private Check(PolicySet set, SolverSession session, Duration timeout) {
    this.set = set;
    this.session = session;
    this.network = Network.encode(set, session);
    this.timeout = timeout;
    this.replay = new Replay(set);
  }

  /** Checks each invariant in order; {@code timeout} bounds each solver check. */
  public static List<CheckResult> run(PolicySet set, List<Invariant> invariants, Duration timeout) {
    return run(set, invariants, timeout, dev.tierproof.source.Progress.NONE);
  }

  /** The same, telling {@code progress} of each invariant decided. */
  public static List<CheckResult> run(
      PolicySet set,
      List<Invariant> invariants,
      Duration timeout,
      dev.tierproof.source.Progress progress) {
    List<CheckResult> out = new ArrayList<>();
    try (SolverSession session = SolverSession.pinned(timeout)) {
      Check c = new Check(set, session, timeout);
      for (Invariant i : invariants) {
        long start = System.nanoTime();
        CheckResult r;
        try {
          r = c.check(i, start);
        } catch (IllegalStateException e) {
          r = result(i, Status.ERROR, e.getMessage(), Shown.NOTHING, "none", null, start);
        }
        out.add(r);
        progress.at("invariants", out.size(), invariants.size());
      }
    }
    return out;
  }

  private CheckResult check(Invariant i, long start) {
    Assertion a = i.assertion();
    if (a instanceof Isolated x) {
      return isolated(i, x, start);
    }
    if (a instanceof Reachable x) {
      return reachable(i, x, start);
    }
    if (a instanceof Probe x) {
      return probe(i, x, start);
    }
    if (a instanceof Covered x) {
      return covered(i, x, start);
    }
    if (a instanceof NoNewReachability x) {
      return noNew(i, x, start);
    }
    return noFindings(i, (NoFindings) a, start);
  }

  // ---------------------------------------------------------------------------------------------
  // claims over flows

  private CheckResult isolated(Invariant i, Isolated x, long start) {
    List<Region> carveOuts = regions(x.except());
    String what = names(x.from()) + " -> " + names(x.to()) + packets(x.packets());
    String outside = carveOuts.isEmpty() ? "" : " outside the carve-outs";
    Answer a =
        first(
            x.packets(),
            b -> Regions.query(network, sides(x.from()), sides(x.to()), b, carveOuts),
            q -> q.allowedOutside(carveOuts));
    if (a == null) {
      return proven(i, "no flow " + what + " is allowed" + outside, start);
    }
    return a.sat()
        ? violated(
            i,
            "a flow " + what + " is allowed" + outside,
            a.flow(),
            replay.verdict(a, x.from(), x.to()),
            start)
        : unknown(i, a, start);
  }

  private CheckResult reachable(Invariant i, Reachable x, long start) {
    String what = names(x.from()) + " -> " + names(x.to()) + packets(x.packets());
    if (x.all()) {
      Answer a =
          first(x.packets(), b -> network.query(sides(x.from()), sides(x.to()), b), Query::denied);
      if (a == null) {
        return proven(i, "every flow " + what + " is allowed", start);
      }
      return a.sat()
          ? violated(
              i,
              "not every flow " + what + " is allowed: this one is denied",
              a.flow(),
              replay.verdict(a, x.from(), x.to()),
              start)
          : unknown(i, a, start);
    }
    Answer allowed = null;
    Answer denied = null;
    boolean deniedUnknown = false;
    for (FlowSpec b : bounds(x.packets())) {
      try (Query q = network.query(sides(x.from()), sides(x.to()), b)) {
        Answer a = q.allowed();
        if (a.status() == SolverSession.Status.UNKNOWN) {
          return unknown(i, a, start);
        }
        if (a.sat()) {
          allowed = a;
          break;
        }
        if (denied == null) {
          Answer d = q.denied();
          if (d.sat()) {
            denied = d;
          }
          deniedUnknown |= d.status() == SolverSession.Status.UNKNOWN;
        }
      }
    }
    Answer shown = allowed != null ? allowed : denied;
    String summary =
        allowed != null
            ? "a flow " + what + " is allowed"
            : denied == null
                ? "no flow " + what + (deniedUnknown ? " is allowed" : " exists")
                : "no flow " + what + " is allowed; for example this one is denied";
    return result(
        i,
        allowed != null ? Status.PROVEN : Status.VIOLATED,
        summary,
        shown == null
            ? Shown.NOTHING
            : Shown.flow(shown.flow(), replay.verdict(shown, x.from(), x.to())),
        allowed != null ? "sat" : "unsat",
        null,
        start);
  }

  private CheckResult probe(Invariant i, Probe x, long start) {
    Verdict v = replay.evaluator(Map.of()).evaluate(x.flow());
    String verdict = v.allowed() ? "allowed" : "denied";
    Status status = Status.PROVEN;
    String summary =
        "the flow is "
            + verdict
            + (x.decidedBy() == null ? "" : ", decided by " + describe(x.decidedBy()));
    if (v.allowed() != x.allowed()) {
      status = Status.VIOLATED;
      summary = "the flow is " + verdict + ", not " + (x.allowed() ? "allowed" : "denied");
    } else if (x.decidedBy() != null
        && v.steps().stream()
            .filter(s -> x.allowed() || !s.allowed())
            .noneMatch(s -> matches(x.decidedBy(), s))) {
      status = Status.VIOLATED;
      summary =
          "the flow is " + verdict + " as expected, but not decided by " + describe(x.decidedBy());
    }
    return result(i, status, summary, Shown.flow(x.flow(), v), "none", null, start);
  }

  private CheckResult covered(Invariant i, Covered x, long start) {
    List<Side> outside = List.of(Outside.in(null, null));
    for (Direction d : List.of(Direction.INGRESS, Direction.EGRESS)) {
      if (!x.directions().contains(d)) {
        continue;
      }
      boolean egress = d == Direction.EGRESS;
      try (Query q =
          network.query(
              egress ? sides(x.endpoints()) : outside,
              egress ? outside : sides(x.endpoints()),
              FlowSpec.ANY)) {
        Answer a = q.unselected(d);
        if (a.status() == SolverSession.Status.UNKNOWN) {
          return unknown(i, a, start);
        }
        if (a.sat()) {
          Endpoint e = egress ? a.flow().source() : a.flow().destination();
          Evaluator ev = replay.evaluator(a.assumedProfiles());
          Verdict v = ev.evaluate(a.flow());
          for (Tier t : set.tiers()) {
            if (!ev.applying(t, e, d).isEmpty()) {
              throw Verdict.disagreement(
                  "the solver says no policy selects "
                      + e.ref()
                      + " for "
                      + d.json()
                      + ", eval finds one in tier "
                      + t.name(),
                  a.flow(),
                  v);
            }
          }
          return result(
              i,
              Status.VIOLATED,
              "no policy selects " + e.ref() + " for " + d.json(),
              new Shown(a.flow(), v, null, new CheckResult.Uncovered(e, d), List.of()),
              "sat",
              null,
              start);
        }
      }
    }
    String dirs =
        x.directions().stream().map(Direction::json).sorted().collect(Collectors.joining(" and "));
    return proven(
        i,
        "every endpoint of " + names(x.endpoints()) + " is selected by a policy for " + dirs,
        start);
  }

  private CheckResult noNew(Invariant i, NoNewReachability x, long start) {
    PolicySet rebased = Diff.paired(x.base(), set);
    DiffEncoding encoding = DiffEncoding.encode(rebased, set, session, true);
    for (DiffEncoding.Suspect scope : encoding.suspects()) {
      try (DiffQuery q = encoding.open(scope, List.of())) {
        Answer a = q.find(DiffQuery.Change.OPENED, List.of());
        if (a.status() == SolverSession.Status.UNKNOWN) {
          return unknown(i, a, start);
        }
        if (a.sat()) {
          Verdict[] v = Replay.between(rebased, set).change(a);
          return result(
              i,
              Status.VIOLATED,
              "a flow that " + x.baseline() + " denied is allowed now",
              new Shown(a.flow(), v[1], v[0], null, List.of()),
              "sat",
              null,
              start);
        }
      }
    }
    return proven(i, "nothing is allowed that " + x.baseline() + " did not allow", start);
  }

  private CheckResult noFindings(Invariant i, NoFindings x, long start) {
    if (lint == null) {
      lint = Lint.run(set, new Lint.Options(null, timeout));
    }
    List<CheckResult.Finding> found = new ArrayList<>();
    boolean inconclusive = false;
    for (dev.tierproof.analysis.lint.Finding f : lint.findings()) {
      boolean wanted =
          x.rules().isEmpty() || x.rules().contains(f.id()) || x.rules().contains(f.name());
      if (f instanceof dev.tierproof.analysis.lint.Finding.Inconclusive) {
        inconclusive |= x.rules().isEmpty() || wanted;
        continue;
      }
      if (wanted) {
        String about =
            f.policy() != null
                ? f.policy().displayName() + (f.rule() != null ? " rule " + f.rule().index() : "")
                : f.tier() != null ? "tier " + f.tier().name() : "";
        found.add(
            new CheckResult.Finding(f.id(), f.name(), f.severity().label(), f.location(), about));
      }
    }
    String which = x.rules().isEmpty() ? "lint" : "lint (" + String.join(", ", x.rules()) + ")";
    if (!found.isEmpty()) {
      return result(
          i,
          Status.VIOLATED,
          which + " reports " + found.size() + " finding" + (found.size() == 1 ? "" : "s"),
          new Shown(null, null, null, null, found),
          "none",
          null,
          start);
    }
    if (inconclusive) {
      return result(
          i,
          Status.INCONCLUSIVE,
          "the solver could not decide some lint questions; nothing is proved",
          Shown.NOTHING,
          "unknown",
          null,
          start);
    }
    return result(
        i, Status.PROVEN, which + " reports no finding", Shown.NOTHING, "none", null, start);
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  /** Violated, with the replayed witness the solver found (sat). */
  private static CheckResult violated(
      Invariant i, String summary, Flow witness, Verdict explanation, long start) {
    return result(
        i, Status.VIOLATED, summary, Shown.flow(witness, explanation), "sat", null, start);
  }

  /** Proven: the solver found no counterexample (unsat). */
  private static CheckResult proven(Invariant i, String summary, long start) {
    return result(i, Status.PROVEN, summary, Shown.NOTHING, "unsat", null, start);
  }

  /**
   * What a result shows besides its claim: a flow and its replay (with the base's verdict for
   * {@code no-new-reachability}), an endpoint no policy selects, lint findings.
   */
  private record Shown(
      Flow witness,
      Verdict explanation,
      Verdict before,
      CheckResult.Uncovered uncovered,
      List<CheckResult.Finding> findings) {
    static final Shown NOTHING = flow(null, null);

    static Shown flow(Flow witness, Verdict explanation) {
      return new Shown(witness, explanation, null, null, List.of());
    }
  }

  private static CheckResult result(
      Invariant i,
      Status status,
      String summary,
      Shown shown,
      String solver,
      String reason,
      long start) {
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new CheckResult(
        i,
        status,
        summary,
        shown.witness(),
        shown.explanation(),
        shown.before(),
        shown.uncovered(),
        shown.findings(),
        solver,
        reason,
        millis,
        List.of());
  }

  private static CheckResult unknown(Invariant i, Answer a, long start) {
    return result(
        i,
        Status.INCONCLUSIVE,
        "the solver could not decide"
            + (a.reason() != null ? " (" + a.reason() + ")" : "")
            + "; nothing is proved",
        Shown.NOTHING,
        "unknown",
        a.reason(),
        start);
  }

  private static boolean matches(DecidedBy want, Step s) {
    Decision d = s.decidedBy();
    if (want.direction() != null && want.direction() != s.direction()) {
      return false;
    }
    if (want.kind() != null && !want.kind().equals(d.kind().json())) {
      return false;
    }
    if (want.tier() != null && (d.tier() == null || !want.tier().equals(d.tier().name()))) {
      return false;
    }
    if (want.policy() != null
        && (d.policy() == null
            || !(want.policy().equals(d.policy().name())
                || want.policy().equals(d.policy().displayName())))) {
      return false;
    }
    if (want.rule() != null && (d.rule() == null || d.rule().index() != want.rule())) {
      return false;
    }
    return want.profile() == null
        || (d.profile() != null && want.profile().equals(d.profile().name()));
  }

  static String describe(DecidedBy d) {
    List<String> parts = new ArrayList<>();
    if (d.kind() != null) {
      parts.add(d.kind());
    }
    if (d.rule() != null) {
      parts.add("rule " + d.rule());
    }
    if (d.policy() != null) {
      parts.add("of " + d.policy());
    }
    if (d.tier() != null) {
      parts.add("in tier " + d.tier());
    }
    if (d.profile() != null) {
      parts.add("profile " + d.profile());
    }
    if (d.direction() != null) {
      parts.add("at " + d.direction().json());
    }
    return String.join(" ", parts);
  }

  /** The ends as written, {@code ns/*} for a namespace's pods. */
  private static String names(List<End> ends) {
    return ends.stream()
        .map(End::display)
        .map(s -> s.endsWith("{all()}") ? s.substring(0, s.length() - "{all()}".length()) + "*" : s)
        .collect(Collectors.joining(", "));
  }

  private static String packets(List<FlowSpec> specs) {
    if (specs.isEmpty()) {
      return "";
    }
    return " (" + specs.stream().map(DiffResult::packets).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * The first answer, asked of one query per packet range of {@code packets}, that is sat or
   * unknown; null when every one is unsat.
   */
  private static Answer first(
      List<FlowSpec> packets, Function<FlowSpec, Query> open, Function<Query, Answer> ask) {
    for (FlowSpec b : bounds(packets)) {
      try (Query q = open.apply(b)) {
        Answer a = ask.apply(q);
        if (a.sat() || a.status() == SolverSession.Status.UNKNOWN) {
          return a;
        }
      }
    }
    return null;
  }

  private static List<FlowSpec> bounds(List<FlowSpec> specs) {
    return specs.isEmpty() ? List.of(FlowSpec.ANY) : specs;
  }

  /** The carve-outs as regions: one per pair of ends and packet range. */
  private List<Region> regions(List<Carve> carves) {
    List<Region> out = new ArrayList<>();
    for (Carve c : carves) {
      List<EndSet> from =
          c.from() == null
              ? List.of(new EndSet.Any())
              : c.from().stream().map(this::endSet).toList();
      List<EndSet> to =
          c.to() == null ? List.of(new EndSet.Any()) : c.to().stream().map(this::endSet).toList();
      for (EndSet f : from) {
        for (EndSet t : to) {
          for (FlowSpec b : bounds(c.packets())) {
            out.add(new Region(f, t, b));
          }
        }
      }
    }
    return out;
  }

  private EndSet endSet(End end) {
    if (end instanceof End.Known k) {
      return new EndSet.Endpoints(List.of(k.endpoint()));
    }
    if (end instanceof End.Addresses o) {
      if (o.domain() != null) {
        return Outside.in(o.range(), o.domain());
      }
      return o.range() == null ? Outside.in(null, null) : new EndSet.Range(o.range());
    }
    End.Hypothetical h = (End.Hypothetical) end;
    if (h.existingOnly()) {
      return new EndSet.Endpoints(h.existing(set));
    }
    return h.namespace() == null
        ? new EndSet.Pods(null, Set.of(), true, h.selector())
        : new EndSet.Pods(Set.of(h.namespace()), Set.of(), false, h.selector());
  }

  private List<Side> sides(List<End> ends) {
    List<Side> out = new ArrayList<>();
    ends.forEach(e -> out.addAll(e.sides(set)));
    return out;
  }
}
