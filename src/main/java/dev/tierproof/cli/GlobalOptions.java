package dev.tierproof.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code [-f PATH]... [-o FORMAT[=FILE]]... [--timeout 30s] [--ignore-unmodelled]}: accepted before
 * the command and after it; the values of every level are joined.
 */
final class GlobalOptions {

  @Option(
      names = "-f",
      paramLabel = "PATH",
      description =
          "input: a file, a directory (recursively *.yaml, *.yml, *.json) or - for stdin; repeatable")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "the configuration (default: the nearest .tierproof.yaml in this folder or above; `none` for none)")
  String config;

  /** Lint rules the configuration disables. */
  java.util.Set<dev.tierproof.analysis.lint.Kind> lintDisable =
      java.util.EnumSet.noneOf(dev.tierproof.analysis.lint.Kind.class);

  /** Lint rules the configuration reports at another severity. */
  java.util.Map<dev.tierproof.analysis.lint.Kind, dev.tierproof.source.Severity> lintSeverity =
      new java.util.EnumMap<>(dev.tierproof.analysis.lint.Kind.class);

  @Option(
      names = {"-v", "--verbose"},
      description = "print every warning (default: one line per kind of warning)")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      description = "print errors and the result only")
  boolean quiet;

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      description =
          "skip files under a -f directory whose path (relative to it) or folder matches GLOB, e.g. 'charts/**'; repeatable")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "-o",
      paramLabel = "FORMAT[=FILE]",
      description = "output format (text, json), to FILE when given, else stdout; repeatable")
  List<String> outputs = new ArrayList<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "solver timeout, e.g. 500ms, 30s, 2m (default 30s)")
  Duration timeout;

  @Option(
      names = "--ignore-unmodelled",
      description =
          "answer as if what the input holds that tierproof does not model were absent (every report says so);"
              + " by default an answer it could change is inconclusive (exit 3)")
  boolean ignoreUnmodelled;

  @Option(
      names = "--calico-version",
      paramLabel = "VERSION",
      description =
          "the Calico release whose enforcement is modelled: 3.29, 3.30, 3.31 or 3.32 (default 3.32);"
              + " diff also takes OLD:NEW to compare the input under two releases")
  String calicoVersion;

  @Option(
      names = "--dataplane",
      paramLabel = "DATAPLANE",
      description =
          "the Felix dataplane that enforces the input: iptables, nftables or bpf (default: none;"
              + " what the dataplanes disagree on is then unmodelled); diff also takes OLD:NEW")
  String dataplane;

  /** Where {@link #dataplane} came from when the configuration set it, else null. */
  dev.tierproof.source.Span dataplaneAt;

  /** Where {@link #calicoVersion} came from when the configuration set it, else null. */
  dev.tierproof.source.Span calicoVersionAt;

  /** This level's values after {@code outer}'s: lists joined, the inner timeout winning. */
  GlobalOptions after(GlobalOptions outer) {
    GlobalOptions joined = new GlobalOptions();
    joined.files.addAll(outer.files);
    joined.files.addAll(files);
    joined.excludes.addAll(outer.excludes);
    joined.verbose = verbose || outer.verbose;
    joined.config = config != null ? config : outer.config;
    joined.quiet = quiet || outer.quiet;
    joined.excludes.addAll(excludes);
    joined.outputs.addAll(outer.outputs);
    joined.outputs.addAll(outputs);
    joined.timeout = timeout != null ? timeout : outer.timeout;
    joined.ignoreUnmodelled = ignoreUnmodelled || outer.ignoreUnmodelled;
    joined.calicoVersion = calicoVersion != null ? calicoVersion : outer.calicoVersion;
    joined.dataplane = dataplane != null ? dataplane : outer.dataplane;
    return joined;
  }

  /** Where an input without any resource is reported: the first {@code -f} argument. */
  dev.tierproof.source.Span inputSpan(Arguments args) {
    return files.isEmpty()
        ? new dev.tierproof.source.Span(Arguments.FILE, 1, 1)
        : args.span(files.get(0));
  }

  /** How much of the diagnostics is printed. */
  dev.tierproof.source.Diagnostics.Detail detail() {
    return quiet
        ? dev.tierproof.source.Diagnostics.Detail.QUIET
        : verbose
            ? dev.tierproof.source.Diagnostics.Detail.FULL
            : dev.tierproof.source.Diagnostics.Detail.SUMMARY;
  }

  Duration timeoutOrDefault() {
    return timeout != null ? timeout : Duration.ofSeconds(30);
  }
}
