package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.cluster.RandomCluster;
import dev.tierproof.cluster.RandomClusterDataplane;
import dev.tierproof.cluster.Runs;
import dev.tierproof.cluster.Sampler;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commands against each other through the command line, on {@link RandomCluster} YAML read from
 * stdin (issue 10: explain allowed what verify proved isolated): for random concrete ends and a
 * port, an explain that allows means {@code verify reachable} holds; {@code verify reachable} and
 * {@code verify isolated} give opposite exits (0/1), also with {@code --pod-cidr}; {@code check} on
 * an invariant file with the same two questions proves exactly what verify proves; {@code lint}
 * exits 0 or 1. A cluster drawn for an older Calico ({@link RandomCluster#versionFor}: its
 * AdminNetworkPolicies enforced) runs every command with its {@code --calico-version}, and its
 * upgrade {@code diff --calico-version OLD:3.32} is checked by {@link VersionDiffs}, and so is a
 * cluster's move to a dataplane that disagrees on its profiles' Pass ({@code diff --dataplane
 * OLD:NEW}). Never exit 3 (an internal error or a solver unknown) unless the text holds a kind that
 * is enforced but not modelled. Between a host endpoint and a workload that can be on its node
 * ({@link OwnTraffic}, spec S6.12): explain places a workload naming no node elsewhere (both
 * steps), one on the host endpoint's node with the steps Felix polices (none from the host, the
 * workload's egress alone to it); verify quantifies over both placements, so the host reaches such
 * a workload always (a local flow meets no step) and the workload reaches its host whenever
 * explain's egress step allows. Cases: {@code -Dcommands.cases=N} (default 40, long 2,000), first
 * seed {@code -Dcommands.seed=S}.
 */
class CommandsDifferentialTest {

  private static final int CASES = Runs.cases("commands.cases", 40, 2_000);
  private static final long SEED = Long.getLong("commands.seed", 1);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How many of explain's answer and its placements' notes ({@code onWalkedNodes}) have forward
   * steps and a host endpoint's own step: a workload's flow with another node's host endpoint
   * crossing the workload's node's forward chain (spec S6.10, S6.11).
   */
  private static int hostElsewhere(PolicySet set, JsonNode explained) {
    java.util.Set<String> hosts = new java.util.HashSet<>();
    set.endpoints().stream().filter(e -> e.isHost()).forEach(e -> hosts.add(e.ref()));
    List<JsonNode> all = new ArrayList<>(List.of(explained));
    explained.path("onWalkedNodes").forEach(all::add);
    int n = 0;
    for (JsonNode x : all) {
      boolean forward = false;
      boolean host = false;
      for (JsonNode step : x.path("steps")) {
        forward |= step.path("forward").asBoolean(false);
        host |=
            !step.path("forward").asBoolean(false)
                && hosts.contains(step.path("endpoint").asText());
      }
      n += forward && host ? 1 : 0;
    }
    return n;
  }

  @Test
  void commands_randomClusters_agreeWithEachOther() throws Exception {
    Path dir = Files.createTempDirectory("commands");
    Runs.run(
        "cluster commands",
        "commands.seed",
        SEED,
        CASES,
        RandomClusterDataplane.with(
            List.of(
                "clusters",
                "commands",
                "explain allowed",
                "older Calico (upgrade diffed)",
                "upgrade diffs complete",
                "sampled flows the upgrade changed",
                "ends a host endpoint and a workload that can be on its node",
                "of them always local",
                "dataplane moves diffed (diff --dataplane OLD:NEW)",
                "of them complete",
                "sampled flows the move changed",
                "explained flows between a workload and another node's host endpoint crossing a"
                    + " forward chain")),
        commands(dir));
  }

  /**
   * Seed 2900003 (iptables): verify placed its witness where no unmodelled element reaches it (a
   * pod naming no node on the host's own node), check placed it on another node where a {@code
   * doNotTrack} policy's forwarded-traffic element does, so check was inconclusive where verify
   * answered: check places its witnesses as verify does (spec S9.3).
   */
  @Test
  void commands_seed2900003_checkPlacesItsWitnessAsVerifyDoes() throws Exception {
    try (dev.tierproof.smt.SolverSession session =
        new dev.tierproof.smt.SolverSession(java.time.Duration.ofSeconds(30))) {
      commands(Files.createTempDirectory("commands"))
          .run(2900003, session, new java.util.concurrent.atomic.AtomicLongArray(40));
    }
  }

  /** One cluster's commands, agreeing with each other and with eval (files in {@code dir}). */
  private static dev.tierproof.cluster.Runs.Case commands(Path dir) {
    return (seed, session, counts) -> {
      RandomCluster c = new RandomCluster(seed);
      PolicySet set = c.load(false);
      String yaml = c.yaml(false);
      Sampler s = new Sampler(set, seed);
      if (set.endpoints().isEmpty()) {
        return;
      }
      c.dataplane().count(counts);
      List<String> dataplane = c.dataplane().args(dir, seed); // as a user gives it
      List<String> version = dataplane;
      if (c.version() != CalicoVersion.DEFAULT) {
        version = new ArrayList<>(dataplane);
        version.addAll(List.of("--calico-version", c.version().label()));
        counts.incrementAndGet(3);
        int[] upgrade = VersionDiffs.check(c, yaml, seed, dataplane);
        counts.addAndGet(4, upgrade[1]);
        counts.addAndGet(5, upgrade[0]);
      }
      if (c.dataplane().passes() && c.dataplane().other() != null) { // spec S4.6
        List<String> release =
            c.version() == CalicoVersion.DEFAULT
                ? List.of()
                : List.of("--calico-version", c.version().label());
        int[] move =
            VersionDiffs.check(
                c, yaml, seed, release, c.dataplane().dataplane(), c.dataplane().other());
        counts.incrementAndGet(8);
        counts.addAndGet(9, move[1]);
        counts.addAndGet(10, move[0]);
      }
      String from = s.pick(set.endpoints()).ref();
      String to = concrete(s, set);
      if (from.equals(to)) {
        to = "world";
      }
      if (s.nextInt(2) == 0) { // the endpoint as destination
        String t = from;
        from = to;
        to = t;
      }
      // one case in three: a host endpoint and a workload that can be on its node (spec S6.12),
      // from a random source of its own (the other draws stay what they were)
      java.util.Random aim = new java.util.Random(seed * 0x9E3779B97F4A7C15L + 3);
      String[] own = aim.nextInt(3) == 0 ? OwnTraffic.pair(set, aim) : null;
      if (own != null) {
        from = own[0];
        to = own[1];
      }
      int port = s.pick(RandomCluster.PORTS);
      String protocol = port == 53 ? "UDP" : "TCP";
      List<String> flow = List.of("--protocol", protocol, "--port", String.valueOf(port));
      String what = "seed " + seed + ": " + from + " -> " + to + " " + protocol + " " + port;
      counts.incrementAndGet(0);

      Run explain = run(yaml, counts, args(version, "explain", from, to, flow, "-o", "json"));
      if (explain.code() == 2 && explain.err().contains("no address family in common")) {
        return; // two ends of different families: no flow to explain
      }
      assertThat(explain.code())
          .as(what + "\n" + explain)
          .isIn(c.enforcingUnmodelled() ? List.of(0, 3) : List.of(0));
      JsonNode explained = JSON.readTree(explain.out());
      counts.addAndGet(11, hostElsewhere(set, explained)); // spec S6.10, S6.11
      boolean allows = explained.get("verdict").asText().equals("allow");
      // spec S6.12: explain places a workload naming no node on another node than the host's
      OwnTraffic.Placement placed = OwnTraffic.placement(set, from, to);
      List<String> steps = new ArrayList<>();
      explained
          .get("steps")
          .forEach(
              x -> {
                if (!x.at("/decidedBy/kind").asText().equals("own-node")) {
                  steps.add(x.get("direction").asText()); // own-node: Felix polices nothing there
                }
              });
      if (placed != OwnTraffic.Placement.APART) {
        counts.incrementAndGet(6);
        counts.addAndGet(7, placed == OwnTraffic.Placement.LOCAL ? 1 : 0);
        assertThat(steps)
            .as(what + ": the steps Felix polices\n" + explain)
            .isEqualTo(OwnTraffic.steps(set, from, placed == OwnTraffic.Placement.LOCAL));
      }
      // a local flow from the host meets no step; one to it the workload's egress alone, which
      // explain shows first in either placement
      boolean fromHost =
          placed != OwnTraffic.Placement.APART && OwnTraffic.steps(set, from, true).isEmpty();
      boolean egressAllows =
          placed != OwnTraffic.Placement.APART
              && explained.at("/steps/0/direction").asText().equals("egress")
              && explained.at("/steps/0/verdict").asText().equals("allow");
      List<String> pods =
          s.nextInt(4) == 0
              ? List.of("--pod-cidr", "10.1.0.0/16", "--pod-cidr", "fd00:1::/64")
              : List.of();
      Run reachable = run(yaml, counts, args(version, "verify", "reachable", from, to, flow, pods));
      Run isolated = run(yaml, counts, args(version, "verify", "isolated", from, to, flow, pods));
      if (c.enforcingUnmodelled() && (reachable.code() == 3 || isolated.code() == 3)) {
        return;
      }
      assertThat(reachable.code()).as(what + "\n" + reachable).isIn(0, 1);
      assertThat(isolated.code()).as(what + "\n" + isolated).isEqualTo(1 - reachable.code());
      if (explain.code() == 0 && (fromHost || egressAllows && pods.isEmpty())) {
        assertThat(reachable.code())
            .as(what + ": a local flow is allowed\n" + explain.out() + reachable)
            .isZero();
      }
      if (!pods.isEmpty()) {
        return; // explain's placeholder addresses and check lie outside the pod ranges
      }
      if (allows) {
        counts.incrementAndGet(2);
        assertThat(reachable.code())
            .as(what + ": explain allows\n" + explain.out() + reachable)
            .isZero();
      }

      Path spec = dir.resolve("inv-" + seed + ".yaml");
      Files.writeString(
          spec,
          "apiVersion: tierproof.dev/v1alpha1\nkind: InvariantSet\nmetadata:\n  name: generated\ninvariants:\n"
              + "  - id: apart\n    isolated: {from: "
              + quote(from)
              + ", to: "
              + quote(to)
              + ", protocol: "
              + protocol
              + ", port: "
              + port
              + "}\n"
              + "  - id: through\n    reachable: {from: "
              + quote(from)
              + ", to: "
              + quote(to)
              + ", protocol: "
              + protocol
              + ", port: "
              + port
              + "}\n");
      Run check = run(yaml, counts, args(version, "check", spec.toString(), "-o", "json"));
      assertThat(check.code()).as(what + "\n" + check).isEqualTo(1);
      List<String> statuses = new ArrayList<>();
      JSON.readTree(check.out())
          .get("results")
          .forEach(r -> statuses.add(r.get("id").asText() + " " + r.get("status").asText()));
      assertThat(statuses)
          .as(what + "\n" + check)
          .containsExactly(
              "apart " + (isolated.code() == 0 ? "proven" : "violated"),
              "through " + (reachable.code() == 0 ? "proven" : "violated"));

      Run lint =
          run(
              yaml,
              counts,
              args(version, "lint", "--scope", seed % 2 == 0 ? "existing" : "any", "-o", "json"));
      if (!(c.enforcingUnmodelled() && lint.code() == 3)) {
        assertThat(lint.code()).as(what + "\n" + lint).isIn(0, 1);
        JsonNode findings = JSON.readTree(lint.out());
        assertThat(findings).as(what).isNotNull();
      }
    };
  }

  /**
   * A reference to one concrete end: a named endpoint (with or without an address), an address,
   * world.
   */
  private static String concrete(Sampler s, PolicySet set) {
    int k = s.nextInt(6);
    if (k < 4 && !set.endpoints().isEmpty()) {
      return s.pick(set.endpoints()).ref();
    }
    return k == 4 ? s.pick(RandomCluster.OUTSIDE.subList(0, 5)) : "world";
  }

  /** {@code -f - } and the parts, lists flattened. */
  private static List<String> args(Object... parts) {
    List<String> out = new ArrayList<>(List.of("-f", "-"));
    for (Object p : parts) {
      if (p instanceof List<?> l) {
        l.forEach(x -> out.add((String) x));
      } else {
        out.add((String) p);
      }
    }
    return out;
  }

  private static Run run(
      String yaml, java.util.concurrent.atomic.AtomicLongArray counts, List<String> args) {
    counts.incrementAndGet(1);
    return Run.withStdin(yaml, args.toArray(String[]::new));
  }

  private static String quote(String ref) {
    return "\"" + ref + "\"";
  }
}
