package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.StepPath;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * The tables of forward chain sides ({@link ForwardSteps}, spec S6.11), shared by the pairs of ends
 * that every rule side those tables can read sees alike: the rules of the side's forward chain and
 * of the chain the reply of an untracked Allow walks there (S6.5), each side looked at on both
 * ends. Thread-safe.
 *
 * @param <T> the table
 */
final class ForwardTables<T> {

  private final Evaluator evaluator;
  private final Map<List<Object>, List<EntityMatch>> sides =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<List<Object>, T> tables = new java.util.concurrent.ConcurrentHashMap<>();

  private final NamedPorts namedPorts;

  ForwardTables(Evaluator evaluator, NamedPorts namedPorts) {
    this.evaluator = evaluator;
    this.namedPorts = namedPorts;
  }

  /**
   * The table of hop {@code hop}'s forward chain side (or local pre-DNAT path, spec S6.12) for the
   * pair of {@code ends} (source group, destination group), the endpoints {@code who} (null:
   * outside) at {@code ips} of {@code family}, made by {@code build} for the first pair alike to
   * this one: the same ends' names, kinds and named ports, the same failsafe nets of the hop's node
   * holding them, and per rule side the tables read, on each end, whether it {@code holds} the end
   * (else it matches no packet), and the named ports it sees there when it names some; a side
   * naming a service (whose ports are the address's own) tells every end apart.
   */
  T of(
      dev.tierproof.eval.Hop hop,
      List<Member> ends,
      List<Endpoint> who,
      List<Ip> ips,
      int family,
      BiPredicate<EntityMatch, Boolean> holds,
      Supplier<T> build) {
    Endpoint h = hop.at();
    Direction dir = hop.direction();
    List<Object> key = new ArrayList<>(List.of(new Same(h), dir, hop.local(), family));
    for (int i = 0; i < 2; i++) {
      Endpoint e = who.get(i);
      Member m = ends.get(i);
      key.add(java.util.Arrays.asList(m.domain(), e == null ? null : e.isHost()));
      key.add(Set.copyOf(namedPorts.at(e, ips.get(i))));
      key.add(e == m.endpoint() ? Boolean.TRUE : new Same(e)); // another member of its group
    }
    // spec S6.2, S6.7: a failsafe port with a net takes (or skips a path for) a packet by its peer
    for (dev.tierproof.model.Cidr net : evaluator.policySet().failsafe().at(h.node()).nets()) {
      key.add(net.contains(ips.get(0)));
      key.add(net.contains(ips.get(1)));
    }
    for (EntityMatch side : sides(h, dir)) {
      for (int i = 0; i < 2; i++) {
        Member m = ends.get(i);
        key.add(
            !holds.test(side, i == 0)
                ? Boolean.FALSE
                : side.service() != null
                    ? List.of(m.index(), ips.get(i))
                    : NamedPorts.names(side)
                        ? namedPorts.seen(List.of(side), m, ips.get(i), true)
                        : Boolean.TRUE);
      }
    }
    return tables.computeIfAbsent(key, k -> build.get());
  }

  /**
   * The non-empty rule sides (by identity, once each) the tables of {@code h} in {@code dir} read.
   */
  private List<EntityMatch> sides(Endpoint h, Direction dir) {
    return sides.computeIfAbsent(
        List.of(new Same(h), dir),
        k -> {
          Map<EntityMatch, Boolean> out = new java.util.IdentityHashMap<>();
          List<Rule> rules = new ArrayList<>();
          for (StepPath c :
              List.of(evaluator.forwardChain(h, dir), evaluator.chain(h, dir.opposite()))) {
            for (Direction d : Direction.values()) {
              c.tiers().forEach(e -> e.applying().forEach(p -> rules.addAll(p.rules(d))));
              c.profiles().forEach(p -> rules.addAll(p.rules(d)));
            }
          }
          List<EntityMatch> ordered = new ArrayList<>();
          for (Rule r : rules) {
            for (EntityMatch side : List.of(r.source(), r.destination())) {
              if (!side.isEmpty() && out.put(side, true) == null) {
                ordered.add(side);
              }
            }
          }
          return List.copyOf(ordered);
        });
  }
}
