package dev.tierproof.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Calico Enterprise DNS names for {@link RandomCluster} (spec S3.6): {@code domains} in egress
 * destinations and {@code allowedEgressDomains} in network sets, exact names and {@code *.}
 * patterns that overlap the names {@link Sampler} reaches ({@code example.com}, {@code
 * api.example.com}). Drawn from a random of its own, so that the rest of a seed's cluster is the
 * text it was before DNS names were drawn.
 */
final class RandomDomains {

  static final List<String> NAMES =
      List.of("api.example.com", "*.example.com", "example.com", "*.cdn.example.net");

  private final Random rnd;

  RandomDomains(long seed) {
    this.rnd = new Random(seed * 31 + 17);
  }

  /** Rarely, a {@code domains} line for an egress rule's destination; else nothing. */
  String rule() {
    return rnd.nextInt(5) == 0 ? "      domains: [" + list() + "]\n" : "";
  }

  /** Sometimes, an {@code allowedEgressDomains} line for a network set's spec; else nothing. */
  String netset() {
    return rnd.nextInt(3) == 0 ? "  allowedEgressDomains: [" + list() + "]\n" : "";
  }

  private String list() {
    List<String> out = new ArrayList<>();
    for (int i = 1 + rnd.nextInt(2); i > 0; i--) {
      String name = NAMES.get(rnd.nextInt(NAMES.size()));
      if (!out.contains("'" + name + "'")) {
        out.add("'" + name + "'");
      }
    }
    return String.join(", ", out);
  }
}
