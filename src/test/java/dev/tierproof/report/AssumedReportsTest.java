package dev.tierproof.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.cli.Run;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Every report names the dataplane and the Calico release the user chose ({@code --dataplane},
 * {@code --calico-version}, or {@code .tierproof.yaml}), parsed from the output of each format:
 * SARIF's run properties (schema-valid), JUnit's suite properties, GitHub annotation titles,
 * Markdown headings, text lines and JSON fields; and none of it without the options.
 */
class AssumedReportsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] CHOSEN = {"--dataplane", "iptables", "--calico-version", "3.31"};
  private static final String LINT = "examples/lint";
  private static final String CHECKED = "examples/zero-trust";
  private static final String INVARIANTS = "specs/invariants/zero-trust";

  private static Run run(boolean chosen, String... args) {
    List<String> all = new ArrayList<>(List.of("--config", "none"));
    if (chosen) {
      all.addAll(List.of(CHOSEN));
    }
    all.addAll(List.of(args));
    Run run = Run.of(all.toArray(String[]::new));
    assertThat(run.code()).as(run.toString()).isIn(0, 1);
    return run;
  }

  private static Run lint(boolean chosen, String format) {
    return run(chosen, "-f", LINT, "lint", "-o", format);
  }

  private static Run check(boolean chosen, String format) {
    return run(chosen, "-f", CHECKED, "check", INVARIANTS, "-o", format);
  }

  @Test
  void sarif_chosen_runPropertiesNameThem() throws Exception {
    for (Run run : List.of(lint(true, "sarif"), check(true, "sarif"))) {
      SarifTest.assertValidSarif(run.out());
      JsonNode bag = JSON.readTree(run.out()).get("runs").get(0).get("properties");
      assertThat(bag).as(run.out()).isNotNull();
      assertThat(bag.get("dataplane").asText()).isEqualTo("iptables");
      assertThat(bag.get("calicoVersion").asText()).isEqualTo("3.31");
    }
  }

  @Test
  void sarif_notChosen_noRunProperties() throws Exception {
    for (Run run : List.of(lint(false, "sarif"), check(false, "sarif"))) {
      SarifTest.assertValidSarif(run.out());
      assertThat(JSON.readTree(run.out()).get("runs").get(0).has("properties")).isFalse();
    }
  }

  /** The suites of a JUnit report, each with its {@code <properties>} by name. */
  private static Map<String, Map<String, String>> suiteProperties(String xml) throws Exception {
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    NodeList suites = doc.getElementsByTagName("testsuite");
    for (int i = 0; i < suites.getLength(); i++) {
      Element suite = (Element) suites.item(i);
      Map<String, String> props = new LinkedHashMap<>();
      Element first = firstElement(suite);
      if (first != null && first.getTagName().equals("properties")) {
        NodeList ps = first.getElementsByTagName("property");
        for (int k = 0; k < ps.getLength(); k++) {
          Element p = (Element) ps.item(k);
          props.put(p.getAttribute("name"), p.getAttribute("value"));
        }
      }
      assertThat(suite.getElementsByTagName("properties").getLength())
          .as("properties only as the suite's first child")
          .isEqualTo(props.isEmpty() ? 0 : 1);
      out.put(suite.getAttribute("name"), props);
    }
    return out;
  }

  private static Element firstElement(Element parent) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        return e;
      }
    }
    return null;
  }

  @Test
  void junit_chosen_everySuiteHasTheProperties() throws Exception {
    Map<String, Map<String, String>> suites = suiteProperties(check(true, "junit").out());
    assertThat(suites).hasSizeGreaterThan(1);
    suites.forEach(
        (name, props) ->
            assertThat(props)
                .as(name)
                .containsExactly(
                    Map.entry("dataplane", "iptables"), Map.entry("calicoVersion", "3.31")));
  }

  @Test
  void junit_notChosen_noProperties() throws Exception {
    Map<String, Map<String, String>> suites = suiteProperties(check(false, "junit").out());
    assertThat(suites).isNotEmpty();
    suites.values().forEach(p -> assertThat(p).isEmpty());
  }

  /** The {@code title} property of each workflow command, unescaped. */
  private static List<String> titles(String github) {
    List<String> out = new ArrayList<>();
    for (String line : github.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      assertThat(line).startsWith("::");
      String props = line.substring(line.indexOf(' ') + 1, line.indexOf("::", 2));
      for (String p : props.split(",")) {
        if (p.startsWith("title=")) {
          out.add(
              p.substring("title=".length())
                  .replace("%2C", ",")
                  .replace("%3A", ":")
                  .replace("%25", "%"));
        }
      }
    }
    return out;
  }

  @Test
  void github_chosen_everyTitleEndsInThem() {
    List<String> titles = titles(lint(true, "github").out());
    assertThat(titles).isNotEmpty();
    titles.forEach(
        t -> assertThat(t).matches("TP\\d+ [a-z-]+ \\(dataplane iptables, Calico 3\\.31\\)"));
    List<String> plain = titles(lint(false, "github").out());
    assertThat(plain).hasSameSizeAs(titles);
    plain.forEach(t -> assertThat(t).matches("TP\\d+ [a-z-]+"));
  }

  /** The Markdown reports of lint, check, diff and map. */
  private static List<Run> markdowns(boolean chosen) {
    return List.of(
        lint(chosen, "markdown"),
        check(chosen, "markdown"),
        run(chosen, "-f", CHECKED, "diff", "--base", CHECKED, "-o", "markdown"),
        run(chosen, "-f", "examples/shop", "map", "-o", "markdown"));
  }

  @Test
  void markdown_chosen_headingNamesThem() {
    List<Run> chosen = markdowns(true);
    List<Run> plain = markdowns(false);
    for (int i = 0; i < chosen.size(); i++) {
      String heading = chosen.get(i).out().lines().findFirst().orElseThrow();
      String before = plain.get(i).out().lines().findFirst().orElseThrow();
      assertThat(heading).startsWith("### tierproof ");
      assertThat(heading).isEqualTo(before + " (dataplane iptables, Calico 3.31)");
    }
  }

  @Test
  void dotAndMermaid_chosen_titledWithThem() {
    String dot = run(true, "-f", "examples/shop", "map", "-o", "dot").out();
    assertThat(dot.lines().filter(l -> l.startsWith("  label=")).toList())
        .containsExactly("  label=\"dataplane iptables, Calico 3.31\";");
    String plainDot = run(false, "-f", "examples/shop", "map", "-o", "dot").out();
    assertThat(plainDot.lines().noneMatch(l -> l.startsWith("  label="))).isTrue();
    String mermaid = run(true, "-f", "examples/shop", "map", "-o", "mermaid").out();
    assertThat(mermaid.lines().limit(4).toList())
        .containsExactly("---", "title: dataplane iptables, Calico 3.31", "---", "flowchart LR");
    assertThat(run(false, "-f", "examples/shop", "map", "-o", "mermaid").out())
        .startsWith("flowchart LR\n");
  }

  @Test
  void textAndJson_calicoVersionChosen_namedLikeTheDataplane() throws Exception {
    String[] explain = {"-f", "examples/shop", "explain", "shop/frontend-0", "shop/cart-0"};
    Run text = run(true, explain);
    assertThat(text.out())
        .contains("\ndataplane: iptables (--dataplane): ")
        .contains(
            "\ncalico version: 3.31 (--calico-version): enforces AdminNetworkPolicy and"
                + " BaselineAdminNetworkPolicy, not ClusterNetworkPolicy");
    List<String> args = new ArrayList<>(List.of(explain));
    args.addAll(List.of("-o", "json"));
    JsonNode json = JSON.readTree(run(true, args.toArray(String[]::new)).out());
    assertThat(json.get("dataplane").asText()).isEqualTo("iptables");
    assertThat(json.get("calicoVersion").asText()).isEqualTo("3.31");
    JsonNode plain = JSON.readTree(run(false, args.toArray(String[]::new)).out());
    assertThat(plain.has("dataplane") || plain.has("calicoVersion")).isFalse();
    assertThat(run(false, explain).out())
        .doesNotContain("calico version:")
        .doesNotContain("dataplane:");
  }

  @Test
  void configuration_chosenThere_namedAsIfGiven(@TempDir Path dir) throws Exception {
    Path config = dir.resolve(".tierproof.yaml");
    Files.writeString(config, "dataplane: bpf\ncalicoVersion: \"3.29\"\n");
    Run run = Run.of("--config", config.toString(), "-f", LINT, "lint", "-o", "sarif");
    assertThat(run.code()).as(run.toString()).isIn(0, 1);
    JsonNode bag = JSON.readTree(run.out()).get("runs").get(0).get("properties");
    assertThat(bag.get("dataplane").asText()).isEqualTo("bpf");
    assertThat(bag.get("calicoVersion").asText()).isEqualTo("3.29");
  }

  @Test
  void diff_dataplanePair_namedByItsBaseNotTwice() {
    Run run =
        Run.of(
            "--config",
            "none",
            "-f",
            "specs/cases/own/dataplane-profile-pass-iptables/resources.yaml",
            "diff",
            "--dataplane",
            "iptables:bpf",
            "-o",
            "markdown");
    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out().lines().findFirst().orElseThrow())
        .isEqualTo("### tierproof diff against `dataplane iptables (now bpf)`");
  }
}
