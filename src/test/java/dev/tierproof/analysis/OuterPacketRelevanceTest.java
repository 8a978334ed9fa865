package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cluster.RandomOuterPackets;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The outer packet of encapsulation (spec S6.10, S9.2, S9.3) against an oracle built from the
 * evaluator: for generated clusters of two walked nodes (IP pools of each mode, pre-DNAT rules of
 * protocol 4, UDP ports around 4789, nets around the nodes' addresses), every placement of a flow
 * between two pods whose ends are on two nodes, one of which receives an outer packet (IPIP, VXLAN)
 * from the other that eval shows its pre-DNAT path dropping, must be inconclusive there; a
 * placement of both ends on one node never is for the outer packet.
 */
class OuterPacketRelevanceTest {

  private static final List<String> ANY_V4 =
      List.of("10.90.0.1", "10.90.0.2", "10.90.0.7", "192.0.2.5", "203.0.113.9");
  private static final List<String> ANY_V6 = List.of("fd00:90::1", "fd00:90::2", "2001:db8::5");
  private static final List<Integer> SOURCE_PORTS = List.of(1, 53, 4789, 40000, 65535);

  /** Pods a, c on n1, b on n2, f naming no node. */
  private static final String PODS =
      OuterNodes.NAMESPACE
          + OuterNodes.pod("a", "n1", "10.90.1.10")
          + OuterNodes.pod("c", "n1", "10.90.1.20")
          + OuterNodes.pod("b", "n2", "10.90.2.10")
          + OuterNodes.pod("f", null, "10.90.9.9");

  /** Node {@code n}'s host endpoint, with its address when {@code known} (and an IPv6 one). */
  private static String hostEndpoint(int n, boolean known, boolean v6) {
    String ips = "[10.90.0." + n + (v6 ? ", \"fd00:90::" + n + "\"" : "") + "]";
    return OuterNodes.hostEndpoint(n, known ? ips : "");
  }

  /** A pre-DNAT policy named {@code name} at n1, n2 or both ({@link RandomOuterPackets#rules}). */
  private static String preDnat(Random r, String name) {
    String selector = List.of("host == 'n1'", "host == 'n2'", "has(host)").get(r.nextInt(3));
    return "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: "
        + name
        + "\nspec:\n  selector: "
        + selector
        + "\n  preDNAT: true\n  applyOnForward: true\n  order: "
        + r.nextInt(3) * 10
        + "\n  types: [Ingress]\n  ingress:\n"
        + RandomOuterPackets.rules(r, 1 + r.nextInt(3));
  }

  /** What the pools of a drawn cluster allow (the oracle's own reading of the pool drawn). */
  private record Modes(boolean ipip, boolean vxlan4, boolean vxlan6) {}

  @Test
  void verdict_outerPacketDroppedPerEval_placementInconclusive() {
    int dropped = 0;
    int same = 0;
    for (long seed = 1; seed <= 150; seed++) {
      Random r = new Random(seed);
      StringBuilder yaml = new StringBuilder(PODS);
      boolean[] addressed = {r.nextInt(3) > 0, r.nextInt(3) > 0};
      for (int n = 1; n <= 2; n++) {
        yaml.append(hostEndpoint(n, addressed[n - 1], r.nextBoolean()));
      }
      int pool = r.nextInt(RandomOuterPackets.POOLS);
      yaml.append("---\n").append(RandomOuterPackets.pool(pool));
      Modes modes =
          switch (pool) {
            case 0 -> new Modes(true, true, true); // no pool: any
            case 1, 2, 6 -> new Modes(true, false, false);
            case 3, 4 -> new Modes(false, true, false);
            case 7 -> new Modes(false, false, true);
            default -> new Modes(false, false, false);
          };
      yaml.append(preDnat(r, "one"));
      if (r.nextBoolean()) {
        yaml.append(preDnat(r, "two"));
      }
      Diagnostics d = new Diagnostics();
      Input in = Loader.input(List.of(new SourceText("c.yaml", yaml.toString())), d);
      assertThat(d.errors()).as(yaml.toString()).isEmpty();
      Evaluator eval = new Evaluator(in.set());
      List<Endpoint> pods = in.set().endpoints().stream().filter(e -> !e.isHost()).toList();
      for (Endpoint s : pods) {
        for (Endpoint t : pods) {
          Flow base =
              Flow.between(
                  Protocols.TCP, s.ips().get(0), 40000, t.ips().get(0), 80, null, null, null, s, t);
          for (Flow f : eval.placements(base)) {
            String x = f.sourcePlacement();
            String y = f.destinationPlacement();
            List<Unmodelled> acting = Relevance.verdict(in.unmodelled(), f, eval.evaluate(f));
            boolean outer = acting.stream().anyMatch(u -> u.reason().contains("outer packet"));
            if (x != null && x.equals(y)) {
              same++;
              assertThat(outer).as("%s: %s", seed, f.describe()).isFalse();
              continue;
            }
            if (drops(eval, in, modes, x, y) || drops(eval, in, modes, y, x)) {
              dropped++;
              assertThat(outer)
                  .as("seed %s: %s may lose its outer packet\n%s", seed, f.describe(), yaml)
                  .isTrue();
            }
          }
        }
      }
    }
    assertThat(dropped).as("placements whose outer packet eval drops").isGreaterThan(50);
    assertThat(same).as("placements on one node").isGreaterThan(50);
  }

  /**
   * Whether eval shows the pre-DNAT path of node {@code to}'s host endpoint dropping some outer
   * packet from node {@code from} (null: elsewhere, any address) of the encapsulations of {@code
   * modes}, from the source ports sampled.
   */
  private static boolean drops(Evaluator eval, Input in, Modes modes, String from, String to) {
    Endpoint host =
        in.set().endpoints().stream()
            .filter(e -> e.isHost() && to != null && to.equals(e.node()))
            .findFirst()
            .orElse(null);
    if (host == null) {
      return false;
    }
    Endpoint sender =
        in.set().endpoints().stream()
            .filter(e -> e.isHost() && from != null && from.equals(e.node()))
            .findFirst()
            .orElse(null);
    List<Flow> packets = new ArrayList<>();
    for (int family : List.of(4, 6)) {
      List<Ip> dst = addresses(host, family);
      List<Ip> src = addresses(sender, family);
      for (Ip a : src) {
        for (Ip b : dst) {
          if (family == 4 && modes.ipip()) {
            packets.add(Flow.between(4, a, null, b, null, null, null, null, null, host));
          }
          if (family == 4 ? modes.vxlan4() : modes.vxlan6()) {
            for (int port : SOURCE_PORTS) {
              packets.add(
                  Flow.between(Protocols.UDP, a, port, b, 4789, null, null, null, null, host));
            }
          }
        }
      }
    }
    for (Flow p : packets) {
      for (Step s : eval.evaluate(p).steps()) {
        if (s.endpoint() == host
            && s.direction() == Direction.INGRESS
            && !s.allowed()
            && s.decidedBy().path() == HostPath.PRE_DNAT) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code e}'s addresses of {@code family}, or (none said) a sample of any addresses. */
  private static List<Ip> addresses(Endpoint e, int family) {
    List<Ip> own =
        e == null ? List.of() : e.ips().stream().filter(i -> i.family() == family).toList();
    if (!own.isEmpty()) {
      return own;
    }
    return (family == 4 ? ANY_V4 : ANY_V6).stream().map(a -> Ip.parse(a).orElseThrow()).toList();
  }
}
