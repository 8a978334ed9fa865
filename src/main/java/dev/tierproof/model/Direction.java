package dev.tierproof.model;

/** The direction a policy governs at an endpoint. */
public enum Direction {
  INGRESS("Ingress"),
  EGRESS("Egress");

  private final String calico;

  Direction(String calico) {
    this.calico = calico;
  }

  public String calico() {
    return calico;
  }

  /** The other direction: the one a reply takes at the same endpoint (spec S6.5). */
  public Direction opposite() {
    return this == INGRESS ? EGRESS : INGRESS;
  }

  /** {@code ingress} or {@code egress}, as in the JSON output. */
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
