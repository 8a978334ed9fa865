/**
 * Reading the input: files, directories and standard input → a {@link
 * dev.tierproof.model.PolicySet} and diagnostics.
 *
 * <p>Input: YAML (multi-document) or JSON texts as kubectl and calicoctl write them: single
 * resources, {@code List}/{@code *List} with {@code items}. {@link dev.tierproof.load.Loader#read}
 * turns {@code -f} arguments into {@link dev.tierproof.load.SourceText}s; {@link
 * dev.tierproof.load.Loader#load} parses them into position-carrying node trees (Jackson's
 * streaming YAML/JSON parsers, used nowhere else but {@code report}) and converts them.
 *
 * <p>Output: the model, after Calico's own rewriting, and every problem as a diagnostic with
 * file:line:col (selector errors point at the character inside the YAML scalar). Kinds:
 * Tier, (Staged)(Global)NetworkPolicy, Kubernetes and Staged Kubernetes NetworkPolicy,
 * Namespace, ServiceAccount, Pod and workload controllers, WorkloadEndpoint, HostEndpoint,
 * (Global)NetworkSet, Profile; other well-known kinds are warned about and ignored.
 *
 * <p>Spec (calico-semantics.md): §2.1 effective policy selectors and {@code types} defaulting,
 * §2.2 Kubernetes NetworkPolicy conversion, §2.4 tiers (built-in {@code kube-admin},
 * {@code default}, {@code kube-baseline}), §2.5 staged kinds, §2.6 profiles ({@code kns.*},
 * {@code ksa.*}, {@code projectcalico-default-allow}), §2.7 endpoint and network set labels,
 * §2.8 host endpoints, §3.1-§3.3 rules and composed rule selectors, §5.2 ordering (by {@link
 * dev.tierproof.model.PolicySet#ordered}), §6 validation. Kubernetes API-server defaulting is
 * applied where files in git lack it: {@code serviceAccountName: default}, port protocol TCP,
 * {@code policyTypes}, and the {@code kubernetes.io/metadata.name} namespace label. Kubernetes
 * workload specs are read only where they matter (labels, service account, host network, named
 * container ports, pod IPs); their other fields are not checked.
 */
package dev.tierproof.load;
