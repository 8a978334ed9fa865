package dev.tierproof.cli;

import static dev.tierproof.cli.DiffCommandTest.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff} on the pull requests users make (issue 10): real files, real git. Each ends with few
 * maximal classes and "no other flow changed (proved)", or exactly "no flow changed".
 */
class DiffPullRequestTest {

  static final String PODS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: shop}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: ops, labels: {team: ops}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api, namespace: shop, labels: {app: api}}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: db, namespace: shop}
      spec:
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec:
            containers:
            - name: db
              ports: [{containerPort: 5432}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: monitor, namespace: ops, labels: {app: monitor}}
      status: {podIP: 10.0.1.1}
      """;

  static final String POLICIES =
      """
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: api, namespace: shop}
      spec:
        selector: app == 'api'
        types: [Ingress]
        ingress:
        - action: Allow
          protocol: TCP
          source: {selector: app == 'web'}
          destination: {ports: [8080]}
        - action: Deny
          protocol: TCP
          source: {namespaceSelector: team == 'ops'}
          destination: {ports: [9090]}
        - action: Allow
          protocol: TCP
          source: {namespaceSelector: team == 'ops'}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db, namespace: shop}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress:
        - from:
          - podSelector: {matchLabels: {app: api}}
          ports:
          - {protocol: TCP, port: 5432}
      """;

  static final String DEFAULT_DENY =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: default-deny, namespace: shop}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """;

  /** The Calico stars demo's shape: Deployments without pod addresses and a Kubernetes policy. */
  static final String STARS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: stars}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: frontend, namespace: stars}
      spec:
        selector: {matchLabels: {role: frontend}}
        template:
          metadata: {labels: {role: frontend}}
          spec:
            containers:
            - name: frontend
              ports: [{containerPort: 80}]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: backend, namespace: stars}
      spec:
        selector: {matchLabels: {role: backend}}
        template:
          metadata: {labels: {role: backend}}
          spec:
            containers:
            - name: backend
              ports: [{containerPort: 6379}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: backend-policy, namespace: stars}
      spec:
        podSelector: {matchLabels: {role: backend}}
        ingress:
        - from:
          - podSelector: {matchLabels: {role: frontend}}
          ports:
          - {protocol: TCP, port: 6379}
      """;

  private static final Pattern CLASS = Pattern.compile("(?m)^newly (allowed|denied): (.*)$");

  static Path write(Path dir, String... nameAndText) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < nameAndText.length; i += 2) {
      Files.writeString(dir.resolve(nameAndText[i]), nameAndText[i + 1]);
    }
    return dir;
  }

  static List<String> classes(Run run) {
    Matcher m = CLASS.matcher(run.out());
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1) + ": " + m.group(2));
    }
    return out;
  }

  /**
   * Diffs {@code current} against {@code base}; asserts a proved, complete answer and no stderr.
   */
  static Run proved(Path base, Path current, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("-f", current.toString(), "diff", "--base", base.toString()));
    args.addAll(List.of(more));
    Run run = Run.of(args.toArray(String[]::new));
    assertThat(run.out())
        .as(run.toString())
        .containsPattern("no (other )?flow changed(; | \\()proved");
    assertThat(run.err()).as(run.toString()).isEmpty();
    assertThat(run.code()).as(run.toString()).isEqualTo(classes(run).isEmpty() ? 0 : 1);
    return run;
  }

  @Test
  void diff_emptyBaseFolder_everythingIsNew(@TempDir Path tmp) throws IOException {
    Path base = write(tmp.resolve("base"), "README.md", "no policies yet\n");
    Path pr = write(tmp.resolve("pr"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Run run = proved(base, pr);
    assertThat(run.code()).isEqualTo(1);
    assertThat(classes(run))
        .contains("denied: shop/web, ops/monitor -> shop/api, any protocol but TCP")
        .contains("denied: world -> shop/api, shop/db, any protocol")
        .hasSizeLessThan(12);
    assertThat(run.out()).doesNotContain("Flow[").doesNotContain("Exception");
  }

  @Test
  void diff_twoPodsFirstPolicy_classesNotOnePerAddressOrProtocol(@TempDir Path tmp)
      throws IOException {
    Path base = write(tmp.resolve("base"), "pods.yaml", PODS);
    Path pr = write(tmp.resolve("pr"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Run run = proved(base, pr);
    assertThat(classes(run))
        .contains("denied: world -> shop/api, shop/db, any protocol")
        .allSatisfy(c -> assertThat(c).doesNotContainPattern("\\d+\\.\\d+\\.\\d+\\.\\d+ ->"))
        .hasSizeLessThan(12);
    Run any = proved(base, pr, "--scope", "any");
    // by labels (a selector each), not per address or protocol
    assertThat(classes(any))
        .noneMatch(c -> c.endsWith("UDPLite") || c.matches(".*, \\d+"))
        .hasSizeLessThan(30);
  }

  @Test
  void diff_gitBaseWherePathIsNewOrHasNoYaml_everythingIsNew(@TempDir Path repo) throws Exception {
    write(repo.resolve("docs"), "README.md", "policies come later\n");
    git(repo, "init", "-q");
    git(repo, "add", ".");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
    write(repo.resolve("docs"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Path cluster = write(repo.resolve("cluster"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    for (Path p : List.of(repo.resolve("docs"), cluster)) {
      Run run = Run.of("-f", p.toString(), "diff", "--base", "git:HEAD");
      assertThat(run.code()).as(run.toString()).isEqualTo(1);
      assertThat(run.out())
          .contains("no other flow changed (proved)")
          .contains("newly denied: world -> shop/api, shop/db, any protocol");
    }
    Run bad = Run.of("-f", cluster.toString(), "diff", "--base", "git:no-such-ref");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err()).contains("`no-such-ref` is not a commit of the repository");
  }

  @Test
  void diff_podRelabelled_theFlowsItsLabelsDecided(@TempDir Path tmp) throws IOException {
    Path base = write(tmp.resolve("base"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Path pr =
        write(
            tmp.resolve("pr"),
            "pods.yaml",
            PODS.replace("labels: {app: web}", "labels: {app: web, tier: z}")
                .replace(
                    "name: web, namespace: shop, labels: {app: web, tier: z}",
                    "name: web, namespace: shop, labels: {app: z}"),
            "policies.yaml",
            POLICIES);
    Run run = proved(base, pr);
    assertThat(classes(run)).containsExactly("denied: shop/web -> shop/api, TCP 8080");
    assertThat(run.out()).contains("  modified Pod shop/web (" + pr.resolve("pods.yaml") + ":9)");
    Run any = proved(base, pr, "--scope", "any");
    assertThat(classes(any))
        .hasSize(1)
        .allSatisfy(c -> assertThat(c).startsWith("denied: shop/web -> ").endsWith("TCP 8080"));
  }

  @Test
  void diff_namespaceRelabelled_itsPodsAsPeers(@TempDir Path tmp) throws IOException {
    Path base = write(tmp.resolve("base"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Path pr =
        write(
            tmp.resolve("pr"),
            "pods.yaml",
            PODS.replace("labels: {team: ops}", "labels: {team: infra}"),
            "policies.yaml",
            POLICIES);
    Run run = proved(base, pr);
    assertThat(classes(run))
        .hasSizeBetween(1, 4)
        .allSatisfy(c -> assertThat(c).startsWith("denied: ops/monitor -> shop/api, "));
    assertThat(run.out()).contains("modified Namespace ops");
  }

  @Test
  void diff_starsPortChangeOnDeployments_oneClassEachWayProved(@TempDir Path repo)
      throws Exception {
    write(repo.resolve("stars"), "stars.yaml", STARS);
    git(repo, "init", "-q");
    git(repo, "add", ".");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
    write(repo.resolve("stars"), "stars.yaml", STARS.replace("port: 6379}", "port: 6380}"));
    for (String scope : List.of("existing", "any")) {
      Run run =
          Run.of(
              "-f",
              repo.resolve("stars").toString(),
              "diff",
              "--base",
              "git:HEAD",
              "--scope",
              scope);
      assertThat(run.code()).as(run.toString()).isEqualTo(1);
      assertThat(run.out())
          .as(run.toString())
          .contains("2 classes of flows changed; no other flow changed (proved)");
      assertThat(classes(run))
          .hasSize(2)
          .anySatisfy(c -> assertThat(c).startsWith("allowed: stars/").endsWith("TCP 6380"))
          .anySatisfy(c -> assertThat(c).startsWith("denied: stars/").endsWith("TCP 6379"));
    }
  }

  @Test
  void diff_defaultDenyAdded_oneClassPerNamespacePairAtMost(@TempDir Path tmp) throws IOException {
    Path base = write(tmp.resolve("base"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Path pr =
        write(
            tmp.resolve("pr"),
            "pods.yaml",
            PODS,
            "policies.yaml",
            POLICIES,
            "deny.yaml",
            DEFAULT_DENY);
    Run run = proved(base, pr);
    assertThat(classes(run))
        .containsExactlyInAnyOrder(
            // spec S5.6: web's packets to itself never meet the new policy
            "denied: shop/api, shop/db, ops/monitor -> shop/web, any protocol",
            "denied: world -> shop/web, any protocol");
    Run any = proved(base, pr, "--scope", "any");
    assertThat(classes(any))
        .containsExactly("denied: anything -> shop/{app not in {\"api\", \"db\"}}, any protocol");
  }

  @Test
  void diff_typicalPullRequests_fewClassesProved(@TempDir Path tmp) throws IOException {
    Path base = write(tmp.resolve("base"), "pods.yaml", PODS, "policies.yaml", POLICIES);
    Path port =
        write(
            tmp.resolve("port"),
            "pods.yaml",
            PODS,
            "policies.yaml",
            POLICIES.replace("ports: [8080]", "ports: [8081]"));
    assertThat(classes(proved(base, port)))
        .containsExactlyInAnyOrder(
            "allowed: shop/web -> shop/api, TCP 8081", "denied: shop/web -> shop/api, TCP 8080");
    Path removed =
        write(
            tmp.resolve("removed"),
            "pods.yaml",
            PODS,
            "policies.yaml",
            POLICIES.replace(
                "  - action: Deny\n    protocol: TCP\n    source: {namespaceSelector: team == 'ops'}\n    destination: {ports: [9090]}\n",
                ""));
    assertThat(classes(proved(base, removed)))
        .containsExactly("allowed: ops/monitor -> shop/api, TCP 9090");
    Path flipped =
        write(
            tmp.resolve("flipped"),
            "pods.yaml",
            PODS,
            "policies.yaml",
            POLICIES.replace("action: Deny", "action: Allow"));
    assertThat(classes(proved(base, flipped)))
        .containsExactly("allowed: ops/monitor -> shop/api, TCP 9090");
    Path namespace =
        write(
            tmp.resolve("namespace"),
            "pods.yaml",
            PODS,
            "policies.yaml",
            POLICIES,
            "new.yaml",
            """
        apiVersion: v1
        kind: Namespace
        metadata: {name: batch, labels: {team: ops}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: job, namespace: batch, labels: {app: job}}
        status: {podIP: 10.0.2.1}
        """);
    Run ns = proved(base, namespace);
    assertThat(classes(ns)).isEmpty(); // the base's policies met its pods as the current ones do
    assertThat(ns.out()).contains("note: 1 endpoint only in the current input (`batch/job`)");
    Path workload =
        write(
            tmp.resolve("workload"),
            "pods.yaml",
            PODS.replace("labels: {app: db}", "labels: {app: db, tier: data}")
                .replace("matchLabels: {app: db}", "matchLabels: {app: db}"),
            "policies.yaml",
            POLICIES.replace("matchLabels: {app: db}", "matchLabels: {tier: data}"));
    assertThat(classes(proved(base, workload))).isEmpty();
    Path relabelled =
        write(
            tmp.resolve("relabelled"),
            "pods.yaml",
            PODS.replace("labels: {app: db}", "labels: {app: store}"),
            "policies.yaml",
            POLICIES);
    assertThat(classes(proved(base, relabelled)))
        .containsExactlyInAnyOrder( // no policy selects the workload any more: all that db's policy
            // denied is open (every TCP port but the one it allowed: one class)
            "allowed: shop/web, shop/api, ops/monitor -> shop/db, TCP 0-5431, 5433-65535",
            "allowed: shop/web, shop/api, ops/monitor -> shop/db, any protocol but TCP",
            "allowed: shop/web, shop/db, ops/monitor -> shop/db, any protocol",
            "allowed: world -> shop/db, any protocol");
  }
}
