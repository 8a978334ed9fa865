package dev.tierproof.model;

/** A rule action (specs/semantics.md S4.3); Log is never terminal. */
public enum Action {
  ALLOW("Allow"),
  DENY("Deny"),
  LOG("Log"),
  PASS("Pass");

  private final String calico;

  Action(String calico) {
    this.calico = calico;
  }

  /** The Calico spelling: {@code Allow}, {@code Deny}, {@code Log}, {@code Pass}. */
  public String calico() {
    return calico;
  }

  public static java.util.Optional<Action> parse(String text) {
    for (Action a : values()) {
      if (a.calico.equals(text)) {
        return java.util.Optional.of(a);
      }
    }
    return java.util.Optional.empty();
  }
}
