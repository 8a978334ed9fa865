package dev.tierproof.report;

import dev.tierproof.analysis.lint.Example;
import dev.tierproof.analysis.lint.Finding;
import dev.tierproof.analysis.lint.RuleRef;
import dev.tierproof.eval.Decision;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Scope;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What a lint finding says, in words: the message, its example and its details (all formats). */
final class LintMessages {

  private LintMessages() {}

  // ---------------------------------------------------------------------------------------------
  // messages

  /** One sentence on the finding (no example), as every format shows it. */
  public static String message(Finding f, Scope scope) {
    if (f instanceof Finding.UnmatchableRule u) {
      return rule(u.rule()) + " can never match: " + u.detail();
    }
    if (f instanceof Finding.ShadowedRule s) {
      String covers =
          s.coveredBy().stream().map(LintMessages::cover).collect(Collectors.joining(" and "));
      String out =
          rule(s.rule())
              + " is never reached: "
              + covers
              + (s.coveredBy().size() == 1 ? " decides" : " decide")
              + " every packet it matches first";
      if (s.conflict()) {
        out +=
            ", and "
                + (s.coveredBy().size() == 1 ? "it acts" : "they act")
                + " differently, so this rule was probably meant to apply";
      }
      return out;
    }
    if (f instanceof Finding.RedundantRule r) {
      return rule(r.rule())
          + " is redundant: without it, every packet it takes gets the same verdict at every step the rule is on";
    }
    if (f instanceof Finding.DeadPolicy d) {
      return switch (d.reason()) {
        case SELECTS_NOTHING ->
            "policy "
                + d.policy().displayName()
                + " selects no endpoint"
                + (scope == Scope.EXISTING ? " of the input" : " that could exist")
                + ": `"
                + d.policy().selector().canonical()
                + "`";
        case ALL_INTERFACES ->
            "policy "
                + d.policy().displayName()
                + " is `doNotTrack` and selects only all-interfaces host endpoints (`interfaceName:"
                + " \"*\"`), whose untracked policy Felix ignores";
        case NO_GOVERNED_RULES ->
            "none of the rules of policy "
                + d.policy().displayName()
                + " apply: its types are "
                + types(d.policy())
                + " but it has only "
                + ruleDirections(d.policy())
                + " rules";
      };
    }
    if (f instanceof Finding.DeadTier t) {
      if (t.policies().isEmpty()) {
        return "tier " + t.tier().name() + " has no policies";
      }
      return "tier "
          + t.tier().name()
          + " is dead: none of its policies selects an endpoint"
          + (scope == Scope.EXISTING ? " of the input" : " that could exist")
          + " ("
          + t.policies().stream().map(Policy::displayName).collect(Collectors.joining(", "))
          + ")";
    }
    if (f instanceof Finding.DirectionNotGoverned g) {
      return "policy "
          + g.policy().displayName()
          + " has "
          + g.rules()
          + " "
          + g.direction().json()
          + " rule"
          + (g.rules() == 1 ? "" : "s")
          + " but its types are "
          + types(g.policy())
          + ": they never apply";
    }
    if (f instanceof Finding.PassToProfile p) {
      Decision d = p.example().step().decidedBy();
      return "traffic "
          + p.rule().display()
          + " passes reaches no later tier that decides and is allowed by profile "
          + (d.profile() != null ? d.profile().name() : "?")
          + " (Pass is not Deny)";
    }
    if (f instanceof Finding.LogOnlyDenies l) {
      return "policy "
          + l.policy().displayName()
          + " has only Log "
          + l.direction().json()
          + " rules, yet the endpoints it selects enter tier "
          + l.tier().name()
          + ", whose implicit deny drops what it logs";
    }
    if (f instanceof Finding.GnpSelectsHosts g) {
      String what =
          g.hosts().isEmpty()
              ? "host endpoints that could exist (its selector does not require a namespace)"
              : "host endpoint"
                  + (g.hosts().size() == 1 ? " " : "s ")
                  + g.hosts().stream().map(Endpoint::ref).limit(5).collect(Collectors.joining(", "))
                  + (g.hosts().size() > 5 ? ", ..." : "");
      return "GlobalNetworkPolicy "
          + g.policy().displayName()
          + " also selects "
          + what
          + ": `"
          + g.policy().selector().canonical()
          + "`";
    }
    if (f instanceof Finding.EqualPriorityOverlap e) {
      return e.rule().policy().kind().written()
          + " "
          + e.rule().policy().displayName()
          + " has the priority of "
          + e.other().policy().displayName()
          + " ("
          + String.format(java.util.Locale.ROOT, "%.0f", e.rule().policy().order())
          + ") and its "
          + e.rule().direction().json()
          + " rule "
          + e.rule().index()
          + " matches what "
          + e.other().direction().json()
          + " rule "
          + e.other().index()
          + " of "
          + e.other().policy().displayName()
          + " matches, e.g. "
          + Text.packet(e.example().flow())
          + " at "
          + e.example().at().ref()
          + ": the standard leaves which applies undefined (Calico takes "
          + e.other().policy().displayName()
          + " first, by name)";
    }
    if (f instanceof Finding.CatchAllNotNets c) {
      return c.rule().display()
          + " has `"
          + c.cidr()
          + "` in `notNets`, so it matches no "
          + (c.cidr().family() == 4 ? "IPv4" : "IPv6")
          + " address; Calico 3.31 and later reject the policy";
    }
    if (f instanceof Finding.StagedWouldChange s) {
      return "staged policy "
          + s.policy().displayName()
          + " would change verdicts if enforced: "
          + s.changes().stream()
              .map(
                  e ->
                      Text.packet(e.flow())
                          + " "
                          + e.direction().json()
                          + " at "
                          + e.at().ref()
                          + " "
                          + Text.verdict(e.step().allowed())
                          + " -> "
                          + Text.verdict(e.changed().allowed()))
              .collect(Collectors.joining("; "));
    }
    if (f instanceof Finding.NegationMatchesOutside n) {
      String side = n.rule().direction() == Direction.INGRESS ? "source" : "destination";
      return rule(n.rule())
          + " matches traffic "
          + (n.rule().direction() == Direction.INGRESS ? "from" : "to")
          + " outside the cluster: its "
          + side
          + " has only "
          + (n.notSelector() ? "`notSelector`" : "`notNets`");
    }
    Finding.Inconclusive i = (Finding.Inconclusive) f;
    String subject = i.rule() != null ? i.rule().display() : "policy " + i.policy().displayName();
    return "inconclusive: " + subject + ": " + i.question() + " (" + i.reason() + ")";
  }

  static String rule(RuleRef r) {
    return r.display() + " (" + r.action().calico() + ")";
  }

  static String cover(Finding.Cover c) {
    if (c.rule() != null) {
      return c.rule().display()
          + " ("
          + c.rule().action().calico()
          + (c.rule().tier() != null ? ", tier " + c.rule().tier().name() : "")
          + (c.rule().policy() != null && HostPath.of(c.rule().policy()) != HostPath.NORMAL
              ? ", " + HostPath.of(c.rule().policy()).json() + " path"
              : "")
          + ")";
    }
    if (c.tierDefault() != null) {
      return "the implicit deny of tier " + c.tierDefault().name();
    }
    if (c.example() != null && c.example().step().forward()) {
      return "Felix's failsafe handling on the host endpoint's forward chain (a packet to an inbound"
          + " failsafe port skips the pre-DNAT path)";
    }
    return "Felix's failsafe handling at the host endpoint (its failsafe ports, and their replies,"
        + " which skip the untracked path)";
  }

  static String types(Policy p) {
    return "["
        + java.util.stream.Stream.of(Direction.values())
            .filter(p::governs)
            .map(Direction::calico)
            .collect(Collectors.joining(", "))
        + "]";
  }

  static String ruleDirections(Policy p) {
    return java.util.stream.Stream.of(Direction.values())
        .filter(d -> !p.rules(d).isEmpty())
        .map(Direction::json)
        .collect(Collectors.joining(" and "));
  }

  /**
   * {@code e.g. TCP 10.0.1.5:40000 -> 10.0.2.7:80 at ingress of shop/web-0: decided by ...}; on a
   * side of a host endpoint's forward chain {@code at forward ingress of n1} (spec S6.11).
   */
  static String example(Example e) {
    if (e == null) {
      return "no example (the solver could not decide)";
    }
    String out =
        Text.packet(e.flow())
            + " at "
            + Text.side(e.step())
            + " of "
            + e.at().ref()
            + ": "
            + Text.verdict(e.step().allowed())
            + " by "
            + Text.decision(e.step().decidedBy(), e.direction());
    if (e.changed() != null) {
      out +=
          "; "
              + (e.step().allowed() == e.changed().allowed() ? "without it, also " : "changed: ")
              + Text.verdict(e.changed().allowed())
              + " by "
              + Text.decision(e.changed().decidedBy(), e.direction());
    }
    return out;
  }

  /** The examples of a finding, with labels. */
  static List<String> details(Finding f) {
    List<String> out = new ArrayList<>();
    if (f instanceof Finding.ShadowedRule s) {
      out.add("e.g. " + example(s.example()));
      for (Finding.Cover c : s.coveredBy()) {
        out.add(
            "covered by "
                + cover(c)
                + at(c.location())
                + (c.example() != null ? ", e.g. " + example(c.example()) : ""));
      }
    } else if (f instanceof Finding.RedundantRule r) {
      out.add("e.g. " + example(r.example()));
    } else if (f instanceof Finding.PassToProfile p) {
      out.add("e.g. " + example(p.example()));
    } else if (f instanceof Finding.LogOnlyDenies l) {
      out.add("e.g. " + example(l.example()));
    } else if (f instanceof Finding.NegationMatchesOutside n) {
      out.add("e.g. " + example(n.example()));
    }
    return out;
  }

  static String at(Span s) {
    return s.isKnown() ? " at " + s.file() + ":" + s.line() : "";
  }
}
