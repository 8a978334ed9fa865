package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.UntrackedReplyTestData;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reply of an untracked Allow in the chain compiler (specs/semantics.md S6.5). */
class UntrackedReplyEncodingTest {

  private static final PolicySet SET = UntrackedReplyTestData.set();
  private static final Endpoint H = SET.endpoints().get(0);
  private static final Cidr FAR = Cidr.parse("203.0.113.0/24").orElseThrow();

  private static Answer allowed(FlowSpec spec) {
    try (SolverSession session = new SolverSession(Duration.ofSeconds(30))) {
      Network net = Network.encode(SET, session);
      try (Query q =
          net.query(
              List.of(new Side.Endpoints(List.of(H), null)),
              List.of(Outside.in(FAR, null)),
              spec)) {
        return q.allowed();
      }
    }
  }

  private static FlowSpec to(int protocol, int port) {
    return new FlowSpec(protocol, new Port.Range(port, port), null, null, null, 4);
  }

  @Test
  void allowed_untrackedReplyAllowed_witnessReplaysWithReply() {
    Answer a = allowed(to(Protocols.TCP, 443));
    assertThat(a.sat()).isTrue();
    var v = new Evaluator(SET).evaluate(a.flow());
    assertThat(v.allowed()).isTrue();
    assertThat(v.steps().get(0).decidedBy().reply()).isNotNull();
  }

  @Test
  void allowed_udpReplyDeniedByNormalPath_none() {
    assertThat(allowed(to(Protocols.UDP, 5353)).sat()).isFalse();
  }

  @Test
  void allowed_tcpReplyOnlyNormallyAllowed_noneAsInvalid() {
    assertThat(allowed(to(Protocols.TCP, 8080)).sat()).isFalse();
  }

  @Test
  void allowed_icmp_onlyMessagesThatNeedNoReply() {
    Answer a = allowed(new FlowSpec(Protocols.ICMP, null, null, null, null, 4));
    assertThat(a.sat()).isTrue();
    assertThat(a.flow().icmpType()).isNotEqualTo(8);
    assertThat(allowed(new FlowSpec(Protocols.ICMP, null, null, 8, null, 4)).sat()).isFalse();
  }

  @Test
  void allowed_failsafePort_allowedWithoutReply() {
    assertThat(allowed(to(Protocols.TCP, 2379)).sat()).isTrue();
  }
}
