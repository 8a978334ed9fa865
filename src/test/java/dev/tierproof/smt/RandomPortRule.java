package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Random;

/**
 * A rule that {@link RandomDataplane}'s profiles and {@link RandomBpfUntracked}'s policies draw
 * alike: of TCP or UDP (one in three of any packet), half the time to one port of {@link
 * RandomModel#PORTS}. Drawn from the caller's source in that order (protocol, then port), after the
 * caller drew the action.
 */
final class RandomPortRule {

  private RandomPortRule() {}

  /** The rule at {@code index} with {@code action}. */
  static Rule draw(Random rnd, int index, Action action) {
    Integer protocol = rnd.nextInt(3) == 0 ? null : rnd.nextBoolean() ? 6 : 17;
    EntityMatch to = EntityMatch.ANY;
    if (protocol != null && rnd.nextBoolean()) {
      int port = RandomModel.PORTS.get(rnd.nextInt(RandomModel.PORTS.size()));
      to =
          new EntityMatch(
              List.of(),
              List.of(),
              null,
              null,
              List.of(new Port.Range(port, port)),
              List.of(),
              List.of(),
              null);
    }
    return new Rule(
        index, action, null, protocol, null, null, null, EntityMatch.ANY, to, false, Span.NONE);
  }
}
