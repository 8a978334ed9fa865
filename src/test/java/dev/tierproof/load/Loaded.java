package dev.tierproof.load;

import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Rule;
import dev.tierproof.source.Diagnostic;
import dev.tierproof.source.Diagnostics;
import java.util.List;

/** A policy set loaded from inline YAML (file name {@code test.yaml}) and its diagnostics. */
record Loaded(PolicySet set, Diagnostics diagnostics) {

  static Loaded of(String yaml) {
    return of(List.of(new SourceText("test.yaml", yaml)));
  }

  static Loaded of(List<SourceText> sources) {
    Diagnostics diagnostics = new Diagnostics();
    return new Loaded(Loader.load(sources, diagnostics), diagnostics);
  }

  /** The policy named {@code name} (as displayed: {@code ns/name} for namespaced ones). */
  Policy policy(String name) {
    return set.policies().stream()
        .filter(p -> p.displayName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  Endpoint endpoint(String ref) {
    return set.endpoints().stream().filter(e -> e.ref().equals(ref)).findFirst().orElseThrow();
  }

  /**
   * The selector canonical strings of a rule: {@code source}/{@code destination} S⁺ ("-" when
   * absent).
   */
  static String sides(Rule r) {
    return canonical(r.source()) + " -> " + canonical(r.destination());
  }

  private static String canonical(dev.tierproof.model.EntityMatch m) {
    return m.selector() == null ? "-" : m.selector().canonical();
  }

  List<String> messages() {
    return diagnostics.all().stream().map(Diagnostic::toString).toList();
  }
}
