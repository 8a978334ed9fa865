package dev.tierproof.load;

/**
 * One input text and the name diagnostics use for it: the path as given on the command line or as
 * found under a directory, {@code <stdin>} for standard input.
 */
public record SourceText(String file, String text) {}
