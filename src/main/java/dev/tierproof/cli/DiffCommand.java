package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.Diff;
import dev.tierproof.analysis.DiffResult;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Input;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.report.DiffReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code diff --base PATH|git:REF}: every flow whose verdict the change from the base to the
 * current input ({@code -f}) newly allows or newly denies, in classes; {@code diff --calico-version
 * OLD:NEW}: likewise for the same input as Calico OLD and Calico NEW enforce it (specs/semantics.md
 * S2.10, S2.11); {@code diff --dataplane OLD:NEW}: as the Felix dataplanes OLD and NEW enforce it
 * (S4.6, S6.6, S9.1). Exit 0 when no flow changed (proved), 1 when changes are listed, 3 when the
 * search was inconclusive and found none.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Lists every change in behaviour between the base and the current policy set (-f): classes of"
            + " flows newly allowed or newly denied, with a witness and the rules responsible, and"
            + " proves that no other flow changed.",
    footer = {
      "%nExamples:",
      "  tierproof -f policies/ diff --base git:origin/main",
      "  tierproof -f policies/ diff --base git:main --scope any -o markdown=diff.md",
      "  tierproof -f policies/ diff --calico-version 3.31:3.32",
      "  tierproof -f policies/ diff --dataplane iptables:bpf"
    })
final class DiffCommand extends Subcommand {

  @Option(
      names = "--base",
      paramLabel = "PATH|git:REF",
      description =
          "the base: a file or directory, or git:REF for the -f paths as they are at that commit;"
              + " or give --calico-version OLD:NEW instead, to compare the input under two Calico releases"
              + " (--dataplane OLD:NEW: under two Felix dataplanes)")
  String base;

  @Option(
      names = "--max-classes",
      paramLabel = "N",
      description =
          "stop (inconclusive) after this many classes (default " + Diff.DEFAULT_MAX_CLASSES + ")")
  int maxClasses = Diff.DEFAULT_MAX_CLASSES;

  @Option(
      names = "--scope",
      paramLabel = "existing|any",
      description =
          "existing: flows between the input's endpoints and outside addresses; any: also endpoints"
              + " that could be deployed (default: existing, or any when the input has no pods or workloads)")
  String scope;

  @Mixin GlobalOptions global = new GlobalOptions();

  @Override
  ExitCode run(Session s, GlobalOptions g) {
    List<Session.Output> outputs = s.outputs(g, DiffReport.FORMATS);
    Scope chosen = s.scope(scope);
    if (maxClasses < 1) {
      s.diagnostics.error(
          s.args.span(Integer.toString(maxClasses)), "`--max-classes` must be at least 1");
    }
    boolean loadable = s.hasInput(g, "the current policy set (a file, a directory or `-`)");
    if (pair(g)) {
      return dataplanes(s, g, outputs, chosen, loadable);
    }
    if (g.calicoVersion != null && g.calicoVersion.contains(":") || base == null) {
      return versions(s, g, outputs, chosen, loadable);
    }
    if (base.isBlank() || base.equals(Session.GIT)) {
      s.diagnostics.error(
          s.args.span(base), "`--base` is empty: give a file or directory, or `git:REF`");
      loadable = false;
    }
    if (!loadable) {
      return s.fail();
    }
    // other argument errors are reported with the inputs' problems, in one run
    CalicoVersion version = s.version(g);
    // the two inputs load in parallel: they are independent and large inputs take seconds
    CompletableFuture<Session.Loaded> current =
        CompletableFuture.supplyAsync(() -> s.load(g, version));
    Optional<Session.Loaded> baseline = s.base(base, g, s.args.span(base));
    s.join(current.join(), true);
    baseline.ifPresent(b -> s.join(b, false)); // its warnings repeat the current input's, mostly
    if (baseline.isEmpty() || s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    return compare(s, g, outputs, chosen, base, baseline.get().input(), current.join().input());
  }

  /**
   * {@code diff --calico-version OLD:NEW}: the input read once and loaded as each release enforces
   * it.
   */
  private ExitCode versions(
      Session s, GlobalOptions g, List<Session.Output> outputs, Scope chosen, boolean loadable) {
    if (base != null) {
      s.diagnostics.error(
          s.args.span(base), "give `--base` or `--calico-version OLD:NEW`, not both");
    }
    if (g.calicoVersion == null || !g.calicoVersion.contains(":")) {
      s.diagnostics.error(
          new dev.tierproof.source.Span(Arguments.FILE, 1, 1),
          "missing `--base PATH|git:REF` (or `--calico-version OLD:NEW` to compare two Calico"
              + " releases)");
      return s.fail();
    }
    Optional<List<CalicoVersion>> two =
        pair(
            s,
            "--calico-version",
            g.calicoVersion,
            s.versionAt(g),
            "3.31:3.32",
            "release",
            s::version);
    return compare(
        s,
        g,
        outputs,
        chosen,
        loadable,
        two,
        "Calico",
        CalicoVersion::label,
        v -> new Session.Enforcement(v, s.dataplane(g)));
  }

  /**
   * The two values of {@code option}'s {@code OLD:NEW} ({@code text}, written at {@code at}), each
   * read by {@code read}; empty when they are not two different valid ones (each problem reported).
   */
  private static <T> Optional<List<T>> pair(
      Session s,
      String option,
      String text,
      dev.tierproof.source.Span at,
      String example,
      String what,
      java.util.function.BiFunction<String, dev.tierproof.source.Span, Optional<T>> read) {
    String[] pair = text.split(":", -1);
    if (pair.length != 2) {
      s.diagnostics.error(
          at,
          "`" + option + "` compares two " + what + "s: write `OLD:NEW`, e.g. `" + example + "`");
      return Optional.empty();
    }
    Optional<T> old = read.apply(pair[0], at);
    Optional<T> now = read.apply(pair[1], at.shift(pair[0].length() + 1));
    if (old.isPresent() && old.equals(now)) {
      s.diagnostics.error(at, "`" + option + " " + text + "` names one " + what + " twice");
    }
    return old.isPresent() && now.isPresent()
        ? Optional.of(List.of(old.get(), now.get()))
        : Optional.empty();
  }

  /**
   * The input read once and loaded as each of {@code two} enforces it ({@code enforced}), diffed
   * and reported, the base named {@code what} and its {@code label}; a failure when any problem was
   * reported (also {@code loadable} false).
   */
  private <T> ExitCode compare(
      Session s,
      GlobalOptions g,
      List<Session.Output> outputs,
      Scope chosen,
      boolean loadable,
      Optional<List<T>> two,
      String what,
      java.util.function.Function<T, String> label,
      java.util.function.Function<T, Session.Enforcement> enforced) {
    if (!loadable || s.diagnostics.hasErrors()) {
      return s.fail();
    }
    T old = two.get().get(0);
    T now = two.get().get(1);
    List<Session.Loaded> loaded = s.loadAs(g, List.of(enforced.apply(old), enforced.apply(now)));
    s.join(loaded.get(1), true);
    s.join(loaded.get(0), false);
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    return compare(
        s,
        g,
        outputs,
        chosen,
        what + " " + label.apply(old) + " (now " + label.apply(now) + ")",
        loaded.get(0).input(),
        loaded.get(1).input());
  }

  /** {@code --dataplane OLD:NEW}. */
  private static boolean pair(GlobalOptions g) {
    return g.dataplane != null && g.dataplane.contains(":");
  }

  @Override
  void dataplane(Session s, GlobalOptions g) {
    if (!pair(g)) {
      s.dataplane(g); // a pair is checked by dataplanes()
    }
  }

  /**
   * {@code diff --dataplane OLD:NEW} (spec S4.6, S6.6, S9.1): the input read once and loaded as
   * each Felix dataplane enforces it, under one Calico release.
   */
  private ExitCode dataplanes(
      Session s, GlobalOptions g, List<Session.Output> outputs, Scope chosen, boolean loadable) {
    if (base != null) {
      s.diagnostics.error(s.args.span(base), "give `--base` or `--dataplane OLD:NEW`, not both");
    }
    Optional<List<Dataplane>> two =
        pair(
            s,
            "--dataplane",
            g.dataplane,
            s.dataplaneAt(g),
            "iptables:bpf",
            "dataplane",
            s::dataplane);
    CalicoVersion version = s.version(g);
    return compare(
        s,
        g,
        outputs,
        chosen,
        loadable,
        two,
        "dataplane",
        Dataplane::label,
        d -> new Session.Enforcement(version, d));
  }

  /** What an element is, without its place: equal for the same element in two inputs. */
  private static java.util.Set<List<Object>> unchanged(List<Unmodelled> elements) {
    java.util.Set<List<Object>> out = new java.util.HashSet<>();
    elements.forEach(u -> out.add(List.of(u.kind(), u.name(), u.reason(), u.reach())));
    return out;
  }

  /** Diffs {@code before} against {@code now} and reports it; {@code label} names the base. */
  private ExitCode compare(
      Session s,
      GlobalOptions g,
      List<Session.Output> outputs,
      Scope chosen,
      String label,
      Input before,
      Input now) {
    Scope in = Scope.orDefault(chosen, now.set());
    DiffResult result =
        Diff.run(before, now, in, g.timeoutOrDefault(), maxClasses, s.progress(g, "diff"));
    // spec S9.4: what either version holds that is not modelled and could act on some flow
    List<Unmodelled> elements =
        new ArrayList<>(
            Relevance.diff(before.unmodelled(), before.set(), in == Scope.ANY, result.classes()));
    Relevance.diff(now.unmodelled(), now.set(), in == Scope.ANY, result.classes()).stream()
        .filter(u -> !elements.contains(u))
        .forEach(elements::add);
    if (result.classes().isEmpty()
        && result.changes().isEmpty()
        && result.notes().isEmpty()
        && unchanged(before.unmodelled()).equals(unchanged(now.unmodelled()))) {
      // the two inputs are alike in everything tierproof reads, the elements it does not model
      // included: no flow's verdict can differ, modelled or not
      elements.clear();
    }
    Caveat caveat = Session.caveat(g, elements);
    DiffResult shown =
        caveat.inconclusive()
            ? result.inconclusive("the input holds what tierproof does not model")
            : result;
    boolean written = s.write(outputs, f -> DiffReport.render(f, label, shown, caveat));
    if (!written) {
      return s.fail();
    }
    if (caveat.inconclusive()) {
      return s.unmodelled(caveat);
    }
    if (!result.classes().isEmpty()) {
      if (result.status() == DiffResult.Status.INCONCLUSIVE) {
        s.err.println(
            "tierproof: inconclusive: " + result.reason() + "; other flows may have changed");
      }
      return ExitCode.VIOLATED;
    }
    if (result.status() == DiffResult.Status.INCONCLUSIVE) {
      s.err.println("tierproof: inconclusive: " + result.reason() + "; nothing is proved");
      return ExitCode.INCONCLUSIVE;
    }
    return ExitCode.OK;
  }
}
