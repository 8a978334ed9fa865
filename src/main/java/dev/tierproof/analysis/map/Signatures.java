package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.eval.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Edges' signatures ({@link Variants}), each distinct one held once: the packets of each part and
 * the points that decide them, in order (witnesses aside); two edges with equal signatures allow
 * the same packets, decided alike. A map holds millions of parts over few distinct ones, so a
 * part's and an edge's signature are kept once per content (and a verdict's key once per verdict,
 * which {@link SharedVerdicts} shares).
 */
final class Signatures {

  private final Map<Verdict, List<Object>> keys = new IdentityHashMap<>();
  private final Map<List<Object>, List<Object>> parts = new HashMap<>();
  private final Map<List<Object>, List<Object>> edges = new HashMap<>();

  /** The signature of an edge's parts; equal signatures are one object. */
  List<Object> of(List<Part> allowed) {
    List<Object> out = new ArrayList<>(allowed.size());
    for (Part p : allowed) {
      List<Object> one =
          java.util.Arrays.asList(
              p.ipVersion(),
              p.protocol(),
              p.exceptProtocols(),
              p.ports(),
              p.sourcePorts(),
              p.icmpTypes(),
              p.icmpCodes(),
              keys.computeIfAbsent(p.verdict(), Parts::key));
      out.add(parts.computeIfAbsent(one, k -> one));
    }
    return edges.computeIfAbsent(out, k -> out);
  }
}
