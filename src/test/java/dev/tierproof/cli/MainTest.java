package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: design.md §2's options, references, exit codes and output plumbing. */
class MainTest {

  private static final String QUIZ1 = "examples/quiz/allow-in-tier1.yaml";
  private static final String QUIZ2 = "examples/quiz/implicit-deny.yaml";
  private static final String SHOP = "examples/shop";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void explain_quiz1_saysWhichPoliciesScopeAndWhichRuleAllows() {
    Run run =
        Run.of(
            "explain", "shop/podA", "tigera.io", "--protocol", "TCP", "--port", "443", "-f", QUIZ1);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .startsWith("allow: shop/podA -> tigera.io (TCP 10.0.1.5:40000 -> 203.0.113.7:443)\n")
        .contains(
            "policy tier1.policy1 scopes shop/podA but no egress rule matches; tier1.policy2 does not"
                + " scope shop/podA and is skipped; tier1.policy3 scopes shop/podA and its egress rule 0 allows.")
        .contains("at " + QUIZ1 + ":85.");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void explainJson_quiz1_isTheDesignShape() throws Exception {
    Run run =
        Run.of(
            "explain",
            "shop/podA",
            "tigera.io",
            "--protocol",
            "tcp",
            "--port",
            "443",
            "-f",
            QUIZ1,
            "-o",
            "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode expected =
        JSON.readTree(
            """
            {"verdict": "allow",
             "flow": {"protocol": "TCP",
                      "source": {"endpoint": "shop/podA", "ip": "10.0.1.5", "port": 40000},
                      "destination": {"domain": "tigera.io", "ip": "203.0.113.7", "port": 443}},
             "steps": [
               {"endpoint": "shop/podA", "direction": "egress", "verdict": "allow",
                "decidedBy": {"kind": "rule", "tier": "tier1", "policy": "tier1.policy3",
                              "ruleIndex": 0, "action": "Allow", "file": "examples/quiz/allow-in-tier1.yaml", "line": 85},
                "trace": [{"tier": "tier1", "policy": "tier1.policy1", "outcome": "no-match"},
                          {"tier": "tier1", "policy": "tier1.policy2", "outcome": "not-selected"},
                          {"tier": "tier1", "policy": "tier1.policy3", "outcome": "allow", "ruleIndex": 0}]}
             ]}
            """);
    assertThat(JSON.readTree(run.out())).isEqualTo(expected);
  }

  @Test
  void explain_implicitDeny_namesTheTierAndItsLastPolicy() {
    Run run = Run.of("explain", "shop/podA", "tigera.io", "--port", "443", "-f", QUIZ2);
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .startsWith("deny: ")
        .contains(
            "No rule of tier1 matched, so tier1's implicit deny drops it (last policy: tier1.policy3).");
  }

  @Test
  void explain_noPolicyAtDestination_profileDecides() throws Exception {
    Run run =
        Run.of("explain", "shop/podA", "shop/db-0", "--port", "5432", "-f", QUIZ1, "-o", "json");
    assertThat(run.code()).isZero();
    JsonNode ingress = JSON.readTree(run.out()).get("steps").get(1);
    assertThat(ingress.get("direction").asText()).isEqualTo("ingress");
    assertThat(ingress.get("decidedBy").get("kind").asText()).isEqualTo("profile");
    assertThat(ingress.get("decidedBy").get("profile").asText()).isEqualTo("kns.shop");
    assertThat(ingress.get("decidedBy").has("namespace")).isFalse();
  }

  @Test
  void explain_defaults_tcpPort80SourcePort40000() throws Exception {
    JsonNode flow =
        json("explain", "shop/podA", "shop/db-0", "-f", QUIZ1, "-o", "json").get("flow");
    assertThat(flow.get("protocol").asText()).isEqualTo("TCP");
    assertThat(flow.get("source").get("port").asInt()).isEqualTo(40000);
    assertThat(flow.get("destination").get("port").asInt()).isEqualTo(80);
    assertThat(flow.has("icmp")).isFalse();
  }

  @Test
  void explain_icmpTypeOnly_isIcmpWithCode0AndNoPorts() throws Exception {
    JsonNode flow =
        json("explain", "shop/podA", "world", "--icmp-type", "8", "-f", QUIZ1, "-o", "json")
            .get("flow");
    assertThat(flow.get("protocol").asText()).isEqualTo("ICMP");
    assertThat(flow.get("icmp")).isEqualTo(JSON.readTree("{\"type\": 8, \"code\": 0}"));
    assertThat(flow.get("source").has("port")).isFalse();
    assertThat(flow.get("destination").has("port")).isFalse();
    assertThat(flow.get("destination").has("domain")).isFalse();
  }

  @Test
  void explain_addressOwnedByAPod_isThatPod() throws Exception {
    JsonNode source =
        json("explain", "10.0.1.5", "tigera.io", "-f", QUIZ1, "-o", "json")
            .get("flow")
            .get("source");
    assertThat(source.get("endpoint").asText()).isEqualTo("shop/podA");
    assertThat(source.get("ip").asText()).isEqualTo("10.0.1.5");
  }

  @Test
  void explain_destinationIp_pinsTheDomainsAddress() throws Exception {
    JsonNode destination =
        json(
                "explain",
                "shop/podA",
                "tigera.io",
                "--destination-ip",
                "192.0.2.1",
                "-f",
                QUIZ1,
                "-o",
                "json")
            .get("flow")
            .get("destination");
    assertThat(destination.get("domain").asText()).isEqualTo("tigera.io");
    assertThat(destination.get("ip").asText()).isEqualTo("192.0.2.1");
  }

  @Test
  void explain_ipVersion6_usesIpv6OutsideAddresses() throws Exception {
    Run run = Run.of("explain", "world", "world", "-f", QUIZ1);
    assertThat(run.code()).isEqualTo(2);
    JsonNode flow =
        json("explain", "shop/recommender", "world", "--ip-version", "6", "-f", SHOP, "-o", "json")
            .get("flow");
    assertThat(flow.get("source").get("ip").asText()).isEqualTo("fd00:ff::1");
    assertThat(flow.get("destination").get("ip").asText()).isEqualTo("2001:db8::cb00:7107");
  }

  @Test
  void explain_workloadWithoutAddress_getsAPlaceholderAndANote() {
    Run run =
        Run.of(
            "explain",
            "shop/recommender",
            "kube-system/coredns-0",
            "--protocol",
            "UDP",
            "--port",
            "53",
            "-f",
            SHOP);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .startsWith(
            "allow: shop/recommender -> kube-system/coredns-0 (UDP 10.255.0.1:40000 -> 10.0.0.10:53)")
        .contains(
            "note: `shop/recommender` has no address in the input; the flow gives it `10.255.0.1`");
    Run json = Run.of("explain", "shop/recommender", "world", "-f", SHOP, "-o", "json");
    assertThat(json.err()).contains("note: `shop/recommender` has no address in the input");
  }

  @Test
  void options_beforeAndAfterTheCommand_areJoined() throws Exception {
    Run run =
        Run.of(
            "-f",
            "examples/shop/namespaces.yaml",
            "explain",
            "shop/cart-0",
            "world",
            "-f",
            "examples/shop/workloads.yaml");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("allow: shop/cart-0 -> world");
  }

  @Test
  void stdin_dash_isRead() {
    Run run = Run.withStdin(read(QUIZ1), "explain", "shop/podA", "tigera.io", "-f", "-");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("at <stdin>:85.");
  }

  @Test
  void output_jsonToFileAndTextToStdout_bothWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out.json");
    Run run =
        Run.of(
            "-o", "text", "-o", "json=" + file, "explain", "shop/podA", "tigera.io", "-f", QUIZ1);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("allow: ");
    assertThat(JSON.readTree(file.toFile()).get("verdict").asText()).isEqualTo("allow");
  }

  @Test
  void unknownEndpoint_exits2WithSuggestionAndCaret() {
    Run run = Run.of("explain", "shop/podX", "tigera.io", "-f", QUIZ1);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "<command line>:1:19: error: no pod or workload `shop/podX` in the input; did you mean `shop/podA`?\n"
                + "  tierproof explain shop/podX tigera.io -f examples/quiz/allow-in-tier1.yaml\n"
                + "                    ^\n");
  }

  @Test
  void bareName_uniqueAcrossNamespaces_resolves_ambiguous_listsCandidates() {
    assertThat(Run.of("explain", "podA", "tigera.io", "-f", QUIZ1).code()).isZero();
    Run run =
        Run.withStdin(
            read(QUIZ1)
                + "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n"
                + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: podA, namespace: other}\nstatus: {podIP: 10.0.9.9}\n",
            "explain",
            "podA",
            "tigera.io",
            "-f",
            "-");
    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("`podA` is ambiguous: it could be `shop/podA`, `other/podA`");
  }

  @Test
  void selectorSyntaxError_pointsIntoTheArgument() {
    Run run = Run.of("explain", "shop/{app ==}", "tigera.io", "-f", QUIZ1);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("<command line>:1:31: error: ");
  }

  @Test
  void explain_selectorOrRangeOrPortRange_exits2AndPointsToVerify() {
    for (String[] args :
        new String[][] {
          {"explain", "shop/*", "tigera.io", "-f", QUIZ1},
          {"explain", "shop/podA", "10.0.0.0/8", "-f", QUIZ1},
          {"explain", "shop/podA", "tigera.io", "--port", "80:90", "-f", QUIZ1}
        }) {
      Run run = Run.of(args);
      assertThat(run.code()).as(run.toString()).isEqualTo(2);
      assertThat(run.err()).contains("explain needs one concrete flow; use verify");
    }
  }

  @Test
  void usageErrors_exit2WithoutStackTrace() {
    for (String[] args :
        new String[][] {
          {"-f", QUIZ1},
          {"explain"},
          {"explain", "a", "b", "--frob"},
          {"--timeout", "5x", "explain", "a", "b", "-f", QUIZ1},
          {"explain", "a", "b"},
          {"explain", "shop/podA", "world", "-o", "yaml", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "--protocol", "XTP", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "--port", "70000", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "--protocol", "ICMP", "--port", "80", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "--icmp-code", "1", "--protocol", "ICMP", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "--ip-version", "5", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "--destination-ip", "1.2.3.4", "-f", QUIZ1},
          {"explain", "tigera.io", "shop/podA", "-f", QUIZ1},
          {"explain", "shop/podA", "world", "-f", "no/such/file.yaml"},
          {"verify", "reachble", "shop/podA", "world", "-f", QUIZ1},
          {
            "verify",
            "isolated",
            "shop/podA",
            "world",
            "--protocol",
            "ICMP",
            "--port",
            "80",
            "-f",
            QUIZ1
          },
          {
            "verify",
            "isolated",
            "shop/podA",
            "world",
            "--port",
            "80",
            "--icmp-type",
            "8",
            "-f",
            QUIZ1
          }
        }) {
      Run run = Run.of(args);
      assertThat(run.code()).as(run.toString()).isEqualTo(2);
      assertThat(run.out()).as(run.toString()).isEmpty();
      assertThat(run.err())
          .as(run.toString())
          .contains("error: ")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void timeout_acceptsMillisSecondsMinutes() {
    for (String t : new String[] {"500ms", "30s", "2m"}) {
      assertThat(Run.of("--timeout", t, "explain", "shop/podA", "world", "-f", QUIZ1).code())
          .isZero();
    }
  }

  @Test
  void help_exits0OnStdout() {
    Run run = Run.of("--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("explain").contains("verify");
  }

  @Test
  void verifyReachable_holds_exits0WithReplayedWitness() throws Exception {
    Run run = Run.of("verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ1, "-o", "json");
    assertThat(run.code()).as(run.toString()).isZero();
    JsonNode r = JSON.readTree(run.out());
    assertThat(r.get("claim").asText()).isEqualTo("reachable");
    assertThat(r.get("result").asText()).isEqualTo("holds");
    assertThat(r.get("witness").get("source").get("endpoint").asText()).isEqualTo("shop/podA");
    assertThat(r.get("witness").get("destination").get("domain").asText()).isEqualTo("tigera.io");
    assertThat(r.get("witness").get("explanation").get("verdict").asText()).isEqualTo("allow");
    assertThat(r.has("blockers")).isFalse();
    assertThat(r.get("solver").get("status").asText()).isEqualTo("sat");
  }

  @Test
  void verifyReachable_implicitDeny_exits1WithBlockers() throws Exception {
    Run run = Run.of("verify", "reachable", "shop/podA", "tigera.io", "-f", QUIZ2, "-o", "json");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    JsonNode r = JSON.readTree(run.out());
    assertThat(r.get("result").asText()).isEqualTo("violated");
    assertThat(r.has("witness")).isFalse();
    JsonNode blocker = r.get("blockers").get(0);
    assertThat(blocker.get("endpoint").asText()).isEqualTo("shop/podA");
    assertThat(blocker.get("direction").asText()).isEqualTo("egress");
    assertThat(blocker.get("decidedBy").get("kind").asText()).isEqualTo("tier-default");
    assertThat(r.get("solver").get("status").asText()).isEqualTo("unsat");
  }

  @Test
  void verifyIsolated_exitCodesFollowTheClaim() {
    assertThat(Run.of("verify", "isolated", "shop/podA", "tigera.io", "-f", QUIZ2).code()).isZero();
    Run violated = Run.of("verify", "isolated", "shop/podA", "tigera.io", "-f", QUIZ1);
    assertThat(violated.code()).isEqualTo(1);
    assertThat(violated.out())
        .startsWith("isolated shop/podA -> tigera.io: violated: this flow is allowed\n");
  }

  @Test
  void verify_selectorReferences_quantifyOverHypotheticalPods() {
    Run run = Run.of("verify", "isolated", "shop/{app == 'frontend'}", "payments/*", "-f", SHOP);
    assertThat(run.code()).as(run.toString()).isZero();
    Run dns =
        Run.of(
            "verify",
            "reachable",
            "*",
            "kube-system/coredns-0",
            "--protocol",
            "UDP",
            "--port",
            "53",
            "-f",
            SHOP);
    assertThat(dns.code()).as(dns.toString()).isZero();
  }

  private static JsonNode json(String... args) throws Exception {
    Run run = Run.of(args);
    assertThat(run.code()).as(run.toString()).isZero();
    return JSON.readTree(run.out());
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void outputs_twoReportsToOneDestination_exit2AtTheSecond(@TempDir Path dir) {
    Run stdout = Run.of("-f", SHOP, "lint", "-o", "text", "-o", "json");
    assertThat(stdout.code()).as(stdout.toString()).isEqualTo(2);
    assertThat(stdout.err()).contains("`-o json` writes to standard output as `-o text` does");
    String file = dir.resolve("r.json").toString();
    Run same =
        Run.of(
            "-f",
            SHOP,
            "lint",
            "-o",
            "json=" + file,
            "-o",
            "sarif=" + dir.resolve(".").resolve("r.json"));
    assertThat(same.code()).as(same.toString()).isEqualTo(2);
  }

  @Test
  void noArguments_listsEveryCommand_exit0() {
    Run run = Run.of();
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("Usage: tierproof")
        .contains("  explain ", "  verify ", "  lint ", "  check ", "  diff ");
  }

  @Test
  void mistypedCommandOrOption_didYouMeanAtItsColumn() {
    Run command = Run.of("verfy", "reachable", "a", "b");
    assertThat(command.code()).isEqualTo(2);
    assertThat(command.err())
        .startsWith("<command line>:1:11: error: unknown command `verfy`; did you mean `verify`?");
    Run option = Run.of("lint", "--fial-on", "never", "-f", SHOP);
    assertThat(option.code()).isEqualTo(2);
    assertThat(option.err())
        .startsWith(
            "<command line>:1:16: error: unknown option `--fial-on`; did you mean `--fail-on`?");
  }

  @Test
  void helpCompletionAndVersion_work() {
    Run help = Run.of("help", "verify");
    assertThat(help.code()).isZero();
    assertThat(help.out()).startsWith("Usage: tierproof verify");
    assertThat(help.out()).contains("\nExamples:\n  tierproof -f policies/ verify reachable ");
    java.util.Map<String, String> formats =
        java.util.Map.of(
            "explain",
            "text, json",
            "verify",
            "text, json",
            "lint",
            "text, json, sarif, github, markdown",
            "check",
            "text, json, sarif, github, markdown, junit",
            "diff",
            "text, json, markdown");
    formats.forEach(
        (command, names) -> {
          String text = Run.of("help", command).out().replaceAll("\\s+", " ");
          assertThat(text)
              .as(command)
              .contains("-o=FORMAT[=FILE] output format (" + names + "), to FILE")
              .contains(" Examples: ");
        });
    Run bash = Run.of("completion", "bash");
    assertThat(bash.code()).isZero();
    assertThat(bash.out())
        .contains("complete -F _complete_tierproof", "explain", "--ignore-unmodelled");
    assertThat(Run.of("completion", "zsh").out())
        .startsWith("autoload -U +X bashcompinit && bashcompinit\n");
    Run fish = Run.of("completion", "fish");
    assertThat(fish.code()).isZero();
    assertThat(fish.out())
        .contains("complete -c tierproof -n '__fish_use_subcommand' -a diff -d 'Lists every change")
        .contains(
            "complete -c tierproof -n '__fish_seen_subcommand_from verify' -a 'reachable isolated' -d 'the claim'\n")
        .contains(
            "complete -c tierproof -n '__fish_seen_subcommand_from lint' -l scope -x -a 'existing any' -d ")
        .contains(
            "complete -c tierproof -n '__fish_seen_subcommand_from explain' -l protocol -x -a 'TCP UDP SCTP ICMP ICMPv6' -d ")
        .contains("complete -c tierproof -s f -r -F -d 'input: ")
        .doesNotContain("complete -c tierproof -n '__fish_seen_subcommand_from lint' -s f ");
    assertThat(Run.of("completion", "tcsh").code()).isEqualTo(2);
    Run version = Run.of("--version");
    assertThat(version.out())
        .containsPattern(
            "^tierproof 0\\.1\\.0 \\((commit [0-9a-f]{12}, )?built [^)]+\\)\nZ3 \\d+\\.\\d+.*\nJava 17");
    String head = git("rev-parse", "--short=12", "HEAD");
    if (head != null)
      assertThat(version.out())
          .as("built from this checkout")
          .startsWith("tierproof 0.1.0 (commit " + head + ", built ");
  }

  /** git's answer in this checkout, or null where there is no git or no repository. */
  private static String git(String... args) {
    try {
      java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("git"));
      cmd.addAll(java.util.List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      return p.waitFor() == 0 ? out : null;
    } catch (java.io.IOException | InterruptedException e) {
      return null;
    }
  }

  @Test
  void colour_onlyWhenAsked_severitiesOnly() {
    String plain = "a.yaml:1:1: error: bad `x: error: y`\n  x: error: y\nb.yaml:2:1: warning: w\n";
    assertThat(Session.colour(plain, false)).isEqualTo(plain);
    assertThat(Session.colour(plain, true))
        .isEqualTo(
            "a.yaml:1:1: \u001b[1;31merror\u001b[0m: bad `x: error: y`\n  x: error: y\nb.yaml:2:1: \u001b[1;33mwarning\u001b[0m: w\n");
  }
}
