package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.References.Resolved;
import dev.tierproof.analysis.lint.Kind;
import dev.tierproof.load.GitRevision;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Input;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.report.Format;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.selector.SelectorSyntaxException;
import dev.tierproof.source.Diagnostic;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One run: its streams, its arguments and the steps every command shares. */
final class Session {

  /** One {@code -o}: a format, written to {@code file} or, when null, to stdout. */
  record Output(Format format, String file) {}

  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final Arguments args;
  final Diagnostics diagnostics = new Diagnostics();

  Session(String[] args, InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.args = new Arguments(args);
    this.args.register(diagnostics);
  }

  /**
   * {@code g} with the configuration's defaults ({@code --config}, else the nearest {@code
   * .tierproof.yaml} upward from the working directory): its files when {@code -f} gives none, its
   * outputs when {@code -o} gives none, its excludes and lint settings added. Problems in it are
   * reported with their positions.
   */
  GlobalOptions configured(GlobalOptions g) {
    if ("none".equals(g.config)) {
      return g;
    }
    java.util.Optional<Path> file =
        g.config != null
            ? java.util.Optional.of(Path.of(g.config))
            : dev.tierproof.load.Config.find(Path.of(""));
    if (file.isEmpty()) {
      return g;
    }
    if (g.config != null && !Files.isRegularFile(file.get())) {
      diagnostics.error(args.span(g.config), "no configuration file `" + g.config + "`");
      return g;
    }
    dev.tierproof.load.Config c = dev.tierproof.load.Config.read(file.get(), diagnostics);
    if (g.files.isEmpty()) {
      g.files.addAll(c.files());
    }
    if (g.outputs.isEmpty()) {
      g.outputs.addAll(c.output());
    }
    g.excludes.addAll(c.exclude());
    if (g.calicoVersion == null && c.calicoVersion() != null) {
      g.calicoVersion = c.calicoVersion().value();
      g.calicoVersionAt = c.calicoVersion().valueAt();
    }
    if (g.dataplane == null && c.dataplane() != null) {
      g.dataplane = c.dataplane().value();
      g.dataplaneAt = c.dataplane().valueAt();
    }
    for (dev.tierproof.load.Config.Entry e : c.lint().disable()) {
      lintRule(e).ifPresent(g.lintDisable::add);
    }
    for (dev.tierproof.load.Config.Entry e : c.lint().severity()) {
      java.util.Optional<Severity> grade =
          java.util.Arrays.stream(Severity.values())
              .filter(v -> v.label().equals(e.value()))
              .findFirst();
      if (grade.isEmpty()) {
        diagnostics.error(
            e.valueAt(),
            "`"
                + e.value()
                + "` is not a severity"
                + dev.tierproof.source.Suggest.choice(
                    e.value(), List.of("error", "warning", "note")));
      }
      lintRule(e).ifPresent(k -> grade.ifPresent(v -> g.lintSeverity.put(k, v)));
    }
    return g;
  }

  /** The lint rule a configuration entry names; an unknown one is reported where it is written. */
  private java.util.Optional<Kind> lintRule(dev.tierproof.load.Config.Entry e) {
    java.util.Optional<Kind> k = Kind.of(e.key());
    if (k.isEmpty()) {
      List<String> known = new ArrayList<>();
      for (Kind x : Kind.values()) {
        known.add(x.id());
        known.add(x.ruleName());
      }
      diagnostics.error(
          e.keyAt(),
          "`"
              + e.key()
              + "` is not a lint rule"
              + dev.tierproof.source.Suggest.suffix(
                  e.key(), known, " (rules: TP101-TP106, TP201-TP207, TP900, or their names)"));
    }
    return k;
  }

  /**
   * The Calico release of {@code --calico-version} (or the configuration's), {@link
   * CalicoVersion#DEFAULT} when none; an unknown one is an error where it was written.
   */
  CalicoVersion version(GlobalOptions g) {
    if (version == null) {
      version = chosen(g);
    }
    return version;
  }

  private CalicoVersion version;

  private CalicoVersion chosen(GlobalOptions g) {
    if (g.calicoVersion == null) {
      return CalicoVersion.DEFAULT;
    }
    if (g.calicoVersion.contains(":")) {
      diagnostics.error(
          versionAt(g),
          "`--calico-version "
              + g.calicoVersion
              + "` names two releases: only `diff` compares two (`diff --calico-version OLD:NEW`)");
      return CalicoVersion.DEFAULT;
    }
    return version(g.calicoVersion, versionAt(g)).orElse(CalicoVersion.DEFAULT);
  }

  /** The release {@code text} names; an unknown one is an error at {@code at}. */
  Optional<CalicoVersion> version(String text, Span at) {
    Optional<CalicoVersion> v = CalicoVersion.parse(text);
    if (v.isEmpty()) {
      diagnostics.error(
          at,
          "`"
              + text
              + "` is not a modelled Calico release; use "
              + String.join(
                  ", ", CalicoVersion.labels().stream().map(l -> "`" + l + "`").toList()));
    }
    return v;
  }

  /**
   * The Felix dataplane of {@code --dataplane}, null when none is chosen; an unknown one is an
   * error where it was written.
   */
  Dataplane dataplane(GlobalOptions g) {
    if (g.dataplane == null) {
      return null;
    }
    Optional<Dataplane> d = dataplane(g.dataplane, null);
    if (d.isEmpty() && !dataplaneReported && g.dataplane.contains(":")) {
      dataplaneReported = true;
      diagnostics.error(
          dataplaneAt(g),
          "`--dataplane "
              + g.dataplane
              + "` names two dataplanes: only `diff` compares two (`diff --dataplane OLD:NEW`)");
    } else if (d.isEmpty() && !dataplaneReported) {
      dataplaneReported = true;
      dataplane(g.dataplane, dataplaneAt(g));
    }
    return d.orElse(null);
  }

  /** Where {@code --dataplane} was written: the argument, or the configuration's value. */
  Span dataplaneAt(GlobalOptions g) {
    return g.dataplaneAt != null ? g.dataplaneAt : args.span(g.dataplane);
  }

  /** The dataplane {@code text} names; an unknown one is an error at {@code at} unless null. */
  Optional<Dataplane> dataplane(String text, Span at) {
    Optional<Dataplane> d = Dataplane.parse(text);
    if (d.isEmpty() && at != null) {
      diagnostics.error(
          at,
          "`"
              + text
              + "` is not a Felix dataplane"
              + dev.tierproof.source.Suggest.choice(text, Dataplane.labels()));
    }
    return d;
  }

  private boolean dataplaneReported;

  /** Where {@code --calico-version} was written: the argument, or the configuration's value. */
  Span versionAt(GlobalOptions g) {
    return g.calicoVersionAt != null ? g.calicoVersionAt : args.span(g.calicoVersion);
  }

  /** The {@code -o} list ({@code text} on stdout when empty); unknown formats are reported. */
  List<Output> outputs(GlobalOptions g) {
    return outputs(g, Format.BASIC);
  }

  /**
   * As {@link #outputs(GlobalOptions)} for a command that writes the formats in {@code supported}.
   */
  List<Output> outputs(GlobalOptions g, java.util.Set<Format> supported) {
    List<Output> outputs = new ArrayList<>();
    java.util.Map<String, String> destinations = new java.util.HashMap<>();
    for (String o : g.outputs) {
      int eq = o.indexOf('=');
      String key = eq < 0 ? o : o.substring(0, eq);
      String file = eq < 0 ? null : o.substring(eq + 1);
      Optional<Format> format = Format.parse(key).filter(supported::contains);
      if (format.isEmpty()) {
        diagnostics.error(
            args.span(o),
            "unknown output format `" + key + "`; this command writes " + Format.names(supported));
      } else if (file != null && file.isEmpty()) {
        diagnostics.error(args.span(o), "`-o " + o + "` names no file; write `" + key + "=FILE`");
      } else {
        String to = file == null ? "stdout" : Path.of(file).toAbsolutePath().normalize().toString();
        String before = destinations.putIfAbsent(to, o);
        if (before != null) {
          diagnostics.error(
              args.span(o),
              "`-o "
                  + o
                  + "` writes to "
                  + (file == null ? "standard output" : "`" + file + "`")
                  + " as `-o "
                  + before
                  + "` does: give each report its own destination");
        } else {
          outputs.add(new Output(format.get(), file));
        }
      }
    }
    return outputs.isEmpty() ? List.of(new Output(Format.TEXT, null)) : outputs;
  }

  /** The input and both ends of a question, resolved. */
  record Question(
      PolicySet set, List<Unmodelled> unmodelled, Resolved source, Resolved destination) {}

  /**
   * Parses the references and {@code --destination-ip}, loads the input, resolves both ends; empty
   * when anything reported so far (also by earlier steps of the command) is an error.
   */
  Optional<Question> question(
      GlobalOptions g, String source, String destination, String destinationIp, boolean existing) {
    Span srcAt = args.span(source);
    Span dstAt = args.span(destination, source.equals(destination) ? 1 : 0);
    Optional<EndpointRef> src = reference(source, srcAt);
    Optional<EndpointRef> dst = reference(destination, dstAt);
    Optional<Ip> pinned = Optional.empty();
    if (destinationIp != null) {
      pinned = Ip.parse(destinationIp);
      if (pinned.isEmpty()) {
        diagnostics.error(args.span(destinationIp), "`" + destinationIp + "` is not an IP address");
      }
    }
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    Optional<Loaded> loaded =
        hasInput(g, "a file, a directory or `-` for standard input") ? input(g) : Optional.empty();
    if (loaded.isEmpty()) {
      return Optional.empty();
    }
    PolicySet set = loaded.get().input().set();
    Optional<Resolved> from = References.resolve(src.get(), set, existing, srcAt, diagnostics);
    Optional<Resolved> to = References.resolve(dst.get(), set, existing, dstAt, diagnostics);
    if (to.isPresent() && pinned.isPresent()) {
      to = References.pin(to.get(), pinned.get(), set, args.span(destinationIp), diagnostics);
    }
    return diagnostics.hasErrors()
        ? Optional.empty()
        : Optional.of(new Question(set, loaded.get().input().unmodelled(), from.get(), to.get()));
  }

  private Optional<EndpointRef> reference(String text, Span at) {
    try {
      return Optional.of(EndpointRef.parse(text));
    } catch (SelectorSyntaxException e) {
      diagnostics.error(at.shift(e.offset()), e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether {@code -f} gives an input; when not, an error says what {@code what} it should be. */
  boolean hasInput(GlobalOptions g, String what) {
    if (g.files.isEmpty()) {
      diagnostics.error(new Span(Arguments.FILE, 1, 1), "no input; give `-f PATH`: " + what);
    }
    return !g.files.isEmpty();
  }

  /**
   * One input read and loaded: its texts, its model, and what reading and loading reported, kept
   * apart from the session's diagnostics until {@link #join}ed (a diff loads two inputs at once).
   */
  record Loaded(List<SourceText> sources, Input input, Diagnostics diagnostics) {}

  /**
   * The one way every command reads its input: the {@code -f} paths with {@code --exclude} ({@link
   * Loader#read}), loaded ({@link Loader#input}); no resource at all is an error at the first
   * {@code -f}. Safe to run beside another load.
   */
  Loaded load(GlobalOptions g) {
    return load(g, version(g));
  }

  /** As {@link #load(GlobalOptions)}, as Calico {@code version} enforces the input. */
  Loaded load(GlobalOptions g, CalicoVersion version) {
    Diagnostics d = new Diagnostics();
    List<SourceText> sources = Loader.read(g.files, g.excludes, in, d);
    return new Loaded(
        sources, Loader.input(sources, d, g.inputSpan(args), version, dataplane(g)), d);
  }

  /** A Calico release and a Felix dataplane (null: none chosen) that enforce an input. */
  record Enforcement(CalicoVersion version, Dataplane dataplane) {}

  /**
   * The input read once and loaded as each of {@code enforcements} enforces it (a diff of two
   * Calico releases, or of two dataplanes); what reading reported is in the first.
   */
  List<Loaded> loadAs(GlobalOptions g, List<Enforcement> enforcements) {
    Diagnostics reading = new Diagnostics();
    List<SourceText> sources = Loader.read(g.files, g.excludes, in, reading);
    List<Loaded> out = new ArrayList<>();
    for (Enforcement e : enforcements) {
      Diagnostics d = new Diagnostics();
      if (out.isEmpty()) {
        reading.all().forEach(d::add);
      }
      out.add(
          new Loaded(
              sources, Loader.input(sources, d, g.inputSpan(args), e.version(), e.dataplane()), d));
    }
    return out;
  }

  /**
   * The input of a command whose only argument is {@code -f}: none given is an error; empty when
   * anything reported so far (the command's own options too) is an error.
   */
  Optional<Loaded> inputOnly(GlobalOptions g) {
    hasInput(g, "a file, a directory or `-` for standard input");
    return diagnostics.hasErrors() ? Optional.empty() : input(g);
  }

  /** {@link #load} joined; empty when anything reported so far is an error. */
  Optional<Loaded> input(GlobalOptions g) {
    Loaded loaded = load(g);
    join(loaded, true);
    return diagnostics.hasErrors() ? Optional.empty() : Optional.of(loaded);
  }

  /**
   * Adds what loading reported to the session's diagnostics (only its errors unless {@code all}),
   * its texts for rendering.
   */
  void join(Loaded loaded, boolean all) {
    (all ? loaded.diagnostics().all() : loaded.diagnostics().errors()).forEach(diagnostics::add);
    loaded.sources().forEach(t -> diagnostics.source(t.file(), t.text()));
  }

  /**
   * The input {@code spec} names: a path, or {@code git:REF} for the {@code -f} paths at REF
   * ({@link GitRevision}). A base that cannot be read is reported at {@code at} (the {@code --base}
   * argument, an invariant's baseline) in the session's diagnostics, and is empty; what loading it
   * reported is in the result.
   */
  Optional<Loaded> base(String spec, GlobalOptions g, Span at) {
    Diagnostics d = new Diagnostics();
    List<SourceText> sources;
    if (spec.startsWith(GIT)) {
      sources = GitRevision.read(spec.substring(GIT.length()), g.files, g.excludes, at, d);
    } else {
      Diagnostics reading = new Diagnostics();
      sources = Loader.read(List.of(spec), InputStream.nullInputStream(), reading);
      for (Diagnostic x : reading.all()) {
        d.add(
            x.span().file().equals(spec)
                ? new Diagnostic(x.severity(), at, "`" + spec + "`: " + x.message())
                : x);
      }
    }
    if (d.hasErrors()) {
      d.all().forEach(diagnostics::add);
      return Optional.empty();
    }
    Diagnostics loading = new Diagnostics();
    Input input = Loader.input(sources, loading, null, version(g), dataplane(g));
    d.all().forEach(loading::add);
    return Optional.of(new Loaded(sources, input, loading));
  }

  /** The prefix of a base read from git: {@code git:REF}. */
  static final String GIT = "git:";

  /**
   * The {@code --fail-on} threshold among {@code grades}: null for {@code never}; another value is
   * an error that lists the choices.
   */
  Severity failOn(String text, List<Severity> grades) {
    if (text.equals("never")) {
      return null;
    }
    List<String> choices = new ArrayList<>();
    for (Severity v : grades) {
      if (v.label().equals(text)) {
        return v;
      }
      choices.add("`" + v.label() + "`");
    }
    diagnostics.error(
        args.span(text),
        "`" + text + "` is not a severity; use " + String.join(", ", choices) + " or `never`");
    return null;
  }

  /** The {@code --scope} value (null when not given); an unknown one is an error. */
  Scope scope(String text) {
    if (text == null) {
      return null;
    }
    Scope chosen = Scope.parse(text);
    if (chosen == null) {
      diagnostics.error(args.span(text), "`" + text + "` is not a scope; use `existing` or `any`");
    }
    return chosen;
  }

  /** Prints every diagnostic; exit code 2. */
  ExitCode fail() {
    err.print(colour(diagnostics.render(Diagnostics.Detail.SUMMARY)));
    err.flush();
    return ExitCode.BAD_INPUT;
  }

  /**
   * The caveat of an answer that {@code elements} could change, under {@code --ignore-unmodelled}
   * or not, on the dataplane of {@code --dataplane} and the release of {@code --calico-version}
   * when one was chosen (a diff's {@code OLD:NEW} pair is named by its base instead).
   */
  static Caveat caveat(GlobalOptions g, List<Unmodelled> elements) {
    return new Caveat(
        elements,
        g.ignoreUnmodelled,
        g.dataplane == null ? null : Dataplane.parse(g.dataplane).orElse(null),
        g.calicoVersion == null ? null : CalicoVersion.parse(g.calicoVersion).orElse(null));
  }

  /** The elements of {@code c}, each named once ({@code preDNAT `p` at f:3; ...}). */
  static String names(Caveat c) {
    return String.join("; ", c.elements().stream().map(u -> u.display()).distinct().toList());
  }

  /** Says on stderr why an answer is inconclusive (spec S9.4); exit code 3. */
  ExitCode unmodelled(Caveat c) {
    err.println(
        "tierproof: inconclusive: the input holds what tierproof does not model, and it could change this answer: "
            + names(c)
            + "; nothing is proved (--ignore-unmodelled to ignore it)");
    return ExitCode.INCONCLUSIVE;
  }

  /**
   * The launcher sets {@code tierproof.colour} when standard error is a terminal and {@code
   * NO_COLOR} is unset: then severities are coloured (errors red, warnings yellow, notes cyan).
   */
  private static final boolean COLOUR = Boolean.getBoolean("tierproof.colour");

  private static String colour(String diagnostics) {
    return colour(diagnostics, COLOUR);
  }

  /** {@code diagnostics} with their severities coloured when {@code on}. */
  static String colour(String diagnostics, boolean on) {
    if (!on) {
      return diagnostics;
    }
    return diagnostics
        .replaceAll("(?m)^(\\S.*?): error: ", "$1: \u001b[1;31merror\u001b[0m: ")
        .replaceAll("(?m)^(\\S.*?): warning: ", "$1: \u001b[1;33mwarning\u001b[0m: ")
        .replaceAll("(?m)^(\\S.*?): note: ", "$1: \u001b[1;36mnote\u001b[0m: ");
  }

  /** Prints the warnings and notes collected so far, as much as {@code g} asks for. */
  void warn(GlobalOptions g) {
    err.print(colour(diagnostics.render(g.detail())));
  }

  /**
   * The launcher sets {@code tierproof.terminal} when standard error is a terminal: then long runs
   * show their progress there, unless {@code -q}.
   */
  private static final boolean TERMINAL = Boolean.getBoolean("tierproof.terminal");

  private TerminalProgress progress;

  /** Progress for {@code command} on a terminal's stderr, erased when the report is written. */
  dev.tierproof.source.Progress progress(GlobalOptions g, String command) {
    if (!TERMINAL || g.quiet) {
      return dev.tierproof.source.Progress.NONE;
    }
    progress = new TerminalProgress(err, command);
    return progress;
  }

  /** Writes the report in each output's format; a file that cannot be written is reported. */
  boolean write(List<Output> outputs, Function<Format, String> render) {
    if (progress != null) {
      progress.clear();
    }
    for (Output o : outputs) {
      String text = render.apply(o.format());
      if (o.file() == null) {
        out.print(text);
        continue;
      }
      // encoded as it is written, not into a copy of the whole text (a map's is 100 MB)
      try (java.io.Writer w = Files.newBufferedWriter(Path.of(o.file()), StandardCharsets.UTF_8)) {
        w.write(text);
      } catch (IOException | RuntimeException e) {
        diagnostics.error(
            args.span(o.format().key() + "=" + o.file()),
            "cannot write `" + o.file() + "`: " + e.getMessage());
      }
    }
    out.flush();
    return !diagnostics.hasErrors();
  }
}
