package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.analysis.map.MapResult.Part;
import dev.tierproof.model.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A map read at a coarser grain ({@code --group namespace|workload}): endpoint groups merged by
 * namespace or by the workload that owns their pods, outside groups kept; an edge holds every part
 * of the edges it merges (each still with its own deciding points and witness), once.
 */
public final class Aggregate {

  public enum By {
    CLASS,
    NAMESPACE,
    WORKLOAD
  }

  /** A ReplicaSet's hash then the pod's suffix, or a StatefulSet ordinal. */
  private static final Pattern POD_SUFFIX =
      Pattern.compile("(-[a-z0-9]{6,10})?-[a-z0-9]{5}$|-\\d+$");

  private Aggregate() {}

  public static MapResult of(MapResult map, By by) {
    if (by == By.CLASS) {
      return map;
    }
    Map<String, List<Group>> merged = new LinkedHashMap<>();
    Map<Group, String> keyOf = new java.util.IdentityHashMap<>();
    for (Group g : map.groups()) {
      if (g.endpoints().isEmpty()) { // outside, DNS names and pods that could be deployed stay
        merged.put(g.id(), List.of(g));
        keyOf.put(g, g.id());
        continue;
      }
      for (Endpoint e : g.endpoints()) {
        String key =
            by == By.NAMESPACE ? "ns " + e.namespace() : "wl " + e.namespace() + "/" + workload(e);
        keyOf.putIfAbsent(g, key);
        merged.computeIfAbsent(key, k -> new ArrayList<>());
        if (!merged.get(key).contains(g)) {
          merged.get(key).add(g);
        }
      }
    }
    // a group whose endpoints belong to several workloads goes with its first endpoint's
    Map<String, Group> out = new LinkedHashMap<>();
    int n = 0;
    for (Map.Entry<String, List<Group>> e : merged.entrySet()) {
      List<Group> parts =
          e.getValue().stream().filter(g -> e.getKey().equals(keyOf.get(g))).toList();
      if (parts.isEmpty()) {
        continue;
      }
      Group first = parts.get(0);
      if (first.endpoints().isEmpty()) {
        out.put(e.getKey(), first);
        continue;
      }
      List<Endpoint> endpoints = new ArrayList<>();
      parts.forEach(g -> endpoints.addAll(g.endpoints()));
      String id = (by == By.NAMESPACE ? "n" : "w") + ++n;
      Map<String, String> labels = by == By.NAMESPACE ? Map.of() : common(parts);
      out.put(
          e.getKey(),
          new Group(
              id,
              first.namespace(),
              labels,
              endpoints,
              List.of(),
              by == By.NAMESPACE ? first.namespace() : e.getKey().substring(3)));
    }
    Map<List<Group>, Set<Part>> edges = new LinkedHashMap<>();
    for (Edge e : map.edges()) {
      Group from = out.get(keyOf.get(e.from()));
      Group to = out.get(keyOf.get(e.to()));
      edges.computeIfAbsent(List.of(from, to), k -> new LinkedHashSet<>()).addAll(e.allowed());
    }
    List<Edge> result = new ArrayList<>();
    edges.forEach((k, parts) -> result.add(new Edge(k.get(0), k.get(1), new ArrayList<>(parts))));
    return new MapResult(new ArrayList<>(out.values()), result);
  }

  /**
   * The workload that owns an endpoint: a pod's name without its ReplicaSet hash and suffix or
   * ordinal.
   */
  static String workload(Endpoint e) {
    return e.source().equals("Pod") ? POD_SUFFIX.matcher(e.name()).replaceFirst("") : e.name();
  }

  private static Map<String, String> common(List<Group> groups) {
    Map<String, String> out = new LinkedHashMap<>(groups.get(0).labels());
    groups.forEach(
        g -> out.entrySet().removeIf(l -> !l.getValue().equals(g.labels().get(l.getKey()))));
    return out;
  }
}
