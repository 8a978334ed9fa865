package dev.tierproof.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command under {@code tierproof}: run in the root command's session with its global options
 * joined after those before it and with the configuration's ({@link Session#configured}); its
 * {@link ExitCode} goes back to picocli as a number. Each command declares its {@link
 * GlobalOptions} {@code @Mixin} after its own options, so that completion scripts list them in that
 * order.
 */
abstract class Subcommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    Session s = main.session;
    GlobalOptions g = s.configured(level().after(main.global));
    dataplane(s, g); // a bad value is reported with the command's other problems
    return run(s, g).code();
  }

  /** Checks {@code --dataplane} before the command runs ({@link Session#dataplane}). */
  void dataplane(Session s, GlobalOptions g) {
    s.dataplane(g);
  }

  /** Runs the command with {@code g}, every level's options and the configuration's joined. */
  abstract ExitCode run(Session s, GlobalOptions g);

  /** The global options given after this command's name. */
  private GlobalOptions level() {
    return spec.mixins().values().stream()
        .map(CommandSpec::userObject)
        .filter(GlobalOptions.class::isInstance)
        .map(GlobalOptions.class::cast)
        .findFirst()
        .orElseThrow();
  }
}
