package dev.tierproof.cli;

/** The exit codes of design.md §2, the one place they are numbered. */
enum ExitCode {
  /** The claim holds, no finding reaches {@code --fail-on}, or explain answered. */
  OK(0),
  /** The claim is violated, or a finding reaches {@code --fail-on}. */
  VIOLATED(1),
  /** Bad input or usage; every problem is listed on stderr with file:line:col. */
  BAD_INPUT(2),
  /**
   * The solver could not decide, what is not modelled could change the answer, or an internal
   * error.
   */
  INCONCLUSIVE(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }
}
