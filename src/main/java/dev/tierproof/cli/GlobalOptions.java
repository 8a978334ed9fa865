package dev.tierproof.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code [-f PATH]... [-o FORMAT[=FILE]]... [--timeout 30s] [--ignore-unmodelled]}: accepted before the command and
 * after it; the values of every level are joined.
 */
final class GlobalOptions {

  @Option(
      names = "-f",
      paramLabel = "PATH",
      description = "input: a file, a directory (recursively *.yaml, *.yml, *.json) or - for stdin; repeatable")
  List<String> files = new ArrayList<>();

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
      description = "answer as if what the input holds that tierproof does not model were absent (every report says so);"
          + " by default an answer it could change is inconclusive (exit 3)")
  boolean ignoreUnmodelled;

  /** This level's values after {@code outer}'s: lists joined, the inner timeout winning. */
  GlobalOptions after(GlobalOptions outer) {
    GlobalOptions joined = new GlobalOptions();
    joined.files.addAll(outer.files);
    joined.files.addAll(files);
    joined.outputs.addAll(outer.outputs);
    joined.outputs.addAll(outputs);
    joined.timeout = timeout != null ? timeout : outer.timeout;
    joined.ignoreUnmodelled = ignoreUnmodelled || outer.ignoreUnmodelled;
    return joined;
  }

  Duration timeoutOrDefault() {
    return timeout != null ? timeout : Duration.ofSeconds(30);
  }
}
