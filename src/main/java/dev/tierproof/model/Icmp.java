package dev.tierproof.model;

/** An {@code icmp}/{@code notICMP} match: type, and optionally code (code requires type). */
public record Icmp(int type, Integer code) {

  public boolean matches(Integer packetType, Integer packetCode) {
    return packetType != null
        && packetType == type
        && (code == null || (packetCode != null && packetCode.intValue() == code));
  }
}
