package dev.tierproof.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Felix dataplane that enforces the input ({@code --dataplane}; specs/semantics.md S4.6, S6.6,
 * S6.11, S9.1). Not chosen (null where a dataplane is held), tierproof answers as the iptables rule
 * renderer does where the dataplanes agree and records what they disagree on as unmodelled.
 */
public enum Dataplane {
  /** Felix's iptables dataplane: the rule renderer of {@code felix/rules}. */
  IPTABLES("iptables"),
  /** Felix's nftables dataplane: the same rule renderer as iptables. */
  NFTABLES("nftables"),
  /** Felix's eBPF dataplane: its own programs ({@code felix/bpf}, {@code polprog}, XDP). */
  BPF("bpf");

  private final String label;

  Dataplane(String label) {
    this.label = label;
  }

  /** {@code iptables}, as the user writes it. */
  public String label() {
    return label;
  }

  /** Every label, for messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(Dataplane::label).toList();
  }

  /** The dataplane labelled {@code text}, ignoring case. */
  public static Optional<Dataplane> parse(String text) {
    return Arrays.stream(values()).filter(d -> d.label.equalsIgnoreCase(text)).findFirst();
  }

  /**
   * Felix's rule renderer (iptables, nftables) enforces it: a profile's Pass goes on to the next
   * profile (S4.6), untracked policy on an all-interfaces host endpoint is ignored (S6.6), and the
   * host endpoint paths of S6.4-S6.11 are as tierproof models them.
   */
  public boolean renderer() {
    return this != BPF;
  }
}
