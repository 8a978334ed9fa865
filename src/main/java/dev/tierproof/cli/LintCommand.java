package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.analysis.lint.Finding;
import dev.tierproof.analysis.lint.Lint;
import dev.tierproof.analysis.lint.Suppressions;
import dev.tierproof.model.Input;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.report.LintReport;
import dev.tierproof.source.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lint}: unmatchable, shadowed and redundant rules, dead policies and tiers, rules for
 * ungoverned directions, and surprises (issue #4). Exit 0 when no finding is at or above {@code
 * --fail-on}, 1 when one is, 2 on bad input, 3 when a question was inconclusive (and nothing
 * reached {@code --fail-on}) or on an internal error.
 */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description =
        "Shadowed, unmatchable and redundant rules, dead policies and tiers, and Calico surprises,"
            + " proven over every flow in scope, with file and line.",
    footer = {
      "%nExamples:",
      "  tierproof -f examples/lint lint",
      "  tierproof -f policies/ lint --fail-on error -o text -o sarif=lint.sarif"
    })
final class LintCommand extends Subcommand {

  @Option(
      names = "--scope",
      paramLabel = "existing|any",
      description =
          "existing: the input's endpoints; any: also endpoints that could exist"
              + " (default: existing, or any when the input has no pods or workloads)")
  String scope;

  @Option(
      names = "--fail-on",
      paramLabel = "error|warning|never",
      description = "exit 1 when a finding has this severity or a higher one (default: warning)")
  String failOn = "warning";

  @Mixin GlobalOptions global = new GlobalOptions();

  @Override
  ExitCode run(Session s, GlobalOptions g) {
    List<Session.Output> outputs = s.outputs(g, LintReport.FORMATS);
    Scope chosen = s.scope(scope);
    Severity threshold = s.failOn(failOn, List.of(Severity.ERROR, Severity.WARNING));
    Optional<Session.Loaded> loaded = s.inputOnly(g);
    if (loaded.isEmpty()) {
      return s.fail();
    }
    Input input = loaded.get().input();
    PolicySet set = input.set();
    s.warn(g);
    Map<String, String> texts = new HashMap<>();
    loaded.get().sources().forEach(t -> texts.put(t.file(), t.text()));
    Lint.Result all =
        Lint.run(set, new Lint.Options(chosen, g.timeoutOrDefault(), s.progress(g, "lint")));
    // findings a `tierproof.dev/ignore` annotation suppresses neither fail the run nor show (but in
    // SARIF)
    Map<Finding, dev.tierproof.model.Suppression> suppressed =
        Suppressions.of(input.suppressions(), all.findings());
    // and the configuration's `lint.disable` rules are not reported at all
    Lint.Result result =
        new Lint.Result(
            all.scope(),
            all.findings().stream()
                .filter(f -> !suppressed.containsKey(f) && !g.lintDisable.contains(f.kind()))
                .toList(),
            all.stats(),
            g.lintSeverity);
    String version = Version.NUMBER;
    // spec S9.4: a finding an unmodelled element could change does not fail the run; the run is
    // inconclusive
    boolean hypothetical = result.scope() == Scope.ANY;
    List<Unmodelled> elements = Relevance.lint(input.unmodelled());
    Map<Finding, List<Unmodelled>> byFinding =
        Relevance.findings(elements, set, result.findings(), hypothetical);
    Caveat caveat = Session.caveat(g, Relevance.anywhere(elements, set, hypothetical));
    boolean written =
        s.write(
            outputs,
            f -> LintReport.render(f, result, texts::get, version, caveat, byFinding, suppressed));
    if (!written) {
      return s.fail();
    }
    boolean failing =
        threshold != null
            && result.findings().stream()
                .anyMatch(
                    f ->
                        result.severity(f).atLeast(threshold)
                            && !(f instanceof Finding.Inconclusive)
                            && (!caveat.inconclusive() || byFinding.get(f).isEmpty()));
    if (failing) {
      return ExitCode.VIOLATED;
    }
    if (caveat.inconclusive()) {
      return s.unmodelled(caveat);
    }
    if (result.findings().stream().anyMatch(f -> f instanceof Finding.Inconclusive)) {
      s.err.println(
          "tierproof: inconclusive: the solver could not decide some questions; nothing is claimed about them");
      return ExitCode.INCONCLUSIVE;
    }
    return ExitCode.OK;
  }
}
