package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.NatOutgoing;
import dev.tierproof.model.Rule;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * nat-outgoing's masquerade in the solver (specs/semantics.md S6.10, {@link Masquerade}): where the
 * flow's source is a workload whose masquerade to the destination, a host endpoint of another node,
 * the input settles ({@link Masquerade.Kind#TRANSLATED}), the destination's ingress steps match
 * their rules (and their untracked Allows' replies) against the packet from {@link
 * Masquerade.Seen#first}, owned by the node's host endpoint listing it, the source port kept; the
 * workload's own step and the forward chains keep its address. The one home of that translation in
 * the solver: a third end laid out over those (host endpoint, address) pairs, with a source address
 * of its own, and the destination's chains matching each rule against it where the flow is
 * translated ({@link #compiler}).
 */
final class Masquerades {

  /** Names the constants of each query's translated source apart (a diff holds two queries). */
  private static final AtomicLong NAMES = new AtomicLong();

  private final Network net;
  private final Masquerade masquerade;

  /** Per source alternative that may be translated, the address it is translated to. */
  private final Map<Integer, Ip> to = new LinkedHashMap<>();

  /** The translated sources' layout; null where no source alternative may be translated. */
  private final EndLayout layout;

  private EndEncoding end;
  private RuleMatch rules;
  private RuleMatch replies;
  private BoolExpr translated;

  /** The source the destination's chains see ({@link #compiler}); null until compiled. */
  private com.microsoft.z3.BitVecExpr seen;

  /**
   * The translated sources of {@code from}'s alternatives (grouped), laid out for the sides of
   * {@code involved} (and of {@code replying}, deciding replies, spec S6.5); null {@code involved}:
   * none (lint's queries of one step).
   */
  Masquerades(Network net, EndLayout from, Collection<Rule> involved, Collection<Rule> replying) {
    this.net = net;
    this.masquerade = net.set.masquerade();
    List<Alternative> options = from.options();
    for (int i = 0; involved != null && i < options.size(); i++) {
      if (options.get(i) instanceof Concrete k && translatable(k.endpoint(), k.address())) {
        to.put(i, masquerade.addresses(k.endpoint().node(), k.address().family()).get(0));
      }
    }
    if (to.isEmpty()) {
      layout = null;
      return;
    }
    layout = new EndLayout(net, true, null, java.util.Set.copyOf(to.values()));
    List<Side> sides = new ArrayList<>();
    Map<Ip, Endpoint> owners = new LinkedHashMap<>();
    to.forEach((i, a) -> owners.put(a, owner(((Concrete) options.get(i)).endpoint().node(), a)));
    owners.forEach((a, o) -> sides.add(new Side.Endpoints(List.of(o), Cidr.host(a))));
    layout.expand(sides);
    involved.forEach(r -> layout.collect(r.source()));
    replying.forEach(r -> layout.collect(r.destination()));
    layout.group();
  }

  /**
   * What grouping keeps apart at an end (spec S6.10): which of {@code net}'s pool ranges hold the
   * address (a workload's in a nat-outgoing pool, a host endpoint's in none).
   */
  static java.util.BitSet key(Network net, Ip a) {
    java.util.BitSet in = new java.util.BitSet();
    for (int i = 0; i < net.pools.size(); i++) {
      in.set(i, net.pools.get(i).contains(a));
    }
    return in;
  }

  /** Workload {@code w} at its address {@code a} is masqueraded to a settled address. */
  private boolean translatable(Endpoint w, Ip a) {
    return !w.isHost()
        && w.node() != null
        && masquerade.pools().said()
        && masquerade.pools().from(w, a)
        && !masquerade.addresses(w.node(), a.family()).isEmpty();
  }

  private Endpoint owner(String node, Ip a) {
    return Masquerade.owner(net.set.endpoints(), node, a);
  }

  /**
   * {@code plain} for the destination's chains: each rule matched by {@code match} (replies by
   * {@code reply}), or against the translated source where the flow is translated, and the failsafe
   * ports' nets testing the source as translated ({@link #seen}).
   */
  Chain.Compiler compiler(
      Chain.Compiler plain, Function<Rule, BoolExpr> match, Function<Rule, BoolExpr> reply) {
    if (layout == null) {
      return plain;
    }
    Terms t = plain.t();
    // the failsafe ports' nets test the source the host endpoint sees (spec S6.2, S6.10)
    seen = t.ctx().mkBVConst("mseen" + NAMES.incrementAndGet() + ".address", 128);
    FlowVars sees = plain.v().from(seen);
    Chain.Compiler back =
        new Chain.Compiler(
            t,
            sees.reply(),
            r -> choose(t, reply.apply(r), replies.match(r)),
            false,
            null,
            plain.passOn(),
            plain.forwardFailsafe(),
            plain.failsafe(),
            plain.ebpf());
    return new Chain.Compiler(
        t,
        sees,
        r -> choose(t, match.apply(r), rules.match(r)),
        plain.positions(),
        back,
        plain.passOn(),
        plain.forwardFailsafe(),
        plain.failsafe(),
        plain.ebpf());
  }

  private BoolExpr choose(Terms t, BoolExpr own, BoolExpr masqueraded) {
    return t.define(t.ite(translated, masqueraded, own));
  }

  /**
   * The translated source's constraints, after both ends' scope: where the flow is translated (its
   * source a translatable workload, its destination a host endpoint of another node at an address
   * in no pool), the third end is at the source's translated address.
   */
  BoolExpr scope(Terms t, FlowVars v, EndEncoding src, EndEncoding dst, Chain.Compiler plain) {
    if (layout == null) {
      return t.ctx().mkTrue();
    }
    String name = "msrc" + NAMES.incrementAndGet();
    FlowVars from = v.from(t.ctx().mkBVConst(name + ".address", 128));
    end = new EndEncoding(t, from, net, layout, List.of(), plain, name);
    rules = new RuleMatch(t, from, net, end, dst);
    replies = new RuleMatch(t, from.reply(), net, dst, end);
    BoolExpr own = end.scope();
    List<BoolExpr> any = new ArrayList<>();
    List<BoolExpr> at = new ArrayList<>();
    List<Alternative> options = layout.options();
    for (Map.Entry<Integer, Ip> e : to.entrySet()) {
      Endpoint w = ((Concrete) src.layout().options().get(e.getKey())).endpoint();
      any.add(t.and(src.is(e.getKey()), far(t, dst, w)));
      for (int k = 0; k < options.size(); k++) {
        if (options.get(k) instanceof Concrete o && o.address().equals(e.getValue())) {
          at.add(t.or(t.not(src.is(e.getKey())), end.is(k)));
        }
      }
    }
    translated = t.define(t.or(any));
    BoolExpr sees =
        seen == null
            ? t.ctx().mkTrue()
            : t.ctx().mkEq(seen, t.ctx().mkITE(translated, from.src, v.src));
    return t.and(sees, t.or(t.not(translated), t.and(own, t.and(at))));
  }

  /** The destination is a host endpoint not on {@code w}'s node, at an address in no pool. */
  private BoolExpr far(Terms t, EndEncoding dst, Endpoint w) {
    NatOutgoing pools = masquerade.pools();
    List<BoolExpr> any = new ArrayList<>();
    List<Alternative> options = dst.layout().options();
    for (int j = 0; j < options.size(); j++) {
      Alternative o = options.get(j);
      if (o instanceof Concrete k
          && k.endpoint().isHost()
          && !w.node().equals(k.endpoint().node())
          && pools.to(k.endpoint(), k.address())) {
        any.add(dst.is(j));
      } else if (o instanceof Addressless f
          && f.endpoint().isHost()
          && !w.node().equals(f.endpoint().node())) {
        List<BoolExpr> in = pools.pools().stream().map(dst::netIn).toList();
        any.add(t.and(dst.is(j), t.not(t.or(in))));
      }
    }
    return t.or(any);
  }
}
