/**
 * Reading the input: files, directories and standard input → a {@link
 * dev.tierproof.model.PolicySet} and diagnostics.
 *
 * <p>Input: YAML (multi-document) or JSON texts as kubectl and calicoctl write them: single
 * resources, {@code List}/{@code *List} with {@code items}. {@link dev.tierproof.load.Loader#read}
 * turns {@code -f} arguments into {@link dev.tierproof.load.SourceText}s; {@link
 * dev.tierproof.load.Loader#load} parses them into position-carrying node trees (Jackson's
 * streaming YAML/JSON parsers; Jackson is used nowhere else but in {@code report}) and converts
 * them. Kinds: Tier, (Staged)(Global)NetworkPolicy, Kubernetes and Staged Kubernetes NetworkPolicy,
 * Namespace, ServiceAccount, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, WorkloadEndpoint, HostEndpoint, (Global)NetworkSet, Profile;
 * other well-known kinds, and kinds of
 * third-party API groups, are warned about and ignored. {@link dev.tierproof.load.Loader#input}
 * also records what Calico enforces and the model leaves out ({@link dev.tierproof.model.Unmodelled},
 * specs/semantics.md S9.1, S9.2), so that no answer it could change is reported as proved.
 *
 * <p>Output: the model after Calico's own rewriting, and every problem as a diagnostic (errors and
 * warnings, all of them in one run, ordered by file and position) at file:line:col; selector errors
 * point at the character inside the YAML scalar. Bad input never throws.
 *
 * <p>Spec: calico-semantics.md §2.1 effective policy selectors and {@code types} defaulting
 * (specs/semantics.md S2.1-S2.3), §2.2 Kubernetes NetworkPolicy conversion (S2.4), §2.4 tiers and
 * the built-in {@code kube-admin}, {@code default}, {@code kube-baseline} (S2.6), §2.5 staged kinds
 * (S2.5), §2.6 profiles {@code kns.*}, {@code ksa.*}, {@code projectcalico-default-allow} (S2.8),
 * §2.7 endpoint and network set labels (S2.7, S2.9), §2.8 host endpoints, §3.1-§3.3 rules and
 * composed rule selectors (S3.8), §5.2 ordering (through {@link
 * dev.tierproof.model.PolicySet#ordered}), §6 validation. Kubernetes API-server defaulting is
 * applied where files in git lack it: {@code serviceAccountName: default}, port protocol TCP,
 * {@code policyTypes} (Ingress, plus Egress with egress rules), and the namespace label {@code
 * kubernetes.io/metadata.name}. Kubernetes workload specs are read only where they matter (labels,
 * service account, host network, named container ports, pod IPs, phase); their other fields are not
 * checked.
 */
package dev.tierproof.load;
