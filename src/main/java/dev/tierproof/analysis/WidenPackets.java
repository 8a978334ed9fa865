package dev.tierproof.analysis;

import dev.tierproof.model.Failsafe;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Port;
import dev.tierproof.smt.Answer;
import dev.tierproof.smt.DiffQuery.Change;
import dev.tierproof.smt.SolverSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Widens the packets of a diff class (diff classes): any protocol, else every protocol no rule
 * mentions, else any port, else the widest run of whole port intervals (between the ports rules and
 * named ports mention) around the witness's port, else a binary search. Every step asks {@link
 * Generalizer#uniform}.
 */
final class WidenPackets {

  /** The other runs of ports tried one by one when they are not uniform together. */
  private static final int RUNS = 4;

  private final Generalizer g;

  /**
   * Where port ranges of rules, named ports and failsafe ports start and end (a range [a, b] cuts
   * at a and b + 1), with 0, 1 and 65536; ascending.
   */
  private final List<Integer> cuts;

  /** {@link #cuts} and where the failsafe ports of either direction start and end (spec S6.2). */
  private final List<Integer> sourceCuts;

  /** The protocols that rules, named ports and failsafe ports mention: the rest are alike. */
  private final Set<Integer> protocols;

  WidenPackets(Generalizer g, List<Integer> cuts, Set<Integer> protocols, List<Failsafe> failsafe) {
    this.g = g;
    this.cuts = cuts;
    this.protocols = protocols;
    java.util.TreeSet<Integer> withFailsafes = new java.util.TreeSet<>(cuts);
    for (Failsafe f : failsafe) {
      withFailsafes.add(f.port());
      withFailsafes.add(f.port() + 1);
    }
    this.sourceCuts = List.copyOf(withFailsafes);
  }

  /**
   * "Every other protocol": the class's protocol widened to every protocol that no rule, named port
   * or failsafe port mentions, when it is one of those and the solver proves it uniform; else
   * {@code c}. Such protocols are alike to every rule but for carrying ports.
   */
  Candidate otherProtocols(Candidate c, Change change) {
    if (c.packets().protocol() == null
        || protocols.contains(c.packets().protocol())
        || c.packets().sourcePort() != null) {
      return c;
    }
    Candidate t = c.otherThan(protocols);
    return g.uniform(t, change) ? t : c;
  }

  /**
   * An ICMP class's type widened: any type and code, else every type but those at which the
   * witness, moved there, did not change so (fewer than half of them: a local flow's host discovery
   * types, spec S6.12), else {@code c}. The evaluators suggest the exclusions; the solver proves
   * the class.
   */
  Candidate otherTypes(Candidate c, Change change, Flow w) {
    if (c.packets().icmpType() == null) {
      return c;
    }
    Candidate anyType = c.ports(null);
    if (g.uniform(anyType, change)) {
      return anyType;
    }
    Set<Integer> unchanged = new java.util.TreeSet<>();
    for (int type = 0; type < 256 && unchanged.size() < 128; type++) {
      if (!g.changed(
          w.withPacket(w.protocol(), w.sourcePort(), w.destinationPort(), type, w.icmpCode()),
          change)) {
        unchanged.add(type);
      }
    }
    if (unchanged.isEmpty() || unchanged.size() >= 128 || unchanged.contains(w.icmpType())) {
      return c;
    }
    Candidate except = c.with(c.packets().exceptIcmpTypes(unchanged));
    return g.uniform(except, change) ? except : c;
  }

  /**
   * Protocol and destination ports: any protocol, else any port, else the widest range around the
   * witness port.
   */
  Candidate widenPackets(Candidate c, Change change, Flow w) {
    Candidate any = c.anyPacket();
    if (c.packets().sourcePort() == null
        && c.packets().icmpType() == null
        && g.uniform(any, change)) {
      return any;
    }
    Candidate others = otherProtocols(c, change);
    if (others != c) {
      return others;
    }
    if (c.packets().port() == null) {
      return otherTypes(c, change, w);
    }
    int p = w.destinationPort();
    Candidate anyPort = c.ports(null);
    // first the run of whole intervals that the evaluators suggest: one check when it holds, and
    // no wider run of whole intervals can (the witness, moved past either end, did not change so)
    Port.Range guess = p < 1 ? null : guessPorts(change, w);
    if (guess != null && guess.min() <= 1 && guess.max() == 65535) {
      if (g.uniform(anyPort, change)) {
        return anyPort;
      }
    } else if (guess != null) {
      Candidate t = c.ports(guess);
      if (g.uniform(t, change)) {
        return t;
      }
    } else if (g.uniform(anyPort, change)) {
      return anyPort;
    }
    // the widest range of whole "elementary" port intervals (between the ports that rules and
    // named ports mention) around the witness port, else a binary search inside its interval
    if (p < 1) {
      return search(c, change, p);
    }
    Port.Range run = run(p, c::ports, cuts, change);
    return run == null ? search(c, change, p) : c.ports(run);
  }

  /**
   * The class's destination ports joined by the other runs of whole intervals (between {@link
   * #cuts}) in which the witness, moved to each interval's first port, changed so: all of them when
   * the solver proves that uniform, else those it proves one by one (the first {@link #RUNS});
   * {@code c} when none. A change at several ranges (failsafe ports between them, a rule's port
   * list) becomes one class.
   */
  Candidate otherRuns(Candidate c, Change change, Flow w) {
    FlowSpec p = c.packets();
    if (p.port() == null || w.destinationPort() == null || w.destinationPort() < 1) {
      return c;
    }
    List<Port.Range> runs = new ArrayList<>();
    int start = -1;
    for (int i = 0; i + 1 < cuts.size(); i++) {
      int lo = Math.max(cuts.get(i), 1);
      int hi = cuts.get(i + 1) - 1;
      boolean ok =
          lo <= hi
              && p.portRanges().stream().noneMatch(r -> r.min() <= hi && lo <= r.max())
              && g.changed(
                  w.withPacket(w.protocol(), w.sourcePort(), lo, w.icmpType(), w.icmpCode()),
                  change);
      if (ok && start < 0) {
        start = lo;
      }
      if (!ok && start >= 0) {
        runs.add(new Port.Range(start, cuts.get(i) - 1));
        start = -1;
      }
    }
    if (start >= 0) {
      runs.add(new Port.Range(start, cuts.get(cuts.size() - 1) - 1));
    }
    if (runs.isEmpty()) {
      return c;
    }
    List<Port.Range> all = new ArrayList<>(p.portRanges());
    all.addAll(runs);
    Candidate t = c.with(p.withPorts(all));
    if (g.uniform(t, change)) {
      return t;
    }
    for (Port.Range r : runs.subList(0, Math.min(runs.size(), RUNS))) {
      List<Port.Range> more = new ArrayList<>(c.packets().portRanges());
      more.add(r);
      t = c.with(c.packets().withPorts(more));
      if (g.uniform(t, change)) {
        c = t;
      }
    }
    return c;
  }

  /**
   * A source port the class pins, widened like a destination port to the widest run of whole
   * intervals (between {@link #sourceCuts}) around the witness's (at a host endpoint the source
   * port matters: a failsafe reply skips the untracked path, spec S6.4); else {@code c}.
   */
  Candidate widenSourcePort(Candidate c, Change change, Flow w) {
    Port.Range pinned = c.packets().sourcePort();
    if (pinned == null || pinned.min() != pinned.max() || w.sourcePort() < 1) {
      return c;
    }
    Port.Range run = run(w.sourcePort(), c::sourcePorts, sourceCuts, change);
    return run == null ? c : c.sourcePorts(run);
  }

  /**
   * The widest run of whole "elementary" port intervals (between {@code cuts}) around {@code p} for
   * which the class {@code at} a range is uniform; null when {@code p}'s own interval is not.
   */
  private Port.Range run(
      int p, Function<Port.Range, Candidate> at, List<Integer> cuts, Change change) {
    List<Integer> cut = new ArrayList<>(cuts);
    int k = java.util.Collections.binarySearch(cut, p + 1);
    int right = k >= 0 ? k : -k - 1; // first cut > p
    int left = right - 1; // last cut <= p
    Function<Port.Range, Boolean> ok = r -> g.uniform(at.apply(r), change);
    if (!ok.apply(new Port.Range(cut.get(left), cut.get(right) - 1))) {
      return null;
    }
    int good = right; // [cut[left], cut[good] - 1] is uniform
    int bad = cut.size();
    for (int step = 1; good + step < cut.size(); step *= 2) {
      if (ok.apply(new Port.Range(cut.get(left), cut.get(good + step) - 1))) {
        good += step;
      } else {
        bad = good + step;
        break;
      }
    }
    while (bad - good > 1) {
      int mid = (good + bad) / 2;
      if (ok.apply(new Port.Range(cut.get(left), cut.get(mid) - 1))) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    int hi = cut.get(good) - 1;
    int low = left; // [cut[low], hi] is uniform
    int below = -1;
    for (int step = 1; low - step >= 0; step *= 2) {
      if (ok.apply(new Port.Range(cut.get(low - step), hi))) {
        low -= step;
      } else {
        below = low - step;
        break;
      }
    }
    while (low - below > 1) {
      int mid = (low + below) / 2;
      if (ok.apply(new Port.Range(cut.get(mid), hi))) {
        low = mid;
      } else {
        below = mid;
      }
    }
    return new Port.Range(cut.get(low), hi);
  }

  /**
   * The run of elementary port intervals (between {@link #cuts}) around the witness's port in which
   * the witness, moved to each interval's first port, changed so: a guess, for the solver to prove.
   */
  Port.Range guessPorts(Change change, Flow w) {
    java.util.function.IntPredicate ok =
        port ->
            g.changed(
                w.withPacket(w.protocol(), w.sourcePort(), port, w.icmpType(), w.icmpCode()),
                change);
    List<Integer> cut = new ArrayList<>(cuts);
    int k = java.util.Collections.binarySearch(cut, w.destinationPort() + 1);
    int hi = k >= 0 ? k : -k - 1; // the first cut above the port: the run ends before cut[hi]
    int lo = hi - 1; // the run starts at cut[lo]
    while (hi < cut.size() - 1 && ok.test(cut.get(hi))) {
      hi++;
    }
    while (lo > 0 && ok.test(cut.get(lo - 1))) {
      lo--;
    }
    return new Port.Range(cut.get(lo), cut.get(hi) - 1);
  }

  /**
   * The widest port range around {@code p} by binary search (hypothetical pods' named ports can be
   * any port).
   */
  private Candidate search(Candidate c, Change change, int p) {
    int hi = p;
    int bad = 65536;
    while (bad - hi > 1) {
      int mid = hi + (bad - hi) / 2;
      Candidate t = c.ports(new Port.Range(p, mid));
      Answer x = g.unchanged(t, change);
      if (x.status() == SolverSession.Status.UNSAT) {
        hi = mid;
      } else {
        Integer at = x.sat() ? x.flow().destinationPort() : null;
        bad = at != null && at > hi ? Math.min(mid, at) : mid;
      }
    }
    int lo = p;
    bad = 0;
    while (lo - bad > 1) {
      int mid = lo - (lo - bad) / 2;
      Candidate t = c.ports(new Port.Range(mid, hi));
      Answer x = g.unchanged(t, change);
      if (x.status() == SolverSession.Status.UNSAT) {
        lo = mid;
      } else {
        Integer at = x.sat() ? x.flow().destinationPort() : null;
        bad = at != null && at < lo ? Math.max(mid, at) : mid;
      }
    }
    return c.ports(new Port.Range(lo, hi));
  }
}
