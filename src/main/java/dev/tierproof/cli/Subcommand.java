package dev.tierproof.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command under {@code tierproof}: its global options joined after those before it and with the
 * configuration's ({@link Session#configured}), run in the session, its {@link ExitCode} returned
 * to picocli as a number.
 */
abstract class Subcommand implements Callable<Integer> {

  final Main main;

  @Mixin GlobalOptions global = new GlobalOptions();

  Subcommand(Main main) {
    this.main = main;
  }

  @Override
  public final Integer call() {
    Session s = main.session;
    return run(s, s.configured(global.after(main.global))).code();
  }

  /** Runs the command with {@code g}, every level's options and the configuration's joined. */
  abstract ExitCode run(Session s, GlobalOptions g);
}
