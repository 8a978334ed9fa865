package dev.tierproof.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code map -o html}: one self-contained page (no network: styles, script and the map's JSON are
 * inline, and its content security policy forbids fetching anything) with a namespace-by-namespace
 * matrix coloured by how open each pair is, drill-down to workloads, a click on a cell showing the
 * allowed packets with the deciding tier, policy and rule of each step and the explanation of the
 * witness, filters by namespace and label, and a legend of tiers.
 */
final class MapHtml {

  private MapHtml() {}

  static String render(String json) {
    String page;
    try (InputStream in = MapHtml.class.getResourceAsStream("map.html")) {
      page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // inside <script>: no `</` that could end it, no line separators JavaScript reads as line ends
    String safe = json.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    int at = page.indexOf("/*DATA*/");
    return page.substring(0, at) + safe + page.substring(at + "/*DATA*/".length());
  }
}
