package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Policy;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Rule;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostic;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conversion vectors of {@code src/test/resources/conversion/}: each file's {@code input} (a
 * ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy) loaded as its {@code
 * calicoVersion} enforces it must equal, rule by rule, its {@code expect} (the Calico v3
 * GlobalNetworkPolicy Calico converts it to) loaded by the ordinary loader; or, with {@code
 * expectNotEnforced}, load to no policy with a warning (specs/semantics.md S2.10, S2.11). With
 * {@code rejectedByApiServer} (input the API server never admits: the vector's {@code expect}
 * records only what Calico's converter would do with it) the input must be an error; with {@code
 * expectInvalidAsWritten} (converter output a user could not write, e.g. both families in one rule)
 * {@code expect} loads with exactly that error and is compared as usual. {@code types} are compared
 * as {@code expect} writes them (the converter's output is not defaulted). Own vectors are {@code
 * own-*.yaml}, vectors translated from Calico's Go tests {@code calico-*.yaml}; every file is run.
 */
class ConversionVectorsTest {

  private static final Path FOLDER = Path.of("src/test/resources/conversion");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TestFactory
  Stream<DynamicTest> vectors() throws IOException {
    try (Stream<Path> files = Files.list(FOLDER)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".yaml"))
          .sorted()
          .toList()
          .stream()
          .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }
  }

  @Test
  void vectors_ownOnes_atLeastEight() throws IOException {
    try (Stream<Path> files = Files.list(FOLDER)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("own-")).count())
          .isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void destinationNamedPort_calico332_convertedWithoutWarning() throws IOException {
    // spec S2.10: Calico 3.32 converts it (projectcalico/calico#11916): nothing to warn about
    JsonNode vector = YAML.readTree(FOLDER.resolve("own-cnp-named-port.yaml").toFile());
    Diagnostics d = new Diagnostics();
    PolicySet set = load("named.yaml", vector.get("input"), CalicoVersion.DEFAULT, d);
    assertThat(d.all()).as(d.all().toString()).isEmpty();
    assertThat(set.policies().get(0).egress().get(0).destination().ports())
        .containsExactly(new dev.tierproof.model.Port.Named("postgres"));
  }

  private static void run(Path file) throws IOException {
    JsonNode vector = YAML.readTree(file.toFile());
    CalicoVersion version =
        CalicoVersion.parse(vector.path("calicoVersion").asText()).orElseThrow();
    Diagnostics inputProblems = new Diagnostics();
    PolicySet converted = load(file + "#input", vector.get("input"), version, inputProblems);
    if (vector.has("rejectedByApiServer")) {
      // the API server never admits it, so no cluster holds it: tierproof rejects it as well
      assertThat(inputProblems.all())
          .extracting(Diagnostic::severity)
          .as(inputProblems.all().toString())
          .contains(Severity.ERROR);
      return;
    }
    assertThat(inputProblems.hasErrors()).as(inputProblems.all().toString()).isFalse();
    if (vector.has("expectNotEnforced")) {
      assertThat(converted.policies()).isEmpty();
      assertThat(inputProblems.all()).extracting(Diagnostic::severity).contains(Severity.WARNING);
      return;
    }
    Diagnostics expectProblems = new Diagnostics();
    PolicySet expected = load(file + "#expect", vector.get("expect"), version, expectProblems);
    if (vector.has("expectInvalidAsWritten")) {
      // the converter's output may break a rule a user could not write (e.g. both families)
      String why = vector.get("expectInvalidAsWritten").asText();
      assertThat(expectProblems.errors()).isNotEmpty();
      assertThat(expectProblems.errors()).allMatch(e -> e.message().contains(why));
    } else {
      assertThat(expectProblems.hasErrors()).as(expectProblems.all().toString()).isFalse();
    }
    assertThat(converted.policies()).hasSize(1);
    assertThat(expected.policies()).hasSize(1);
    Policy got = converted.policies().get(0);
    Policy want = expected.policies().get(0);
    assertThat(got.tier()).as("tier").isEqualTo(want.tier());
    assertThat(got.order()).as("order").isEqualTo(want.order());
    assertThat(got.selector().canonical()).as("selector").isEqualTo(want.selector().canonical());
    // the converter's types are not defaulted: compare with what expect writes, when it does
    JsonNode types = vector.path("expect").path("spec").path("types");
    assertThat(got.types()).as("types").isEqualTo(types.isArray() ? written(types) : want.types());
    assertThat(describe(got.ingress())).as("ingress").isEqualTo(describe(want.ingress()));
    assertThat(describe(got.egress())).as("egress").isEqualTo(describe(want.egress()));
  }

  private static java.util.Set<dev.tierproof.model.Direction> written(JsonNode types) {
    java.util.Set<dev.tierproof.model.Direction> out =
        java.util.EnumSet.noneOf(dev.tierproof.model.Direction.class);
    types.forEach(
        t ->
            out.add(
                dev.tierproof.model.Direction.valueOf(
                    t.asText().toUpperCase(java.util.Locale.ROOT))));
    return out;
  }

  private static PolicySet load(
      String name, JsonNode resource, CalicoVersion version, Diagnostics d) throws IOException {
    String text = YAML.writeValueAsString(resource);
    return Loader.load(List.of(new SourceText(name, text)), d, version);
  }

  /** Each rule with every match it makes, without its position (conversion splits rules). */
  private static List<String> describe(List<Rule> rules) {
    return rules.stream()
        .map(
            r ->
                String.join(
                    " | ",
                    r.action().toString(),
                    String.valueOf(r.ipVersion()),
                    String.valueOf(r.protocol()),
                    String.valueOf(r.notProtocol()),
                    String.valueOf(r.icmp()),
                    String.valueOf(r.notIcmp()),
                    "source " + side(r.source()),
                    "destination " + side(r.destination())))
        .toList();
  }

  private static String side(EntityMatch m) {
    return String.join(
        " ",
        "nets=" + m.nets(),
        "notNets=" + m.notNets(),
        "selector=" + canonical(m.selector()),
        "notSelector=" + canonical(m.notSelector()),
        "ports=" + m.ports(),
        "notPorts=" + m.notPorts());
  }

  private static String canonical(Selector s) {
    return s == null ? "-" : s.canonical();
  }
}
