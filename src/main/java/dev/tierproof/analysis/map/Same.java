package dev.tierproof.analysis.map;

/** Identity, for records whose equality would compare whole policies (map keys and caches). */
record Same(Object o) {
  @Override
  public boolean equals(Object other) {
    return other instanceof Same s && s.o == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(o);
  }
}
