package dev.tierproof.report;

import dev.tierproof.analysis.End;
import dev.tierproof.eval.Decision;
import dev.tierproof.eval.Reply;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Span;

/** Phrases the text reports share. */
final class Text {

  private Text() {}

  /**
   * An end as the question named it: the endpoint, the domain, {@code world}, the address or range,
   * the selector.
   */
  static String name(End end) {
    if (end instanceof End.Addresses o
        && o.domain() == null
        && o.range() != null
        && o.range().prefix() == o.range().address().bits()) {
      return o.range().address().toString();
    }
    String display = end.display();
    return display.endsWith("{all()}")
        ? display.substring(0, display.length() - "{all()}".length()) + "*"
        : display;
  }

  /**
   * Why no Calico policy sees a loopback flow from {@code source} to {@code destination} (spec
   * S5.6, S6.13), one sentence; null when it is none.
   */
  static String loopback(PolicySet set, Endpoint source, Endpoint destination) {
    if (!set.loopbacks().loopback(source, destination)) {
      return null;
    }
    if (!source.isHost()) {
      return source.ref()
          + "'s packets to its own address never leave the pod: Linux delivers them over its"
          + " loopback interface, so no Calico policy sees them.";
    }
    return "node "
        + source.node()
        + "'s packets to its own addresses never leave the host: Linux delivers them over `lo`, "
        + (set.dataplane() == Dataplane.BPF
            ? "where the eBPF dataplane attaches no program"
            : "which no host endpoint of the node governs (none has `interfaceName: lo` or `*`)")
        + ", so no Calico policy sees them.";
  }

  /** {@code tigera.io (203.0.113.7)}, or just the address when that is the name. */
  static String outside(String name, Ip ip) {
    return name.equals(ip.toString()) ? name : name + " (" + ip + ")";
  }

  /**
   * {@code TCP 10.0.1.5:40000 -> 203.0.113.7:443}, {@code ICMP 10.0.0.1 -> 10.0.0.2 type 8 code 0}.
   */
  static String packet(Flow flow) {
    return flow.packet();
  }

  /** Where the decision is written: the rule, else the policy, else the profile; may be unknown. */
  static Span location(Decision d) {
    if (d.rule() != null && d.rule().span().isKnown()) {
      return d.rule().span();
    }
    if (d.policy() != null) {
      return d.policy().span();
    }
    return d.profile() != null ? d.profile().span() : Span.NONE;
  }

  /**
   * Which step: {@code egress}, {@code ingress}, on a host endpoint's forward chain {@code forward
   * egress}, {@code forward ingress} (spec S6.7), or the local pre-DNAT path {@code pre-DNAT
   * ingress} (S6.12).
   */
  static String side(dev.tierproof.eval.Step s) {
    return (s.local() ? "pre-DNAT " : s.forward() ? "forward " : "") + s.direction().json();
  }

  /** {@code at resources.yaml:88}, or nothing when the position is unknown. */
  static String at(Decision d) {
    Span s = location(d);
    return s.isKnown() ? " at " + s.file() + ":" + s.line() : "";
  }

  /**
   * What decided, as a noun phrase: {@code rule 0 of tier1.policy3 (egress, Allow) at f.yaml:88};
   * for an untracked Allow that needed a reply, with what decided the reply (spec S6.5).
   */
  static String decision(Decision d, Direction dir) {
    Reply r = d.reply();
    return r == null
        ? alone(d, dir)
        : alone(d, dir)
            + ", whose reply "
            + r.packet().packet()
            + " is "
            + (r.step().allowed() ? "allowed" : "denied")
            + " at host endpoint "
            + r.step().endpoint().ref()
            + " "
            + r.step().direction().json()
            + " by "
            + alone(r.step().decidedBy(), r.step().direction());
  }

  private static String alone(Decision d, Direction dir) {
    return switch (d.kind()) {
      case RULE ->
          dir.json()
              + " rule "
              + d.rule().index()
              + " of "
              + d.policy().displayName()
              + " ("
              + d.rule().action().calico()
              + ", tier "
              + d.tier().name()
              + (d.path() == HostPath.NORMAL ? "" : ", " + d.path().json() + " path")
              + ")"
              + at(d);
      case TIER_DEFAULT ->
          "the implicit deny of tier "
              + d.tier().name()
              + (d.path() == HostPath.NORMAL ? "" : " on the " + d.path().json() + " path")
              + " (last policy "
              + d.policy().displayName()
              + at(d)
              + ")";
      case PROFILE ->
          "profile "
              + d.profile().name()
              + " ("
              + dir.json()
              + " rule "
              + d.rule().index()
              + ", "
              + d.rule().action().calico()
              + ")"
              + at(d);
      case NO_PROFILE ->
          "the drop after the last profile (no policy or profile allows"
              + (d.rule() == null
                  ? ")"
                  : "; profile "
                      + d.profile().name()
                      + "'s "
                      + dir.json()
                      + " rule "
                      + d.rule().index()
                      + " passed on to the next profile)"
                      + at(d));
      case FAILSAFE -> "a failsafe port of the host endpoint";
      case INVALID ->
          "conntrack, which holds no connection for it (INVALID: the packet it answers was not"
              + " tracked) and drops it whatever pre-DNAT and normal policy say";
      case FORWARDED ->
          "the host endpoint's forward chain, where nothing drops the packet (Calico does not"
              + " drop it)";
      case OWN_NODE ->
          "no policy: a node's traffic with its own workloads (Felix polices only a workload's"
              + " egress toward its host, then accepts: DefaultEndpointToHostAction Accept)";
    };
  }

  static String verdict(boolean allowed) {
    return allowed ? "allow" : "deny";
  }
}
