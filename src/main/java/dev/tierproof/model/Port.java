package dev.tierproof.model;

/** One entry of a rule's {@code ports}/{@code notPorts}: an inclusive range or a named port. */
public sealed interface Port permits Port.Range, Port.Named {

  /** Inclusive range {@code min:max}, 0 ≤ min ≤ max ≤ 65535 (a single port has min = max). */
  record Range(int min, int max) implements Port {
    public boolean contains(int port) {
      return min <= port && port <= max;
    }

    @Override
    public String toString() {
      return min == max ? Integer.toString(min) : min + ":" + max;
    }
  }

  /** A port name, resolved against the named ports of the entities the rule side selects. */
  record Named(String name) implements Port {
    @Override
    public String toString() {
      return name;
    }
  }
}
