package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import java.util.List;

/**
 * Addresses outside the cluster, owned by no endpoint (spec S5.2): in one of {@code ranges} (none:
 * any), and for a destination reached by DNS name {@code domain} (null: by any name or none; {@link
 * #UNNAMED}: by no name the input's rules or network sets list, or none, S3.6; a source ignores
 * it). The one type for this meaning: as a {@link Side} it is one alternative for an end of a query
 * (a list of ranges is their union), as an {@link EndSet} it is a set a query tests (a carve-out, a
 * diff class's end).
 */
public record Outside(List<Cidr> ranges, String domain) implements Side, EndSet {

  /** The {@code domain} of a destination reached by no name that policy can tell apart. */
  public static final String UNNAMED = "";

  public Outside {
    ranges = List.copyOf(ranges);
  }

  /** The class in {@code names} of a destination's {@code domain} (0: unnamed; null: any). */
  static Integer domainClass(String domain, DomainClasses names) {
    return domain == null ? null : domain.equals(UNNAMED) ? 0 : names.classOf(domain);
  }

  /** In {@code range} (null: anywhere outside). */
  public static Outside in(Cidr range, String domain) {
    return new Outside(range == null ? List.of() : List.of(range), domain);
  }
}
