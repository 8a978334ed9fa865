package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Cells.Cell;
import dev.tierproof.analysis.map.Cells.Partition;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.StepPath;
import dev.tierproof.eval.Watcher;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Rule;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * One side of a host endpoint's forward chain as the flows of one pair of ends meet it (spec S6.7,
 * S6.11): its decision per cell of the packet space. The chain's rules see the packet's two ends as
 * any rule does (a source side the flow's source, a destination side its destination), so the cells
 * split at the rules whose sides hold both ends, at the ends' named ports, and on the ingress side
 * at the inbound failsafe ports, which skip the pre-DNAT path (S6.7.2). Each cell's decision is
 * {@link Evaluator#walk} on one packet of it. The local pre-DNAT path (S6.12) is built alike, split
 * at the ICMPv6 host-discovery types too (on eBPF they skip it).
 */
final class ForwardSteps {

  /** The cells and each cell's step. */
  record Built(Partition partition, Step[] steps) {}

  private ForwardSteps() {}

  /**
   * The side of {@code hop}'s forward chain (or its local pre-DNAT path) for flows from {@code src}
   * at {@code srcIp} to {@code dst} at {@code dstIp} (null: outside the cluster; {@code domain}:
   * the DNS name the destination is reached by); {@code holds} tells whether a rule side holds the
   * source end ({@code true}) or the destination end ({@code false}).
   */
  static Built of(
      Evaluator evaluator,
      dev.tierproof.eval.Hop hop,
      Endpoint src,
      Ip srcIp,
      List<NamedPort> srcPorts,
      Endpoint dst,
      Ip dstIp,
      List<NamedPort> dstPorts,
      String domain,
      BiPredicate<EntityMatch, Boolean> holds) {
    StepPath chain = dev.tierproof.eval.LocalSteps.chain(evaluator, hop);
    Endpoint h = hop.at();
    Direction dir = hop.direction();
    Cells cells = new Cells();
    for (StepPath.Entered e : chain.tiers()) {
      for (Policy p : e.applying()) {
        for (Rule r : p.rules(dir)) {
          if ((r.source().isEmpty() || holds.test(r.source(), true))
              && (r.destination().isEmpty() || holds.test(r.destination(), false))) {
            cells.add(r);
          }
        }
      }
    }
    cells.add(srcPorts, true);
    cells.add(dstPorts, false);
    if (dir == Direction.INGRESS) {
      cells.failsafe(
          evaluator.policySet().failsafe(),
          Direction.INGRESS); // spec S6.7.2: an inbound failsafe port skips pre-DNAT
    }
    if (chain.local()) {
      cells.hostDiscovery(); // spec S6.12: on eBPF they skip the local pre-DNAT path
    }
    Partition partition = cells.partition();
    List<Cell> all = partition.cells();
    Step[] steps = new Step[all.size()];
    for (int i = 0; i < all.size(); i++) {
      Decision d =
          evaluator.walk(chain, all.get(i).flow(srcIp, dstIp, domain, src, dst), Watcher.NONE);
      steps[i] = new Step(h, dir, d.allows(), d, List.of(), true, List.of(), chain.local());
    }
    return new Built(partition, steps);
  }
}
