package dev.tierproof.analysis.map;

import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Labels;
import dev.tierproof.smt.Labels.LabelClass;
import dev.tierproof.smt.Network;
import dev.tierproof.smt.SolverSession;
import dev.tierproof.source.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The workload endpoints that could be deployed ({@code map --scope any}, spec S5.3), in classes:
 * per namespace the input mentions, the pods that satisfy the same of the selectors that policies
 * and rules name (and the map's own selector references), found by the solver ({@link
 * Labels#classes}). Every rule selector and policy selector treats the pods of a class alike, so
 * one pod with labels the solver decoded, without named ports, stands for each (spec S5.4: at an
 * address no endpoint owns; {@link Groups} splits it by the ranges that hold that address).
 *
 * <p>The pods of a class declare no named port: a rule that names ports by name ({@code ports:
 * [http]}) matches none of them; pods that declare one are not on the map (said in the report).
 */
public final class Hypotheticals {

  /** No pods that could be deployed: {@code --scope existing}. */
  public static final Hypotheticals NONE = new Hypotheticals(List.of());

  /** Classes beyond this many make the map inconclusive rather than unreadable. */
  static final int LIMIT = 2000;

  private final List<LabelClass> classes;
  private final List<Endpoint> pods = new ArrayList<>();

  private Hypotheticals(List<LabelClass> classes) {
    this.classes = List.copyOf(classes);
    for (int k = 0; k < classes.size(); k++) {
      LabelClass c = classes.get(k);
      pods.add(
          Endpoint.workload(
              c.namespace(),
              "hypothetical-" + (k + 1),
              "Hypothetical",
              c.labels(),
              List.of(),
              List.of(),
              List.of("kns." + c.namespace()),
              null,
              Span.NONE));
    }
  }

  /**
   * The classes of pods that could be deployed in {@code set}'s namespaces, told apart by its
   * selectors and {@code also}; null when the solver cannot enumerate them within {@code timeout}
   * per check or there are more than {@link #LIMIT}.
   */
  public static Hypotheticals of(PolicySet set, List<Selector> also, Duration timeout) {
    Set<Selector> selectors = new LinkedHashSet<>();
    set.policies().forEach(p -> selectors.add(p.selector()));
    for (Rule r : Groups.rules(set)) {
      for (EntityMatch m : List.of(r.source(), r.destination())) {
        if (m.selector() != null) {
          selectors.add(m.selector());
        }
        if (m.notSelector() != null) {
          selectors.add(m.notSelector());
        }
        if (m.service() != null && m.service().selector() != null) {
          // spec S3.9: a pod not yet deployed is the service's endpoint when its labels hold it
          selectors.add(m.service().selector());
        }
      }
    }
    selectors.addAll(also);
    List<Selector> list = List.copyOf(selectors);
    boolean[] unknown = {false};
    try (SolverSession session = new SolverSession(timeout)) {
      List<LabelClass> found = Labels.classes(Network.encode(set, session), list, LIMIT, unknown);
      return unknown[0] ? null : new Hypotheticals(found);
    }
  }

  public int size() {
    return classes.size();
  }

  /** The pod that stands for class {@code k}, without an address of its own. */
  Endpoint pod(int k) {
    return pods.get(k);
  }

  /**
   * The namespace profiles the classes need and the input lacks, as Calico builds them (spec S2.8).
   */
  public Map<String, Profile> assumed() {
    Map<String, Profile> out = new TreeMap<>();
    classes.stream()
        .filter(c -> c.assumed() != null)
        .forEach(c -> out.put(c.assumed().name(), c.assumed()));
    return out;
  }

  /**
   * The group of class {@code k} at addresses in {@code within} (empty: any free address): its
   * labels that selectors look at, and the selectors that set it apart.
   */
  Group group(int k, String id, List<Cidr> within) {
    LabelClass c = classes.get(k);
    Map<String, String> labels = new LinkedHashMap<>();
    c.labels()
        .forEach(
            (key, value) -> {
              if (!key.equals(Endpoint.NAMESPACE_LABEL)
                  && !key.equals("projectcalico.org/orchestrator")
                  && !key.startsWith("pcns.")) {
                labels.put(key, value);
              }
            });
    String shown =
        labels.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .sorted()
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    return new Group(
        id,
        c.namespace(),
        labels,
        List.of(),
        within,
        c.namespace() + "/{" + shown + "} (could be deployed)",
        true,
        c.matches(),
        c.notMatches(),
        List.of());
  }

  /** Whether some rule names ports by name: pods that declare them are not on the map. */
  public static boolean namedPorts(PolicySet set) {
    return Groups.rules(set).stream()
        .flatMap(r -> java.util.stream.Stream.of(r.source(), r.destination()))
        .flatMap(m -> java.util.stream.Stream.concat(m.ports().stream(), m.notPorts().stream()))
        .anyMatch(p -> p instanceof dev.tierproof.model.Port.Named);
  }
}
