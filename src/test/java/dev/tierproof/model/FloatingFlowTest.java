package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.source.Span;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The placement of a workload naming no node (spec S6.11, S6.12): {@link Flow#placement} is
 * normalised to what can matter, {@link Flow#placements} lists the walked nodes, {@link
 * PolicySet#walked} holds the nodes whose chain holds policy, eval walks the chain of the node a
 * flow places its workload on, and {@link Reach.Endpoints#walkedAt} narrows forwarded elements.
 */
class FloatingFlowTest {

  private static final Endpoint FLOATING = pod("web", null);
  private static final Endpoint ON_N1 = pod("api", "n1");
  private static final Endpoint N1 = host("n1-all", "n1", true);
  private static final Endpoint N2 = host("n2-all", "n2", true);
  private static final Endpoint N3 = host("n3-eth0", "n3", false);

  @Test
  void placement_withOutside_keepsNodeOfFloatingOrOwn() {
    assertThat(out(FLOATING).placed("n1").placement()).isEqualTo("n1");
    assertThat(out(FLOATING).placement()).isNull();
    assertThat(out(ON_N1).placed("n2").placement()).isEqualTo("n1");
    assertThat(out(FLOATING).placed("n1").local()).isFalse();
    assertThat(out(FLOATING).placed("n1").placedOn(FLOATING)).isEqualTo("n1");
    assertThat(out(ON_N1).placedOn(ON_N1)).isNull();
    assertThat(out(FLOATING).placed("n1").describe()).contains("default/web on node n1 -> outside");
  }

  @Test
  void placement_withHost_itsNodeLocalAnotherForwarded() {
    Flow toHost = flow(FLOATING, N1);
    // spec S6.11: on another node the flow is forwarded there (its chain may be walked)
    assertThat(toHost.placed("n2").placement()).isEqualTo("n2");
    assertThat(toHost.placed("n2").local()).isFalse();
    assertThat(toHost.placed("n1").local()).isTrue();
    assertThat(toHost.onHostNode().placement()).isEqualTo("n1");
    assertThat(toHost.placed((String) null).placement()).isNull();
  }

  @Test
  void placements_floatingWithOutside_elsewhereThenEachWalkedNode() {
    assertThat(out(FLOATING).placements(walked("n1", "n2")))
        .extracting(Flow::placement)
        .containsExactly(null, "n1", "n2");
    // spec S6.11, S6.12: with a host endpoint, its node (local) and each other walked node
    assertThat(flow(FLOATING, N1).placements(walked("n1", "n2")))
        .extracting(Flow::placement)
        .containsExactly(null, "n1", "n2");
    assertThat(out(ON_N1).placements(walked("n1", "n2")))
        .extracting(Flow::placement)
        .containsExactly("n1");
  }

  @Test
  void walked_onlyAllInterfacesNodesWithForwardPolicy_evalWalksThePlacedNode() {
    // n1 and n3: one all-interfaces host endpoint each, with forward policy; n2: a named one
    dev.tierproof.source.Diagnostics d = new dev.tierproof.source.Diagnostics();
    PolicySet set =
        dev.tierproof.load.Loader.load(
            dev.tierproof.load.Loader.read(
                List.of("specs/cases/own/host-endpoint-forward-walked/resources.yaml"),
                java.io.InputStream.nullInputStream(),
                d),
            d,
            CalicoVersion.DEFAULT);
    assertThat(set.walked()).containsExactly("n1", "n3");
    Endpoint floating =
        set.endpoints().stream().filter(e -> e.name().equals("floating")).findFirst().orElseThrow();
    Evaluator eval = new Evaluator(set);
    Flow out = out(floating);
    assertThat(eval.placements(out)).extracting(Flow::placement).containsExactly(null, "n1", "n3");
    assertThat(eval.evaluate(out).steps()).noneMatch(dev.tierproof.eval.Step::forward);
    assertThat(eval.forwarders(out.placed("n3")))
        .extracting(Endpoint::name)
        .containsExactly("n3-all");
    assertThat(eval.evaluate(out.placed("n3")).steps())
        .anyMatch(x -> x.forward() && x.endpoint().name().equals("n3-all") && !x.allowed());
    assertThat(eval.forwarders(out.placed("n2"))).isEmpty();
    assertThat(Placement.of(out.placed("n2"), set.walked()).node()).isNull();
    assertThat(Placement.of(out.placed("n3"), set.walked()).node()).isEqualTo("n3");
  }

  @Test
  void walkedAt_floatingWorkload_onlyWhenEveryNodeOfTheElementIsWalked() {
    Reach.Endpoints walkedOnly =
        new Reach.Endpoints(
                EnumSet.allOf(Direction.class), EnumSet.of(Endpoint.Kind.WORKLOAD), null, null)
            .on(Set.of("n1", "n2"))
            .walking(Set.of("n1", "n2"));
    assertThat(walkedOnly.covers(FLOATING, Direction.EGRESS, Reach.Other.OUTSIDE)).isFalse();
    assertThat(walkedOnly.covers(FLOATING, Direction.EGRESS, Reach.Other.ANY)).isTrue();
    Reach.Endpoints alsoNamed = walkedOnly.on(Set.of("n1", "n3"));
    assertThat(alsoNamed.covers(FLOATING, Direction.EGRESS, Reach.Other.OUTSIDE)).isTrue();
    assertThat(alsoNamed.covers(ON_N1, Direction.EGRESS, Reach.Other.OUTSIDE)).isFalse();
    assertThat(walkedOnly.on(null).covers(FLOATING, Direction.EGRESS, Reach.Other.OUTSIDE))
        .isTrue();
  }

  private static Flow out(Endpoint w) {
    return flow(w, null);
  }

  private static Flow flow(Endpoint src, Endpoint dst) {
    return Flow.between(
        Protocols.TCP,
        ip("10.0.0.1"),
        40000,
        ip(dst == null ? "203.0.113.5" : "10.0.0.2"),
        443,
        null,
        null,
        null,
        src,
        dst);
  }

  private static Ip ip(String s) {
    return Ip.parse(s).orElseThrow();
  }

  private static Endpoint pod(String name, String node) {
    return Endpoint.workload(
        "default",
        name,
        "Pod",
        Map.of("app", name),
        List.of(),
        List.of(),
        List.of(),
        node,
        Span.NONE);
  }

  private static Endpoint host(String name, String node, boolean all) {
    return ForwardPathTest.host(name, node, all).withLabels(Map.of("host", node));
  }

  /** Walked nodes whose host endpoints name no interface (no interface choice). */
  static Map<String, Ports> walked(String... nodes) {
    Map<String, Ports> out = new java.util.TreeMap<>();
    for (String n : nodes) {
      out.put(n, new Ports(n, Map.of(), null));
    }
    return out;
  }
}
