package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.Check;
import dev.tierproof.analysis.CheckResult;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Invariant;
import dev.tierproof.analysis.Reachability;
import dev.tierproof.analysis.VerifyResult;
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
import dev.tierproof.smt.SolverSession;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * {@code verify} and {@code check} against the executable spec on {@link RandomCluster} YAML loaded
 * through the loader (issue 10). Per cluster: (1) random {@code verify reachable|isolated}
 * questions between named (with and without addresses), selector, outside, range and domain ends:
 * every witness is allowed by a fresh {@link Evaluator} and fits the question, every blocker's
 * example is denied at its step, and when no flow is allowed, sampled flows of the question are all
 * denied, each by decisions listed as blockers (the list is complete); (2) the same cluster with
 * its address-less endpoints deployed as Pods (spec S5.4: one instance of each): eval's verdict for
 * a flow with such an endpoint at an address is the deployed pod's at that address, and no flow the
 * plain text proves isolated is allowed once deployed; (3) random isolated/reachable/covered
 * invariants through {@link Check}: a proof holds on sampled flows and agrees with {@code verify},
 * a violation's witness replays, an uncovered endpoint has no applying policy. Clusters: {@code
 * -Dcluster.cases=N} for (1) and (2); one seed in five is analysed under Calico 3.29-3.31 with its
 * AdminNetworkPolicies ({@link RandomCluster#versionFor}) (default 300, 15,000 with {@code
 * -Ddifferential.long=true}), {@code -Dcluster.check.cases=N} for (3) (300, long 10,000); first
 * seed {@code -Dcluster.seed=S} (check's seeds start 100,000 later, or at {@code
 * -Dcluster.check.seed}); a failure names its seed.
 */
class ClusterDifferentialTest {

  private static final int CASES = Runs.cases("cluster.cases", 300, 15_000);
  private static final int CHECK_CASES = Runs.cases("cluster.check.cases", 300, 10_000);

  private static final long SEED = Long.getLong("cluster.seed", 1);

  /** The check suite's first seed: {@code cluster.check.seed}, else 100,000 past {@link #SEED}. */
  private static final long CHECK_SEED = Long.getLong("cluster.check.seed", SEED + 100_000);

  private static final int QUESTIONS = 4;
  private static final int INVARIANTS = 3;
  private static final int SAMPLES = 30;
  private static final int PAIRS = 20;
  private static final int VERIFY_OUT_OF_TIME = 21;
  private static final int CHECK_OUT_OF_TIME = 11;
  private static final List<List<Cidr>> PODS =
      List.of(
          List.of(Cidr.parse("10.1.0.0/16").orElseThrow(), Cidr.parse("fd00:1::/64").orElseThrow()),
          List.of(Cidr.parse("10.1.0.128/25").orElseThrow()),
          List.of(Cidr.parse("10.1.1.0/24").orElseThrow()));

  @Test
  void verify_randomClusters_agreesWithEvalAndDeployedPods() throws Exception {
    AtomicLongArray counts =
        Runs.run(
            "cluster verify",
            "cluster.seed",
            SEED,
            CASES,
            RandomClusterDataplane.with(
                List.of(
                    "clusters",
                    "questions",
                    "without an allowed flow",
                    "sampled flows",
                    "deployed flow pairs",
                    "deployed questions",
                    "enforced admin policies of 3.29-3.31",
                    "witnesses and sampled flows decided with an untracked Allow's reply",
                    "local sampled flows (a host endpoint and a workload on its node)",
                    "local witnesses",
                    "local deployed flow pairs",
                    "witnesses and sampled flows through a forward chain",
                    "witnesses and sampled flows placing a workload naming no node on a walked node",
                    "witnesses and sampled flows between workloads through one node's forward chain",
                    "witnesses and sampled flows between workloads through two nodes' forward chains",
                    "witnesses and sampled flows on bpf through a host endpoint's pre-DNAT or forward"
                        + " path",
                    "witnesses and sampled flows crossing a named interface of a walked node",
                    "witnesses and sampled flows crossing another interface of a node with named ones",
                    "witnesses and sampled flows between two outside addresses routed through a walked"
                        + " node",
                    "witnesses and sampled flows between a workload and another node's host"
                        + " endpoint crossing a forward chain",
                    "witnesses and sampled flows decided on a masqueraded source",
                    "questions out of time (inconclusive)",
                    "witnesses and sampled flows translated by a settled nat-outgoing",
                    "witnesses and sampled flows decided on bpf by a host endpoint's untracked"
                        + " Deny")),
            ClusterDifferentialTest::verify);
    fewOutOfTime(counts.get(VERIFY_OUT_OF_TIME), counts.get(1));
  }

  @Test
  void check_randomClusters_verdictsHoldOnSampledFlows() throws Exception {
    AtomicLongArray counts =
        Runs.run(
            "cluster check",
            "cluster.check.seed",
            CHECK_SEED,
            CHECK_CASES,
            RandomClusterDataplane.with(
                List.of(
                    "clusters",
                    "invariants",
                    "proven",
                    "sampled flows",
                    "local sampled flows",
                    "sampled flows placing a workload naming no node on a walked node",
                    "sampled flows an unmodelled element could change (named by their invariant)",
                    "sampled flows between workloads through one node's forward chain",
                    "sampled flows between workloads through two nodes' forward chains",
                    "sampled flows crossing a named interface of a walked node",
                    "sampled flows crossing another interface of a node with named ones",
                    "invariants out of time (inconclusive)")),
            (seed, session, c) -> check(seed, c));
    fewOutOfTime(counts.get(CHECK_OUT_OF_TIME), counts.get(1));
  }

  /** Whether verify ran out of time on {@code v}: inconclusive, not wrong. */
  private static boolean outOfTime(VerifyResult v) {
    return v.result() == VerifyResult.Result.UNKNOWN
        && v.solver() != null
        && Runs.outOfTime(v.solver().reason());
  }

  /**
   * Questions the solver ran out of time on are inconclusive (exit 3), so allowed; but at most a
   * quarter of {@code asked} (at least one): a loaded machine's timeouts, not a product that gives
   * up.
   */
  private static void fewOutOfTime(long outOfTime, long asked) {
    assertThat(outOfTime)
        .as("questions out of time of %d", asked)
        .isLessThanOrEqualTo(Math.max(1, asked / 4));
  }

  // ---------------------------------------------------------------------------------------------
  // verify

  static void verify(long seed, SolverSession session, AtomicLongArray counts) {
    RandomCluster c = new RandomCluster(seed);
    PolicySet set = c.load(false);
    c.dataplane().count(counts);
    PolicySet deployed = c.load(true);
    Sampler s = new Sampler(set, seed);
    Evaluator eval = new Evaluator(set);
    Evaluator evalDeployed = new Evaluator(deployed);
    MasqueradedFlows masqueraded = new MasqueradedFlows(c, set, eval); // spec S6.10
    counts.incrementAndGet(0);
    counts.addAndGet(
        6, set.policies().stream().filter(p -> p.tier().contains("adminnetworkpolicy")).count());
    try (Reachability r = Reachability.using(set, session);
        Reachability rd = Reachability.using(deployed, session)) {
      String[] aimed = MasqueradedFlows.pair(set); // spec S6.10: a settled masquerade
      for (int q = 0; q < QUESTIONS; q++) {
        boolean stable = s.nextInt(2) == 0;
        String from = Questions.ref(s, set, true, stable);
        String to = Questions.ref(s, set, false, stable);
        if (q == QUESTIONS - 1 && aimed != null) {
          from = aimed[0];
          to = aimed[1];
        }
        boolean existing = s.nextInt(4) == 0;
        List<Cidr> pods = s.nextInt(4) > 0 ? List.of() : s.pick(PODS); // --pod-cidr
        End src = Questions.inPods(Questions.resolve(from, set, existing), pods);
        End dst = Questions.inPods(Questions.resolve(to, set, existing), pods);
        FlowSpec spec = Questions.spec(s);
        boolean isolated = s.nextInt(2) == 0;
        String question =
            (isolated ? "isolated " : "reachable ")
                + from
                + " "
                + to
                + " "
                + spec
                + (existing ? " --existing" : "")
                + (pods.isEmpty() ? "" : " --pod-cidr " + pods);
        counts.incrementAndGet(1);
        VerifyResult v = isolated ? r.isolated(src, dst, spec) : r.reachable(src, dst, spec);
        if (v.result() == VerifyResult.Result.UNKNOWN && c.enforcingUnmodelled()) {
          continue;
        }
        if (outOfTime(v)) {
          counts.incrementAndGet(VERIFY_OUT_OF_TIME);
          continue;
        }
        assertThat(v.result()).as(question).isNotEqualTo(VerifyResult.Result.UNKNOWN);
        boolean allowed = v.witness() != null;
        assertThat(v.result() == VerifyResult.Result.HOLDS)
            .as(question)
            .isEqualTo(isolated != allowed);
        if (allowed) {
          Flow w = v.witness();
          counts.addAndGet(9, w.local() ? 1 : 0);
          counts.addAndGet(12, Questions.floatingWalked(w) ? 1 : 0); // spec S6.11
          Questions.countPods(w, eval, counts, 13); // spec S6.10
          Questions.countInterfaces(w, counts, 16); // spec S6.10
          counts.addAndGet(18, w.transit() != null ? 1 : 0); // spec S6.11
          masqueraded.check(question, src, dst, w, counts, 20);
          counts.addAndGet(22, masqueraded.translated(w) ? 1 : 0); // spec S6.10
          assertThat(Questions.fits(w, spec))
              .as("%s: witness %s fits", question, Questions.brief(w))
              .isTrue();
          if (!Questions.assumed(set, w)) {
            Verdict verdict = eval.evaluate(w);
            assertThat(verdict.allowed())
                .as("%s: witness %s", question, Questions.brief(w))
                .isTrue();
            counts.addAndGet(7, Questions.replied(verdict) ? 1 : 0);
            counts.addAndGet(11, verdict.steps().stream().anyMatch(Step::forward) ? 1 : 0);
            c.dataplane().countHostPaths(verdict, counts, 15);
            c.dataplane().countUntrackedDeny(verdict, counts, 23);
            counts.addAndGet(19, Questions.hostElsewhere(w, eval) ? 1 : 0); // spec S6.10
          }
          for (Object[] end :
              List.of(
                  new Object[] {w.source(), w.sourceIp()},
                  new Object[] {w.destination(), w.destinationIp()})) {
            Endpoint e = (Endpoint) end[0];
            Ip ip = (Ip) end[1];
            if (e != null
                && !e.isHost()
                && (e.ips().isEmpty() || e.source().equals("Hypothetical"))
                && !pods.isEmpty()) {
              assertThat(pods.stream().anyMatch(range -> range.contains(ip)))
                  .as(
                      "%s: witness %s places %s in the pod ranges",
                      question, Questions.brief(w), e.ref())
                  .isTrue();
            }
          }
        } else {
          counts.incrementAndGet(2);
          if (v.blockersIncomplete() != null) {
            // the list may be short (verify says so); only the solver's time may cut it
            assertThat(Runs.outOfTime(v.blockersIncomplete()))
                .as("%s: blockers incomplete: %s", question, v.blockersIncomplete())
                .isTrue();
            counts.incrementAndGet(VERIFY_OUT_OF_TIME);
          }
          List<String> blockers =
              v.blockers().stream()
                  .map(b -> Questions.decision(b.direction(), b.decidedBy()))
                  .toList();
          for (VerifyResult.Blocker b : v.blockers()) {
            if (Questions.assumed(set, b.example())) {
              continue;
            }
            // (a forward chain's side at a host endpoint is a step of its own, spec S6.11)
            assertThat(eval.evaluate(b.example()).steps())
                .as("%s: blocker example %s", question, Questions.brief(b.example()))
                .anyMatch(
                    x ->
                        x.direction() == b.direction()
                            && x.endpoint() == b.endpoint()
                            && !x.allowed());
          }
          for (int i = 0; i < SAMPLES; i++) {
            Flow sampled = s.flow(src, dst, spec);
            if (sampled == null) {
              continue;
            }
            for (Flow f : Questions.placements(sampled, set)) { // spec S6.12: both placements
              counts.incrementAndGet(3);
              counts.addAndGet(8, f.local() ? 1 : 0);
              counts.addAndGet(12, Questions.floatingWalked(f) ? 1 : 0); // spec S6.11
              Questions.countPods(f, eval, counts, 13); // spec S6.10
              Questions.countInterfaces(f, counts, 16); // spec S6.10
              counts.addAndGet(18, f.transit() != null ? 1 : 0); // spec S6.11
              masqueraded.check(question, src, dst, f, counts, 20);
              counts.addAndGet(22, masqueraded.translated(f) ? 1 : 0); // spec S6.10
              Verdict verdict = eval.evaluate(f);
              counts.addAndGet(7, Questions.replied(verdict) ? 1 : 0);
              counts.addAndGet(11, verdict.steps().stream().anyMatch(Step::forward) ? 1 : 0);
              c.dataplane().countHostPaths(verdict, counts, 15);
              c.dataplane().countUntrackedDeny(verdict, counts, 23);
              counts.addAndGet(19, Questions.hostElsewhere(f, eval) ? 1 : 0); // spec S6.10
              assertThat(verdict.allowed())
                  .as("%s: sampled flow %s, proved to allow none", question, Questions.brief(f))
                  .isFalse();
              for (Step step : verdict.steps()) {
                if (!step.allowed() && v.blockersIncomplete() == null) {
                  assertThat(blockers)
                      .as(
                          "%s: the decision denying sampled %s is a blocker",
                          question, Questions.brief(f))
                      .contains(Questions.decision(step));
                }
              }
            }
          }
        }
        if (stable && (pods.isEmpty() || pods == PODS.get(0))) {
          // spec S5.4: a deployed pod is one instance of its address-less endpoint (deployed inside
          // PODS.get(0))
          counts.incrementAndGet(5);
          End srcD = Questions.inPods(Questions.resolve(from, deployed, existing), pods);
          End dstD = Questions.inPods(Questions.resolve(to, deployed, existing), pods);
          VerifyResult vd = rd.reachable(srcD, dstD, spec);
          if (vd.witness() != null) {
            assertThat(allowed)
                .as(
                    "%s: allowed once deployed (%s), proved to allow none before",
                    question, Questions.brief(vd.witness()))
                .isTrue();
          }
        }
      }
    }
    for (int i = 0; i < PAIRS; i++) {
      Flow f = s.flow();
      Flow[] pair = deploy(f, set, deployed);
      if (pair == null) {
        continue;
      }
      counts.incrementAndGet(4);
      counts.addAndGet(10, pair[0].local() ? 1 : 0);
      Verdict before = eval.evaluate(pair[0]);
      Verdict after = evalDeployed.evaluate(pair[1]);
      assertThat(Questions.decisions(before))
          .as("%s deployed as %s", Questions.brief(pair[0]), Questions.brief(pair[1]))
          .isEqualTo(Questions.decisions(after));
    }
  }

  /**
   * The flow with each end that has no address placed at its deployed pod's address, and that flow
   * in the deployed cluster; null when the flow has no such end or a deployed pod lacks the family.
   */
  private static Flow[] deploy(Flow f, PolicySet set, PolicySet deployed) {
    Endpoint[] ends = {f.source(), f.destination()};
    Ip[] ips = {f.sourceIp(), f.destinationIp()};
    Endpoint[] mapped = new Endpoint[2];
    boolean any = false;
    for (int i = 0; i < 2; i++) {
      Endpoint e = ends[i];
      if (e == null || set.endpoints().stream().noneMatch(x -> x == e)) {
        Ip ip = ips[i];
        if (deployed.endpoints().stream().anyMatch(x -> x.ips().contains(ip))) {
          return null; // outside or hypothetical at an address a deployed pod now owns
        }
        mapped[i] = e;
        continue;
      }
      Endpoint d =
          deployed.endpoints().stream()
              .filter(x -> x.ref().equals(e.ref()) && x.isHost() == e.isHost())
              .findFirst()
              .orElseThrow();
      mapped[i] = d;
      if (e.ips().isEmpty()) {
        any = true;
        int family = ips[i].family();
        Ip ip = d.ips().stream().filter(x -> x.family() == family).findFirst().orElse(null);
        if (ip == null) {
          return null;
        }
        ips[i] = ip;
      }
    }
    if (!any || ips[0].equals(ips[1])) {
      return null;
    }
    Flow before =
        Flow.between(
                f.protocol(),
                ips[0],
                f.sourcePort(),
                ips[1],
                f.destinationPort(),
                f.icmpType(),
                f.icmpCode(),
                f.destinationDomain(),
                ends[0],
                ends[1])
            .placed(f.ends());
    // spec S6.12: the deployed pod is placed as its endpoint was
    Flow after = before.withEnds(mapped[0], mapped[1]);
    return new Flow[] {before, after};
  }

  // ---------------------------------------------------------------------------------------------
  // check

  /**
   * A proven {@code covered}: some enforced policy applies at every sampled endpoint of the ends
   * for each direction; a violation: the uncovered endpoint belongs to an end and no policy
   * applies.
   */
  private static void covered(
      String what,
      Invariant.Covered cov,
      CheckResult res,
      PolicySet set,
      Evaluator eval,
      Sampler s,
      AtomicLongArray counts) {
    if (res.status() == CheckResult.Status.VIOLATED) {
      Endpoint e = res.uncovered().endpoint();
      Direction d = res.uncovered().direction();
      assertThat(cov.directions()).as(what).contains(d);
      if (set.namespaces().containsKey(e.namespace()) || e.isHost()) {
        assertThat(applying(eval, e, d))
            .as("%s: %s is uncovered for %s", what, e.ref(), d)
            .isFalse();
      }
      return;
    }
    for (int k = 0; k < SAMPLES; k++) {
      Flow f = s.flow(s.pick(cov.endpoints()), new End.Addresses(null, null), FlowSpec.ANY);
      if (f == null || f.source() == null || Questions.assumed(set, f)) {
        continue;
      }
      counts.incrementAndGet(3);
      for (Direction d : cov.directions()) {
        assertThat(applying(eval, f.source(), d))
            .as("%s: a policy applies at %s for %s", what, f.source().ref(), d)
            .isTrue();
      }
    }
  }

  private static boolean applying(Evaluator eval, Endpoint e, Direction d) {
    return eval.policySet().tiers().stream().anyMatch(t -> !eval.applying(t, e, d).isEmpty());
  }

  private record Asked(String text, List<End> from, List<End> to, FlowSpec spec) {}

  static void check(long seed, AtomicLongArray counts) {
    RandomCluster c = new RandomCluster(seed);
    PolicySet set = c.load(false);
    c.dataplane().count(counts);
    Sampler s = new Sampler(set, seed);
    Evaluator eval = new Evaluator(set);
    CheckRelevance relevance = new CheckRelevance(c, set, eval); // spec S9.3
    counts.incrementAndGet(0);
    List<Invariant> invariants = new ArrayList<>();
    List<Asked> asked = new ArrayList<>();
    for (int i = 0; i < INVARIANTS; i++) {
      List<String> from = new ArrayList<>();
      List<String> to = new ArrayList<>();
      for (int n = 1 + (s.nextInt(4) == 0 ? 1 : 0); n > 0; n--) {
        from.add(Questions.ref(s, set, true, false));
        to.add(Questions.ref(s, set, false, false));
      }
      List<End> src = from.stream().map(x -> Questions.resolve(x, set, false)).toList();
      List<End> dst = to.stream().map(x -> Questions.resolve(x, set, false)).toList();
      FlowSpec spec = Questions.spec(s);
      List<FlowSpec> packets =
          spec.equals(FlowSpec.ANY) && s.nextInt(2) == 0 ? List.of() : List.of(spec);
      int kind = s.nextInt(6);
      if (kind == 5) {
        src = src.stream().filter(e -> !(e instanceof End.Addresses)).toList();
        if (src.isEmpty()) {
          src =
              List.of(new End.Hypothetical(null, new dev.tierproof.selector.Selector.All(), false));
        }
      }
      Invariant.Assertion a =
          kind < 2
              ? new Invariant.Isolated(src, dst, packets, List.of())
              : kind < 5
                  ? new Invariant.Reachable(src, dst, packets, kind == 4)
                  : new Invariant.Covered(
                      src,
                      s.pick(
                          List.of(
                              EnumSet.of(Direction.INGRESS),
                              EnumSet.of(Direction.EGRESS),
                              EnumSet.allOf(Direction.class))));
      invariants.add(
          new Invariant("inv" + i, "generated", null, Severity.ERROR, a, Span.NONE, Span.NONE));
      asked.add(
          new Asked(
              a.key() + (kind == 4 ? " (all)" : "") + " " + from + " -> " + to + " " + spec,
              src,
              dst,
              spec));
    }
    List<CheckResult> results = Check.run(set, invariants, Runs.timeout());
    try (Reachability r = new Reachability(set, Runs.timeout())) {
      for (int i = 0; i < results.size(); i++) {
        counts.incrementAndGet(1);
        CheckResult res = results.get(i);
        Asked q = asked.get(i);
        if (res.status() == CheckResult.Status.INCONCLUSIVE && c.enforcingUnmodelled()) {
          continue;
        }
        if (res.status() == CheckResult.Status.INCONCLUSIVE && Runs.outOfTime(res.reason())) {
          counts.incrementAndGet(CHECK_OUT_OF_TIME);
          continue;
        }
        assertThat(res.status())
            .as("%s: %s", q.text(), res.summary())
            .isIn(CheckResult.Status.PROVEN, CheckResult.Status.VIOLATED);
        boolean proven = res.status() == CheckResult.Status.PROVEN;
        if (proven) {
          counts.incrementAndGet(2);
        }
        if (res.invariant().assertion() instanceof Invariant.Covered cov) {
          covered(q.text(), cov, res, set, eval, s, counts);
          continue;
        }
        boolean all = res.invariant().assertion() instanceof Invariant.Reachable x && x.all();
        boolean isolation = res.invariant().assertion() instanceof Invariant.Isolated;
        Flow w = res.witness();
        if (w != null) {
          assertThat(Questions.fits(w, q.spec()))
              .as("%s: witness %s fits", q.text(), Questions.brief(w))
              .isTrue();
          if (!Questions.assumed(set, w)) {
            boolean expected = isolation || proven;
            assertThat(eval.evaluate(w).allowed())
                .as("%s: witness %s", q.text(), Questions.brief(w))
                .isEqualTo(expected);
          }
        }
        if (isolation && proven || !isolation && !all && !proven) {
          for (int k = 0; k < SAMPLES; k++) {
            Flow sampled = s.flow(s.pick(q.from()), s.pick(q.to()), q.spec());
            for (Flow f : sampled == null ? List.<Flow>of() : Questions.placements(sampled, set)) {
              counts.incrementAndGet(3);
              counts.addAndGet(4, f.local() ? 1 : 0);
              counts.addAndGet(5, Questions.floatingWalked(f) ? 1 : 0); // spec S6.11
              Questions.countPods(f, eval, counts, 7); // spec S6.10
              Questions.countInterfaces(f, counts, 9); // spec S6.10
              assertThat(eval.evaluate(f).allowed())
                  .as("%s: sampled %s, proved to allow none", q.text(), Questions.brief(f))
                  .isFalse();
              relevance.check(q.text(), res, f, counts, 6);
            }
          }
        }
        if (all && proven) {
          for (int k = 0; k < SAMPLES; k++) {
            Flow sampled = s.flow(s.pick(q.from()), s.pick(q.to()), q.spec());
            if (sampled == null || Questions.assumed(set, sampled)) {
              continue;
            }
            for (Flow f :
                Questions.placements(sampled, set)) { // spec S6.12: every flow, either placed
              counts.incrementAndGet(3);
              counts.addAndGet(4, f.local() ? 1 : 0);
              counts.addAndGet(5, Questions.floatingWalked(f) ? 1 : 0); // spec S6.11
              Questions.countPods(f, eval, counts, 7); // spec S6.10
              Questions.countInterfaces(f, counts, 9); // spec S6.10
              assertThat(eval.evaluate(f).allowed())
                  .as("%s: sampled %s, proved all allowed", q.text(), Questions.brief(f))
                  .isTrue();
              relevance.check(q.text(), res, f, counts, 6);
            }
          }
        }
        if (!all && q.from().size() == 1 && q.to().size() == 1) {
          // the same question through verify
          VerifyResult v = r.reachable(q.from().get(0), q.to().get(0), q.spec());
          if (outOfTime(v)) {
            counts.incrementAndGet(CHECK_OUT_OF_TIME);
            continue;
          }
          assertThat(v.witness() != null)
              .as("%s: verify reachable says %s, check %s", q.text(), v.result(), res.status())
              .isEqualTo(isolation != proven);
        }
      }
    }
  }
}
