package dev.tierproof.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.HostPath;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Protocols;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reply of an untracked Allow in eval's walk (specs/semantics.md S6.5). */
class UntrackedReplyTest {

  private static final PolicySet SET = UntrackedReplyTestData.set();
  private static final Evaluator EVAL = new Evaluator(SET);
  private static final Endpoint H = SET.endpoints().get(0);
  private static final Ip HIP = Ip.parse("10.9.0.1").orElseThrow();
  private static final Ip FAR = Ip.parse("203.0.113.9").orElseThrow();

  private static Flow out(int protocol, Integer sport, Integer dport, Integer type, Integer code) {
    return Flow.between(protocol, HIP, sport, FAR, dport, type, code, null, H, null);
  }

  private static Step egress(Flow f) {
    return EVAL.evaluate(f).steps().get(0);
  }

  @Test
  void reply_portsAndAddressesSwapped_echoRequestAnswered() {
    Flow tcp = out(Protocols.TCP, 40000, 443, null, null);
    Flow back = tcp.reply();
    assertThat(List.of(back.sourceIp(), back.sourcePort(), back.destinationIp()))
        .containsExactly(FAR, 443, HIP);
    assertThat(back.destinationPort()).isEqualTo(40000);
    assertThat(back.destination()).isSameAs(H);
    assertThat(back.source()).isNull();
    Flow echo = out(Protocols.ICMP, null, null, 8, 0).reply();
    assertThat(List.of(echo.icmpType(), echo.icmpCode())).containsExactly(0, 0);
    Flow echo6 =
        Flow.between(
                Protocols.ICMPV6,
                Ip.parse("fd00::1").orElseThrow(),
                null,
                Ip.parse("fd00::2").orElseThrow(),
                null,
                128,
                0,
                null,
                null,
                null)
            .reply();
    assertThat(echo6.icmpType()).isEqualTo(129);
    assertThat(out(Protocols.ICMP, null, null, 3, 1).reply()).isNull(); // needs no reply
    Flow gre = out(47, null, null, null, null).reply();
    assertThat(List.of(gre.sourceIp(), gre.destinationIp())).containsExactly(FAR, HIP);
  }

  @Test
  void walk_untrackedReplyAllowed_allows() {
    Step s = egress(out(Protocols.TCP, 40000, 443, null, null));
    assertThat(s.allowed()).isTrue();
    Reply r = s.decidedBy().reply();
    assertThat(r).isNotNull();
    assertThat(r.step().direction()).isEqualTo(dev.tierproof.model.Direction.INGRESS);
    assertThat(r.step().decidedBy().kind()).isEqualTo(Decision.Kind.RULE);
    assertThat(r.step().decidedBy().policy().name()).isEqualTo("raw");
  }

  @Test
  void walk_udpReplyMeetsNormalDeny_denies() {
    Step s = egress(out(Protocols.UDP, 40000, 5353, null, null));
    assertThat(s.allowed()).isFalse();
    Decision d = s.decidedBy();
    assertThat(d.rule().index()).isEqualTo(1);
    assertThat(d.reply().step().decidedBy().policy().name()).isEqualTo("normal");
  }

  @Test
  void walk_tcpReplyOnlyNormalAllow_conntrackInvalid() {
    // the normal ingress path would allow it as a new packet; a SYN-ACK is INVALID instead
    Step s = egress(out(Protocols.TCP, 40000, 8080, null, null));
    assertThat(s.allowed()).isFalse();
    Step reply = s.decidedBy().reply().step();
    assertThat(reply.decidedBy().kind()).isEqualTo(Decision.Kind.INVALID);
    assertThat(reply.trace()).allMatch(e -> e.path() == HostPath.UNTRACKED);
  }

  @Test
  void walk_sctpReplyOnlyNormalAllow_conntrackInvalid() {
    // an INIT-ACK fails the verification tag check of the entry conntrack makes for it: INVALID
    Step s = egress(out(Protocols.SCTP, 40000, 9899, null, null));
    assertThat(s.allowed()).isFalse();
    assertThat(s.decidedBy().rule().index()).isEqualTo(4);
    assertThat(s.decidedBy().reply().step().decidedBy().kind()).isEqualTo(Decision.Kind.INVALID);
  }

  @Test
  void walk_icmp_echoRequestNeedsReply_otherTypesDoNot() {
    Step echo = egress(out(Protocols.ICMP, null, null, 8, 0));
    assertThat(echo.allowed()).isFalse(); // the echo reply is INVALID: no untracked Allow for it
    assertThat(echo.decidedBy().reply().step().decidedBy().kind()).isEqualTo(Decision.Kind.INVALID);
    Step unreachable = egress(out(Protocols.ICMP, null, null, 3, 1));
    assertThat(unreachable.allowed()).isTrue();
    assertThat(unreachable.decidedBy().reply()).isNull();
  }

  @Test
  void walk_failsafePort_decidedBeforeUntrackedWithoutReply() {
    Step s = egress(out(Protocols.TCP, 40000, 2379, null, null));
    assertThat(s.decidedBy().kind()).isEqualTo(Decision.Kind.FAILSAFE);
    assertThat(s.decidedBy().reply()).isNull();
    assertThat(s.allowed()).isTrue();
  }

  @Test
  void walk_replyOfReply_untrackedAllowTerminal() {
    // the ingress Allow's own reply is the egress Allow of port 443: allowed, and no further reply
    Flow in = Flow.between(Protocols.TCP, FAR, 443, HIP, 40000, null, null, null, null, H);
    Step s = EVAL.evaluate(in).steps().get(0);
    assertThat(s.allowed()).isTrue();
    assertThat(s.decidedBy().reply().step().decidedBy().reply()).isNull();
  }
}
