package dev.tierproof.cli;

import dev.tierproof.source.Span;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * The {@code tierproof} command line (design.md §2): the commands, usage errors in the diagnostics'
 * style, and any internal failure as exit {@link ExitCode#INCONCLUSIVE} (no stack trace unless
 * {@code TIERPROOF_DEBUG=1}). Returns an {@link ExitCode}'s number.
 */
@Command(
    name = "tierproof",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Proves things about Calico network policy before it reaches a cluster.")
public final class Main implements Callable<Integer> {

  final Session session;

  @Mixin GlobalOptions global = new GlobalOptions();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Main(Session session) {
    this.session = session;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs one command line; returns its exit code. Never throws. */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Session session = new Session(args, in, out, err);
    try {
      Main main = new Main(session);
      CommandLine cl = new CommandLine(main);
      cl.addSubcommand("explain", new ExplainCommand());
      cl.addSubcommand("verify", new VerifyCommand());
      cl.addSubcommand("lint", new LintCommand());
      cl.addSubcommand("check", new CheckCommand());
      cl.addSubcommand("diff", new DiffCommand());
      cl.addSubcommand("map", new MapCommand());
      cl.addSubcommand("completion", new CompletionCommand());
      cl.addSubcommand("help", new CommandLine.HelpCommand());
      formats(cl.getSubcommands().get("lint"), dev.tierproof.report.LintReport.FORMATS);
      formats(cl.getSubcommands().get("check"), dev.tierproof.report.CheckReport.FORMATS);
      formats(cl.getSubcommands().get("diff"), dev.tierproof.report.DiffReport.FORMATS);
      formats(cl.getSubcommands().get("map"), dev.tierproof.report.MapReport.FORMATS);
      cl.setExpandAtFiles(false);
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      cl.setParameterExceptionHandler((e, a) -> usage(session, e));
      cl.setExecutionExceptionHandler((e, c, r) -> internal(session, e));
      return cl.execute(args);
    } catch (RuntimeException
        | Error e) { // spec: exit 3 on any internal failure, Z3's native errors included
      return internal(session, e);
    }
  }

  /** {@code -o}'s help names exactly the formats {@code command} writes. */
  private static void formats(
      CommandLine command, java.util.Set<dev.tierproof.report.Format> formats) {
    picocli.CommandLine.Model.CommandSpec spec = command.getCommandSpec();
    picocli.CommandLine.Model.OptionSpec o = spec.findOption("-o");
    spec.remove(o);
    spec.addOption(
        picocli.CommandLine.Model.OptionSpec.builder(o)
            .description(
                "output format ("
                    + dev.tierproof.report.Format.names(formats)
                    + "), to FILE when given, else stdout; repeatable")
            .build());
  }

  /** No command: with no arguments at all, the usage with every command; else a usage error. */
  @Override
  public Integer call() {
    if (session.args.isEmpty()) {
      spec.commandLine().usage(session.out);
      return ExitCode.OK.code();
    }
    session.diagnostics.error(
        new Span(Arguments.FILE, 1, 1),
        "missing command; use one of `"
            + String.join("`, `", spec.subcommands().keySet())
            + "` (see `tierproof --help`)");
    return session.fail().code();
  }

  /** A picocli usage error, in the diagnostics' style: lowercase, user text in backticks. */
  private static int usage(Session session, ParameterException e) {
    String command = e.getCommandLine().getCommandSpec().qualifiedName();
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      // as kubectl: the first word it did not know, where it stands, and what was probably meant
      String word = u.getUnmatched().get(0);
      List<String> like = u.getSuggestions();
      if (like.isEmpty() && word.startsWith("-")) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        e.getCommandLine()
            .getCommandSpec()
            .options()
            .forEach(o -> names.addAll(List.of(o.names())));
        like =
            dev.tierproof.source.Suggest.closest(
                    word.contains("=") ? word.substring(0, word.indexOf('=')) : word, names)
                .map(List::of)
                .orElse(List.of());
      }
      boolean option = word.startsWith("-");
      boolean sub = !option && !e.getCommandLine().getSubcommands().isEmpty();
      session.diagnostics.error(
          session.args.span(word),
          "unknown "
              + (option ? "option" : sub ? "command" : "argument")
              + " `"
              + word
              + "`"
              + (like.isEmpty()
                  ? ""
                  : "; did you mean `"
                      + String.join("` or `", like.subList(0, Math.min(3, like.size())))
                      + "`?")
              + " (see `"
              + command
              + " --help`)");
      return session.fail().code();
    }
    String message = e.getMessage().replaceAll("'([^']*)'", "`$1`");
    message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    if (message.endsWith(".")) {
      message = message.substring(0, message.length() - 1);
    }
    session.diagnostics.error(
        new Span(Arguments.FILE, 1, 1), message + " (see `" + command + " --help`)");
    return session.fail().code();
  }

  private static int internal(Session session, Throwable e) {
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause(); // a failure in a worker (diff loads its two inputs in parallel)
    }
    if (e instanceof OutOfMemoryError) {
      session.err.println(
          "tierproof: out of memory: the input needs more than the heap allows; raise it with"
              + " JAVA_OPTS=-Xmx8g (or more)");
    } else {
      String m = e.getMessage() != null ? e.getMessage() : "an unexpected failure";
      session.err.println(
          "tierproof: "
              + (m.startsWith("internal error: ") ? m : "internal error: " + m)
              + " (TIERPROOF_DEBUG=1 shows where)");
    }
    if ("1".equals(System.getenv("TIERPROOF_DEBUG"))) {
      e.printStackTrace(session.err);
    }
    session.err.flush();
    return ExitCode.INCONCLUSIVE.code();
  }
}
