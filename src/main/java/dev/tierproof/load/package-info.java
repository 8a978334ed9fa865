/**
 * Reading the input: files, directories, git revisions and standard input → a {@link
 * dev.tierproof.model.PolicySet} and diagnostics; invariant files → {@link
 * dev.tierproof.model.InvariantSet}s.
 *
 * <p>Input: YAML (multi-document) or JSON texts as kubectl and calicoctl write them: single
 * resources, {@code List}/{@code *List} with {@code items}. Output: the model after Calico's own
 * rewriting, and every problem as a diagnostic (errors and warnings, all of them in one run,
 * ordered by file and position) at file:line:col; selector errors point at the character inside the
 * YAML scalar. Bad input never throws.
 *
 * <p>Files: {@code Loader} reads {@code -f} arguments into {@code SourceText}s (directories by
 * extension, hidden files and {@code --exclude} skipped, streams bounded) and loads them; {@code
 * GitRevision} reads the same paths at a git commit by the same rules; {@code Documents} parses
 * texts into position-carrying {@code Node} trees with Jackson's streaming parsers (used nowhere
 * else but in {@code report}), {@code Events} with SnakeYAML's events where Jackson cannot; {@code
 * Fields} reads typed values from them, {@code Text} maps a scalar's characters back to the file;
 * {@code Resources} checks each document (kind, apiVersion, metadata, duplicates, read into {@code
 * Meta}) and assembles the cluster; {@code Endpoints} converts the endpoint kinds, {@code Policies}
 * Calico policies, {@code KubernetesPolicies} Kubernetes ones, {@code ClusterPolicies} (with {@code
 * ClusterPorts}) ClusterNetworkPolicy and the admin network policies, {@code Rules} their rules,
 * {@code IgnoredKinds} the kinds that never decide, {@code Selectors} their selectors, {@code
 * LabelRules} validates labels, {@code Services} reads Services, EndpointSlices and Endpoints,
 * resolves the rules' {@code services} sides and keeps each as read (for diff's inventory); {@code
 * Gaps} records what is enforced and not modelled ({@code Masquerades}: the rules nat-outgoing
 * hides a workload's source from, read with {@code IpPools}); {@code Config} reads {@code
 * .tierproof.yaml}; {@code Invariants} reads invariant files' schema over {@code InvariantFields}
 * (peers, terms, packets, typed values).
 *
 * <p>Kinds: Tier, (Staged)(Global)NetworkPolicy, Kubernetes and Staged Kubernetes NetworkPolicy,
 * Namespace, ServiceAccount, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, WorkloadEndpoint, HostEndpoint, (Global)NetworkSet, Profile,
 * Service, EndpointSlice, Endpoints, and ClusterNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy as the chosen Calico release ({@link
 * dev.tierproof.model.CalicoVersion}) enforces them; other well-known kinds, and kinds of
 * third-party API groups, are warned about and ignored. {@link dev.tierproof.load.Loader#input}
 * also records what Calico enforces and the model leaves out ({@link
 * dev.tierproof.model.Unmodelled}, S9.1, S9.2), so that no answer it could change is reported as
 * proved.
 *
 * <p>Spec (specs/semantics.md): S2.1-S2.3 effective policy selectors and {@code types} defaulting,
 * S2.4 Kubernetes NetworkPolicy conversion, S2.5 staged kinds, S2.10 and S2.11 ClusterNetworkPolicy
 * and admin network policy conversion, S2.6 tiers and the built-in {@code kube-admin}, {@code
 * default}, {@code kube-baseline}, S2.7 endpoint labels, S2.8 profiles {@code kns.*}, {@code
 * ksa.*}, {@code projectcalico-default-allow}, S2.9 network sets, S3 rules and S3.8 composed rule
 * selectors, S3.9 services, S6 host endpoints, S7 ordering (through {@link
 * dev.tierproof.model.PolicySet#ordered}), S8 validation. Kubernetes API-server defaulting is
 * applied where files in git lack it: {@code serviceAccountName: default}, port protocol TCP,
 * {@code policyTypes} (Ingress, plus Egress with egress rules), and the namespace label {@code
 * kubernetes.io/metadata.name}. Kubernetes workload specs are read only where they matter (labels,
 * service account, host network, named container ports, pod IPs, phase); their other fields are not
 * checked.
 */
package dev.tierproof.load;
