package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.FailsafePorts;
import dev.tierproof.model.Protocols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Failsafe port lists of {@code FelixConfiguration}s (spec S6.2, S9.1), drawn on purpose: for
 * {@code default} Felix's lists most of the time, else per direction none, Felix's list less some
 * ports, or a few ports the random rules also use (TCP, UDP and SCTP 22, 53, 80, 8080: SCTP ones
 * act otherwise on eBPF, spec S6.2, on every dataplane drawn); a port may have a {@code net} of
 * either family, drawn from nets that hold and miss the generated addresses; and for some nodes a
 * {@code node.<name>} configuration setting one list or both (the other inherited). From a random
 * source of its own, so a model or cluster keeps what it was without it.
 */
public final class RandomFailsafe {

  private static final List<Integer> PORTS = List.of(22, 53, 80, 8080);

  /** Nets around {@link RandomModel}'s addresses: some hold owned ones, some only outside ones. */
  public static final List<String> MODEL_NETS =
      List.of(
          "10.0.0.0/30",
          "10.0.0.1/32",
          "10.0.0.4/31",
          "0.0.0.0/0",
          "192.168.1.0/24",
          "fd00::/126",
          "fd00::2/128",
          "2001:db8::/32",
          "::/0");

  /** Nets around the random clusters' addresses (10.1.0.x, fd00:1::x). */
  public static final List<String> CLUSTER_NETS =
      List.of(
          "10.1.0.0/30",
          "10.1.0.4/32",
          "10.1.0.200/32",
          "10.0.0.0/8",
          "192.0.2.0/24",
          "fd00:1::/126",
          "fd00:1::a/128",
          "::/0");

  private RandomFailsafe() {}

  /**
   * The failsafe ports drawn from {@code rnd}: the default lists ({@link FailsafePorts#DEFAULT} two
   * times in three), and half the time own lists for some of {@code nodes}, nets from {@code nets}.
   */
  public static FailsafePorts draw(Random rnd, List<String> nets, List<String> nodes) {
    FailsafePorts base =
        rnd.nextInt(3) > 0
            ? FailsafePorts.DEFAULT
            : new FailsafePorts(
                list(rnd, Direction.INGRESS, nets), list(rnd, Direction.EGRESS, nets));
    Map<String, FailsafePorts> own = new LinkedHashMap<>();
    if (rnd.nextBoolean()) {
      for (String n : nodes) {
        if (rnd.nextBoolean()) {
          int which = rnd.nextInt(3); // 0: inbound, 1: outbound, 2: both
          own.put(
              n,
              new FailsafePorts(
                  which != 1 ? list(rnd, Direction.INGRESS, nets) : base.inbound(),
                  which != 0 ? list(rnd, Direction.EGRESS, nets) : base.outbound()));
        }
      }
    }
    return new FailsafePorts(base.inbound(), base.outbound(), own);
  }

  /**
   * The YAML documents of the {@code FelixConfiguration}s {@code node.<name>} for the per-node
   * lists of {@code p}: a list equal to the default's is left out (inherited) or written, by
   * chance.
   */
  public static List<String> nodeDocs(FailsafePorts p) {
    List<String> out = new ArrayList<>();
    p.nodes()
        .forEach(
            (n, q) ->
                out.add(
                    "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n"
                        + "  name: node."
                        + n
                        + "\nspec:\n"
                        + lines(q, p, rnd(n))));
    return out;
  }

  /**
   * The lines {@code failsafeInboundHostPorts} and {@code failsafeOutboundHostPorts} of the default
   * FelixConfiguration's spec (indented two spaces) for {@code p}; none for Felix's defaults.
   */
  public static String yaml(FailsafePorts p) {
    if (p.inbound().equals(FailsafePorts.DEFAULT.inbound())
        && p.outbound().equals(FailsafePorts.DEFAULT.outbound())) {
      return "";
    }
    return lines(p, FailsafePorts.DEFAULT, null);
  }

  private static Random rnd(String node) {
    return new Random(node.hashCode());
  }

  /**
   * Both lists; with {@code omit}, a list equal to {@code inherited}'s may be left out (a node's
   * configuration inherits it).
   */
  private static String lines(FailsafePorts p, FailsafePorts inherited, Random omit) {
    StringBuilder b = new StringBuilder();
    if (omit == null || !p.inbound().equals(inherited.inbound()) || omit.nextBoolean()) {
      b.append("  failsafeInboundHostPorts: ").append(yaml(p.inbound())).append('\n');
    }
    if (omit == null || !p.outbound().equals(inherited.outbound()) || omit.nextBoolean()) {
      b.append("  failsafeOutboundHostPorts: ").append(yaml(p.outbound())).append('\n');
    }
    return b.toString();
  }

  private static List<Failsafe> list(Random rnd, Direction d, List<String> nets) {
    List<Failsafe> felix = FailsafePorts.DEFAULT.of(d);
    List<Failsafe> out = new ArrayList<>();
    switch (rnd.nextInt(4)) {
      case 0 -> {} // none
      case 1 -> felix.stream().filter(f -> rnd.nextBoolean()).forEach(out::add);
      case 2 -> out.addAll(felix);
      default -> {
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
          // nextInt(8) >= 4 exactly when nextBoolean() would be true: TCP draws stay as they were,
          // and one UDP draw in four is SCTP, which eBPF's failsafe map leaves out (spec S6.2)
          int draw = rnd.nextInt(8);
          int proto = draw >= 4 ? Protocols.TCP : draw > 0 ? Protocols.UDP : Protocols.SCTP;
          Cidr net =
              rnd.nextInt(3) == 0
                  ? null
                  : Cidr.parse(nets.get(rnd.nextInt(nets.size()))).orElseThrow();
          Failsafe f = new Failsafe(proto, PORTS.get(rnd.nextInt(PORTS.size())), net);
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
      items.add(
          "{protocol: "
              + Protocols.name(f.protocol())
              + ", port: "
              + f.port()
              + (f.net() == null ? "" : ", net: '" + f.net() + "'")
              + "}");
    }
    return "[" + String.join(", ", items) + "]";
  }
}
