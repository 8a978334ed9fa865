package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CidrIndexTest {

  record Named(String name, List<Cidr> nets) {}

  private static Cidr cidr(String text) {
    return Cidr.parse(text).orElseThrow();
  }

  private static Ip ip(String text) {
    return Ip.parse(text).orElseThrow();
  }

  @Test
  void at_nestedRangesBothFamilies_itemsInOrderOnce() {
    List<Named> items =
        List.of(
            new Named("wide", List.of(cidr("10.0.0.0/8"), cidr("10.1.0.0/16"))),
            new Named("host", List.of(cidr("10.1.2.3/32"))),
            new Named("all", List.of(cidr("0.0.0.0/0"))),
            new Named("v6", List.of(cidr("fd00::/64"))),
            new Named("hostBits", List.of(cidr("192.168.1.77/24"))));
    CidrIndex<Named> index = new CidrIndex<>(items, Named::nets);
    assertThat(index.at(ip("10.1.2.3")))
        .extracting(Named::name)
        .containsExactly("wide", "host", "all");
    assertThat(index.at(ip("10.2.0.1"))).extracting(Named::name).containsExactly("wide", "all");
    assertThat(index.at(ip("192.168.1.1")))
        .extracting(Named::name)
        .containsExactly("all", "hostBits");
    assertThat(index.at(ip("fd00::1"))).extracting(Named::name).containsExactly("v6");
    assertThat(index.at(ip("fd01::1"))).isEmpty();
  }

  @Test
  void at_randomRanges_agreesWithContains() {
    Random random = new Random(7);
    List<Named> items = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long a = random.nextInt(1 << 12) << 20;
      items.add(
          new Named(
              "n" + i, List.of(new Cidr(Ip.v4(a | random.nextInt(1 << 20)), random.nextInt(33)))));
    }
    CidrIndex<Named> index = new CidrIndex<>(items, Named::nets);
    for (int k = 0; k < 2000; k++) {
      Ip probe = Ip.v4(((long) random.nextInt(1 << 12) << 20) | random.nextInt(1 << 20));
      List<Named> expected = items.stream().filter(n -> n.nets().get(0).contains(probe)).toList();
      assertThat(index.at(probe)).as(probe.toString()).isEqualTo(expected);
    }
  }
}
