package dev.tierproof.smt;

import dev.tierproof.model.Direction;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.FailsafePorts;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Failsafe port lists of a {@code FelixConfiguration} {@code default} (spec S6.2, S9.1), drawn on
 * purpose: Felix's defaults most of the time, else per direction none, Felix's list less some
 * ports, or a few ports the random rules also use (TCP and UDP 22, 53, 80, 8080). From a random
 * source of its own, so a model or cluster keeps what it was without it.
 */
public final class RandomFailsafe {

  private static final List<Integer> PORTS = List.of(22, 53, 80, 8080);

  private RandomFailsafe() {}

  /**
   * The failsafe ports drawn from {@code rnd}: {@link FailsafePorts#DEFAULT} two times in three.
   */
  public static FailsafePorts draw(Random rnd) {
    if (rnd.nextInt(3) > 0) {
      return FailsafePorts.DEFAULT;
    }
    return new FailsafePorts(list(rnd, Direction.INGRESS), list(rnd, Direction.EGRESS));
  }

  /**
   * The lines {@code failsafeInboundHostPorts} and {@code failsafeOutboundHostPorts} of a
   * FelixConfiguration's spec (indented two spaces) for the lists drawn from {@code rnd} ({@link
   * #draw}); none for Felix's defaults.
   */
  public static String yaml(Random rnd) {
    FailsafePorts p = draw(rnd);
    if (p.equals(FailsafePorts.DEFAULT)) {
      return "";
    }
    return "  failsafeInboundHostPorts: "
        + yaml(p.inbound())
        + "\n  failsafeOutboundHostPorts: "
        + yaml(p.outbound())
        + "\n";
  }

  private static List<Failsafe> list(Random rnd, Direction d) {
    List<Failsafe> felix = FailsafePorts.DEFAULT.of(d);
    List<Failsafe> out = new ArrayList<>();
    switch (rnd.nextInt(4)) {
      case 0 -> {} // none
      case 1 -> felix.stream().filter(f -> rnd.nextBoolean()).forEach(out::add);
      case 2 -> out.addAll(felix);
      default -> {
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
          int proto = rnd.nextBoolean() ? Protocols.TCP : Protocols.UDP;
          Failsafe f = new Failsafe(proto, PORTS.get(rnd.nextInt(PORTS.size())));
          if (!out.contains(f)) {
            out.add(f);
          }
        }
      }
    }
    return out;
  }

  private static String yaml(List<Failsafe> ports) {
    List<String> items = new ArrayList<>();
    for (Failsafe f : ports) {
      items.add("{protocol: " + Protocols.name(f.protocol()) + ", port: " + f.port() + "}");
    }
    return "[" + String.join(", ", items) + "]";
  }
}
