package dev.tierproof.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierproof.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The HTML map of {@code examples/shop} in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them and sets {@code -Dbrowser.required=true},
 * elsewhere the test is skipped without them): every cell of the namespace matrix counts the pairs
 * of groups the JSON report lists, a click shows the allowed packets, the deciding rules with their
 * file and line and the walk of the witness, a namespace opens its workloads, the page fetches
 * nothing, the summary names the dataplane and Calico release chosen; a screenshot goes to {@code
 * target/map-shop.png}.
 */
class MapHtmlBrowserTest {

  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static ChromeDriver browser;
  private static JsonNode map;
  private static String page;

  @BeforeAll
  static void open() throws Exception {
    boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    if (Boolean.getBoolean("browser.required")) {
      assertThat(present)
          .as("chromium and chromium-driver are installed (.ci/run installs them)")
          .isTrue();
    }
    assumeTrue(present, "no chromium/chromedriver: the browser test runs where they are (CI)");
    Path dir = Files.createDirectories(Path.of("target/map-browser"));
    Path html = dir.resolve("shop.html");
    Path json = dir.resolve("shop.json");
    Run run = Run.of("-f", "examples/shop", "map", "-o", "html=" + html, "-o", "json=" + json);
    assertThat(run.code()).as(run.toString()).isZero();
    map = new ObjectMapper().readTree(json.toFile());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
    page = html.toAbsolutePath().toUri().toString();
  }

  @org.junit.jupiter.api.BeforeEach
  void load() {
    browser.get(page);
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.quit();
    }
  }

  private static String namespace(JsonNode group) {
    return group.has("cidrs") || group.has("domains")
        ? "(outside)"
        : group.path("namespace").asText("(hosts)");
  }

  @Test
  void matrix_countsThePairsTheJsonLists_andFetchesNothing() throws Exception {
    matrixAgreesWith(map);
  }

  @Test
  void scopeAny_podsThatCouldBeDeployed_countedAndListedInTheirNamespace() throws Exception {
    Path dir = Path.of("target/map-browser");
    Path html = dir.resolve("shop-any.html");
    Path json = dir.resolve("shop-any.json");
    Run run =
        Run.of(
            "-f",
            "examples/shop",
            "map",
            "--scope",
            "any",
            "-o",
            "html=" + html,
            "-o",
            "json=" + json);
    assertThat(run.code()).as(run.toString()).isZero();
    browser.get(html.toAbsolutePath().toUri().toString());
    matrixAgreesWith(new ObjectMapper().readTree(json.toFile()));
    browser.findElement(By.cssSelector("#matrix tbody th[data-key='payments']")).click();
    List<String> rows =
        browser.findElements(By.cssSelector("#matrix tbody th")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(rows)
        .contains("payments/payments-api-0")
        .anyMatch(r -> r.startsWith("payments/{app=payments-api} (could be deployed)"));
  }

  @Test
  void summary_namesTheChosenDataplaneAndRelease_onlyWhenChosen() throws Exception {
    Path html = Path.of("target/map-browser/shop-assumed.html");
    Run run =
        Run.of(
            "--dataplane",
            "nftables",
            "--calico-version",
            "3.30",
            "-f",
            "examples/shop",
            "map",
            "-o",
            "html=" + html);
    assertThat(run.code()).as(run.toString()).isZero();
    browser.get(html.toAbsolutePath().toUri().toString());
    assertThat(browser.findElement(By.id("summary")).getText())
        .endsWith("(scope: existing; dataplane nftables, Calico 3.30)");
    browser.get(page);
    assertThat(browser.findElement(By.id("summary")).getText()).endsWith("(scope: existing)");
  }

  /** Every cell of the page's matrix counts the pairs of groups {@code map} lists. */
  private static void matrixAgreesWith(JsonNode map) {
    Map<String, String> nsOf = new HashMap<>();
    map.get("groups").forEach(g -> nsOf.put(g.get("id").asText(), namespace(g)));
    Map<String, Integer> expected = new HashMap<>();
    map.get("edges")
        .forEach(
            e ->
                expected.merge(
                    nsOf.get(e.get("from").asText()) + "→" + nsOf.get(e.get("to").asText()),
                    1,
                    Integer::sum));
    List<WebElement> cells = browser.findElements(By.cssSelector("#matrix td"));
    long namespaces = nsOf.values().stream().distinct().count();
    assertThat(cells).hasSize((int) (namespaces * namespaces));
    int nonEmpty = 0;
    for (WebElement td : cells) {
      String key = td.getAttribute("data-from") + "→" + td.getAttribute("data-to");
      assertThat(Integer.parseInt(td.getAttribute("data-pairs")))
          .as(key)
          .isEqualTo(expected.getOrDefault(key, 0));
      nonEmpty += expected.containsKey(key) ? 1 : 0;
    }
    assertThat(nonEmpty).isEqualTo(expected.size()).isPositive();
    Object fetched =
        ((JavascriptExecutor) browser)
            .executeScript("return performance.getEntriesByType('resource').length");
    assertThat(((Number) fetched).intValue()).as("resources the page fetched").isZero();
  }

  @Test
  void clickOnACell_showsPacketsDecidingRulesAndTheWalk() throws Exception {
    browser.findElement(By.cssSelector("#matrix td[data-from='shop'][data-to='payments']")).click();
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(Path.of("target/map-shop.png"), png);
    assertThat(png.length).isGreaterThan(1000);
    String details = browser.findElement(By.id("details")).getText();
    assertThat(details)
        .contains("shop → payments")
        .contains("shop/cart-0 → payments/payments-api-0")
        .contains("TCP 8443")
        .contains("egress rule 0 of shop/app.cart (Allow, tier app) at examples/shop/app.yaml:42")
        .contains(
            "ingress rule 0 of payments/app.payments-api (Allow, tier app) at examples/shop/app.yaml:65")
        .contains("tier security, policy security.block-metadata: pass (rule 1)");
    browser.findElement(By.cssSelector("#matrix td[data-from='payments'][data-to='shop']")).click();
    assertThat(browser.findElement(By.id("details")).getText())
        .contains("Nothing is allowed from payments to shop");
  }

  @Test
  void walkAfterAProfilesPass_listsEveryProfileWalked() throws Exception {
    Path html = Path.of("target/map-browser/profile-pass.html");
    Run run =
        Run.of(
            "--dataplane",
            "iptables",
            "-f",
            "specs/cases/own/dataplane-profile-pass-iptables/resources.yaml",
            "map",
            "-o",
            "html=" + html);
    assertThat(run.code()).as(run.toString()).isZero();
    browser.get(html.toAbsolutePath().toUri().toString());
    browser
        .findElement(By.cssSelector("#matrix td[data-from='(outside)'][data-to='(hosts)']"))
        .click();
    assertThat(browser.findElement(By.id("details")).getText())
        .contains("profile p-allow (ingress rule 0, Allow)")
        .contains("  profile p-pass: no-match\n  profile p-allow: allow (rule 0)")
        .doesNotContain("profile p-allow: no-match");
  }

  @Test
  void namespace_opensItsWorkloads_andFiltersNarrowTheMatrix() {
    browser.findElement(By.cssSelector("#matrix tbody th[data-key='shop']")).click();
    List<String> rows =
        browser.findElements(By.cssSelector("#matrix tbody th")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(rows).contains("shop/frontend-0", "shop/cart-0", "payments");
    browser.findElement(By.id("back")).click();
    WebElement filter = browser.findElement(By.id("ns-filter"));
    filter.sendKeys("pay");
    List<String> filtered =
        browser.findElements(By.cssSelector("#matrix tbody th")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(filtered).containsExactly("payments");
    browser.findElement(By.id("label-filter")).sendKeys("app=web");
    assertThat(browser.findElements(By.cssSelector("#matrix tbody th"))).isEmpty();
  }
}
