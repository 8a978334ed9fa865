package dev.tierproof.cli;

import dev.tierproof.analysis.Check;
import dev.tierproof.analysis.CheckResult;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.FlowSpec;
import dev.tierproof.analysis.Invariant;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.References.Resolved;
import dev.tierproof.load.Invariants;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Ip;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.model.Input;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.model.Port;
import dev.tierproof.report.CheckReport;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code check [SPEC]...}: proves the invariants of invariant files on the input ({@code -f}).
 * Exit 0 when every invariant is proven, 1 when one at or above {@code --fail-on} is violated, 2
 * for bad input (invariant files included, with file:line:col), 3 when one is inconclusive or
 * could not be checked and none fails.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Proves the invariants of invariant files (default: the InvariantSet files under specs/) on the input:"
            + " isolation, reachability, probes, default-deny coverage, no new reachability, no lint findings.",
    footer = {"%nExamples:", "  tierproof -f examples/zero-trust check specs/invariants/zero-trust", "  tierproof -f policies/ check -o text -o junit=junit.xml --fail-on error"})
final class CheckCommand implements Callable<Integer> {

  private final Main main;

  @Parameters(paramLabel = "SPEC", description = "invariant files or directories (default: specs)")
  List<String> specs = new ArrayList<>();

  @Option(
      names = "--fail-on",
      paramLabel = "error|warning|note|never",
      description = "exit 1 when an invariant of this severity or a higher one is violated (default: warning)")
  String failOn = "warning";

  @Mixin GlobalOptions global = new GlobalOptions();

  CheckCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() {
    Session s = main.session;
    GlobalOptions g = main.session.configured(global.after(main.global));
    List<Session.Output> outputs = s.outputs(g, CheckReport.FORMATS);
    Severity threshold = null;
    switch (failOn) {
      case "error" -> threshold = Severity.ERROR;
      case "warning" -> threshold = Severity.WARNING;
      case "note" -> threshold = Severity.NOTE;
      case "never" -> threshold = null;
      default ->
          s.diagnostics.error(s.args.span(failOn), "`" + failOn + "` is not a severity; use `error`, `warning`, `note` or `never`");
    }
    if (g.files.isEmpty()) {
      s.diagnostics.error(
          new Span(Arguments.FILE, 1, 1), "no input; give `-f PATH`: the policy set to check (a file, a directory or `-`)");
    }
    List<SourceText> texts = specTexts(specs.isEmpty() ? List.of("specs") : specs, s);
    List<Invariants.InvariantSet> sets = Invariants.parse(texts, s.diagnostics);
    if (!s.diagnostics.hasErrors() && sets.stream().allMatch(x -> x.invariants().isEmpty())) {
      s.diagnostics.error(
          specs.isEmpty() ? new Span(Arguments.FILE, 1, 1) : s.args.span(specs.get(0)),
          "no invariants in " + (specs.isEmpty() ? "`specs`" : "`" + String.join("`, `", specs) + "`")
              + ": give invariant files (`kind: InvariantSet`)");
    }
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    List<SourceText> sources = Loader.read(g.files, g.excludes, s.in, s.diagnostics);
    Input input = Loader.input(sources, s.diagnostics, g.inputSpan(s.args));
    PolicySet set = input.set();
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    List<Invariant> invariants = new ArrayList<>();
    Resolver r = new Resolver(set, s, g.files);
    for (Invariants.InvariantSet x : sets) {
      for (Invariants.Invariant i : x.invariants()) {
        r.invariant(i).ifPresent(invariants::add);
      }
    }
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    // spec S9.4
    List<CheckResult> checked = Check.run(set, invariants, g.timeoutOrDefault(), s.progress(g, "check"));
    List<List<Unmodelled>> relevant = checked.stream().map(x -> r.relevant(input.unmodelled(), set, x)).toList();
    List<CheckResult> results = new ArrayList<>();
    for (int k = 0; k < checked.size(); k++) {
      results.add(checked.get(k).unmodelled(relevant.get(k), g.ignoreUnmodelled));
    }
    Caveat caveat = Session.caveat(g, relevant.stream().flatMap(List::stream).distinct().toList());
    boolean written = s.write(outputs, f -> CheckReport.render(f, results, version(), caveat));
    if (!written) {
      return s.fail();
    }
    final Severity gate = threshold;
    boolean failing =
        results.stream()
            .anyMatch(x -> x.status() == CheckResult.Status.VIOLATED && gate != null
                && x.invariant().severity().atLeast(gate));
    if (failing) {
      return Main.VIOLATED;
    }
    long open =
        results.stream()
            .filter(x -> x.status() == CheckResult.Status.INCONCLUSIVE || x.status() == CheckResult.Status.ERROR)
            .filter(x -> x.unmodelled().isEmpty())
            .count();
    if (results.stream().anyMatch(x -> !x.unmodelled().isEmpty())) { // spec S9.4
      s.unmodelled(caveat);
    }
    if (open > 0) {
      s.err.println("tierproof: inconclusive: " + open + " invariant" + (open == 1 ? " was" : "s were")
          + " not decided; nothing is proved about " + (open == 1 ? "it" : "them"));
    }
    if (results.stream().anyMatch(x -> x.status() == CheckResult.Status.INCONCLUSIVE || x.status() == CheckResult.Status.ERROR)) {
      return Main.INCONCLUSIVE;
    }
    return Main.OK;
  }

  static String version() {
    return Version.NUMBER;
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

  /** Resolves the invariants' references against the input; reports into the session at their spans. */
  private static final class Resolver {
    private final PolicySet set;
    private final Session s;
    private final Diagnostics d;
    private final List<String> files;
    private final Map<String, PolicySet> baselines = new HashMap<>();
    /** What each baseline holds that is not modelled (spec S9.4: it can change what the invariant compares). */
    private final Map<String, List<Unmodelled>> baselineGaps = new HashMap<>();

    /** {@link Relevance#invariant}, and for a baseline every element of it that acts somewhere. */
    List<Unmodelled> relevant(List<Unmodelled> all, PolicySet set, CheckResult result) {
      List<Unmodelled> out = new ArrayList<>(Relevance.invariant(all, set, result));
      if (result.invariant().assertion() instanceof Invariant.NoNewReachability x) {
        Relevance.anywhere(baselineGaps.getOrDefault(x.baseline(), List.of()), x.base(), true).stream()
            .filter(u -> !out.contains(u))
            .forEach(out::add);
      }
      return out;
    }

    Resolver(PolicySet set, Session s, List<String> files) {
      this.set = set;
      this.s = s;
      this.d = s.diagnostics;
      this.files = files;
    }

    Optional<Invariant> invariant(Invariants.Invariant i) {
      int errors = d.errors().size();
      Invariant.Assertion a = assertion(i.assertion());
      if (a == null || d.errors().size() > errors) {
        return Optional.empty();
      }
      Severity severity = i.severity();
      return Optional.of(new Invariant(i.id(), i.set(), i.description(), severity, a, i.span(), i.idSpan()));
    }

    private Invariant.Assertion assertion(Invariants.Assertion a) {
      if (a instanceof Invariants.Isolated x) {
        List<Invariant.Carve> carves = new ArrayList<>();
        for (Invariants.Except e : x.except()) {
          carves.add(
              new Invariant.Carve(
                  e.from() == null ? null : ends(e.from()), e.to() == null ? null : ends(e.to()), packets(e.scope())));
        }
        return new Invariant.Isolated(ends(x.from()), ends(x.to()), packets(x.scope()), carves);
      }
      if (a instanceof Invariants.Reachable x) {
        return new Invariant.Reachable(ends(x.from()), ends(x.to()), packets(x.scope()), x.all());
      }
      if (a instanceof Invariants.Probe x) {
        return probe(x);
      }
      if (a instanceof Invariants.Covered x) {
        return new Invariant.Covered(ends(x.endpoints()), x.directions());
      }
      if (a instanceof Invariants.NoNewReachability x) {
        PolicySet base = baselines.get(x.baseline());
        if (base == null) {
          DiffCommand.Loaded loaded = DiffCommand.readBase(x.baseline(), files, s, x.baselineSpan());
          if (loaded == null) {
            return null;
          }
          loaded.diagnostics().errors().forEach(d::add);
          base = loaded.set();
          baselines.put(x.baseline(), base);
          baselineGaps.put(x.baseline(), loaded.unmodelled());
        }
        return new Invariant.NoNewReachability(x.baseline(), base);
      }
      Invariants.NoFindings x = (Invariants.NoFindings) a;
      return new Invariant.NoFindings(x.rules());
    }

    private Invariant.Probe probe(Invariants.Probe x) {
      Optional<Resolved> from = resolve(x.from());
      Optional<Resolved> to = resolve(x.to());
      if (from.isEmpty() || to.isEmpty()) {
        return null;
      }
      Resolved dst = to.get();
      if (x.destinationIp() != null) {
        Optional<Ip> ip = Ip.parse(x.destinationIp());
        if (ip.isEmpty()) {
          d.error(x.destinationIpSpan(), "`" + x.destinationIp() + "` is not an IP address");
          return null;
        }
        Optional<Resolved> pinned = References.pin(dst, ip.get(), set, x.destinationIpSpan(), d);
        if (pinned.isEmpty()) {
          return null;
        }
        dst = pinned.get();
      }
      FlowSpec spec =
          new FlowSpec(x.protocol(), range(x.port()), range(x.sourcePort()), x.icmpType(), x.icmpCode(), x.ipVersion());
      Optional<References.Concrete> flow = References.concrete(from.get(), dst, spec, set, x.span(), d);
      if (flow.isEmpty()) {
        return null;
      }
      Invariant.DecidedBy by = null;
      if (x.decidedBy() != null) {
        Invariants.DecidedBy b = x.decidedBy();
        by = new Invariant.DecidedBy(b.direction(), b.kind(), b.tier(), b.policy(), b.rule(), b.profile());
      }
      return new Invariant.Probe(x.allowed(), from.get().end(), dst.end(), flow.get().flow(), flow.get().notes(), by);
    }

    private List<End> ends(Invariants.Peer peer) {
      List<End> out = new ArrayList<>();
      for (Invariants.Term t : peer.terms()) {
        Optional<Resolved> r =
            t instanceof Invariants.Ref x ? resolve(x)
                : t instanceof Invariants.Selection x ? References.resolve(new EndpointRef.SelectorRef(x.namespace(), x.selector()), set, x.existing(), x.span(), d)
                : t instanceof Invariants.Net x ? References.resolve(new EndpointRef.Range(x.cidr().toString()), set, false, x.span(), d)
                : References.resolve(new EndpointRef.Domain(((Invariants.Domain) t).name()), set, false, t.span(), d);
        r.ifPresent(x -> out.add(x.end()));
      }
      return out;
    }

    private Optional<Resolved> resolve(Invariants.Ref x) {
      return References.resolve(x.ref(), set, x.existing(), x.span(), d);
    }

    private static FlowSpec.PortRange range(Port.Range p) {
      return p == null ? null : new FlowSpec.PortRange(p.min(), p.max());
    }

    /** The packets of a scope: one spec per port range (their union), none for any packet. */
    private static List<FlowSpec> packets(Invariants.Scope scope) {
      if (scope.equals(Invariants.Scope.ANY)) {
        return List.of();
      }
      if (scope.ports().isEmpty()) {
        return List.of(new FlowSpec(scope.protocol(), null, null, scope.icmpType(), scope.icmpCode(), scope.ipVersion()));
      }
      List<FlowSpec> out = new ArrayList<>();
      for (Port.Range p : scope.ports()) {
        out.add(new FlowSpec(scope.protocol(), range(p), null, scope.icmpType(), scope.icmpCode(), scope.ipVersion()));
      }
      return out;
    }
  }
}
