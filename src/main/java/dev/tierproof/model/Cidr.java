package dev.tierproof.model;

import java.math.BigInteger;
import java.util.Optional;

/** A network {@code address/prefix}; {@code prefix} counts bits of the address's own family. */
public record Cidr(Ip address, int prefix) {

  /** Parses {@code a.b.c.d/n} or {@code x::/n}; a bare address is a host network. */
  public static Optional<Cidr> parse(String text) {
    int slash = text.indexOf('/');
    Optional<Ip> ip = Ip.parse(slash < 0 ? text : text.substring(0, slash));
    if (ip.isEmpty()) {
      return Optional.empty();
    }
    int bits = ip.get().bits();
    if (slash < 0) {
      return Optional.of(new Cidr(ip.get(), bits));
    }
    String p = text.substring(slash + 1);
    if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
      return Optional.empty();
    }
    return Optional.of(new Cidr(ip.get(), Integer.parseInt(p)));
  }

  public static Cidr host(Ip ip) {
    return new Cidr(ip, ip.bits());
  }

  public int family() {
    return address.family();
  }

  /** True when the address has host bits set below the prefix (Calico v3 rejects those). */
  public boolean hasHostBits() {
    return !low().equals(address.value());
  }

  /** The lowest address, 128-bit form. */
  public BigInteger low() {
    int hostBits = address.bits() - prefix;
    return address.value().shiftRight(hostBits).shiftLeft(hostBits);
  }

  /** The highest address, 128-bit form. */
  public BigInteger high() {
    int hostBits = address.bits() - prefix;
    return low().or(BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE));
  }

  public boolean contains(Ip ip) {
    int hostBits = address.bits() - prefix;
    return ip.family() == family()
        && ip.value().shiftRight(hostBits).equals(address.value().shiftRight(hostBits));
  }

  public boolean isCatchAll() {
    return prefix == 0;
  }

  @Override
  public String toString() {
    return new Ip(address.family(), low()) + "/" + prefix;
  }
}
