package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrsTest {

  private static List<Cidr> cidrs(String... s) {
    return java.util.Arrays.stream(s).map(x -> Cidr.parse(x).orElseThrow()).toList();
  }

  private static List<String> text(List<Cidr> c) {
    return c.stream().map(Cidr::toString).toList();
  }

  @Test
  void union_joinsAdjacentAndOverlappingNetworks_perFamily() {
    assertThat(
            text(
                Cidrs.union(
                    cidrs(
                        "10.0.1.0/24",
                        "10.0.0.0/24",
                        "10.0.0.128/25",
                        "fd00::/65",
                        "fd00:0:0:0:8000::/65"))))
        .containsExactly("10.0.0.0/23", "fd00::/64");
    assertThat(text(Cidrs.union(cidrs("10.0.0.0/24", "10.0.2.0/24"))))
        .containsExactly("10.0.0.0/24", "10.0.2.0/24");
  }

  @Test
  void complement_ofTheRangesLeft_isWhatTheyLeaveOut() {
    List<Cidr> left = Cidrs.complement(cidrs("10.0.0.0/8", "192.168.0.0/16"), 4);
    assertThat(left).hasSize(22).doesNotContain(Cidr.parse("10.0.0.0/8").orElseThrow());
    assertThat(text(Cidrs.complement(left, 4))).containsExactly("10.0.0.0/8", "192.168.0.0/16");
    assertThat(text(Cidrs.complement(cidrs("0.0.0.0/0"), 4))).isEmpty();
    assertThat(text(Cidrs.complement(List.of(), 6))).containsExactly("::/0");
    assertThat(text(Cidrs.complement(cidrs("128.0.0.0/1", "::/0"), 4)))
        .containsExactly("0.0.0.0/1");
  }
}
