package dev.tierproof;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** design.md §1: dependencies point one way, and Z3, ANTLR and Jackson stay in their packages. */
class ArchitectureTest {

  private static final String ROOT = "dev.tierproof.";

  /** Package → the project packages it may use besides itself (source is open to every stage). */
  private static final Map<String, List<String>> MAY_USE =
      Map.of(
          "source", List.of(),
          "selector", List.of("source"),
          "model", List.of("source", "selector"),
          "load", List.of("source", "selector", "model"),
          "eval", List.of("source", "selector", "model"),
          "smt", List.of("source", "selector", "model"),
          "analysis", List.of("source", "selector", "model", "eval", "smt"),
          // report prints the selectors that model records carry (canonical form); ANTLR stays in
          // selector
          "report", List.of("source", "selector", "model", "eval", "analysis"));

  /** Package → the third-party packages it may use (besides the JDK). */
  private static final Map<String, List<String>> THIRD_PARTY =
      Map.of(
          "selector", List.of("org.antlr.."),
          "load", List.of("com.fasterxml.jackson..", "org.yaml.snakeyaml.."),
          "smt", List.of("com.microsoft.z3.."),
          "report", List.of("com.fasterxml.jackson.."),
          "cli", List.of("picocli.."));

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tierproof");
  }

  @Test
  void stages_dependOnlyOnEarlierStages() {
    MAY_USE.forEach(
        (pkg, uses) -> {
          List<String> allowed = new ArrayList<>(List.of(ROOT + pkg + "..", "java.."));
          uses.forEach(u -> allowed.add(ROOT + u + ".."));
          allowed.addAll(THIRD_PARTY.getOrDefault(pkg, List.of()));
          classes()
              .that()
              .resideInAPackage(ROOT + pkg + "..")
              .should()
              .onlyDependOnClassesThat()
              .resideInAnyPackage(allowed.toArray(String[]::new))
              .allowEmptyShould(true)
              .check(classes);
        });
  }

  /**
   * Every package, sub-packages such as {@code analysis.lint} each on their own, is in no cycle.
   */
  @Test
  void packages_dependOnEachOther_withoutCycles() {
    slices().matching(ROOT + "(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void cli_isUsedByNothing() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + "cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + "cli..")
        .check(classes);
  }

  @Test
  void libraries_stayInTheirPackages() {
    only("com.microsoft.z3..", "smt");
    only("org.antlr..", "selector");
    only("com.fasterxml.jackson..", "load", "report");
    only("picocli..", "cli");
  }

  private static void only(String library, String... packages) {
    String[] owners =
        java.util.Arrays.stream(packages).map(p -> ROOT + p + "..").toArray(String[]::new);
    noClasses()
        .that()
        .resideOutsideOfPackages(owners)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(library)
        .allowEmptyShould(true)
        .check(classes);
  }
}
