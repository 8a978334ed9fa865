package dev.tierproof.eval;

import dev.tierproof.model.Ip;
import java.util.List;

/**
 * Who is at an address as rule sides see it (the entities there, spec S3.4, S5.5): made once
 * ({@link Evaluator#occupants}), asked of many sides ({@link Evaluator#identity}).
 */
public final class Occupants {
  private final Ip addr;
  private final String domain;
  private final List<Entity> entities;

  Occupants(Ip addr, String domain, List<Entity> entities) {
    this.addr = addr;
    this.domain = domain;
    this.entities = entities;
  }

  Ip addr() {
    return addr;
  }

  String domain() {
    return domain;
  }

  List<Entity> entities() {
    return entities;
  }

  /** More than one entity is there (a rule side may see some and not others). */
  public boolean crowded() {
    return entities.size() > 1;
  }

  /** The values of label {@code key} of the entities here (none without it). */
  public java.util.Set<String> values(String key) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Entity e : entities) {
      String v = e.labels().get(key);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }
}
