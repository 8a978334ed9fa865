package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.Check;
import dev.tierproof.analysis.CheckResult;
import dev.tierproof.analysis.Invariant;
import dev.tierproof.analysis.InvariantResolver;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.load.Invariants;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Input;
import dev.tierproof.model.InvariantSet;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.report.CheckReport;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code check [SPEC]...}: proves the invariants of invariant files on the input ({@code -f}). Exit
 * 0 when every invariant is proven, 1 when one at or above {@code --fail-on} is violated, 2 for bad
 * input (invariant files included, with file:line:col), 3 when one is inconclusive or could not be
 * checked and none fails.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Proves the invariants of invariant files (default: the InvariantSet files under specs/) on the input:"
            + " isolation, reachability, probes, default-deny coverage, no new reachability, no lint findings.",
    footer = {
      "%nExamples:",
      "  tierproof -f examples/zero-trust check specs/invariants/zero-trust",
      "  tierproof -f policies/ check -o text -o junit=junit.xml --fail-on error"
    })
final class CheckCommand extends Subcommand {

  @Parameters(paramLabel = "SPEC", description = "invariant files or directories (default: specs)")
  List<String> specs = new ArrayList<>();

  @Option(
      names = "--fail-on",
      paramLabel = "error|warning|note|never",
      description =
          "exit 1 when an invariant of this severity or a higher one is violated (default: warning)")
  String failOn = "warning";

  @Mixin GlobalOptions global = new GlobalOptions();

  @Override
  ExitCode run(Session s, GlobalOptions g) {
    List<Session.Output> outputs = s.outputs(g, CheckReport.FORMATS);
    Severity threshold = s.failOn(failOn, List.of(Severity.ERROR, Severity.WARNING, Severity.NOTE));
    s.hasInput(g, "the policy set to check (a file, a directory or `-`)");
    List<SourceText> texts = specTexts(specs.isEmpty() ? List.of("specs") : specs, s);
    List<InvariantSet> sets = Invariants.parse(texts, s.diagnostics);
    if (!s.diagnostics.hasErrors() && sets.stream().allMatch(x -> x.invariants().isEmpty())) {
      s.diagnostics.error(
          specs.isEmpty() ? new Span(Arguments.FILE, 1, 1) : s.args.span(specs.get(0)),
          "no invariants in "
              + (specs.isEmpty() ? "`specs`" : "`" + String.join("`, `", specs) + "`")
              + ": give invariant files (`kind: InvariantSet`)");
    }
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    Optional<Input> loaded = s.input(g).map(Session.Loaded::input);
    if (loaded.isEmpty()) {
      return s.fail();
    }
    Input input = loaded.get();
    PolicySet set = input.set();
    InvariantResolver r =
        new InvariantResolver(
            set,
            (baseline, at) ->
                s.base(baseline, g, at)
                    .map(
                        b -> {
                          b.diagnostics().errors().forEach(s.diagnostics::add);
                          return b.input();
                        }),
            s.diagnostics);
    List<Invariant> invariants = r.resolve(sets);
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    // spec S9.4
    // spec S9.3: a witness in a placement no unmodelled element reaches, when there is one
    dev.tierproof.eval.Evaluator eval = new dev.tierproof.eval.Evaluator(set);
    List<CheckResult> checked =
        Check.run(set, invariants, g.timeoutOrDefault(), s.progress(g, "check")).stream()
            .map(x -> Relevance.placed(input.unmodelled(), eval, x))
            .toList();
    List<List<Unmodelled>> relevant =
        checked.stream().map(x -> r.relevant(input.unmodelled(), x)).toList();
    List<CheckResult> results = new ArrayList<>();
    for (int k = 0; k < checked.size(); k++) {
      results.add(checked.get(k).unmodelled(relevant.get(k), g.ignoreUnmodelled));
    }
    Caveat caveat = Session.caveat(g, relevant.stream().flatMap(List::stream).distinct().toList());
    boolean written = s.write(outputs, f -> CheckReport.render(f, results, Version.NUMBER, caveat));
    if (!written) {
      return s.fail();
    }
    boolean failing =
        results.stream()
            .anyMatch(
                x ->
                    x.status() == CheckResult.Status.VIOLATED
                        && threshold != null
                        && x.invariant().severity().atLeast(threshold));
    if (failing) {
      return ExitCode.VIOLATED;
    }
    long open =
        results.stream()
            .filter(
                x ->
                    x.status() == CheckResult.Status.INCONCLUSIVE
                        || x.status() == CheckResult.Status.ERROR)
            .filter(x -> x.unmodelled().isEmpty())
            .count();
    if (results.stream().anyMatch(x -> !x.unmodelled().isEmpty())) { // spec S9.4
      s.unmodelled(caveat);
    }
    if (open > 0) {
      s.err.println(
          "tierproof: inconclusive: "
              + open
              + " invariant"
              + (open == 1 ? " was" : "s were")
              + " not decided; nothing is proved about "
              + (open == 1 ? "it" : "them"));
    }
    if (results.stream()
        .anyMatch(
            x ->
                x.status() == CheckResult.Status.INCONCLUSIVE
                    || x.status() == CheckResult.Status.ERROR)) {
      return ExitCode.INCONCLUSIVE;
    }
    return ExitCode.OK;
  }

  /**
   * The texts of the invariant files: a file given by name is read as is; a directory yields its
   * {@code *.yaml}, {@code *.yml} and {@code *.json} files that hold an InvariantSet (others, like
   * policy files or test scenarios beside them, are skipped).
   */
  private static List<SourceText> specTexts(List<String> paths, Session s) {
    List<SourceText> out = new ArrayList<>();
    for (String path : paths) {
      boolean dir = Files.isDirectory(Path.of(path));
      Diagnostics d = new Diagnostics();
      List<SourceText> read = Loader.read(List.of(path), s.in, d);
      if (dir && d.hasErrors()) {
        d.errors().forEach(s.diagnostics::add);
        continue;
      }
      if (!dir) {
        d.all().forEach(s.diagnostics::add);
      }
      for (SourceText t : read) {
        if (!dir || t.text().contains(Invariants.KIND)) {
          out.add(t);
        }
      }
      if (dir && read.stream().noneMatch(t -> t.text().contains(Invariants.KIND))) {
        s.diagnostics.error(
            s.args.span(path).isKnown() ? s.args.span(path) : new Span(path, 1, 1),
            "no invariant files (`kind: " + Invariants.KIND + "`) under `" + path + "`");
      }
    }
    return out;
  }
}
