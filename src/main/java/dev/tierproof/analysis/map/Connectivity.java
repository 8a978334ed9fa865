package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.Cells.Cell;
import dev.tierproof.analysis.map.Cells.Partition;
import dev.tierproof.analysis.map.Groups.Member;
import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.StepPath;
import dev.tierproof.eval.Translated;
import dev.tierproof.eval.Verdict;
import dev.tierproof.eval.Watcher;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Rule;
import dev.tierproof.source.Progress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The connectivity map of a policy set over its endpoints and the addresses outside the cluster
 * (spec S4 per step, S5 per flow), computed with the evaluator only.
 *
 * <p>A step (one endpoint, one direction) sees its peer only through which rule sides hold the
 * peer's address ({@link Evaluator#identity}) and, for named ports, the peer's ports: peers alike
 * in that get one table of the step's verdict per cell of the packet space ({@link Cells}: no rule
 * of the step tells the packets of a cell apart), evaluated once on one of them. A pair of groups
 * combines its source's egress table with its destination's ingress table cell by cell; every
 * allowed part's witness is then evaluated as a whole flow between the pair's own ends and must be
 * decided as the tables say (a mismatch is an internal error, never a printed answer). Tables are
 * shared by content, so that steps that decide alike (the replicas of a workload, the pods that
 * could be deployed at several addresses) share their joint tables.
 *
 * <p>Ends at addresses no endpoint owns are seen as rule sides see them there: a destination
 * reached by a DNS name (spec S3.6) with that name, a pod that could be deployed ({@link
 * Hypotheticals}, {@code --scope any}) as an endpoint without an address of its own at the flow's
 * address (spec S5.3, S5.4); {@link Groups} maps such ends once per set of regions the rule sides
 * tell apart and {@link Variants} joins those the map shows alike.
 */
public final class Connectivity {

  /**
   * What the map covers: source and destination groups the predicates accept, packets in {@code
   * packets}, and besides the input's ends the pods that could be deployed in {@code pods} ({@link
   * Hypotheticals#NONE}: none).
   */
  public record Options(
      Predicate<Group> sources,
      Predicate<Group> destinations,
      FlowSpec packets,
      Hypotheticals pods,
      Progress progress) {
    public static Options all() {
      return new Options(g -> true, g -> true, FlowSpec.ANY, Hypotheticals.NONE, Progress.NONE);
    }
  }

  /** One step's decision per cell, for one subject and the peers that look alike to it. */
  private record Table(Partition partition, Step[] steps, boolean allowsSome) {}

  /** Allowed cells of a pair decided alike, with the cell whose packet stands for them. */
  private record Shape(Part part, Cell cell) {}

  private final PolicySet set;
  private final Evaluator evaluator;
  private final Options options;
  private final StepRules stepRules;
  private final Map<List<Object>, View> views = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<List<Object>, Table> tableByContent =
      new java.util.concurrent.ConcurrentHashMap<>();
  private List<Member> members;
  private final Map<List<Object>, List<Shape>> joints =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ForwardTables<Table> forwardTables;
  private final SharedVerdicts replayed = new SharedVerdicts();
  private PeerClasses peerClasses;

  /** Which rule sides hold which ends. */
  private Holding holding;

  /** The sources a settled masquerade shows host endpoints (spec S6.10). */
  private Translations translations;

  /** The named ports at a peer's address (spec S3.5, S5.5). */
  private final NamedPorts namedPorts;

  private final dev.tierproof.model.Loopbacks loopbacks; // spec S5.6, S6.13

  private Connectivity(PolicySet set, Options options) {
    this.set = set.withProfiles(options.pods().assumed());
    this.evaluator = new Evaluator(this.set);
    this.stepRules = new StepRules(this.set, this.evaluator);
    this.options = options;
    this.namedPorts = new NamedPorts(this.set, this.evaluator);
    this.forwardTables = new ForwardTables<>(this.evaluator, namedPorts);
    this.loopbacks = this.set.loopbacks();
  }

  public static MapResult run(PolicySet set, Options options) {
    return new Connectivity(set, options).map();
  }

  private MapResult map() {
    members =
        new Groups(set, options.pods(), dev.tierproof.smt.DomainClasses.of(set), evaluator).members;
    translations = new Translations(set, members.size() * 2);
    holding = new Holding(evaluator, members, translations.size());
    peerClasses = new PeerClasses(set, members, holding, namedPorts);
    BitSet sources = new BitSet();
    BitSet destinations = new BitSet();
    for (Member m : members) {
      Group g = Covering.tested(m);
      sources.set(m.index(), options.sources().test(g));
      destinations.set(m.index(), options.destinations().test(g));
    }
    // source groups on every core; each source's edges in destination order, sources in order
    List<List<Edge>> bySource = new ArrayList<>();
    members.forEach(m -> bySource.add(null));
    java.util.concurrent.atomic.AtomicInteger done =
        new java.util.concurrent.atomic.AtomicInteger();
    Cores.each(
        members.size(),
        i -> {
          Member from = members.get(i);
          List<Edge> edges = new ArrayList<>();
          if (sources.get(i)) {
            for (Member to : members) {
              if (!destinations.get(to.index()) || from.group().outside() && to.group().outside()) {
                continue;
              }
              List<Part> parts = pair(from, to);
              if (!parts.isEmpty()) {
                edges.add(new Edge(from.group(), to.group(), parts));
              }
            }
          }
          bySource.set(i, edges);
          options.progress().at("source groups", done.incrementAndGet(), members.size());
        });
    List<Edge> edges = new ArrayList<>();
    bySource.forEach(edges::addAll);
    if (System.getenv("TIERPROOF_MAP_PROFILE") != null) { // a debugging aid
      System.err.printf(
          "map: %d groups, %d views, %d joints, %d sides%n",
          members.size(), views.size(), joints.size(), holding.sides());
    }
    return Variants.join(members, edges);
  }

  /** The allowed parts from one group to another, over both families. */
  private List<Part> pair(Member from, Member to) {
    Endpoint src = from.endpoint();
    Endpoint dst = to.endpoint();
    Map<Integer, Ip> dstAddresses = to.destination();
    if (from.group() == to.group()
        && !from.group().hypothetical()
        && from.group().endpoints().size() > 1) {
      dst = from.group().endpoints().get(1);
      if (!dst.ips().isEmpty()) { // one without addresses stands where its group does (spec S5.4)
        dstAddresses = new TreeMap<>();
        for (Ip ip : dst.ips()) {
          dstAddresses.putIfAbsent(ip.family(), ip);
        }
      }
    }
    if (loopbacks.loopback(src, dst)) {
      return List.of(); // spec S5.6, S6.13: a pod's or a host's packets to itself are no flow
    }
    Map<Integer, List<Part>> byFamily = new TreeMap<>();
    for (Map.Entry<Integer, Ip> s : from.source().entrySet()) {
      Ip d = dstAddresses.get(s.getKey());
      if (d != null
          && (options.packets().ipVersion() == null
              || options.packets().ipVersion().equals(s.getKey()))) {
        byFamily.put(s.getKey(), parts(src, s.getValue(), from, dst, d, to, s.getKey()));
      }
    }
    if (byFamily.size() < 2) {
      return byFamily.values().stream().findFirst().orElse(List.of());
    }
    // both families: parts alike in both hold for either, the others name their family
    List<Part> v6 = new ArrayList<>(byFamily.get(6));
    List<Part> out = new ArrayList<>();
    for (Part p : byFamily.get(4)) {
      Part twin = v6.stream().filter(q -> alike(p, q)).findFirst().orElse(null);
      out.add(p.in(twin == null ? 4 : null));
      v6.remove(twin);
    }
    v6.forEach(q -> out.add(q.in(6)));
    return out;
  }

  /**
   * The same packets, placed alike (nodes and interfaces crossed, spec S6.10, S6.11), decided by
   * the same points at the same endpoints.
   */
  private static boolean alike(Part a, Part b) {
    return a.protocol() == b.protocol()
        && placed(a).equals(placed(b))
        && a.exceptProtocols().equals(b.exceptProtocols())
        && a.ports().equals(b.ports())
        && a.sourcePorts().equals(b.sourcePorts())
        && a.icmpTypes().equals(b.icmpTypes())
        && a.icmpCodes().equals(b.icmpCodes())
        && Parts.key(a.verdict()).equals(Parts.key(b.verdict()));
  }

  /** Where a part's witness is placed and the endpoints of its steps. */
  private static List<Object> placed(Part p) {
    Flow f = p.witness();
    List<Object> out = new ArrayList<>();
    out.add(String.valueOf(f.sourcePlacement()));
    out.add(String.valueOf(f.destinationPlacement()));
    out.add(String.valueOf(f.sourceInterface()));
    out.add(String.valueOf(f.destinationInterface()));
    p.verdict().steps().forEach(st -> out.add(st.endpoint().ref()));
    return out;
  }

  /**
   * The allowed parts between two ends at two addresses of one family, each witness evaluated, in
   * each placement of the pair's flows ({@link Flow#placements(Endpoint, Endpoint,
   * java.util.Collection)}: a workload naming no node elsewhere, on its host end's node, spec
   * S6.12, or on each walked node, S6.11, each end of a pair of workloads on its own): local ones,
   * or walked at both ends.
   */
  private List<Part> parts(
      Endpoint src, Ip srcIp, Member from, Endpoint dst, Ip dstIp, Member to, int family) {
    List<Part> out = new ArrayList<>();
    List<Flow.Ends> walked = new ArrayList<>();
    for (Flow.Ends p : Flow.placements(src, dst, evaluator.ports())) {
      if (Flow.local(src, dst, p.source())) {
        out.addAll(local(src, srcIp, from, dst, dstIp, to, family));
      } else {
        walked.add(p);
      }
    }
    out.addAll(walked(src, srcIp, from, dst, dstIp, to, walked));
    return out;
  }

  /**
   * The local flows' parts (spec S6.12): a host's packets to its own workload are all allowed, a
   * workload's to its host are decided by its node's all-interfaces endpoint's pre-DNAT path, if it
   * holds policy, and its egress step (ICMPv6 host discovery not even that), over those steps'
   * tables' cells, each evaluated.
   */
  private List<Part> local(
      Endpoint src, Ip srcIp, Member from, Endpoint dst, Ip dstIp, Member to, int family) {
    Cells cells = new Cells();
    if (!src.isHost()) {
      cells.add(
          table(src, srcIp, Holding.end(from, family), Direction.EGRESS, family, to.index())
              .partition());
      cells.hostDiscovery();
      for (dev.tierproof.eval.Hop h : evaluator.hops(src, dst, new Flow.Ends(dst.node(), null))) {
        if (h.local()) {
          cells.add(forward(h, src, srcIp, from, dst, dstIp, to, family).partition());
        }
      }
    }
    cells.bound(options.packets());
    List<Cell> all = cells.partition().cells();
    Map<List<Object>, List<Cell>> allowed = new LinkedHashMap<>();
    Map<Cell, Flow> flows = new HashMap<>();
    Map<Cell, Verdict> verdicts = new HashMap<>();
    for (Cell c : all) {
      if (!c.in(options.packets())) {
        continue;
      }
      Flow f = c.flow(srcIp, dstIp, to.domain(), src, dst).onHostNode();
      Verdict v = evaluator.evaluate(f);
      if (v.allowed()) {
        flows.put(c, f);
        verdicts.put(c, v);
        allowed.computeIfAbsent(Parts.key(v), k -> new ArrayList<>()).add(c);
      }
    }
    List<Part> parts = new ArrayList<>();
    for (List<Cell> same : allowed.values()) {
      for (Parts.Built b : Parts.of(all, same)) {
        parts.add(b.part().with(flows.get(b.cell()), replayed.of(verdicts.get(b.cell()))));
      }
    }
    return parts;
  }

  /**
   * The parts of flows walked at both ends ({@link #parts}), of the family of {@code srcIp}, in
   * each of {@code placements}: the source's egress and the destination's ingress tables, and
   * around them the forward chains' sides the pair's flows so placed meet ({@link Evaluator#hops},
   * spec S6.10, S6.11), in the order {@link Evaluator#evaluate} walks them; each side is built once
   * for all placements.
   */
  private List<Part> walked(
      Endpoint src, Ip srcIp, Member from, Endpoint dst, Ip dstIp, Member to, List<Flow.Ends> ps) {
    int family = srcIp.family();
    Table out =
        src == null
            ? null
            : table(src, srcIp, Holding.end(from, family), Direction.EGRESS, family, to.index());
    if (out != null && !out.allowsSome()) {
      return List.of(); // the source's egress denies every packet to such peers
    }
    Table in =
        dst == null
            ? null
            : table(dst, dstIp, Holding.end(to, family), Direction.INGRESS, family, from.index());
    if (in != null && !in.allowsSome()) {
      return List.of();
    }
    Map<List<Object>, Table> sides = new HashMap<>(); // per host endpoint and direction
    List<Part> parts = new ArrayList<>();
    for (Flow.Ends p : ps) {
      parts.addAll(walked(src, srcIp, dst, dstIp, to, p, out, in, sides, from, family));
    }
    return parts;
  }

  /** {@link #walked} in placement {@code p}, the ends' tables {@code out} and {@code in} given. */
  private List<Part> walked(
      Endpoint src,
      Ip srcIp,
      Endpoint dst,
      Ip dstIp,
      Member to,
      Flow.Ends p,
      Table out,
      Table in,
      Map<List<Object>, Table> sides,
      Member from,
      int family) {
    List<Table> tables = new ArrayList<>(6);
    for (dev.tierproof.eval.Hop h : evaluator.hops(src, dst, p)) {
      tables.add(
          !h.forward()
              ? h.direction() == Direction.EGRESS ? out : in
              : sides.computeIfAbsent(
                  List.of(h.at(), h.direction(), h.local()),
                  k -> forward(h, src, srcIp, from, dst, dstIp, to, family)));
    }
    if (tables.stream().anyMatch(t -> !t.allowsSome())) {
      return List.of();
    }
    List<Shape> shapes =
        joints.computeIfAbsent(
            tables.stream().map(t -> (Object) new Same(t)).toList(), k -> joint(tables));
    List<Part> parts = new ArrayList<>();
    for (Shape s : shapes) {
      Cell c = s.cell();
      Flow f = c.flow(srcIp, dstIp, to.domain(), src, dst).placed(p);
      Verdict v = evaluator.evaluate(f);
      if (!v.allowed() || !Parts.key(v).equals(Parts.key(s.part().verdict()))) {
        throw new IllegalStateException( // the message names the flow, never whole policies
            "the map's tables allow "
                + f.describe()
                + (v.allowed() ? " by other points than" : " that")
                + " the evaluator's walk "
                + (v.allowed() ? "names" : "denies"));
      }
      parts.add(s.part().with(f, replayed.of(v)));
    }
    return parts;
  }

  /**
   * The side of {@code h}'s forward chain in {@code dir} that the pair's flows meet ({@link
   * ForwardSteps}), shared by pairs alike to its rules ({@link ForwardTables}) and by content.
   */
  private Table forward(
      dev.tierproof.eval.Hop h,
      Endpoint src,
      Ip srcIp,
      Member from,
      Endpoint dst,
      Ip dstIp,
      Member to,
      int family) {
    java.util.function.BiPredicate<EntityMatch, Boolean> holds =
        (side, source) ->
            source
                ? holding.holds(side, Holding.end(from, family), src, srcIp, from.domain())
                : holding.holds(side, Holding.end(to, family), dst, dstIp, to.domain());
    return forwardTables.of(
        h,
        List.of(from, to),
        java.util.Arrays.asList(src, dst),
        List.of(srcIp, dstIp),
        family,
        holds,
        () -> {
          ForwardSteps.Built b =
              ForwardSteps.of(
                  evaluator,
                  h,
                  src,
                  srcIp,
                  namedPorts.at(src, srcIp),
                  dst,
                  dstIp,
                  namedPorts.at(dst, dstIp),
                  to.domain(),
                  holds);
          return shared(h.direction(), b.partition(), b.steps());
        });
  }

  /** The tables' steps over their common refinement: the allowed cells, in parts. */
  private List<Shape> joint(List<Table> tables) {
    Cells cells = new Cells();
    tables.forEach(t -> cells.add(t.partition()));
    cells.bound(options.packets());
    List<Cell> all = cells.partition().cells();
    Map<List<Object>, List<Cell>> allowed = new LinkedHashMap<>();
    Map<Cell, Verdict> verdicts = new HashMap<>();
    for (Cell c : all) {
      if (!c.in(options.packets())) {
        continue;
      }
      List<Step> steps = new ArrayList<>(tables.size());
      for (Table t : tables) {
        steps.add(
            t.steps()[
                t.partition().find(c.repProtocol(), c.port(), c.sourcePort(), c.type(), c.code())]);
      }
      Verdict v = new Verdict(steps.stream().allMatch(Step::allowed), steps);
      if (v.allowed()) {
        verdicts.put(c, v);
        allowed.computeIfAbsent(Parts.key(v), k -> new ArrayList<>()).add(c);
      }
    }
    List<Shape> out = new ArrayList<>();
    for (List<Cell> same : allowed.values()) {
      for (Parts.Built b : Parts.of(all, same)) {
        out.add(new Shape(b.part().with(null, verdicts.get(b.cell())), b.cell()));
      }
    }
    return out;
  }

  /**
   * What a step (an endpoint at an address, a direction) makes of its peers: the peer groups in
   * classes that every rule side of the step holds alike (and that name the same ports, when a rule
   * names ports by name), and each class's table, made when a pair first needs it.
   */
  private final class View {
    final Endpoint at;
    final Ip atIp;
    final int atEnd;
    final Direction dir;
    final int family;
    final List<Rule> rules;

    /**
     * At a host endpoint whose untracked Allows may need replies, the other direction's rules,
     * which decide them (spec S6.5); else empty.
     */
    final List<Rule> replies;

    /**
     * Whether a rule names the peer's ports by name: then the peer's named ports split classes and
     * cells.
     */
    final boolean named;

    final int[] classOf;
    final int[] rep;
    final Table[] tables;

    /**
     * At a host endpoint in ingress, per peer group the source its packets are seen from where a
     * settled masquerade translates it (spec S6.10), else null; null where none is.
     */
    final Translations.Seen[] translated;

    View(Endpoint at, Ip atIp, int atEnd, Direction dir, int family) {
      this.at = at;
      this.atIp = atIp;
      this.atEnd = atEnd;
      this.dir = dir;
      this.family = family;
      this.rules = stepRules.of(at, dir);
      this.replies = stepRules.replies(at, dir);
      Map<EntityMatch, Boolean> distinct = new IdentityHashMap<>();
      List<EntityMatch> sides = new ArrayList<>();
      rules.forEach(r -> sides.add(peerSide(r, dir)));
      replies.forEach(r -> sides.add(peerSide(r, dir.opposite())));
      sides.removeIf(s -> s.isEmpty() || distinct.put(s, true) != null);
      this.named = PeerClasses.named(sides);
      this.translated = translated();
      PeerClasses.Of classes = peerClasses.of(at, atIp, dir, family, sides, translated);
      classOf = classes.classOf();
      rep = classes.rep();
      tables = new Table[rep.length];
    }

    /** The side of a rule of direction {@code d} at this step that the peer is on. */
    private static EntityMatch peerSide(Rule r, Direction d) {
      return d == Direction.EGRESS ? r.destination() : r.source();
    }

    /** The address a peer group stands at, or null when it has none of the family. */
    private Ip peerIp(Member m) {
      return PeerClasses.ip(m, dir, family);
    }

    /** The table for peers like member {@code peer}'s group. */
    Table table(int peer) {
      int k = classOf[peer];
      if (tables[k] == null) {
        tables[k] = build(members.get(rep[k]));
      }
      return tables[k];
    }

    /** {@link #translated}'s entries, or null when no peer group is translated. */
    private Translations.Seen[] translated() {
      if (!at.isHost() || dir != Direction.INGRESS) {
        return null;
      }
      Translations.Seen[] out = new Translations.Seen[members.size()];
      boolean some = false;
      for (Member m : members) {
        Ip ip = peerIp(m);
        out[m.index()] = ip == null ? null : translations.seen(m.endpoint(), ip, at, atIp);
        some |= out[m.index()] != null;
      }
      return some ? out : null;
    }

    private Table build(Member peerGroup) {
      Endpoint sender = peerGroup.endpoint();
      Ip senderIp = peerIp(peerGroup);
      Translations.Seen seen = translated == null ? null : translated[peerGroup.index()];
      Endpoint peer = seen == null ? sender : seen.who(); // spec S6.10: who the step sees
      Ip peerIp = seen == null ? senderIp : seen.ip();
      int peerEnd = seen == null ? Holding.end(peerGroup, family) : seen.end();
      Cells cells = new Cells();
      // only rules whose sides hold both ends can match, so only they split
      for (Direction d : List.of(dir, dir.opposite())) {
        for (Rule r : d == dir ? rules : replies) {
          EntityMatch side = peerSide(r, d);
          EntityMatch own = d == Direction.EGRESS ? r.source() : r.destination();
          if ((side.isEmpty()
                  || holding.holds(
                      side, peerEnd, peer, peerIp, d == dir ? peerGroup.domain() : null))
              && (own.isEmpty() || holding.holds(own, atEnd, at, atIp, null))) {
            if (d == dir) {
              cells.add(r);
            } else {
              cells.reply(r); // spec S6.5
            }
          }
        }
      }
      cells.add(namedPorts.at(at, atIp), dir == Direction.EGRESS);
      if (named && peer != null) {
        cells.add(namedPorts.at(peer, peerIp), dir == Direction.INGRESS);
      }
      if (at.isHost()) {
        cells.failsafe(set.failsafe().at(at.node()), dir);
      }
      if (stepRules.replying(at, dir)) {
        cells.echo(); // spec S6.5
      }
      Partition partition = cells.partition();
      List<Cell> all = partition.cells();
      Step[] steps = new Step[all.size()];
      StepPath chain = evaluator.chain(at, dir);
      for (int i = 0; i < all.size(); i++) {
        Cell c = all.get(i);
        Flow f =
            dir == Direction.EGRESS
                ? c.flow(atIp, peerIp, peerGroup.domain(), at, peer)
                : Translated.seen(c.flow(senderIp, atIp, null, sender, at), set);
        Decision d =
            evaluator.walk(chain, f, Watcher.NONE); // the trace comes with the witness's replay
        steps[i] = new Step(at, dir, d.allows(), d, List.of());
      }
      return shared(dir, partition, steps);
    }
  }

  /**
   * The table of these steps, one per content, so that pairs of steps that decide alike share their
   * joint.
   */
  private Table shared(Direction dir, Partition partition, Step[] steps) {
    List<Object> content = new ArrayList<>(List.of(dir, partition));
    for (int i = 0; i < steps.length; i++) {
      steps[i] = replayed.step(steps[i]);
      content.add(replayed.key(steps[i]));
    }
    Table t = new Table(partition, steps, java.util.Arrays.stream(steps).anyMatch(Step::allowed));
    return tableByContent.computeIfAbsent(content, k -> t);
  }

  /**
   * The step at {@code at} in {@code dir} for peers like group {@code peer}, at addresses of {@code
   * family}.
   */
  private Table table(Endpoint at, Ip atIp, int atEnd, Direction dir, int family, int peer) {
    View v =
        views.computeIfAbsent(
            List.of(new Same(at), dir, family, atIp), k -> new View(at, atIp, atEnd, dir, family));
    return v.table(peer);
  }
}
