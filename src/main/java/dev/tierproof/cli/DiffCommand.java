package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.model.Input;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.analysis.Diff;
import dev.tierproof.analysis.DiffResult;
import dev.tierproof.model.Scope;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.PolicySet;
import dev.tierproof.report.DiffReport;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code diff --base PATH|git:REF}: every flow whose verdict the change from the base to the
 * current input ({@code -f}) newly allows or newly denies, in classes. Exit 0 when no flow
 * changed (proved), 1 when changes are listed, 3 when the search was inconclusive and found none.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Lists every change in behaviour between the base and the current policy set (-f): classes of"
            + " flows newly allowed or newly denied, with a witness and the rules responsible, and"
            + " proves that no other flow changed.",
    footer = {"%nExamples:", "  tierproof -f policies/ diff --base git:origin/main", "  tierproof -f policies/ diff --base git:main --scope any -o markdown=diff.md"})
final class DiffCommand implements Callable<Integer> {

  private static final String GIT = "git:";

  private final Main main;

  @Option(
      names = "--base",
      required = true,
      paramLabel = "PATH|git:REF",
      description = "the base: a file or directory, or git:REF for the -f paths as they are at that commit")
  String base;

  @Option(
      names = "--max-classes",
      paramLabel = "N",
      description = "stop (inconclusive) after this many classes (default " + Diff.DEFAULT_MAX_CLASSES + ")")
  int maxClasses = Diff.DEFAULT_MAX_CLASSES;

  @Option(
      names = "--scope",
      paramLabel = "existing|any",
      description =
          "existing: flows between the input's endpoints and outside addresses; any: also endpoints"
              + " that could be deployed (default: existing, or any when the input has no pods or workloads)")
  String scope;

  @Mixin GlobalOptions global = new GlobalOptions();

  DiffCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() {
    Session s = main.session;
    GlobalOptions g = main.session.configured(global.after(main.global));
    List<Session.Output> outputs = s.outputs(g, DiffReport.FORMATS);
    Scope chosen = s.scope(scope);
    if (maxClasses < 1) {
      s.diagnostics.error(s.args.span(Integer.toString(maxClasses)), "`--max-classes` must be at least 1");
    }
    boolean loadable = true;
    if (g.files.isEmpty()) {
      s.diagnostics.error(
          new Span(Arguments.FILE, 1, 1), "no input; give `-f PATH`: the current policy set (a file, a directory or `-`)");
      loadable = false;
    }
    if (base.isBlank() || base.equals(GIT)) {
      s.diagnostics.error(s.args.span(base), "`--base` is empty: give a file or directory, or `git:REF`");
      loadable = false;
    }
    if (!loadable) {
      return s.fail();
    }
    // other argument errors are reported with the inputs' problems, in one run
    // the two inputs load in parallel: they are independent and large inputs take seconds
    Span required = g.inputSpan(s.args);
    CompletableFuture<Loaded> current = CompletableFuture.supplyAsync(() -> current(g, s.in, required));
    Loaded before = readBase(base, g.files, s, s.args.span(base));
    Loaded now = current.join();
    now.diagnostics.all().forEach(s.diagnostics::add);
    now.sources.forEach(t -> s.diagnostics.source(t.file(), t.text()));
    if (before != null) {
      before.diagnostics.errors().forEach(s.diagnostics::add); // its warnings repeat the current input's, mostly
      before.sources.forEach(t -> s.diagnostics.source(t.file(), t.text()));
    }
    if (before == null || s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    Scope in = Scope.orDefault(chosen, now.set);
    DiffResult result = Diff.run(before.set, now.set, in, g.timeoutOrDefault(), maxClasses, s.progress(g, "diff"));
    // spec S9.4: what either version holds that is not modelled and could act on some flow
    List<Unmodelled> elements = new ArrayList<>(Relevance.anywhere(before.unmodelled, before.set, in == Scope.ANY));
    Relevance.anywhere(now.unmodelled, now.set, in == Scope.ANY).stream().filter(u -> !elements.contains(u)).forEach(elements::add);
    Caveat caveat = Session.caveat(g, elements);
    DiffResult shown = caveat.inconclusive() ? result.inconclusive("the input holds what tierproof does not model") : result;
    boolean written = s.write(outputs, f -> DiffReport.render(f, base, shown, caveat));
    if (!written) {
      return s.fail();
    }
    if (caveat.inconclusive()) {
      return s.unmodelled(caveat);
    }
    if (!result.classes().isEmpty()) {
      if (result.status() == DiffResult.Status.INCONCLUSIVE) {
        s.err.println("tierproof: inconclusive: " + result.reason() + "; other flows may have changed");
      }
      return Main.VIOLATED;
    }
    if (result.status() == DiffResult.Status.INCONCLUSIVE) {
      s.err.println("tierproof: inconclusive: " + result.reason() + "; nothing is proved");
      return Main.INCONCLUSIVE;
    }
    return Main.OK;
  }

  /**
   * A loaded input: its texts, its policy set, what it holds that is not modelled, and what
   * loading reported (kept apart until joined).
   */
  record Loaded(List<SourceText> sources, PolicySet set, List<Unmodelled> unmodelled, Diagnostics diagnostics) {}

  /** The current input ({@code -f}), with diagnostics of its own (it loads beside the base). */
  private static Loaded current(GlobalOptions g, InputStream in, Span required) {
    Diagnostics d = new Diagnostics();
    List<SourceText> sources = Loader.read(g.files, g.excludes, in, d);
    Input input = Loader.input(sources, d, required);
    return new Loaded(sources, input.set(), input.unmodelled(), d);
  }

  /**
   * The base policy set of {@code spec}: a path, or {@code git:REF} (the {@code -f} paths as they
   * are at REF, read with {@code git show} and {@code git ls-tree} in the repository that holds
   * each path). Problems go to the session's diagnostics, located at {@code at} (the {@code
   * --base} argument, an invariant's baseline); null when it cannot be read.
   */
  static Loaded readBase(String spec, List<String> files, Session s, Span at) {
    Diagnostics d = new Diagnostics();
    List<SourceText> sources;
    if (spec.startsWith(GIT)) {
      String ref = spec.substring(GIT.length());
      sources = new ArrayList<>();
      for (String path : files) {
        if (path.equals("-")) {
          d.error(at, "`--base git:" + ref + "` reads the `-f` paths at `" + ref + "`, but standard input has no history; give files or directories");
          continue;
        }
        gitFiles(ref, path, at, d, sources);
      }
    } else {
      // a base that cannot be read is reported where it is named (the argument, the invariant's line)
      Diagnostics reading = new Diagnostics();
      sources = Loader.read(List.of(spec), InputStream.nullInputStream(), reading);
      for (dev.tierproof.source.Diagnostic x : reading.all()) {
        d.add(x.span().file().equals(spec)
            ? new dev.tierproof.source.Diagnostic(x.severity(), at, "`" + spec + "`: " + x.message())
            : x);
      }
    }
    if (d.hasErrors()) {
      d.all().forEach(s.diagnostics::add);
      return null;
    }
    Diagnostics loading = new Diagnostics();
    Input input = Loader.input(sources, loading);
    d.all().forEach(loading::add);
    return new Loaded(sources, input.set(), input.unmodelled(), loading);
  }

  /** The YAML and JSON files of {@code path} (a file or a directory) at {@code ref}. */
  private static void gitFiles(String ref, String path, Span at, Diagnostics d, List<SourceText> out) {
    Path p = Path.of(path).toAbsolutePath().normalize();
    Path dir = Files.isDirectory(p) ? p : p.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      d.error(at, "cannot find the git repository of `" + path + "`: its directory does not exist");
      return;
    }
    Git top = git(dir, "rev-parse", "--show-toplevel");
    if (top.code != 0) {
      d.error(at, "`" + path + "` is not in a git repository" + detail(top));
      return;
    }
    Path root = Path.of(top.out.strip());
    String relative;
    try {
      relative = root.toRealPath().relativize(p.toFile().exists() ? p.toRealPath() : p).toString().replace('\\', '/');
    } catch (IOException | IllegalArgumentException e) {
      d.error(at, "cannot place `" + path + "` in the repository at `" + root + "`");
      return;
    }
    Git commit = git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
    if (commit.code != 0) {
      d.error(at, "`" + ref + "` is not a commit of the repository at `" + root + "`" + detail(commit));
      return;
    }
    String object = relative.isEmpty() ? ref + ":" : ref + ":" + relative;
    Git type = git(root, "cat-file", "-t", object);
    if (type.code != 0) {
      // absent at the base: the whole path is new, so the base has nothing of it
      return;
    }
    List<String> names = new ArrayList<>();
    if (type.out.strip().equals("tree")) {
      Git tree = git(root, "ls-tree", "-r", "--name-only", "-z", ref, "--", relative.isEmpty() ? "." : relative);
      if (tree.code != 0) {
        d.error(at, "cannot list `" + relative + "` at `" + ref + "`" + detail(tree));
        return;
      }
      for (String name : tree.out.split("\u0000")) {
        String inside = relative.isEmpty() ? name : name.substring(Math.min(name.length(), relative.length() + 1));
        boolean hidden = List.of(inside.split("/")).stream().anyMatch(x -> x.startsWith("."));
        if (!name.isEmpty() && !hidden && name.toLowerCase(Locale.ROOT).matches(".*\\.(yaml|yml|json)")) {
          names.add(name);
        }
      }
      names.sort(null);
    } else {
      names.add(relative);
    }
    String shown = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (String name : names) {
      Git show = git(root, "show", ref + ":" + name);
      if (show.code != 0) {
        d.error(at, "cannot read `" + name + "` at `" + ref + "`" + detail(show));
        continue;
      }
      // named like the -f path, so that locations in the base read like the current ones
      String suffix = name.equals(relative) ? "" : name.substring(relative.isEmpty() ? 0 : relative.length());
      String file = ref + ":" + (relative.isEmpty() ? name : shown + suffix);
      out.add(new SourceText(file, show.out.startsWith("\uFEFF") ? show.out.substring(1) : show.out));
    }
  }

  private record Git(int code, String out, String err) {}

  /** Runs the real {@code git} in {@code dir}; code -1 when it cannot be started or times out. */
  private static Git git(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      byte[] out = readAll(p.getInputStream());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Git(-1, "", "git timed out");
      }
      return new Git(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Git(-1, "", "cannot run git: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Git(-1, "", "interrupted");
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String detail(Git g) {
    String e = g.err.strip();
    if (e.isEmpty()) {
      return "";
    }
    String first = e.lines().findFirst().orElse("").replaceFirst("^(fatal|error): ", "");
    return ": " + first;
  }
}
