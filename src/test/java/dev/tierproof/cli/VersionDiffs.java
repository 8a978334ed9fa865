package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.cluster.RandomCluster;
import dev.tierproof.cluster.Sampler;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Diagnostics;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code diff --calico-version OLD:3.32} (and {@code diff --dataplane OLD:NEW}: a cluster's move to
 * a dataplane that disagrees on its profiles' Pass, spec S4.6) through the command line on a {@link
 * RandomCluster} drawn for an older release (issue 14: its AdminNetworkPolicies and
 * BaselineAdminNetworkPolicy stop being enforced, its ClusterNetworkPolicies start), against fresh
 * evaluators of the text loaded under each release: the exit code agrees with the JSON (0: complete
 * and no class; 1: classes; 3: inconclusive and none), every class's witness changes as the class
 * says, and each sampled flow between the input's endpoints and outside addresses whose verdict
 * differs lies in a class of its change when the diff says it is complete (with none listed, no
 * flow may differ). Flows between a host endpoint and a workload that can be on its node are
 * sampled in both placements (spec S6.12); a witness's JSON says where it places a workload naming
 * no node ({@code placedOn}).
 */
final class VersionDiffs {

  private static final int SAMPLES = 150;

  /**
   * Bounds the cost of an upgrade that changes much; a search cut there is not checked complete.
   */
  private static final int MAX_CLASSES = 12;

  private static final ObjectMapper JSON = new ObjectMapper();

  private VersionDiffs() {}

  /**
   * Checks the cluster's upgrade diff, given the {@code dataplane} options; returns {sampled flows
   * that changed, 1 when the diff was complete}.
   */
  static int[] check(RandomCluster c, String yaml, long seed, List<String> dataplane)
      throws Exception {
    Diagnostics d = new Diagnostics();
    return check(
        c,
        yaml,
        seed,
        dataplane,
        List.of("--calico-version", c.version().label() + ":" + CalicoVersion.DEFAULT.label()),
        c.load(false, c.version(), d),
        c.load(false, CalicoVersion.DEFAULT, d));
  }

  /**
   * As {@link #check(RandomCluster, String, long, List)} for {@code diff --dataplane OLD:NEW} (spec
   * S4.6, S9.1), given the {@code version} options: the cluster moved from one dataplane to
   * another.
   */
  static int[] check(
      RandomCluster c, String yaml, long seed, List<String> version, Dataplane old, Dataplane now)
      throws Exception {
    Diagnostics d = new Diagnostics();
    return check(
        c,
        yaml,
        seed,
        version,
        List.of("--dataplane", old.label() + ":" + now.label()),
        c.load(false, c.version(), old, d),
        c.load(false, c.version(), now, d));
  }

  /**
   * The diff with {@code global} options and {@code move} (a diff option naming OLD:NEW), against
   * evaluators of the text loaded both ways: {@code old} and {@code now}.
   */
  private static int[] check(
      RandomCluster c,
      String yaml,
      long seed,
      List<String> global,
      List<String> move,
      PolicySet old,
      PolicySet now)
      throws Exception {
    String what = "seed " + seed;
    String pair = String.join(" ", move);
    List<String> args = new ArrayList<>(List.of("-f", "-"));
    args.addAll(global);
    args.add("diff");
    args.addAll(move);
    args.addAll(
        List.of("--scope", "existing", "--max-classes", String.valueOf(MAX_CLASSES), "-o", "json"));
    Run diff = Run.withStdin(yaml, args.toArray(String[]::new));
    String as = what + ": diff " + pair + "\n" + diff;
    if (c.enforcingUnmodelled() && diff.code() == 3) {
      return new int[] {0, 0};
    }
    assertThat(diff.code()).as(as).isIn(0, 1, 3);
    JsonNode out = JSON.readTree(diff.out());
    JsonNode classes = out.get("classes");
    assertThat(out.has("status")).as(as).isTrue();
    boolean complete = out.get("status").asText().equals("complete");
    assertThat(diff.code()).as(as).isEqualTo(!classes.isEmpty() ? 1 : complete ? 0 : 3);
    Evaluator before = new Evaluator(old);
    Evaluator after = new Evaluator(now);
    Sampler s = new Sampler(now, seed);
    for (JsonNode k : classes) {
      JsonNode w = k.get("witness");
      boolean opened = k.get("change").asText().equals("opened");
      // the witness says where it places a workload naming no node (placedOn, spec S6.12)
      assertThat(
              List.of(
                  before.evaluate(witness(w, old)).allowed(),
                  after.evaluate(witness(w, now)).allowed()))
          .as("%s: the witness of %s", as, k)
          .isEqualTo(opened ? List.of(false, true) : List.of(true, false));
    }
    int changed = 0;
    List<Flow> sampled = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      Flow f = s.flow();
      if (f == null
          || f.destinationDomain() != null
          || !input(f.source(), now)
          || !input(f.destination(), now)) {
        continue; // --scope existing: the input's endpoints and outside addresses
      }
      sampled.addAll(dev.tierproof.cluster.Questions.placements(f, old, now));
    }
    for (Flow f : sampled) {
      boolean b = before.evaluate(moved(f, now, old)).allowed();
      boolean n = after.evaluate(f).allowed();
      if (b == n) {
        continue;
      }
      changed++;
      if (complete) {
        String change = n ? "opened" : "closed";
        List<JsonNode> of = new ArrayList<>();
        classes.forEach(k -> of.add(k));
        assertThat(of.stream().anyMatch(k -> k.get("change").asText().equals(change) && in(k, f)))
            .as("%s: %s %s under %s, in no class", as, f.describe(), change, pair)
            .isTrue();
      }
    }
    return new int[] {changed, complete ? 1 : 0};
  }

  private static boolean input(Endpoint e, PolicySet set) {
    return e == null || set.endpoints().stream().anyMatch(x -> x == e);
  }

  /**
   * The flow with its endpoints replaced by the same input endpoints (by position) of {@code to}.
   */
  private static Flow moved(Flow f, PolicySet from, PolicySet to) {
    return f.moved(true, f.sourceIp(), same(f.source(), from, to), null)
        .moved(false, f.destinationIp(), same(f.destination(), from, to), f.destinationDomain());
  }

  private static Endpoint same(Endpoint e, PolicySet from, PolicySet to) {
    if (e == null) {
      return null;
    }
    for (int i = 0; i < from.endpoints().size(); i++) {
      if (from.endpoints().get(i) == e) {
        return to.endpoints().get(i);
      }
    }
    throw new AssertionError(e.ref() + " is not an input endpoint");
  }

  /**
   * A JSON flow with its endpoints those of {@code set} named so (one owning its address first).
   */
  private static Flow witness(JsonNode w, PolicySet set) {
    JsonNode src = w.get("source");
    JsonNode dst = w.get("destination");
    Ip sip = Ip.parse(src.get("ip").asText()).orElseThrow();
    Ip dip = Ip.parse(dst.get("ip").asText()).orElseThrow();
    return Flow.between(
            Protocols.parse(w.get("protocol").asText()).orElseThrow(),
            sip,
            src.has("port") ? src.get("port").asInt() : null,
            dip,
            dst.has("port") ? dst.get("port").asInt() : null,
            w.has("icmp") ? w.at("/icmp/type").asInt() : null,
            w.has("icmp") && w.get("icmp").has("code") ? w.at("/icmp/code").asInt() : null,
            dst.has("domain") ? dst.get("domain").asText() : null,
            endpoint(src, sip, set),
            endpoint(dst, dip, set))
        .placed(
            new Flow.Ends( // spec S6.10, S6.11: routed through a node, or placed; interfaces
                w.has("routedThrough") ? w.get("routedThrough").asText() : text(src, "placedOn"),
                w.has("routedThrough") ? w.get("routedThrough").asText() : text(dst, "placedOn"),
                text(src, "interface"),
                text(dst, "interface")));
  }

  private static String text(JsonNode end, String field) {
    return end.has(field) ? end.get(field).asText() : null;
  }

  private static Endpoint endpoint(JsonNode end, Ip ip, PolicySet set) {
    if (!end.has("endpoint")) {
      return null;
    }
    String ref = end.get("endpoint").asText();
    List<Endpoint> named = set.endpoints().stream().filter(e -> e.ref().equals(ref)).toList();
    assertThat(named).as("the witness's endpoint %s", ref).isNotEmpty();
    return named.stream().filter(e -> e.ips().contains(ip)).findFirst().orElse(named.get(0));
  }

  /** The flow lies in the class's ends and packets (a pods end: its namespaces only). */
  private static boolean in(JsonNode k, Flow f) {
    return end(k.get("source"), f.source(), f.sourceIp())
        && end(k.get("destination"), f.destination(), f.destinationIp())
        && packets(k.get("packets"), f);
  }

  private static boolean end(JsonNode e, Endpoint ep, Ip ip) {
    return switch (e.get("kind").asText()) {
      case "any" -> true;
      case "endpoints" ->
          ep != null
              && strings(e.get("endpoints")).contains(ep.ref())
              && at(e.has("addresses") ? e.get("addresses") : e.path("addressless"), ip);
      case "outside" -> ep == null && !e.has("domain") && within(e.get("ranges"), ip, true);
      default ->
          ep != null
              && !ep.isHost()
              && !e.has("onlyNotYetDeployed")
              && (e.has("namespaces")
                  ? strings(e.get("namespaces")).contains(ep.namespace())
                  : !strings(e.get("exceptNamespaces")).contains(ep.namespace()));
    };
  }

  /** Whether a range of the list holds {@code ip}; {@code empty} when there is no list. */
  /** At {@code ip}: in every range of {@code within} and none of {@code notIn} (spec S5.2). */
  private static boolean at(JsonNode pinned, Ip ip) {
    return strings(pinned.path("within")).stream()
            .allMatch(r -> Cidr.parse(r).orElseThrow().contains(ip))
        && strings(pinned.path("notIn")).stream()
            .noneMatch(r -> Cidr.parse(r).orElseThrow().contains(ip));
  }

  private static boolean within(JsonNode ranges, Ip ip, boolean empty) {
    if (ranges == null || ranges.isMissingNode() || ranges.isEmpty()) {
      return empty;
    }
    return strings(ranges).stream().anyMatch(r -> Cidr.parse(r).orElseThrow().contains(ip));
  }

  private static boolean packets(JsonNode p, Flow f) {
    return (!p.has("protocol")
            || Protocols.parse(p.get("protocol").asText()).orElseThrow() == f.protocol())
        && strings(p.get("protocolNot")).stream()
            .noneMatch(x -> Protocols.parse(x).orElseThrow() == f.protocol())
        && (range(p.get("ports"), f.destinationPort())
            || p.has("morePorts")
                && java.util.stream.StreamSupport.stream(p.get("morePorts").spliterator(), false)
                    .anyMatch(r -> range(r, f.destinationPort())))
        && range(p.get("sourcePorts"), f.sourcePort())
        && (!p.has("icmp")
            || p.at("/icmp/type").asInt() == (f.icmpType() == null ? -1 : f.icmpType())
                && (!p.get("icmp").has("code")
                    || p.at("/icmp/code").asInt() == (f.icmpCode() == null ? -1 : f.icmpCode())))
        && (!p.has("ipVersion") || p.get("ipVersion").asInt() == f.family());
  }

  private static boolean range(JsonNode r, Integer value) {
    return r == null
        || value != null && value >= r.get("min").asInt() && value <= r.get("max").asInt();
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    if (list != null && !list.isMissingNode()) {
      list.forEach(x -> out.add(x.asText()));
    }
    return out;
  }
}
