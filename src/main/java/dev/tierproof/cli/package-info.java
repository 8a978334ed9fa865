/**
 * The command line: picocli commands, thin over {@code load}, {@code analysis}, {@code eval} and
 * {@code report}. Implements design.md §2 (commands, options, exit codes); nothing depends on this
 * package.
 *
 * <p>Input: arguments and standard input. Output: reports on stdout or in files ({@code -o
 * FORMAT[=FILE]}), diagnostics on stderr, and an {@link dev.tierproof.cli.ExitCode}: 0 holds or
 * answered, 1 violated, 2 bad input or usage, 3 inconclusive or internal error.
 *
 * <p>Files: {@code Main} (the root command, usage errors, internal failures); {@code Subcommand}
 * (what every command shares: global options joined once, an exit code) and the commands {@code
 * ExplainCommand}, {@code VerifyCommand}, {@code LintCommand}, {@code CheckCommand}, {@code
 * DiffCommand}, {@code CompletionCommand}; {@code Session} (one run: its streams, the
 * configuration, {@code -o}, {@code --fail-on}, {@code --scope}, the one way every command loads
 * its input and a diff's base, resolving SRC and DST, writing reports); {@code GlobalOptions},
 * {@code FlowOptions} and {@code QuestionEnds} (SRC, DST and {@code --destination-ip} of explain
 * and verify) (option mixins); {@code Arguments} (the command line as a source text, so that an
 * argument's problem reads like a file's); {@code ExitCode}; {@code Durations}, {@code
 * TerminalProgress}, {@code Version}. Invariant resolution is {@link
 * dev.tierproof.analysis.InvariantResolver}'s, reading a git revision {@link
 * dev.tierproof.load.GitRevision}'s.
 */
package dev.tierproof.cli;
