package dev.tierproof.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.1.5",
        "0.0.0.0",
        "255.255.255.255",
        "fd00::5",
        "::",
        "::1",
        "ff00::1",
        "2001:db8:0:1::"
      })
  void toString_parsedAddress_roundTrips(String text) {
    assertThat(Ip.parse(text).orElseThrow().toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.1", "256.0.0.1", "tigera.io", "1.2.3.4.5", "fd00::5::1", ""})
  void parse_notAnAddress_isEmpty(String text) {
    assertThat(Ip.parse(text)).isEmpty();
  }

  @Test
  void toString_ipv6InMappedRange_printsMappedForm() {
    Ip mapped = new Ip(6, Ip.v4(0x0a000105L).value());
    assertThat(mapped.toString()).isEqualTo("::ffff:10.0.1.5");
  }

  @Test
  void contains_cidrBoundaries_inclusive() {
    Cidr net = Cidr.parse("10.0.0.0/8").orElseThrow();
    assertThat(net.contains(Ip.parse("10.255.255.255").orElseThrow())).isTrue();
    assertThat(net.contains(Ip.parse("11.0.0.0").orElseThrow())).isFalse();
    assertThat(net.contains(new Ip(6, BigInteger.ONE))).isFalse();
    assertThat(Cidr.parse("10.0.0.1/8").orElseThrow().hasHostBits()).isTrue();
  }
}
