package dev.tierproof.smt;

import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Placeholders;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Protocols;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import dev.tierproof.smt.Alternative.External;
import dev.tierproof.smt.Alternative.Hypothetical;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoder of a query's models: whether a model is a flow at all (a free end at an owned address
 * is not, {@link #refutations}), what makes a witness read naturally ({@link #preferences}), and
 * the flow with its endpoints, verdict and deciding points ({@link #decode}).
 */
record Witness(
    Network net,
    FlowVars v,
    EndEncoding src,
    EndEncoding dst,
    java.util.function.Function<Direction, BoolExpr> stepped,
    Forwarding forwarding,
    Witness base) {

  /** Every host's flows to itself as loopback flows, whatever governs its {@code lo}. */
  private static final dev.tierproof.model.Loopbacks HOSTS_APART =
      new dev.tierproof.model.Loopbacks(java.util.Set.of());

  /** A witness of one encoding. */
  Witness(
      Network net,
      FlowVars v,
      EndEncoding src,
      EndEncoding dst,
      java.util.function.Function<Direction, BoolExpr> stepped,
      Forwarding forwarding) {
    this(net, v, src, dst, stepped, forwarding, null);
  }

  /**
   * This witness, its answers also decoded by {@code before} (a diff's base encoding over the same
   * packet variables): the base's endpoints, nodes and interfaces for the same model.
   */
  Witness pairedWith(Witness before) {
    return new Witness(net, v, src, dst, stepped, forwarding, before);
  }

  private Context ctx() {
    return v.ctx;
  }

  /**
   * For each end at a free address that an endpoint owns: the run of owned addresses to exclude.
   */
  List<BoolExpr> refutations(Model m) {
    List<BoolExpr> out = new ArrayList<>();
    boolean v6 = m.eval(v.v6, true).isTrue();
    for (EndEncoding end : List.of(src, dst)) {
      if (end.chosen(m) instanceof Concrete) {
        continue;
      }
      Ip ip = new Ip(v6 ? 6 : 4, ((BitVecNum) m.eval(end.address(), true)).getBigInteger());
      if (net.owned(ip)) {
        BigInteger[] run = net.run(ip);
        BoolExpr fam = v6 ? v.v6 : ctx().mkNot(v.v6);
        out.add(
            ctx().mkNot(ctx().mkAnd(end.free(), fam, v.inRange(end.address(), run[0], run[1]))));
      }
    }
    return out;
  }

  /**
   * What makes a witness read naturally, most important first: TCP, no DNS name unless needed, a
   * destination port, an ephemeral source port. Each is kept only if the ones before it allow it.
   */
  List<BoolExpr> preferences(FlowSpec bounds) {
    List<BoolExpr> nice = new ArrayList<>();
    // a flow that leaves its host before a host's flow to itself (spec S6.13: with no dataplane
    // chosen the dataplanes disagree on whether that is a flow at all)
    BoolExpr apart = Loopback.exclude(new Terms(net.session), src, dst, HOSTS_APART);
    if (!apart.isTrue()) {
      nice.add(apart);
    }
    if (bounds.protocol() == null) {
      nice.add(v.protoIs(Protocols.TCP));
    }
    nice.add(v.domain.is(0));
    if (bounds.ipVersion() == null) {
      nice.add(ctx().mkNot(v.v6)); // IPv4, as explain's flows
    }
    // the input's own endpoints before pods that could be deployed
    nice.add(src.at(Concrete.class));
    nice.add(dst.at(Concrete.class));
    if (bounds.port() == null) {
      nice.add(
          ctx()
              .mkImplies(
                  v.hasPorts, ctx().mkEq(v.dport, ctx().mkBV(Placeholders.WITNESS_PORT, 16))));
      nice.add(ctx().mkImplies(v.hasPorts, ctx().mkNot(ctx().mkEq(v.dport, ctx().mkBV(0, 16)))));
    }
    if (bounds.sourcePort() == null) {
      nice.add(
          ctx()
              .mkImplies(
                  v.hasPorts, ctx().mkEq(v.sport, ctx().mkBV(Placeholders.SOURCE_PORT, 16))));
      nice.add(ctx().mkImplies(v.hasPorts, v.between(v.sport, 16, 32768, 60999)));
    }
    // the addresses explain uses for ends that have none of their own
    nice.add(dst.at(External.class, f -> Placeholders.outside(f, false)));
    nice.add(src.at(External.class, f -> Placeholders.outside(f, true)));
    nice.add(src.at(Hypothetical.class, f -> Placeholders.pod(f, true)));
    nice.add(dst.at(Hypothetical.class, f -> Placeholders.pod(f, false)));
    nice.add(src.at(Addressless.class, f -> Placeholders.pod(f, true)));
    nice.add(dst.at(Addressless.class, f -> Placeholders.pod(f, false)));
    return nice;
  }

  /**
   * The node workload end {@code e} is on: its own, or {@code placed} when it names none; for a
   * flow between two outside addresses (both null), the node it is routed through ({@code placed}).
   */
  private static String on(Endpoint e, Endpoint other, String placed) {
    return e == null ? other == null ? placed : null : e.node() != null ? e.node() : placed;
  }

  /**
   * The model's flow, its verdict by {@code allowed} and (with {@code explain}) the deciding points
   * of its steps.
   */
  Answer decode(Model m, long millis, boolean explain, BoolExpr allowed) {
    Map<String, Profile> assumed = new LinkedHashMap<>();
    Decoded decoded = flow(m, assumed);
    Flow flow = decoded.flow();
    Endpoint source = flow.source();
    List<Point> decisions = new ArrayList<>();
    if (explain) {
      // in eval's order (Evaluator.hops): each step between the forward sides of its node
      forwarding.decisions(m, Forwarding.Side.SOURCE_IN, decisions);
      if (m.eval(stepped.apply(Direction.EGRESS), true).isTrue()) {
        src.decisions(m, source, decisions);
      } else if (source != null) {
        decisions.add(Point.ownNode(Direction.EGRESS));
      }
      forwarding.decisions(m, Forwarding.Side.SOURCE_OUT, decisions);
      forwarding.decisions(m, Forwarding.Side.DESTINATION_IN, decisions);
      if (m.eval(stepped.apply(Direction.INGRESS), true).isTrue()) {
        dst.decisions(m, flow.destination(), decisions);
      } else if (flow.destination() != null) {
        decisions.add(Point.ownNode(Direction.INGRESS));
      }
      forwarding.decisions(m, Forwarding.Side.DESTINATION_OUT, decisions);
    }
    return new Answer(
        SolverSession.Status.SAT,
        flow,
        m.eval(allowed, true).isTrue(),
        decisions,
        assumed,
        null,
        millis,
        // an end moved off a loopback flow: the base takes that end's twin (Replay)
        base == null || decoded.moved() ? null : base.flow(m, new LinkedHashMap<>()).flow());
  }

  /** A model's flow, and whether an end was moved off a loopback flow ({@link Loopback#apart}). */
  private record Decoded(Flow flow, boolean moved) {}

  /** The model's flow, the profiles of its hypothetical ends' namespaces put in {@code assumed}. */
  private Decoded flow(Model m, Map<String, Profile> assumed) {
    boolean v6 = m.eval(v.v6, true).isTrue();
    int family = v6 ? 6 : 4;
    int proto = ((BitVecNum) m.eval(v.proto, true)).getInt();
    boolean ports = Protocols.hasPorts(proto);
    boolean icmp = Protocols.isIcmp(proto);
    int[] count = {0};
    Endpoint source = src.endpoint(m, family, assumed, count);
    Endpoint destination = dst.endpoint(m, family, assumed, count);
    Ip sourceIp = new Ip(family, ((BitVecNum) m.eval(v.src, true)).getBigInteger());
    Ip destinationIp = new Ip(family, ((BitVecNum) m.eval(v.dst, true)).getBigInteger());
    Loopback.Stand[] apart =
        Loopback.apart(
            net.loopbacks,
            src.layout(),
            src.chosen(m),
            source,
            dst.layout(),
            dst.chosen(m),
            destination);
    if (apart != null) {
      if (apart[0] != null) {
        source = apart[0].endpoint();
        sourceIp = apart[0].address() != null ? apart[0].address() : sourceIp;
      } else {
        destination = apart[1].endpoint();
        destinationIp = apart[1].address() != null ? apart[1].address() : destinationIp;
      }
    }
    String domain = null;
    if (dst.chosen(m) instanceof External o) {
      domain =
          o.domain() != null && !o.domain().equals(Outside.UNNAMED)
              ? o.domain()
              : net.domains.representative(v.domain.in(m));
    }
    Flow flow =
        Flow.between(
                proto,
                sourceIp,
                ports ? ((BitVecNum) m.eval(v.sport, true)).getInt() : null,
                destinationIp,
                ports ? ((BitVecNum) m.eval(v.dport, true)).getInt() : null,
                icmp ? ((BitVecNum) m.eval(v.icmpType, true)).getInt() : null,
                icmp ? ((BitVecNum) m.eval(v.icmpCode, true)).getInt() : null,
                domain,
                source,
                destination)
            .placed(
                new Flow.Ends(
                    net.node(v.node.in(m)),
                    // spec S6.11: a routed flow's node is its source placement's (FlowVars#node)
                    net.node((source == null && destination == null ? v.node : v.dnode).in(m)),
                    net.interfaceOn(on(source, destination, net.node(v.node.in(m))), v.iface.in(m)),
                    net.interfaceOn(
                        on(
                            destination,
                            source,
                            net.node((destination == null ? v.node : v.dnode).in(m))),
                        v.diface.in(m))));
    return new Decoded(flow, apart != null);
  }
}
