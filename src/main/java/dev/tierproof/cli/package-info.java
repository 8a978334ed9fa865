/**
 * The command line: picocli commands, thin over {@code load}, {@code analysis}, {@code eval} and
 * {@code report}.
 *
 * <p>Input: arguments and standard input. Output: reports on stdout or in files ({@code -o
 * FORMAT[=FILE]}), diagnostics on stderr, and the exit code of design.md §2: 0 holds or answered,
 * 1 violated, 2 bad input or usage, 3 inconclusive or internal error. Implements design.md §2
 * (commands, options, exit codes); nothing depends on this package.
 */
package dev.tierproof.cli;
