package dev.tierproof.load;

import dev.tierproof.model.Endpoint;
import dev.tierproof.selector.Selector;
import dev.tierproof.selector.SelectorSyntaxException;
import java.util.List;

/**
 * Selectors read from YAML (errors located inside the YAML scalar) and Calico's rewriting of them,
 * done on the tree: policy selectors (specs/semantics.md S2.1, S2.2) and composed rule selectors
 * (S3.8).
 */
final class Selectors {

  static final String NAMESPACE = Endpoint.NAMESPACE_LABEL;
  static final String ORCHESTRATOR = "projectcalico.org/orchestrator";
  static final String SERVICE_ACCOUNT = "projectcalico.org/serviceaccount";
  static final String NAME = "projectcalico.org/name";
  static final String NAMESPACE_PREFIX = "pcns.";
  static final String SERVICE_ACCOUNT_PREFIX = "pcsa.";

  private static final Selector IN_NAMESPACE = new Selector.Has(NAMESPACE);
  private static final Selector HAS_SERVICE_ACCOUNT = new Selector.Has(SERVICE_ACCOUNT);

  private Selectors() {}

  /** Where {@code global()} may appear: only as a whole rule namespaceSelector (S3.8, S8). */
  enum Use {
    PLAIN,
    RULE_NAMESPACE_SELECTOR
  }

  /** The selector under {@code key}; null when absent or blank, and after an error. */
  static Selector read(Fields f, String key, Use use) {
    Node.Scalar s = f.scalar(key);
    if (s == null || s.text().isBlank()) {
      return null;
    }
    Selector selector;
    try {
      selector = Selector.parse(s.text());
    } catch (SelectorSyntaxException e) {
      f.diagnostics().error(s.at(e.offset()), "invalid selector: " + e.getMessage());
      return null;
    }
    boolean global = !selector.replaceGlobal(Selector.all()).equals(selector);
    if (global && !(use == Use.RULE_NAMESPACE_SELECTOR && selector instanceof Selector.Global)) {
      f.diagnostics()
          .error(
              s.at(Math.max(0, s.text().indexOf("global("))),
              "`global()` is only valid as the entire `namespaceSelector` of a rule");
      return null;
    }
    return selector;
  }

  static Selector equal(String key, String value) {
    return new Selector.Compare(key, Selector.Op.EQ, value);
  }

  /** {@code a && b}; either may be null (absent), the result is null only when both are. */
  static Selector and(Selector a, Selector b) {
    return a == null ? b : b == null ? a : Selector.and(a, b);
  }

  /** One term as is, several as one n-ary {@code &&} (as Calico parses {@code a && b && c}). */
  static Selector all(List<Selector> terms) {
    return terms.isEmpty() ? null : terms.size() == 1 ? terms.get(0) : new Selector.And(terms);
  }

  /** NP: {@code (sel) && projectcalico.org/namespace == 'ns'}, then {@code && pcsa.(saSel)}. */
  static Selector namespacedPolicy(Selector selector, String namespace, Selector serviceAccounts) {
    // spec S2.1
    Selector s = and(selector, equal(NAMESPACE, namespace));
    return and(
        s, serviceAccounts == null ? null : serviceAccounts.prefixed(SERVICE_ACCOUNT_PREFIX));
  }

  /**
   * GNP: {@code sel && pcns.(nsSel)} with every {@code all()} then meaning "namespaced", likewise
   * {@code pcsa.(saSel)} with {@code all()} meaning "has a service account"; empty is {@code
   * all()}.
   */
  static Selector globalPolicy(Selector selector, Selector namespaces, Selector serviceAccounts) {
    // spec S2.2
    Selector s = selector;
    if (namespaces != null) {
      s = and(s, namespaces.prefixed(NAMESPACE_PREFIX)).replaceAll(IN_NAMESPACE);
    }
    if (serviceAccounts != null) {
      s = and(s, serviceAccounts.prefixed(SERVICE_ACCOUNT_PREFIX)).replaceAll(HAS_SERVICE_ACCOUNT);
    }
    return s == null ? Selector.all() : s;
  }

  /**
   * The composed positive selector S⁺ of a rule side; null when absent.
   *
   * @param namespace the policy's namespace, null for global policies and profiles
   */
  static Selector positive(
      Selector selector,
      Selector namespaces,
      Selector notSelector,
      List<String> serviceAccountNames,
      Selector serviceAccounts,
      String namespace) {
    // spec S3.8
    Selector sa = serviceAccounts == null ? null : serviceAccounts.prefixed(SERVICE_ACCOUNT_PREFIX);
    if (!serviceAccountNames.isEmpty()) {
      sa = and(sa, new Selector.InSet(SERVICE_ACCOUNT, serviceAccountNames, false));
    }
    Selector base = and(sa, selector);
    Selector scope =
        namespaces != null
            ? namespaces
                .prefixed(NAMESPACE_PREFIX)
                .replaceAll(IN_NAMESPACE)
                .replaceGlobal(new Selector.Not(IN_NAMESPACE))
            : namespace != null ? equal(NAMESPACE, namespace) : null;
    if (scope != null && base != null) {
      return Selector.and(scope, base);
    }
    return scope != null && (namespaces != null || notSelector != null) ? scope : base;
  }
}
