package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SARIF 2.1.0 (OASIS): one run, the tool's rules (id, name, short description, help, default level)
 * in order of first use, and one result per annotation with its {@code physicalLocation} (relative
 * URI, line, column), the related places as {@code relatedLocations} and the annotation's
 * fingerprint under {@code partialFingerprints}; what the run assumed (the dataplane, the Calico
 * release) in the run's {@code properties}. Output is pretty JSON with a final newline.
 */
public final class Sarif {

  /** Where the schema lives; GitHub code scanning and most viewers read this URI. */
  public static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  /** The key of the fingerprint in {@code partialFingerprints}. */
  public static final String FINGERPRINT_KEY = "tierproof/v1";

  private Sarif() {}

  public static String render(String toolName, String toolVersion, List<Annotation> annotations) {
    return render(toolName, toolVersion, annotations, List.of(), Map.of());
  }

  /**
   * As above, followed by the {@code suppressed} annotations, each suppressed in source; {@code
   * properties} (what the run assumed, {@link Assumed#properties}) go into the run's property bag
   * ({@code run.properties}, SARIF 2.1.0 §3.8), which is absent when they are empty.
   */
  public static String render(
      String toolName,
      String toolVersion,
      List<Annotation> shown,
      List<Annotation.Suppressed> suppressed,
      Map<String, String> properties) {
    List<Annotation> annotations = new ArrayList<>(shown);
    Map<Integer, Span> suppressedAt = new LinkedHashMap<>();
    for (Annotation.Suppressed x : suppressed) {
      suppressedAt.put(annotations.size(), x.at());
      annotations.add(x.annotation());
    }
    ObjectNode root = Json.object();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", toolName);
    driver.put("version", toolVersion);
    driver.put("informationUri", "https://github.com/tierproof/tierproof");
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    ArrayNode rules = driver.putArray("rules");
    for (Annotation a : annotations) {
      if (ruleIndex.containsKey(a.ruleId())) {
        continue;
      }
      ruleIndex.put(a.ruleId(), ruleIndex.size());
      ObjectNode rule = rules.addObject();
      rule.put("id", a.ruleId());
      rule.put("name", a.ruleName());
      rule.putObject("shortDescription").put("text", a.ruleName().replace('-', ' '));
      rule.putObject("fullDescription").put("text", a.ruleHelp());
      rule.putObject("help").put("text", a.ruleHelp());
      rule.putObject("defaultConfiguration").put("level", a.level().label());
    }
    ArrayNode results = run.putArray("results");
    for (int i = 0; i < annotations.size(); i++) {
      Annotation a = annotations.get(i);
      ObjectNode result = results.addObject();
      result.put("ruleId", a.ruleId());
      result.put("ruleIndex", ruleIndex.get(a.ruleId()));
      result.put("level", a.level().label());
      result.putObject("message").put("text", a.message());
      if (a.location().isKnown()) {
        result.putArray("locations").addObject().set("physicalLocation", physical(a.location()));
      }
      ArrayNode related = null;
      int id = 1;
      for (Annotation.Related r : a.related()) {
        if (related == null) {
          related = result.putArray("relatedLocations");
        }
        ObjectNode loc = related.addObject();
        loc.put("id", id++);
        if (r.location().isKnown()) {
          loc.set("physicalLocation", physical(r.location()));
        }
        loc.putObject("message").put("text", r.message());
      }
      result.putObject("partialFingerprints").put(FINGERPRINT_KEY, a.fingerprint());
      if (suppressedAt.containsKey(i)) {
        ObjectNode s = result.putArray("suppressions").addObject();
        s.put("kind", "inSource");
        s.put("justification", "tierproof.dev/ignore at " + suppressedAt.get(i));
      }
    }
    run.put("columnKind", "unicodeCodePoints");
    if (!properties.isEmpty()) {
      ObjectNode bag = run.putObject("properties");
      properties.forEach(bag::put);
    }
    return Json.write(root);
  }

  private static ObjectNode physical(Span span) {
    ObjectNode out = Json.object();
    out.putObject("artifactLocation").put("uri", uri(span.file()));
    ObjectNode region = out.putObject("region");
    region.put("startLine", span.line());
    if (span.column() > 0) {
      region.put("startColumn", span.column());
    }
    return out;
  }

  /** A relative URI reference: forward slashes, each segment percent-encoded where needed. */
  static String uri(String file) {
    String path = file.replace('\\', '/');
    StringBuilder out = new StringBuilder();
    if (path.startsWith("/")) {
      out.append("file://");
    }
    for (char c : path.toCharArray()) {
      if (Character.isLetterOrDigit(c) && c < 128 || "/-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          out.append('%').append(String.format("%02X", b & 0xff));
        }
      }
    }
    return out.toString();
  }
}
