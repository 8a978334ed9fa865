package dev.tierproof.report;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.End;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.ProfileEntry;
import dev.tierproof.eval.Reply;
import dev.tierproof.eval.Step;
import dev.tierproof.eval.TraceEntry;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Action;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Site;
import dev.tierproof.model.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The answer to {@code explain}: one flow's verdict and, per enforcement point, how the tiers,
 * policies and profiles reached it. Text reads as an expert's answer; JSON is design.md §2 "explain
 * JSON" exactly.
 */
public final class ExplainReport {

  private ExplainReport() {}

  /**
   * What explain shows: the flow, its verdict, the ends as the question named them ({@code world},
   * {@code tigera.io}, a selector) and {@code notes} (made-up addresses); {@code placed}, for a
   * workload naming no node, the same packet in each other placement that can change its answer
   * ({@code eval.Evaluator#placements}): on the host endpoint's node (spec S6.12), or for a flow
   * with outside on each node whose forward chain is walked (S6.11); {@code masqueraded}, where the
   * input settles nat-outgoing's masquerade, the verdict from each of the node's addresses (S6.10).
   */
  public record Explanation(
      PolicySet set,
      End source,
      End destination,
      Flow flow,
      Verdict verdict,
      List<String> notes,
      List<Placed> placed,
      List<dev.tierproof.analysis.Masquerading.Translation> masqueraded) {
    public Explanation {
      notes = List.copyOf(notes);
      placed = List.copyOf(placed);
      masqueraded = List.copyOf(masqueraded);
    }

    public Explanation(
        PolicySet set,
        End source,
        End destination,
        Flow flow,
        Verdict verdict,
        List<String> notes,
        List<Placed> placed) {
      this(set, source, destination, flow, verdict, notes, placed, List.of());
    }

    public Explanation(
        PolicySet set,
        End source,
        End destination,
        Flow flow,
        Verdict verdict,
        List<String> notes) {
      this(set, source, destination, flow, verdict, notes, List.of());
    }
  }

  /**
   * A flow in its other placement, its verdict, and what could change that verdict there ({@code
   * caveat}: inconclusive when an unmodelled element reaches the flow so placed, spec S9.3).
   */
  public record Placed(Flow flow, Verdict verdict, Caveat caveat) {}

  /**
   * The explanation in {@code format}. Text names the ends as the question did and lists {@code
   * notes}; JSON has neither.
   */
  public static String render(
      Format format,
      PolicySet set,
      End source,
      End destination,
      Flow flow,
      Verdict verdict,
      List<String> notes) {
    return render(
        format, new Explanation(set, source, destination, flow, verdict, notes), Caveat.NONE);
  }

  /**
   * As above; the verdict stands as evaluated, and {@code caveat} names what could make it wrong
   * (text: at the end; JSON: {@code unmodelled} or {@code ignoredUnmodelled}).
   */
  public static String render(Format format, Explanation e, Caveat caveat) {
    return switch (format) {
      case TEXT -> text(e, caveat);
      case JSON -> {
        var out = Json.explanation(e.flow(), e.verdict());
        if (e.set().loopbacks().loopback(e.flow())) {
          out.put("loopback", true); // spec S5.6, S6.13: no step sees it (additive)
        }
        var walked = out.arrayNode();
        for (Placed p : e.placed()) {
          var x = Json.explanation(p.flow(), p.verdict());
          Caveats.elements(x, p.caveat()); // spec S9.4: each placement's own
          if (p.flow().local()) {
            // spec S6.12: the verdict with the workload on the host endpoint's node (additive)
            out.set("onHostNode", x);
          } else {
            // spec S6.10, S6.11: the verdict with the workload on a node whose forward chain is
            // walked; of two workloads naming no node, each end's node (null: elsewhere)
            Flow f = p.flow();
            var note = out.objectNode();
            if (Flow.betweenWorkloads(f.source(), f.destination())) {
              // node: of the end naming no node placed on one (the source's when both are)
              note.put("node", f.placedOn(true) != null ? f.placedOn(true) : f.placedOn(false));
              note.put("sourceNode", f.placedOn(true));
              note.put("destinationNode", f.placedOn(false));
            } else {
              note.put("node", f.placement());
            }
            // spec S6.10: the interfaces the packet so placed crosses ("*": another interface)
            if (f.sourceInterface() != null) {
              note.put("sourceInterface", f.sourceInterface());
            }
            if (f.destinationInterface() != null) {
              note.put("destinationInterface", f.destinationInterface());
            }
            walked.add(note.setAll(x));
          }
        }
        if (!walked.isEmpty()) {
          out.set("onWalkedNodes", walked);
        }
        // spec S6.10: a settled masquerade's verdict from each of the node's addresses (additive)
        var masqueraded = out.arrayNode();
        for (var m : e.masqueraded()) {
          var x = out.objectNode().put("node", m.node());
          masqueraded.add(x.setAll(Json.explanation(m.flow(), m.verdict())));
        }
        if (!masqueraded.isEmpty()) {
          out.set("masqueraded", masqueraded);
        }
        Caveats.json(out, caveat);
        yield Json.write(out);
      }
      default ->
          throw new IllegalArgumentException("this report has no " + format.key() + " format");
    };
  }

  /**
   * The verdict line, the notes, then a paragraph per step: the entered tiers in order with what
   * each policy did, the tiers skipped on the way, the tier default or profile that ended it, and
   * the location of the deciding rule.
   */
  static String text(Explanation e, Caveat caveat) {
    List<String> out =
        new ArrayList<>(
            lines(e.set(), e.source(), e.destination(), e.flow(), e.verdict(), e.notes()));
    List<String> caveats = Caveats.lines(caveat);
    if (!caveats.isEmpty()) {
      out.add("");
      out.add(
          caveat.inconclusive()
              ? "inconclusive: this verdict may be wrong: the input holds what tierproof does not model, and it acts on"
                  + " this flow's path (--ignore-unmodelled to ignore it):"
              : caveats.get(0));
      out.addAll(caveats.subList(1, caveats.size()));
    }
    return String.join("\n", out) + "\n";
  }

  static List<String> lines(
      PolicySet set, End source, End destination, Flow flow, Verdict verdict, List<String> notes) {
    String from = Text.name(source);
    String to = Text.name(destination);
    List<String> out = new ArrayList<>();
    String where =
        verdict.steps().stream()
            .filter(s -> !s.allowed())
            .findFirst()
            .map(s -> ", denied at " + Text.side(s) + " of " + s.endpoint().ref())
            .orElse("");
    out.add(
        Text.verdict(verdict.allowed())
            + ": "
            + from
            + flow.onNode(true)
            + " -> "
            + to
            + flow.onNode(false)
            + " ("
            + Text.packet(flow)
            + ")"
            + where);
    notes.forEach(n -> out.add("note: " + n));
    if (flow.source() == null) {
      out.add("");
      out.add(
          Text.outside(from, flow.sourceIp())
              + " is outside the cluster: no policy applies to its egress.");
    }
    String loopback = Text.loopback(set, flow.source(), flow.destination());
    if (loopback != null) { // spec S5.6, S6.13
      out.add("");
      out.add(loopback);
    }
    for (Step step : verdict.steps()) {
      out.add("");
      out.add(
          Text.side(step) + " at " + step.endpoint().ref() + ": " + Text.verdict(step.allowed()));
      String masqueraded = StepNotes.masqueraded(set, flow, step);
      if (masqueraded != null) {
        out.add("  " + masqueraded);
      }
      for (String sentence : sentences(set, flow, step)) {
        out.add("  " + sentence);
      }
    }
    if (flow.destination() == null) {
      out.add("");
      out.add(
          Text.outside(to, flow.destinationIp())
              + " is outside the cluster: no policy applies to its ingress.");
    }
    return out;
  }

  /**
   * What a side of a host endpoint's forward chain is (spec S6.7, S6.11), and on its ingress side
   * whether an inbound failsafe port skips the pre-DNAT path.
   */
  private static List<String> forward(PolicySet set, Flow flow, Step step) {
    Endpoint at = step.endpoint();
    List<String> out = new ArrayList<>();
    // spec S6.7.1: a named host endpoint's untracked path leads its ingress side
    boolean raw =
        step.direction() == Direction.INGRESS
            && set.policies().stream()
                .anyMatch(
                    p ->
                        HostPath.of(p) == HostPath.UNTRACKED
                            && Evaluator.applies(p, at, Direction.INGRESS, null));
    out.add(
        "Host endpoint "
            + at.ref()
            + " of node "
            + at.node()
            + (at.allInterfaces()
                ? " is of all interfaces (the default of those without a named one)"
                : " governs interface "
                    + dev.tierproof.model.Ports.describe(dev.tierproof.model.Ports.key(at)))
            + ", so the packet the node forwards "
            + (step.direction() == Direction.INGRESS ? "in by" : "out by")
            + " it meets "
            + (step.direction() != Direction.INGRESS
                ? "its egress forward path."
                : raw
                    ? "its untracked path, then its pre-DNAT path, then (unless either allowed)"
                        + " its ingress forward path."
                    : "its pre-DNAT path, then (unless that allowed) its ingress forward path.")
            + (raw
                ? " Only policies with applyOnForward (and preDNAT and doNotTrack ones on ingress)"
                    + " act here."
                : " Only policies with applyOnForward (and preDNAT ones on ingress) act here."));
    if (raw
        && set.forwardFailsafe()
        && !set.failsafe().allows(step.endpoint().node(), Direction.INGRESS, flow)
        && set.failsafe().reply(step.endpoint().node(), Direction.INGRESS, flow)) {
      // spec S6.7.1
      out.add(
          Protocols.name(flow.protocol())
              + " source port "
              + flow.sourcePort()
              + " is a failsafe port of the other direction: the raw table accepts the packet"
              + " before the untracked path, which it skips.");
    }
    if (step.direction() == Direction.INGRESS
        && set.failsafe().allows(step.endpoint().node(), Direction.INGRESS, flow)) {
      out.add(
          Protocols.name(flow.protocol())
              + " port "
              + flow.destinationPort()
              + (set.forwardFailsafe()
                  ? raw
                      ? " is a failsafe inbound port: the raw and mangle tables accept it before"
                          + " the untracked and pre-DNAT paths, which it skips; the forward path"
                          + " still applies."
                      : " is a failsafe inbound port: the mangle table accepts it before the"
                          + " pre-DNAT path, which it skips; the forward path still applies."
                  : " is a failsafe inbound port, but the eBPF dataplane checks failsafe ports"
                      + " only on the host's own traffic: the pre-DNAT path applies."));
    }
    return out;
  }

  /**
   * What the local pre-DNAT path is (spec S6.12), and whether the packet skips it (an inbound
   * failsafe port; on eBPF an ICMPv6 host-discovery message).
   */
  private static String local(PolicySet set, Flow flow, Step step) {
    String skip =
        set.forwardFailsafe()
            ? set.failsafe().allows(step.endpoint().node(), Direction.INGRESS, flow)
                ? " "
                    + Protocols.name(flow.protocol())
                    + " port "
                    + flow.destinationPort()
                    + " is a failsafe inbound port: the mangle table accepts it before that path,"
                    + " which it skips."
                : ""
            : Protocols.hostDiscovery(flow)
                ? " The eBPF dataplane lets ICMPv6 type "
                    + flow.icmpType()
                    + " through before any policy: it skips that path."
                : "";
    return flow.source().ref()
        + "'s packet to its own host comes in by its own interface, whose pre-DNAT dispatch"
        + " defaults to host endpoint "
        + step.endpoint().ref()
        + " (of all interfaces): it meets that endpoint's pre-DNAT path before its egress policy"
        + " (an Allow there goes on to it, a Deny drops)."
        + skip;
  }

  /** Why a local flow's step at {@code at} is not walked (spec S6.12). */
  private static String ownNode(Flow flow, Endpoint at, Direction dir) {
    Endpoint host = flow.source().isHost() ? flow.source() : flow.destination();
    Endpoint workload = host == flow.source() ? flow.destination() : flow.source();
    String where =
        workload.ref()
            + (workload.node() == null ? " is placed on node " : " is on node ")
            + host.node()
            + ", the node of host endpoint "
            + host.ref()
            + ": ";
    if (host == flow.source()) {
      return where
          + "Felix does not police a host's packets to its own workloads (neither the host"
          + " endpoint's egress nor the workload's ingress policy sees them).";
    }
    if (dir == Direction.EGRESS) {
      return where
          + "Felix accepts ICMPv6 type "
          + flow.icmpType()
          + " from a workload to its host before the workload's egress policy.";
    }
    return where
        + "a workload's packets to its own host meet its egress policy, then Felix's"
        + " DefaultEndpointToHostAction (Accept, as Calico's manifests and operator set it),"
        + " never the host endpoint's policy.";
  }

  private static List<String> sentences(PolicySet set, Flow flow, Step step) {
    Endpoint at = step.endpoint();
    Direction dir = step.direction();
    Decision decision = step.decidedBy();
    String who = at.ref();
    List<String> out = new ArrayList<>();
    if (decision.kind() == Decision.Kind.FAILSAFE) {
      out.add(
          Protocols.name(flow.protocol())
              + " port "
              + flow.destinationPort()
              + " is a failsafe "
              + (dir == Direction.INGRESS ? "inbound" : "outbound")
              + " port of host endpoint "
              + who
              + StepNotes.failsafeNet(set, at, dir, flow)
              + ": allowed before any policy.");
      return out;
    }
    if (step.local()) {
      out.add(local(set, flow, step));
    }
    if (decision.kind() == Decision.Kind.OWN_NODE && (!step.local() || step.trace().isEmpty())) {
      out.add(step.local() ? "Nothing there decides: the packet goes on." : ownNode(flow, at, dir));
      return out;
    }
    List<Tier> tiers = set.tiers();
    if (step.forward() && !step.local()) {
      out.addAll(forward(set, flow, step));
    } else if (at.isHost()
        && set.failsafe().reply(at.node(), dir, flow)
        && tiers.stream()
            .flatMap(t -> t.policies().stream())
            .anyMatch(
                p ->
                    HostPath.of(p) == HostPath.UNTRACKED
                        && Evaluator.applies(p, at, dir, set.dataplane()))) {
      // spec S6.4
      out.add(
          Protocols.name(flow.protocol())
              + " source port "
              + flow.sourcePort()
              + " is a failsafe port of the other direction: "
              + (set.dataplane() == dev.tierproof.model.Dataplane.BPF && dir == Direction.INGRESS
                  ? "XDP"
                  : "the raw table")
              + " takes the packet for a reply and skips the untracked path.");
    }
    String unmapped = at.isHost() ? StepNotes.unmapped(set, at, dir, flow) : null;
    if (unmapped != null) {
      out.add(unmapped); // spec S6.2
    }
    List<String> ignored =
        at.site() != Site.ALL_INTERFACES
                || step.forward()
                || HostPath.of(at.site(), dir, set.dataplane()).contains(HostPath.UNTRACKED)
            ? List.of()
            : tiers.stream()
                .flatMap(t -> t.policies().stream())
                .filter(
                    p ->
                        HostPath.of(p) == HostPath.UNTRACKED
                            && HostPath.enforced(p, Site.HOST, dir)
                            && p.selector().matches(at.labels()))
                .map(Policy::displayName)
                .toList();
    if (!ignored.isEmpty()) {
      // spec S6.6
      out.add(
          "Untracked "
              + (ignored.size() == 1 ? "policy " : "policies ")
              + String.join(", ", ignored)
              + (ignored.size() == 1 ? " selects " : " select ")
              + who
              + ", an all-interfaces host endpoint, for which "
              + skipper(set.dataplane())
              + " programs no untracked policy: skipped.");
    }
    int next = 0;
    int i = 0;
    List<TraceEntry> trace = step.trace();
    while (i < trace.size()) {
      Tier tier = trace.get(i).tier();
      HostPath path = trace.get(i).path();
      int index = indexOf(tiers, tier);
      if (path == HostPath.NORMAL && !step.forward()) {
        skipped(tiers.subList(next, Math.max(next, index)), at, dir).ifPresent(out::add);
        next = index + 1;
      }
      List<String> phrases = new ArrayList<>();
      boolean ended = false;
      for (;
          i < trace.size()
              && trace.get(i).tier().name().equals(tier.name())
              && trace.get(i).path() == path;
          i++) {
        TraceEntry t = trace.get(i);
        if (!t.policy().governs(dir)) {
          continue; // a policy of the other direction only says nothing about this step
        }
        phrases.add(phrase(t, at, dir, phrases.isEmpty()));
        ended |=
            t.outcome() != TraceEntry.Outcome.NO_MATCH
                && t.outcome() != TraceEntry.Outcome.NOT_SELECTED
                && t.outcome() != TraceEntry.Outcome.STAGED;
      }
      String where =
          path == HostPath.NORMAL ? tier.name() : tier.name() + " (" + path.json() + " path)";
      String sentence = "In " + where + ", " + String.join("; ", phrases) + ".";
      if (decision.kind() == Decision.Kind.TIER_DEFAULT
          && decision.tier().name().equals(tier.name())
          && decision.path() == path) {
        sentence +=
            " No rule of "
                + tier.name()
                + " matched, so "
                + tier.name()
                + "'s implicit deny drops it (last policy: "
                + decision.policy().displayName()
                + ").";
      } else if (!ended) {
        sentence +=
            " No rule of "
                + tier.name()
                + (path.endsInDefault()
                    ? " matched; its default action Pass moves on to the next tier."
                    : " matched; off the normal path the end of a tier moves on.");
      }
      out.add(sentence);
    }
    boolean entered = !trace.isEmpty();
    if (decision.kind() == Decision.Kind.OWN_NODE) {
      out.add("Nothing on the pre-DNAT path decided: the packet goes on."); // spec S6.12
    }
    if (decision.kind() == Decision.Kind.FORWARDED) {
      // spec S6.8
      out.add(
          entered
              ? "Nothing on the chain dropped the packet: it returns without a verdict, and Calico"
                  + " does not drop it."
              : "No policy applies here, and Calico allows forwarded traffic by default.");
    }
    if (decision.kind() == Decision.Kind.PROFILE || decision.kind() == Decision.Kind.NO_PROFILE) {
      if (entered) {
        skipped(tiers.subList(next, tiers.size()), at, dir).ifPresent(out::add);
      }
      String lead =
          entered ? "No tier decided" : "No policy applies to " + who + "'s " + dir.json();
      if (step.profiles().size() > 1) {
        out.add(lead + "; " + profiles(set, dir, step.profiles(), decision));
      } else if (decision.kind() == Decision.Kind.PROFILE) {
        Action action = decision.rule().action();
        String does =
            action == Action.ALLOW
                ? "allows"
                : action == Action.PASS ? "passes, which a profile treats as deny" : "denies";
        out.add(lead + "; profile " + decision.profile().name() + " " + does + ".");
      } else if (decision.rule() != null) {
        // spec S4.6: Felix's rule renderer goes on after a profile's Pass
        out.add(
            lead
                + "; profile "
                + decision.profile().name()
                + " passes (its "
                + dir.json()
                + " rule "
                + decision.rule().index()
                + "), which on the "
                + set.dataplane().label()
                + " dataplane goes on to the next profile, and no later profile allows, so it is"
                + " dropped.");
      } else {
        out.add(lead + " and " + who + " has no profile that allows, so it is dropped.");
      }
    }
    Reply r = decision.reply();
    if (r != null) {
      // spec S6.5
      out.add(
          "The untracked Allow leaves the connection untracked, so its reply "
              + r.packet().packet()
              + " meets "
              + r.step().direction().json()
              + " at "
              + who
              + " as a packet of its own: "
              + Text.verdict(r.step().allowed())
              + ".");
      sentences(set, r.packet(), r.step()).forEach(x -> out.add("  " + x));
    }
    out.add("Decided by " + Text.decision(decision, dir) + ".");
    return out;
  }

  /**
   * The profiles a step walked, in order, as the trace holds them (spec S4.6), e.g. {@code profile
   * kns.shop passes (its ingress rule 1), so the iptables dataplane goes on to profile X, which
   * allows (its ingress rule 2).}: a profile without a matching rule, or whose Pass Felix's rule
   * renderer takes on, hands the packet to the next; after the last, nothing allowed it.
   */
  private static String profiles(
      PolicySet set, Direction dir, List<ProfileEntry> walked, Decision decision) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < walked.size(); k++) {
      ProfileEntry p = walked.get(k);
      if (k == 0) {
        out.append("profile ").append(p.profile().name()).append(' ');
      } else {
        out.append(
                walked.get(k - 1).outcome() == TraceEntry.Outcome.PASS
                    ? ", so the " + set.dataplane().label() + " dataplane goes on to profile "
                    : ", so the walk goes on to profile ")
            .append(p.profile().name())
            .append(", which ");
      }
      String rule = " (its " + dir.json() + " rule " + p.ruleIndex() + ")";
      out.append(
          switch (p.outcome()) {
            case ALLOW -> "allows" + rule;
            case DENY -> "denies" + rule;
            case PASS ->
                "passes"
                    + rule
                    + (decision.kind() == Decision.Kind.PROFILE && k == walked.size() - 1
                        ? ", which "
                            + (set.dataplane() == null
                                ? "a profile"
                                : "the " + set.dataplane().label() + " dataplane")
                            + " treats as deny"
                        : "");
            default -> "has no matching " + dir.json() + " rule";
          });
    }
    return out
        + (decision.kind() == Decision.Kind.NO_PROFILE
            ? ", and no profile is left, so it is dropped."
            : ".");
  }

  /**
   * Who leaves out untracked policy on an all-interfaces host endpoint (spec S6.6): the chosen
   * dataplane, or Felix's iptables and nftables dataplanes as tierproof models them.
   */
  private static String skipper(dev.tierproof.model.Dataplane d) {
    if (d == null) {
      return "Felix";
    }
    return d.renderer()
        ? "Felix's " + d.label() + " dataplane (--dataplane " + d.label() + ")"
        : "Felix's iptables and nftables dataplanes (the eBPF dataplane enforces it; unmodelled)";
  }

  /**
   * What one policy did, e.g. {@code tier1.policy3 scopes shop/podA and its egress rule 0 allows}.
   */
  private static String phrase(TraceEntry t, Endpoint at, Direction dir, boolean first) {
    Policy p = t.policy();
    String kind = p.kind().written() != null ? p.kind().written() + " " : "policy ";
    String name = (first ? kind : "") + p.displayName();
    String who = at.ref();
    String rule = "its " + dir.json() + " rule " + t.ruleIndex();
    return switch (t.outcome()) {
      case NOT_SELECTED ->
          p.doNotTrack() || p.preDnat()
              ? name
                  + " is "
                  + (p.doNotTrack() ? "doNotTrack" : "preDNAT")
                  + " (not on this path) and is skipped"
              : name + " does not scope " + who + " and is skipped";
      case STAGED -> name + " is staged and never enforced";
      case NO_MATCH ->
          p.rules(dir).isEmpty()
              ? name + " scopes " + who + " but has no " + dir.json() + " rules"
              : name + " scopes " + who + " but no " + dir.json() + " rule matches";
      case ALLOW -> name + " scopes " + who + " and " + rule + " allows";
      case DENY -> name + " scopes " + who + " and " + rule + " denies";
      case PASS -> name + " scopes " + who + " and " + rule + " passes to the next tier";
    };
  }

  /**
   * {@code Tier tier2 has no egress policy for shop/podA and is skipped.} for tiers with policies.
   */
  private static java.util.Optional<String> skipped(List<Tier> tiers, Endpoint at, Direction dir) {
    List<String> names =
        tiers.stream()
            .filter(t -> !t.policies().isEmpty())
            .filter(
                t ->
                    t.policies().stream()
                        .noneMatch(
                            p ->
                                HostPath.of(p) == HostPath.NORMAL
                                    && Evaluator.applies(p, at, dir, null)))
            .map(Tier::name)
            .collect(Collectors.toList());
    if (names.isEmpty()) {
      return java.util.Optional.empty();
    }
    String subject =
        names.size() == 1
            ? "Tier " + names.get(0) + " has"
            : "Tiers " + String.join(", ", names) + " have";
    return java.util.Optional.of(
        subject
            + " no "
            + dir.json()
            + " policy for "
            + at.ref()
            + " and "
            + (names.size() == 1 ? "is" : "are")
            + " skipped.");
  }

  private static int indexOf(List<Tier> tiers, Tier tier) {
    for (int k = 0; k < tiers.size(); k++) {
      if (tiers.get(k).name().equals(tier.name())) {
        return k;
      }
    }
    return tiers.size();
  }
}
