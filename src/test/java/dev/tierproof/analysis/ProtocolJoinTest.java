package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Port;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Diff classes that differ only in their protocols join when the union is a class again (seed 3009
 * at {@code --scope any}: one class per protocol, 47, ICMP, ICMPv6, SCTP, UDP, UDPLite, beside
 * every protocol but those, between the same ends).
 */
class ProtocolJoinTest {

  private static FlowSpec but(Integer family, Integer... protocols) {
    return new FlowSpec(null, null, null, null, null, family, Set.of(protocols), Set.of());
  }

  private static FlowSpec whole(int protocol, Integer family) {
    return new FlowSpec(protocol, null, null, null, null, family);
  }

  @Test
  void union_everyProtocolButSomeAndOneOfThem_everyProtocolButTheOthers() {
    assertThat(ProtocolJoin.union(but(null, 1, 6, 17), whole(17, null))).isEqualTo(but(null, 1, 6));
    assertThat(ProtocolJoin.union(whole(1, 4), but(4, 1))).isEqualTo(but(4));
    assertThat(DiffResult.packets(ProtocolJoin.union(whole(1, null), but(null, 1))))
        .isEqualTo("any protocol");
  }

  @Test
  void union_twoEveryProtocolButSome_butThoseBothLeaveOut() {
    assertThat(ProtocolJoin.union(but(null, 1, 6, 17), but(null, 6, 47))).isEqualTo(but(null, 6));
  }

  @Test
  void union_noClass_null() {
    // two protocols; a protocol already held; another family; a port, an ICMP type pinned
    assertThat(ProtocolJoin.union(whole(6, null), whole(17, null))).isNull();
    assertThat(ProtocolJoin.union(but(null, 1, 6), whole(17, null))).isNull();
    assertThat(ProtocolJoin.union(but(4, 1, 6), whole(6, 6))).isNull();
    assertThat(
            ProtocolJoin.union(
                but(null, 6, 17), new FlowSpec(6, new Port.Range(0, 79), null, null, null, null)))
        .isNull();
    assertThat(ProtocolJoin.union(but(null, 1, 6), new FlowSpec(1, null, null, 8, null, null)))
        .isNull();
  }
}
