package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Icmp;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.NetworkSet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Rule;
import dev.tierproof.model.ServiceMatch;
import dev.tierproof.smt.Alternative.Addressless;
import dev.tierproof.smt.Alternative.Concrete;
import dev.tierproof.smt.EndLayout.NpKey;
import dev.tierproof.smt.EndLayout.SelKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rule matching (spec S3): a rule matches the packet between two {@link EndEncoding}s. Each rule's
 * match is one named Boolean, shared by every chain of the query; the tests of a rule side at an
 * end (selector coverage, network sets, named ports) are named once per end. Input endpoints are
 * seen concretely (their alternative fixes what a side observes), hypothetical ones through their
 * symbolic labels and named ports, free addresses through the network sets containing them.
 */
final class RuleMatch {

  private final Terms t;
  private final Context ctx;
  private final FlowVars v;
  private final Network net;
  private final At src;
  private final At dst;
  private final Map<Rule, BoolExpr> matches = new IdentityHashMap<>();

  RuleMatch(Terms t, FlowVars v, Network net, EndEncoding src, EndEncoding dst) {
    this.t = t;
    this.ctx = t.ctx();
    this.v = v;
    this.net = net;
    this.src = new At(src);
    this.dst = new At(dst);
  }

  /**
   * The rule matches the packet (spec S3.1-S3.6, S3.9); its sides must have been collected by both
   * ends' layouts.
   */
  BoolExpr match(Rule r) {
    BoolExpr known = matches.get(r);
    if (known != null) {
      return known;
    }
    List<BoolExpr> c = new ArrayList<>();
    if (r.ipVersion() != null) {
      c.add(r.ipVersion() == 6 ? v.v6 : ctx.mkNot(v.v6));
    }
    for (EntityMatch m : List.of(r.source(), r.destination())) {
      for (List<Cidr> list : List.of(m.nets(), m.notNets())) {
        if (!list.isEmpty()) {
          if (list.stream().noneMatch(x -> x.family() == 4)) {
            c.add(v.v6); // spec S3.1: skipped for a family it has no CIDR of
          }
          if (list.stream().noneMatch(x -> x.family() == 6)) {
            c.add(ctx.mkNot(v.v6));
          }
        }
      }
    }
    if (r.protocol() != null) {
      c.add(v.protoIs(r.protocol()));
    }
    if (r.notProtocol() != null) {
      c.add(ctx.mkNot(v.protoIs(r.notProtocol())));
    }
    if (r.icmp() != null) {
      c.add(icmp(r.icmp()));
    }
    if (r.notIcmp() != null) {
      c.add(ctx.mkNot(icmp(r.notIcmp())));
    }
    c.add(src.side(r, r.source()));
    c.add(dst.side(r, r.destination()));
    BoolExpr m = t.define(ctx.mkAnd(c.toArray(BoolExpr[]::new)));
    matches.put(r, m);
    return m;
  }

  /** spec S3.3. */
  private BoolExpr icmp(Icmp i) {
    BoolExpr type = ctx.mkAnd(v.isIcmp, ctx.mkEq(v.icmpType, ctx.mkBV(i.type(), 8)));
    return i.code() == null ? type : ctx.mkAnd(type, ctx.mkEq(v.icmpCode, ctx.mkBV(i.code(), 8)));
  }

  /** The destination was reached by a DNS name one of the patterns matches (spec S3.6). */
  private BoolExpr domainIn(List<String> patterns) {
    List<BoolExpr> out = new ArrayList<>();
    for (int i : net.domains.matching(patterns)) {
      out.add(v.domain.is(i));
    }
    return t.or(out);
  }

  /** Rule sides at one end, with the tests named at that end. */
  private final class At {
    private final EndEncoding end;
    private final EndLayout layout;
    private final Map<SelKey, BoolExpr> coverage = new HashMap<>();
    private final Map<NetworkSet, BoolExpr> netsets = new IdentityHashMap<>();
    private final Map<NpKey, BoolExpr> namedPorts = new HashMap<>();

    At(EndEncoding end) {
      this.end = end;
      this.layout = end.layout();
    }

    /** A rule side at this end (spec S3.4-S3.6, S3.9). */
    BoolExpr side(Rule r, EntityMatch m) {
      if (m.isEmpty()) {
        return ctx.mkTrue();
      }
      List<BoolExpr> c = new ArrayList<>();
      if (m.service() != null) {
        c.add(service(m.service()));
      }
      if (!m.nets().isEmpty()) {
        c.add(t.or(m.nets().stream().map(end::netIn).toList()));
      }
      for (Cidr x : m.notNets()) {
        c.add(ctx.mkNot(end.netIn(x)));
      }
      if (!m.domains().isEmpty()) {
        c.add(layout.source() ? ctx.mkFalse() : domainIn(m.domains()));
      }
      SelKey key = SelKey.of(m);
      if (key != null) {
        BoolExpr cov = covered(key);
        c.add(key.pos() != null ? cov : ctx.mkNot(cov));
      }
      if (!m.ports().isEmpty()) {
        c.add(ports(r, m, m.ports()));
      }
      if (!m.notPorts().isEmpty()) {
        c.add(ctx.mkNot(ports(r, m, m.notPorts())));
      }
      return t.and(c);
    }

    /** Some entity at this end's address (or its DNS name) satisfies the key (spec S3.4, S3.8). */
    private BoolExpr covered(SelKey key) {
      BoolExpr known = coverage.get(key);
      if (known != null) {
        return known;
      }
      int bit = layout.bit(key);
      List<BoolExpr> any = new ArrayList<>();
      List<Alternative> options = layout.options();
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i) instanceof Concrete k && k.covered().get(bit)) {
          any.add(end.is(i));
        } else if (options.get(i) instanceof Addressless f
            && !f.endpoint().isHost()
            && key.admits(f.endpoint())) {
          any.add(end.is(i)); // spec S5.4: the workload is at its free address (a host: no IP set)
        }
      }
      List<BoolExpr> inSets = new ArrayList<>();
      for (NetworkSet n : net.set.networkSets()) {
        if (!key.pods() && key.matches(n.labels())) { // spec S3.9: a Service selects pods only
          if (!end.free().isFalse() && !n.nets().isEmpty()) {
            inSets.add(netsetIn(n));
          }
          if (!layout.source() && !n.allowedEgressDomains().isEmpty()) {
            any.add(domainIn(n.allowedEgressDomains()));
          }
        }
      }
      if (!inSets.isEmpty()) {
        any.add(ctx.mkAnd(end.free(), t.or(inSets)));
      }
      if (layout.hasHypothetical()) {
        BoolExpr sym = symbolic(key);
        any.add(ctx.mkAnd(end.fresh(), sym));
      }
      BoolExpr out = t.define(t.or(any));
      coverage.put(key, out);
      return out;
    }

    /** The key over the hypothetical endpoints' symbolic labels. */
    private BoolExpr symbolic(SelKey key) {
      BoolExpr pos =
          key.pos() == null ? null : end.selector(Residual.of(key.pos(), layout.common()));
      BoolExpr neg =
          key.neg() == null ? null : end.selector(Residual.of(key.neg(), layout.common()));
      return pos == null ? neg : neg == null ? pos : ctx.mkAnd(pos, ctx.mkNot(neg));
    }

    /**
     * A {@code services} side at this end (spec S3.9): the listed endpoints as (address, protocol,
     * port) or addresses; without them, the selector's coverage with each target port: a number, or
     * the named port of a selected entity (the named-port encoding, filtered by the selector).
     */
    private BoolExpr service(ServiceMatch s) {
      List<BoolExpr> any = new ArrayList<>();
      if (!s.withPorts()) {
        s.hosts().forEach(h -> any.add(end.netIn(h)));
      } else {
        Map<Ip, List<BoolExpr>> byIp = new LinkedHashMap<>();
        for (ServiceMatch.Member x : s.members()) {
          byIp.computeIfAbsent(x.ip(), k -> new ArrayList<>())
              .add(
                  ctx.mkAnd(v.protoIs(x.protocol()), ctx.mkEq(end.port(), ctx.mkBV(x.port(), 16))));
        }
        byIp.forEach((ip, ports) -> any.add(ctx.mkAnd(end.netIn(Cidr.host(ip)), t.or(ports))));
      }
      SelKey key = EndLayout.serviceKey(s);
      if (key != null && !s.withPorts()) {
        any.add(covered(key));
      } else if (key != null) {
        for (ServiceMatch.Target x : s.targets()) {
          BoolExpr port =
              x.number() != null
                  ? ctx.mkAnd(covered(key), ctx.mkEq(end.port(), ctx.mkBV(x.number(), 16)))
                  : namedPort(new NpKey(x.name(), key));
          any.add(ctx.mkAnd(v.protoIs(x.protocol()), port));
        }
      }
      BoolExpr out = t.or(any);
      return s.withPorts() ? ctx.mkAnd(v.hasPorts, out) : out;
    }

    /** This end's address is in one of the network set's CIDRs. */
    private BoolExpr netsetIn(NetworkSet n) {
      return netsets.computeIfAbsent(
          n, k -> t.define(t.or(k.nets().stream().map(end::netIn).toList())));
    }

    /** The packet's port at this end is in the list (spec S3.5). */
    private BoolExpr ports(Rule r, EntityMatch m, List<Port> list) {
      List<BoolExpr> any = new ArrayList<>();
      for (Port p : list) {
        if (p instanceof Port.Range x) {
          any.add(v.between(end.port(), 16, x.min(), x.max()));
        } else if (p instanceof Port.Named n) {
          BoolExpr atom = namedPort(NpKey.of(m, n));
          any.add(r.protocol() == null ? atom : ctx.mkAnd(v.protoIs(r.protocol()), atom));
        }
      }
      return ctx.mkAnd(v.hasPorts, t.or(any));
    }

    /**
     * The port and protocol are a named port {@code k.name()} of an entity at this end that the
     * key's filter matches.
     */
    private BoolExpr namedPort(NpKey k) {
      BoolExpr known = namedPorts.get(k);
      if (known != null) {
        return known;
      }
      int idx = layout.index(k);
      Map<Long, List<BoolExpr>> byPort = new TreeMap<>();
      List<Alternative> options = layout.options();
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i) instanceof Concrete c) {
          for (long pp : c.ports().get(idx)) {
            byPort.computeIfAbsent(pp, x -> new ArrayList<>()).add(end.is(i));
          }
        } else if (options.get(i) instanceof Addressless f
            && !f.endpoint().isHost()
            && (k.filter() == null || k.filter().admits(f.endpoint()))) {
          for (NamedPort np : f.endpoint().ports()) { // spec S5.4
            if (np.name().equals(k.name())) {
              byPort
                  .computeIfAbsent(((long) np.protocol() << 16) | np.port(), x -> new ArrayList<>())
                  .add(end.is(i));
            }
          }
        }
      }
      List<BoolExpr> any = new ArrayList<>();
      byPort.forEach(
          (pp, opts) ->
              any.add(
                  ctx.mkAnd(
                      v.protoIs((int) (pp >> 16)),
                      ctx.mkEq(end.port(), ctx.mkBV((int) (pp & 0xffff), 16)),
                      t.or(opts))));
      EndEncoding.PortVar var = end.namedPort(k.name());
      if (var != null) {
        BoolExpr filter = ctx.mkTrue();
        if (k.filter() != null) {
          BoolExpr pos = end.selector(Residual.of(k.filter().pos(), layout.common()));
          filter =
              k.filter().neg() == null
                  ? pos
                  : ctx.mkAnd(
                      pos, ctx.mkNot(end.selector(Residual.of(k.filter().neg(), layout.common()))));
        }
        any.add(
            ctx.mkAnd(
                end.fresh(),
                filter,
                var.has(),
                ctx.mkEq(end.port(), var.port()),
                ctx.mkEq(v.proto, var.protocol())));
      }
      BoolExpr out = t.define(t.or(any));
      namedPorts.put(k, out);
      return out;
    }
  }
}
