package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The map's edge from a group of endpoints without addresses to itself (spec S5.4): two members are
 * two endpoints, each at an address no endpoint owns, and what verify proves allowed between them
 * the map must hold.
 */
class MapAddresslessGroupTest {

  private static final String FILE = "src/test/resources/map-addressless-group/resources.yaml";

  @Test
  void map_twoAddresslessMembersOfOneGroup_edgeToItself() {
    Run verify = Run.of("-f", FILE, "verify", "reachable", "shop/pending", "shop/web");
    assertThat(verify.code()).as(verify.toString()).isZero();
    Run map = Run.of("-f", FILE, "map");
    assertThat(map.code()).as(map.toString()).isZero();
    assertThat(map.out())
        .as(map.toString())
        .contains("shop/{pending,…} (2) -> shop/{pending,…} (2)");
  }
}
