package dev.tierproof.cli;

import dev.tierproof.source.Progress;
import java.io.PrintStream;

/**
 * Progress on one stderr line of a terminal ({@code tierproof: lint: 120/400 rules}), rewritten in
 * place at most four times a second once a run has taken a second, and erased before anything else
 * is printed ({@link #clear}).
 */
final class TerminalProgress implements Progress {

  private static final long QUIET_NANOS = 1_000_000_000L;
  private static final long EVERY_NANOS = 250_000_000L;

  private final PrintStream err;
  private final String command;
  private final long start;
  private long last;
  private boolean shown;

  TerminalProgress(PrintStream err, String command) {
    this(err, command, System.nanoTime());
  }

  /** Started at {@code start} ({@link System#nanoTime}): tests start it a second ago. */
  TerminalProgress(PrintStream err, String command, long start) {
    this.err = err;
    this.command = command;
    this.start = start;
    this.last = start;
  }

  @Override
  public synchronized void at(String what, int done, int total) {
    long now = System.nanoTime();
    if (now - start < QUIET_NANOS || shown && now - last < EVERY_NANOS && done < total) {
      return;
    }
    last = now;
    shown = true;
    String of =
        total > 0
            ? done + "/" + total + " " + what + " (" + (100L * done / total) + "%)"
            : done + " " + what;
    err.print("\r\033[Ktierproof: " + command + ": " + of);
    err.flush();
  }

  /** Erases the line, if one was shown. */
  synchronized void clear() {
    if (shown) {
      err.print("\r\033[K");
      err.flush();
      shown = false;
    }
  }
}
