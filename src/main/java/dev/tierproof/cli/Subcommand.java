package dev.tierproof.cli;

import java.util.concurrent.Callable;

/**
 * A command under {@code tierproof}: its global options joined after those before it and with the
 * configuration's ({@link Session#configured}), run in the session, its {@link ExitCode} returned
 * to picocli as a number.
 */
abstract class Subcommand implements Callable<Integer> {

  final Main main;

  Subcommand(Main main) {
    this.main = main;
  }

  /**
   * This command's level of the global options: a {@code @Mixin} each command declares after its
   * own options, so that completion scripts list them in that order.
   */
  abstract GlobalOptions global();

  @Override
  public final Integer call() {
    Session s = main.session;
    return run(s, s.configured(global().after(main.global))).code();
  }

  /** Runs the command with {@code g}, every level's options and the configuration's joined. */
  abstract ExitCode run(Session s, GlobalOptions g);
}
