package dev.tierproof.model;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address. {@code value} is always the 128-bit form: IPv4 addresses are IPv4-mapped
 * ({@code ::ffff:a.b.c.d}), so one bit-vector sort serves both families.
 */
public record Ip(int family, BigInteger value) implements Comparable<Ip> {

  static final BigInteger V4_MAPPED = BigInteger.valueOf(0xffffL).shiftLeft(32);
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  public Ip {
    if (family != 4 && family != 6) {
      throw new IllegalArgumentException("family " + family);
    }
  }

  /** Parses a literal address (no host names, no zone); empty when {@code text} is not one. */
  public static Optional<Ip> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    boolean v4 = V4.matcher(text).matches();
    if (!v4 && !V6.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      InetAddress a = InetAddress.getByName(text);
      if (a instanceof Inet4Address) {
        if (!v4) {
          return Optional.empty();
        }
        for (String part : text.split("\\.")) {
          if (Integer.parseInt(part) > 255
              || part.length() > 1 && part.startsWith("0")) { // as Go: no leading zeros
            return Optional.empty();
          }
        }
        return Optional.of(v4(new BigInteger(1, a.getAddress()).longValue()));
      }
      if (a instanceof Inet6Address) {
        return Optional.of(new Ip(6, new BigInteger(1, a.getAddress())));
      }
      return Optional.empty();
    } catch (UnknownHostException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public static Ip v4(long address) {
    return new Ip(4, V4_MAPPED.or(BigInteger.valueOf(address & 0xffffffffL)));
  }

  /** The value within its family: 32 bits for IPv4, 128 for IPv6. */
  public BigInteger familyValue() {
    return family == 4 ? value.subtract(V4_MAPPED) : value;
  }

  public int bits() {
    return family == 4 ? 32 : 128;
  }

  @Override
  public int compareTo(Ip o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    byte[] raw = toBytes(familyValue(), bits() / 8);
    try {
      InetAddress a = InetAddress.getByAddress(raw);
      if (family == 6 && a instanceof Inet4Address) {
        return "::ffff:" + a.getHostAddress(); // Java turns IPv4-mapped bytes into IPv4
      }
      return family == 6 ? compress(a.getHostAddress()) : a.getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] toBytes(BigInteger v, int n) {
    byte[] out = new byte[n];
    byte[] b = v.toByteArray();
    for (int i = 0; i < Math.min(n, b.length); i++) {
      out[n - 1 - i] = b[b.length - 1 - i];
    }
    return out;
  }

  /** RFC 5952 text: lowercase, longest run of zero groups as {@code ::}. */
  private static String compress(String full) {
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < groups.length; ) {
      if (Integer.parseInt(groups[i], 16) == 0) {
        int j = i;
        while (j < groups.length && Integer.parseInt(groups[j], 16) == 0) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < groups.length; i++) {
      if (i == bestStart) {
        out.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      out.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
      if (i < groups.length - 1) {
        out.append(':');
      }
    }
    return out.toString();
  }
}
