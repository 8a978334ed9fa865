package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.WalkedNode;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.cli.Run;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map walks the forward chain of a node whose one host endpoint is of all interfaces (spec
 * S6.11): a pod on n1 reaches the world on everything but TCP 25, which n1's egress forward rules
 * deny; its parts list the forward steps; and the map of those flows is not inconclusive because of
 * the {@code applyOnForward} policy (S9.3).
 */
class ForwardChainMapTest {

  private static final String YAML = WalkedNode.YAML;

  private static PolicySet load() {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("fw.yaml", YAML)), d);
    assertThat(d.errors()).isEmpty();
    return set;
  }

  @Test
  void map_podOnWalkedNodeToWorld_everythingButForwardDeniedTcp25() {
    PolicySet set = load();
    MapResult map = Connectivity.run(set, Connectivity.Options.all());
    Edge out =
        map.edges().stream()
            .filter(e -> e.from().endpoints().stream().anyMatch(x -> x.name().equals("web")))
            .filter(e -> e.to().outside())
            .findFirst()
            .orElseThrow();
    Evaluator eval = new Evaluator(set);
    for (Part p : out.allowed()) {
      // every part lists n1-all's forward ingress, web's egress, n1-all's forward egress
      assertThat(p.verdict().steps()).extracting(Step::forward).containsExactly(true, false, true);
      assertThat(eval.evaluate(p.witness()).allowed()).isTrue();
    }
    Ip web = Ip.parse("10.70.1.10").orElseThrow();
    Ip world = Ip.parse("203.0.113.9").orElseThrow();
    for (int port : new int[] {24, 25, 26, 443}) {
      Flow f =
          Flow.between(
              6, web, 40000, world, port, null, null, null, out.from().endpoints().get(0), null);
      boolean mapped = out.allowed().stream().anyMatch(p -> holds(p, 6, port));
      assertThat(mapped).as("TCP %d on the map", port).isEqualTo(port != 25);
      assertThat(eval.evaluate(f).allowed()).as("TCP %d by eval", port).isEqualTo(port != 25);
    }
    assertThat(out.allowed().stream().anyMatch(p -> holds(p, 17, 25))).as("UDP 25").isTrue();
    // the world's packets to web leave by web's interface, whose host endpoint is n1-all: its
    // egress forward rules deny TCP 25 there too (spec S6.10)
    List<Part> in =
        map.edges().stream()
            .filter(e -> e.from().outside())
            .filter(e -> e.to().endpoints().stream().anyMatch(x -> x.name().equals("web")))
            .flatMap(e -> e.allowed().stream())
            .toList();
    assertThat(in.stream().anyMatch(p -> holds(p, 6, 25))).isFalse();
    assertThat(in.stream().anyMatch(p -> holds(p, 6, 443))).isTrue();
  }

  @Test
  void mapCommand_podOnWalkedNodeToWorld_exits0AndNamesForwardSteps(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("fw.yaml");
    Files.writeString(file, YAML);
    Run run = Run.of("-f", file.toString(), "--dataplane=iptables", "map", "fw/web", "world");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("fw/web -> world: any but TCP, TCP 0-24, 26-65535")
        .contains("forward egress at n1-all")
        .doesNotContain("inconclusive");
    Run json =
        Run.of(
            "-f", file.toString(), "--dataplane=iptables", "map", "fw/web", "world", "-o", "json");
    assertThat(json.code()).as(json.toString()).isZero();
    assertThat(json.out()).contains("\"forward\": true").doesNotContain("unmodelled");
    // spec S6.10, S6.11: web's flows with api (on n2, not walked) meet n1's chain and are walked
    // too, its flows with its host are local (no forward chain): the whole map is proved
    Run all = Run.of("-f", file.toString(), "--dataplane=iptables", "map");
    assertThat(all.code()).as(all.toString()).isZero();
    assertThat(all.out())
        .contains("fw/api -> fw/web: any but TCP, TCP 0-24, 26-65535")
        .contains("fw/web -> fw/api: any but TCP, TCP 0-24, 26-65535");
  }

  /** Whether part {@code p} holds packets of {@code protocol} to {@code port}. */
  private static boolean holds(Part p, int protocol, int port) {
    boolean proto =
        p.protocol() == protocol
            || p.protocol() == Part.ANY && !p.exceptProtocols().contains(protocol);
    return proto && (p.ports().isEmpty() || p.ports().stream().anyMatch(r -> r.contains(port)));
  }
}
